import type { EventStore, RecordedEvent } from './event-store.port';

export interface SubscribeOptions {
  /** Start after this global position (a checkpoint); 0 replays the whole log. */
  from: number;
  /**
   * Called with each batch in log order; the next batch waits until it resolves. While a full
   * batch is handled (catching up), the one after it is already being read.
   */
  handle(events: RecordedEvent[]): Promise<void>;
  batchSize?: number;
  /** Fallback wake-up when no append notification arrives (another process appended). */
  pollIntervalMs?: number;
  /** Called when `handle` or a read fails; the same batch is retried after a back-off. */
  onError?(error: unknown): void;
}

export interface Subscription {
  /** Position of the last event handled. */
  readonly position: number;
  /** Resolves once every event up to `position` has been handled. */
  reached(position: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Catch-up subscription over the global log: reads from the checkpoint, hands batches over in
 * order, then waits for the store's append notifications (or polls). A failed batch is retried
 * from the same position, so handlers see every event at least once and never out of order.
 */
export function subscribeToAll(store: EventStore, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  let position = options.from;
  let running = true;
  let wake: (() => void) | undefined;
  let dirty = true;
  const waiters: Array<{ position: number; resolve: () => void }> = [];

  const off = store.onAppended(() => {
    dirty = true;
    wake?.();
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => { wake = undefined; resolve(); }, ms);
      wake = () => { clearTimeout(timer); wake = undefined; resolve(); };
    });
  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].position <= position) waiters.splice(i, 1)[0].resolve();
    }
  };

  const loop = (async () => {
    let backoff = 50;
    let ahead: Promise<RecordedEvent[]> | undefined;
    while (running) {
      try {
        dirty = false;
        const events = await (ahead ?? store.readAll({ after: position, limit: batchSize }));
        ahead = undefined;
        if (events.length > 0) {
          const last = events[events.length - 1].position;
          // A full batch means more is waiting (catching up): read it while this one is handled.
          // Dropped unread if the handler fails, so the retry reads from the same position.
          if (events.length === batchSize) {
            ahead = store.readAll({ after: last, limit: batchSize });
            ahead.catch(() => undefined);
          }
          try {
            await options.handle(events);
          } catch (error) {
            ahead = undefined;
            throw error;
          }
          position = last;
          settleWaiters();
          backoff = 50;
          continue;
        }
        if (!dirty && running) await sleep(pollIntervalMs);
      } catch (error) {
        options.onError?.(error);
        if (running) await sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  })();

  return {
    get position() {
      return position;
    },
    reached(target: number) {
      if (target <= position) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ position: target, resolve }));
    },
    async stop() {
      running = false;
      off();
      wake?.();
      await loop;
    },
  };
}
