import type { ConsumerSql } from '../sql';
import type { BatchOutcome } from './apply-messages';
import type { ConsumerTables } from './consumer-tables';
import { describe } from './consumer-errors';
import { retrying } from './retry';
import type { ConsumerStats, ProjectionConsumerOptions } from './projection-consumer.types';

/** What the Kafka and the feed consumer share: stats, logging, retries of a batch, and how they stop. */
export abstract class RunnerBase {
  readonly stats: ConsumerStats = { batches: 0, applied: 0, duplicates: 0, replayed: 0, rejected: 0 };
  readonly done: Promise<void>;
  protected readonly log: (line: string) => void;
  protected stopping = false;
  protected failure?: unknown;
  protected wake: () => void = () => undefined;
  private settle!: { resolve(): void; reject(e: unknown): void };

  constructor(protected readonly options: ProjectionConsumerOptions, protected readonly sql: ConsumerSql, protected readonly tables: ConsumerTables) {
    const name = options.projection.name;
    this.log = options.log ?? ((line) => process.stderr.write(`[consumer ${name}] ${line}\n`));
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined); // a caller that never awaits `done` must not see an unhandled rejection
  }

  /** Retries a batch; a batch that keeps failing stops the consumer. */
  protected async withRetries(work: () => Promise<BatchOutcome | undefined>, current: () => boolean, heartbeat?: () => Promise<void>): Promise<BatchOutcome | undefined> {
    const result = await retrying(work, {
      maxAttempts: this.options.maxAttempts, retryDelayMs: this.options.retryDelayMs, log: this.log,
      stopped: () => this.stopping || !current(), onPause: (cancel) => (this.wake = cancel), whilePaused: heartbeat,
    });
    if (result.ok) return result.value;
    if (result.error !== undefined) this.fail(result.error);
    return undefined;
  }

  protected count(outcome: BatchOutcome): void {
    this.stats.batches++;
    this.stats.applied += outcome.applied;
    this.stats.duplicates += outcome.duplicates;
    this.stats.replayed += outcome.replayed;
    this.stats.rejected += outcome.rejected.length;
    for (const r of outcome.rejected) {
      this.log(`rejected ${r.topic}/${r.partition}@${r.offset}: ${r.reason} (kept in ${this.tables.rejected})`);
      this.options.onRejected?.(r);
    }
  }

  protected resolveDone(): void {
    if (this.failure === undefined) this.settle.resolve();
  }

  /** Lets go of the source (disconnects, aborts a poll); waits for the batch in hand. */
  protected abstract close(): Promise<void>;

  /** Stops the consumer for good; `done` rejects with the error. Closing waits for the batch in hand, so it runs later. */
  protected fail(error: unknown): void {
    if (this.failure !== undefined || this.stopping) return;
    this.failure = error;
    this.log(`stopped: ${describe(error)}`);
    setImmediate(() => void this.close().catch(() => undefined).finally(() => this.settle.reject(error)));
  }
}
