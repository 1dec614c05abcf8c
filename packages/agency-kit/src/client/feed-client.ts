import { request, type HttpOptions } from './http';

/** A page of the calling agency's feed (`GET /feed`). */
export interface FeedPage {
  /** The cursor the page was read after. */
  after: number;
  /** CloudEvents as the agency topic carries them; check them with parseDeliveredEvent before trusting their shape. */
  events: unknown[];
  /** Pass as `after` to read on. */
  nextCursor: number;
  /** The cursor of the agency's newest delivery: caught up when nextCursor reaches it. */
  head: number;
}

export interface FeedReadOptions {
  /** Events per page, 1–500 (default 200). */
  limit?: number;
  /** Seconds to wait for a delivery when there is none yet, 0–30 (default 0). */
  waitSeconds?: number;
  signal?: AbortSignal;
}

/**
 * The HTTP feed of the token's agency: every delivery the relay made to it, oldest first, kept for
 * good, so reading from 0 replays the agency's whole entitled history whatever Kafka retention says.
 */
export class FeedClient {
  constructor(private readonly options: HttpOptions) {}

  async read(after: number, options: FeedReadOptions = {}): Promise<FeedPage> {
    const query = new URLSearchParams({ after: String(after), limit: String(options.limit ?? 200), wait: String(options.waitSeconds ?? 0) });
    const { body } = await request<{ events: unknown[]; nextCursor: number; head?: number }>(this.options, 'GET', `/feed?${query}`, { signal: options.signal });
    if (!Array.isArray(body?.events) || !Number.isSafeInteger(body.nextCursor)) throw new Error('GET /feed answered something other than a feed page');
    return { after, events: body.events, nextCursor: body.nextCursor, head: Math.max(body.head ?? body.nextCursor, body.nextCursor) };
  }
}
