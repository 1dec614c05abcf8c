import type { PipeTransform } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaJSError, type Consumer, type EachMessagePayload, type Kafka, type KafkaMessage } from 'kafkajs';
import { notFound } from '@samhandling/domain';
import { errorSummary } from '@samhandling/event-store';
import { deadLetterTopic, ensureTopics, inboxAgency, inboxTopic } from '@samhandling/messaging';
import type { CommandResult } from '../commands/handle-command';
import { describeError, type ErrorBody } from '../http/error.filter';
import { DeadLetterWriter } from './dead-letter';
import type { BusMessage } from './inbox-commands';
import { messageIdOf, parseInboxMessage, toBusMessage } from './inbox-message';

export interface InboxOutcome {
  topic: string;
  partition: number;
  offset: string;
  agency?: string;
  messageId?: string;
  outcome: 'appended' | 'replayed' | 'dead-lettered';
  /** For dead letters: what HTTP would have answered. */
  error?: ErrorBody;
}

export interface InboxLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface InboxConsumerOptions {
  kafka: Kafka;
  /** Agencies whose inboxes are consumed: the directory, so the topic names its sender. */
  agencies: readonly string[];
  groupId: string;
  /** The HTTP API's ValidationPipe: a message is validated exactly as its HTTP twin. */
  validation: PipeTransform;
  /** Dispatches on the command bus, to the handlers HTTP uses. */
  execute(message: BusMessage): Promise<CommandResult>;
  logger: InboxLogger;
  partitions?: number;
  replicationFactor?: number;
  /** Back-off while a message fails for a transient reason (database or broker away). */
  retry?: { initialMs?: number; maxMs?: number };
  onOutcome?(outcome: InboxOutcome): void;
}

/**
 * What HTTP would answer with a 4xx: the message can never succeed as it is, so it is
 * dead-lettered. Anything else — the database or broker away, writers racing past the retry
 * budget, a bug — is retried, and the offset stays where it is: such a message is not lost.
 */
export function refusalOf(error: unknown): ErrorBody | undefined {
  const body = describeError(error);
  if (!body || body.statusCode >= 500 || body.error === 'STORE.WRONG_EXPECTED_REVISION') return undefined;
  return body;
}

/**
 * Consumes `samhandling.inbox.<agency>.v1` for every agency: each message becomes the command its
 * HTTP twin would dispatch, on behalf of the topic's agency (broker ACLs let an agency write only
 * its own inbox). A message's offset is committed only after its append, or its dead letter,
 * succeeded; partitions are consumed one message at a time, so one person's commands keep order.
 */
export class InboxConsumer {
  private consumer?: Consumer;
  private readonly deadLetters: DeadLetterWriter;
  private readonly stopping = new AbortController();

  constructor(private readonly options: InboxConsumerOptions) {
    this.deadLetters = new DeadLetterWriter(options.kafka);
  }

  get topics(): string[] {
    return this.options.agencies.map(inboxTopic);
  }

  async start(): Promise<void> {
    const { kafka, agencies, groupId } = this.options;
    await ensureTopics(kafka, [...this.topics, ...agencies.map(deadLetterTopic)], {
      partitions: this.options.partitions, replicationFactor: this.options.replicationFactor,
    });
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.options.logger.error(`inbox consumer crashed (${errorSummary(payload.error)}); restart: ${payload.restart}`));
    this.consumer = consumer;
    try {
      await consumer.connect();
      // A new deployment's group starts at the beginning: a command published before it ran is not skipped.
      await consumer.subscribe({ topics: this.topics, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: (payload) => this.handle(payload) });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer?.disconnect();
    await this.deadLetters.close();
  }

  private async handle({ topic, partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    const initial = this.options.retry?.initialMs ?? 200;
    const max = this.options.retry?.maxMs ?? 10_000;
    let outcome: InboxOutcome;
    for (let attempt = 1; ; attempt++) {
      try {
        outcome = await this.process(topic, partition, message);
        break;
      } catch (error) {
        const delay = Math.min(max, initial * 2 ** (attempt - 1));
        if (!this.stopping.signal.aborted) {
          this.options.logger.warn(`${topic}[${partition}]@${message.offset} not processed (${errorSummary(error)}); attempt ${attempt}, again in ${delay} ms`);
          await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        }
        // Thrown, not returned: kafkajs must not count the message as consumed. Retriable, so that
        // kafkajs, which is stopping, exits quietly instead of reporting a crash.
        if (this.stopping.signal.aborted) throw new KafkaJSError('the inbox is stopping; the message stays uncommitted', { retriable: true });
        await heartbeat();
      }
    }
    await this.consumer!.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    this.options.onOutcome?.(outcome);
  }

  /** Appends, or dead-letters a refusal; throws (to be retried) when neither could be done. */
  private async process(topic: string, partition: number, message: KafkaMessage): Promise<InboxOutcome> {
    const agency = inboxAgency(topic);
    const messageId = messageIdOf(message.value);
    const where = { topic, partition, offset: message.offset, agency, messageId };
    try {
      if (!agency || !this.options.agencies.includes(agency)) throw notFound('AGENCY.NOT_FOUND', `${topic} is not the inbox of an agency in the directory`);
      const parsed = await parseInboxMessage(message.value, this.options.validation);
      const result = await this.options.execute(toBusMessage(parsed, agency));
      return { ...where, outcome: result.replayed ? 'replayed' : 'appended' };
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || !agency) throw error;
      await this.deadLetters.write({ agency, topic, partition, original: message, messageId, error: refusal });
      // Code and status only: a refusal's message can quote the command.
      this.options.logger.warn(`${topic}[${partition}]@${message.offset} dead-lettered: ${refusal.error} (${refusal.statusCode})`);
      return { ...where, outcome: 'dead-lettered', error: refusal };
    }
  }
}
