import { describe } from './consumer-errors';

export interface RetryOptions {
  /** Attempts before giving up (default 8). */
  maxAttempts?: number;
  /** First delay (default 200 ms), doubled per attempt up to 30 s. */
  retryDelayMs?: number;
  log(line: string): void;
  /** Checked after each pause: true stops retrying (the consumer is stopping). */
  stopped(): boolean;
  /** Lets stop() cut a pause short. */
  onPause?(cancel: () => void): void;
  /** Runs during each pause, e.g. a Kafka heartbeat. */
  whilePaused?(): Promise<void>;
}

export type Retried<T> = { ok: true; value: T } | { ok: false; error?: unknown };

/** Runs work until it succeeds, the attempts run out (`error` set) or the consumer stops (no error). */
export async function retrying<T>(work: () => Promise<T>, options: RetryOptions): Promise<Retried<T>> {
  const max = options.maxAttempts ?? 8;
  for (let attempt = 1, delay = options.retryDelayMs ?? 200; ; attempt++, delay = Math.min(delay * 2, 30_000)) {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      if (attempt >= max) return { ok: false, error };
      options.log(`batch failed (attempt ${attempt} of ${max}), retrying in ${delay} ms: ${describe(error)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        options.onPause?.(() => (clearTimeout(timer), resolve()));
      });
      await options.whilePaused?.().catch(() => undefined);
      if (options.stopped()) return { ok: false };
    }
  }
}
