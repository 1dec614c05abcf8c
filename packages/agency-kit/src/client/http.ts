import { errorFor } from './errors';

/** A bearer token, or a function giving the current one (called per request, so it may refresh). */
export type TokenSource = string | (() => string | Promise<string>);

export interface HttpOptions {
  /** The backbone's base URL, e.g. `https://samhandling.example.no` or `http://127.0.0.1:3000`. */
  url: string;
  token: TokenSource;
  /** Tries per request while the backbone answers 503 or 429 (default 5); other answers are not retried. */
  maxAttempts?: number;
  /** First backoff delay (default 200 ms), doubled per try up to 10 s; a Retry-After header wins. */
  retryDelayMs?: number;
  /** Default: the global fetch of Node 20. */
  fetch?: typeof fetch;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

const RETRIED = new Set([429, 503]);

/** Sends one request, retrying with backoff on 503 and 429 only; any other non-2xx answer throws its typed error. */
export async function request<T>(options: HttpOptions, method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<HttpAnswer<T>> {
  const send = options.fetch ?? fetch;
  const max = options.maxAttempts ?? 5;
  for (let attempt = 1, delay = options.retryDelayMs ?? 200; ; attempt++, delay = Math.min(delay * 2, 10_000)) {
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    const response = await send(new URL(path, options.url), {
      method,
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch { /* not JSON: kept as text */ }
    if (response.ok) return { status: response.status, body: body as T, headers: response.headers };
    if (!RETRIED.has(response.status) || attempt >= max) throw errorFor(response.status, body);
    await pause(retryAfterMs(response.headers.get('retry-after')) ?? delay, init.signal);
  }
}

/** Retry-After in seconds or as an HTTP date, capped at a minute. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 60_000) : undefined;
}

export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
