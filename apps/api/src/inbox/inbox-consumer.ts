import type { PipeTransform } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaJSError, type Consumer, type EachMessagePayload, type Kafka, type KafkaMessage } from 'kafkajs';
import { notFound } from '@samhandling/domain';
import { errorSummary, isStoreOutage } from '@samhandling/event-store';
import { deadLetterTopic, ensureTopics, inboxAgency, inboxTopic } from '@samhandling/messaging';
import type { CommandResult } from '../platform/commands/handle-command';
import { describeError, type ErrorBody } from '../platform/http/error.filter';
import { DeadLetterWriter, type DeadLetter } from './dead-letter';
import { withCorrelation } from '../platform/observability/logging';
import type { BusMessage } from './inbox-commands';
import { envelopeIds, parseInboxMessage, toBusMessage, type EnvelopeIds } from './inbox-message';
import { isVisibleToken } from '../platform/http/visible-token';

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
  /**
   * Back-off between attempts at one message. While the store is away (see isStoreOutage) or the
   * dead-letter topic cannot be written, a message is retried without limit; one that fails
   * `maxAttempts` times (default 5) for any other reason is dead-lettered, so that it does not
   * hold up the messages behind it on its partition.
   */
  retry?: { initialMs?: number; maxMs?: number; maxAttempts?: number };
  onOutcome?(outcome: InboxOutcome): void;
}

/**
 * What HTTP would answer with a 4xx: the message can never succeed as it is, so it is
 * dead-lettered at once. Anything else — the database away, writers racing past the retry
 * budget, a value the database refuses, a bug — is retried, and the offset stays where it is.
 */
export function refusalOf(error: unknown): ErrorBody | undefined {
  const body = describeError(error);
  if (!body || body.statusCode >= 500 || body.error === 'STORE.WRONG_EXPECTED_REVISION') return undefined;
  return body;
}

/** The dead letter of a message that kept failing for a reason other than an outage. */
export function unprocessable(attempts: number): ErrorBody {
  return {
    statusCode: 500,
    error: 'INBOX.NOT_PROCESSED',
    message: `The message failed ${attempts} times, and not because the database was away; it was not stored`,
  };
}

type Decision = { outcome: InboxOutcome; letter?: DeadLetter };

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
      await consumer.run({ autoCommit: false, eachMessage: (payload) => {
        const ids = envelopeIds(payload.message.value);
        return withCorrelation(messageCorrelation(payload, ids), () => this.handle(payload, ids.id));
      } });
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

  private async handle({ topic, partition, message, heartbeat }: EachMessagePayload, messageId: string | undefined): Promise<void> {
    const initial = this.options.retry?.initialMs ?? 200;
    const max = this.options.retry?.maxMs ?? 10_000;
    const maxAttempts = this.options.retry?.maxAttempts ?? 5;
    const at = `${topic}[${partition}]@${message.offset}`;
    let decision: Decision | undefined;
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        // Once decided, only the dead letter's write is retried: its reason stays the first one.
        decision ??= await this.decide(topic, partition, message, messageId);
        if (decision.letter) await this.deadLetters.write(decision.letter);
        break;
      } catch (error) {
        const delay = Math.min(max, initial * 2 ** (attempt - 1));
        const outage = decision !== undefined || isStoreOutage(error);
        if (!outage) failures++;
        if (!outage && failures >= maxAttempts) {
          decision = this.poisoned(topic, partition, message, messageId, error, failures);
          if (decision) continue;
        }
        if (!this.stopping.signal.aborted) {
          const why = decision ? 'the dead-letter topic cannot be written' : outage ? 'the store is unavailable' : `failure ${failures} of ${maxAttempts} before the dead-letter topic`;
          this.options.logger.warn(`${at} not processed (${errorSummary(error)}), ${why}; attempt ${attempt}, again in ${delay} ms`);
          await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        }
        // Thrown, not returned: kafkajs must not count the message as consumed. Retriable, so that
        // kafkajs, which is stopping, exits quietly instead of reporting a crash.
        if (this.stopping.signal.aborted) throw new KafkaJSError('the inbox is stopping; the message stays uncommitted', { retriable: true });
        await heartbeat();
      }
    }
    const { outcome, letter } = decision;
    if (letter?.attempts) this.options.logger.error(`${at} dead-lettered after ${letter.attempts} attempts: ${letter.cause}`);
    // Code and status only: a refusal's message can quote the command.
    else if (letter) this.options.logger.warn(`${at} dead-lettered: ${letter.error.error} (${letter.error.statusCode})`);
    await this.consumer!.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    this.options.onOutcome?.(outcome);
  }

  /** Appends, or decides to dead-letter a refusal; throws when the message could not be decided. */
  private async decide(topic: string, partition: number, message: KafkaMessage, messageId: string | undefined): Promise<Decision> {
    const agency = inboxAgency(topic);
    const where = { topic, partition, offset: message.offset, agency, messageId };
    try {
      if (!agency || !this.options.agencies.includes(agency)) throw notFound('AGENCY.NOT_FOUND', `${topic} is not the inbox of an agency in the directory`);
      const parsed = await parseInboxMessage(message.value, this.options.validation);
      const result = await this.options.execute(toBusMessage(parsed, agency));
      return { outcome: { ...where, outcome: result.replayed ? 'replayed' : 'appended' } };
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || !agency) throw error;
      return { outcome: { ...where, outcome: 'dead-lettered', error: refusal }, letter: { agency, topic, partition, original: message, messageId, error: refusal } };
    }
  }

  /** The dead letter of a poison message; undefined when its topic names no agency to send it to. */
  private poisoned(topic: string, partition: number, message: KafkaMessage, messageId: string | undefined, error: unknown, attempts: number): Decision | undefined {
    const agency = inboxAgency(topic);
    if (!agency) return undefined;
    const body = unprocessable(attempts);
    return {
      outcome: { topic, partition, offset: message.offset, agency, messageId, outcome: 'dead-lettered', error: body },
      letter: { agency, topic, partition, original: message, messageId, error: body, attempts, cause: errorSummary(error) },
    };
  }
}

/**
 * The correlation id of an inbox message's log lines: the one its events carry (envelope
 * `correlationId`, else `id`), else its x-correlation-id header, else where it sits.
 */
function messageCorrelation({ topic, partition, message }: EachMessagePayload, ids: EnvelopeIds): string {
  const header = message.headers?.['x-correlation-id']?.toString();
  return ids.correlationId ?? ids.id ?? (isVisibleToken(header) ? header : `${topic}/${partition}/${message.offset}`);
}
