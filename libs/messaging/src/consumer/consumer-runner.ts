import type { Consumer, EachBatchPayload } from 'kafkajs';
import { errorSummary } from '@samhandling/event-store';
import { agencyTopic } from '../topics';
import { applyMessages, type BatchOutcome } from './apply-messages';
import type { ConsumerSql } from './consumer-sql';
import type { ConsumerTables } from './consumer-tables';
import { describe, transient } from './consumer-errors';
import type { ConsumerStats, ProjectionConsumer, ProjectionConsumerOptions } from './projection-consumer.types';

/**
 * The consumer runProjectionConsumer starts, once its tables are set up: one kafkajs consumer at a
 * time (a fresh one after an outage), each batch applied in a transaction, retried, then resolved.
 */
export class Runner implements ProjectionConsumer {
  readonly topic: string;
  readonly groupId: string;
  readonly stats: ConsumerStats = { batches: 0, applied: 0, duplicates: 0, replayed: 0, rejected: 0 };
  readonly done: Promise<void>;
  private consumer!: Consumer;
  private connecting?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly log: (line: string) => void;
  /** Next offset per partition as last committed; reloaded on every assignment. */
  private positions: Promise<Map<number, number>> = Promise.resolve(new Map());
  private stopping = false;
  private failure?: unknown;
  private wake: () => void = () => undefined;
  private settle!: { resolve(): void; reject(e: unknown): void };

  constructor(private readonly options: ProjectionConsumerOptions, private readonly sql: ConsumerSql, private readonly tables: ConsumerTables) {
    this.topic = agencyTopic(options.agency);
    this.groupId = options.groupId ?? `${options.agency}.${options.projection.name}`;
    const name = options.projection.name;
    this.log = options.log ?? ((line) => process.stderr.write(`[consumer ${name}] ${line}\n`));
    this.done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined); // a caller that never awaits `done` must not see an unhandled rejection
  }

  /** Connects a fresh kafkajs consumer; a start that fails (no broker, no topic) throws. */
  start(): Promise<void> {
    this.connecting = this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const consumer = this.options.kafka.consumer({ ...this.options.consumer, groupId: this.groupId, allowAutoTopicCreation: false });
    this.consumer = consumer;
    const { GROUP_JOIN, CRASH } = consumer.events;
    // Every assignment starts where the database says, even with nothing new to fetch (a rebuilt projection).
    consumer.on(GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[this.topic] ?? [];
      this.positions = this.tables.positions(this.sql, this.options.projection.name, this.topic).then((positions) => {
        for (const partition of assigned) consumer.seek({ topic: this.topic, partition, offset: String(positions.get(partition) ?? 0) });
        return positions;
      });
      this.positions.catch((error) => this.log(`could not read the stored offsets: ${errorSummary(error)}`));
    });
    consumer.on(CRASH, ({ payload }) => {
      if (consumer !== this.consumer || this.stopping || this.failure !== undefined) return;
      if (payload.restart) this.log(`consumer restarts after: ${errorSummary(payload.error)}`);
      else if (transient(payload.error)) this.reconnect(payload.error, 1_000);
      else this.fail(payload.error);
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      throw new Error(`Topic ${this.topic} does not exist (yet): the relay creates the agency topics when it starts, or operations create them`);
    }
    await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: (payload) => this.eachBatch(payload) });
  }

  /** kafkajs gives up on some outages (no group coordinator while a broker restarts); the consumer keeps trying. */
  private reconnect(error: unknown, delay: number): void {
    this.log(`Kafka unavailable (${errorSummary(error)}); reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.connecting = this.consumer.disconnect().catch(() => undefined).then(() => this.connect());
      this.connecting.catch((e: unknown) => {
        if (this.stopping) return;
        if (transient(e)) this.reconnect(e, Math.min(delay * 2, 30_000));
        else this.fail(e);
      });
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    await this.consumer.disconnect();
    if (this.failure === undefined) this.settle.resolve();
    await this.done.catch(() => undefined);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition, messages } = batch;
    if (messages.length === 0 || this.failure !== undefined || this.stopping) return;
    const positions = await this.positions;
    if (isStale()) return; // fetched before the seek to the stored offset took effect
    const first = Number(messages[0].offset);
    if (first > (positions.get(partition) ?? 0)) {
      this.log(`${this.topic}/${partition}: offsets ${positions.get(partition) ?? 0}..${first - 1} are no longer on the broker and were never applied`);
    }
    const outcome = await this.withRetries(() => this.sql.transaction((tx) => applyMessages(tx, this.tables, this.options.projection, this.topic, partition, messages)), heartbeat, () => isRunning() && !isStale());
    if (!outcome) return;
    positions.set(partition, outcome.nextOffset);
    this.count(outcome);
    resolveOffset(messages[messages.length - 1].offset);
    await heartbeat().catch(() => undefined);
  }

  private async withRetries(work: () => Promise<BatchOutcome>, heartbeat: () => Promise<void>, current: () => boolean): Promise<BatchOutcome | undefined> {
    const max = this.options.maxAttempts ?? 8;
    for (let attempt = 1, delay = this.options.retryDelayMs ?? 200; ; attempt++, delay = Math.min(delay * 2, 30_000)) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= max) {
          this.fail(error);
          return undefined;
        }
        this.log(`batch failed (attempt ${attempt} of ${max}), retrying in ${delay} ms: ${describe(error)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => (clearTimeout(timer), resolve());
        });
        await heartbeat().catch(() => undefined);
        if (this.stopping || !current()) return undefined;
      }
    }
  }

  private count(outcome: BatchOutcome): void {
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

  /** Stops the consumer for good; `done` rejects with the error. Disconnecting waits for the batch in hand, so it runs later. */
  private fail(error: unknown): void {
    if (this.failure !== undefined || this.stopping) return;
    this.failure = error;
    this.log(`stopped: ${describe(error)}`);
    setImmediate(() => void this.consumer.disconnect().catch(() => undefined).finally(() => this.settle.reject(error)));
  }
}
