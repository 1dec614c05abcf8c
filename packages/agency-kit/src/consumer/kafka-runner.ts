import type { Consumer, EachBatchPayload } from 'kafkajs';
import { agencyTopic } from '../contract';
import { errorSummary, inSchema, type ConsumerSql } from '../sql';
import { applyMessages } from './apply-messages';
import type { ConsumerTables } from './consumer-tables';
import { transient } from './consumer-errors';
import type { KafkaSource, ProjectionConsumer, ProjectionConsumerOptions } from './projection-consumer.types';
import { RunnerBase } from './runner-base';

/**
 * The Kafka consumer runProjectionConsumer starts, once its tables are set up: one kafkajs consumer
 * at a time (a fresh one after an outage), each batch applied in a transaction, retried, then resolved.
 */
export class KafkaRunner extends RunnerBase implements ProjectionConsumer {
  readonly topic: string;
  readonly groupId: string;
  private consumer!: Consumer;
  private connecting?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  /** Next offset per partition as last committed; reloaded on every assignment. */
  private positions: Promise<Map<number, number>> = Promise.resolve(new Map());

  constructor(options: ProjectionConsumerOptions, private readonly source: KafkaSource, sql: ConsumerSql, tables: ConsumerTables) {
    super(options, sql, tables);
    this.topic = agencyTopic(source.agency);
    this.groupId = source.groupId ?? `${source.agency}.${options.projection.name}`;
  }

  /** Connects a fresh kafkajs consumer; a start that fails (no broker, no topic) throws. */
  start(): Promise<void> {
    this.connecting = this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const consumer = this.source.kafka.consumer({ ...this.source.consumer, groupId: this.groupId, allowAutoTopicCreation: false });
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

  protected close(): Promise<void> {
    return this.consumer.disconnect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    await this.consumer.disconnect();
    this.resolveDone();
    await this.done.catch(() => undefined);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition, messages } = batch;
    if (messages.length === 0 || this.failure !== undefined || this.stopping) return;
    const positions = await this.positions;
    if (isStale()) return; // fetched before the seek to the stored offset took effect
    const first = Number(messages[0].offset);
    if (first > (positions.get(partition) ?? 0)) {
      this.log(`${this.topic}/${partition}: offsets ${positions.get(partition) ?? 0}..${first - 1} are no longer on the broker and were never applied; rebuildProjection replays them from the feed`);
    }
    const { projection } = this.options;
    const outcome = await this.withRetries(
      () => inSchema(this.sql, this.tables.schema, (tx) => applyMessages(tx, this.tables, projection, this.topic, partition, messages)),
      () => isRunning() && !isStale(), heartbeat);
    if (!outcome) return;
    positions.set(partition, outcome.nextOffset);
    this.count(outcome);
    resolveOffset(messages[messages.length - 1].offset);
    await heartbeat().catch(() => undefined);
  }
}
