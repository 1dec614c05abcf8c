import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { errorSummary, type EventStore } from '@samhandling/event-store';
import { EVENT_STORE } from '../store/store.module';

/** Seconds a client is asked to wait before retrying while the database is away. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export interface OutageLogger {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * Turns a database outage into two log lines instead of one stack trace per request: one when the
 * first request fails for the outage, one when the store answers again, with how many requests
 * were answered 503 meanwhile. The end is found by asking the store itself (one read a second,
 * only during an outage): a request that succeeds proves nothing, as some reads need no store.
 */
@Injectable()
export class StoreOutageMonitor implements OnApplicationShutdown {
  private since?: number;
  private refused = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(EVENT_STORE) private readonly store: Pick<EventStore, 'readAll'>,
    @Optional() private readonly logger: OutageLogger = new Logger('Store'),
    @Optional() private readonly probeMs: number = 1000,
  ) {}

  get down(): boolean {
    return this.since !== undefined;
  }

  /** A request failed because the store is away. */
  failed(error: unknown): void {
    this.refused++;
    if (this.since !== undefined) return;
    this.since = Date.now();
    this.logger.warn(`Event store unavailable (${errorSummary(error)}); answering 503 until it is back`);
    this.probeLater();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private probeLater(): void {
    this.timer = setTimeout(() => void this.probe(), this.probeMs);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    try {
      await this.store.readAll({ after: 0, limit: 1 });
    } catch {
      if (this.timer) this.probeLater();
      return;
    }
    const seconds = Math.round((Date.now() - (this.since ?? Date.now())) / 1000);
    this.logger.log(`Event store available again after ${seconds} s; ${this.refused} request(s) were answered 503`);
    this.since = undefined;
    this.refused = 0;
    this.timer = undefined;
  }
}
