import { Partitioners, type IHeaders, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { deadLetterTopic } from '@samhandling/messaging';
import type { ErrorBody } from '../platform/http/error.filter';

/** Header names of a dead letter; the value is the original message's bytes, unchanged. */
export const DLQ_HEADERS = {
  code: 'samhandling-error-code',
  message: 'samhandling-error-message',
  status: 'samhandling-error-status',
  details: 'samhandling-error-details',
  cause: 'samhandling-error-cause',
  attempts: 'samhandling-attempts',
  topic: 'samhandling-original-topic',
  partition: 'samhandling-original-partition',
  offset: 'samhandling-original-offset',
  messageId: 'samhandling-message-id',
  agency: 'samhandling-agency',
} as const;

export interface DeadLetter {
  /** The inbox topic's owner; the dead letter goes to its DLQ topic. */
  agency: string;
  topic: string;
  partition: number;
  original: KafkaMessage;
  messageId?: string;
  error: ErrorBody;
  /** For a message that kept failing: how often it was tried, and why it failed the last time. */
  attempts?: number;
  cause?: string;
}

/**
 * A refused message as its agency's system will read it: the original key, value and headers,
 * plus what HTTP would have answered (code, message, status, field errors) and where it came from;
 * for a message that kept failing, also how often it was tried and the last failure's cause.
 */
export function deadLetterMessage(letter: DeadLetter): Message {
  const { original, error } = letter;
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(original.headers ?? {})) if (value !== undefined) headers[name] = value;
  Object.assign(headers, {
    [DLQ_HEADERS.code]: error.error,
    [DLQ_HEADERS.message]: error.message,
    [DLQ_HEADERS.status]: String(error.statusCode),
    [DLQ_HEADERS.topic]: letter.topic,
    [DLQ_HEADERS.partition]: String(letter.partition),
    [DLQ_HEADERS.offset]: original.offset,
    [DLQ_HEADERS.agency]: letter.agency,
    ...(error.details !== undefined ? { [DLQ_HEADERS.details]: JSON.stringify(error.details) } : {}),
    ...(letter.messageId ? { [DLQ_HEADERS.messageId]: letter.messageId } : {}),
    ...(letter.attempts !== undefined ? { [DLQ_HEADERS.attempts]: String(letter.attempts) } : {}),
    ...(letter.cause !== undefined ? { [DLQ_HEADERS.cause]: letter.cause } : {}),
  });
  return { key: original.key, value: original.value, headers };
}

/** Writes dead letters with acks from all in-sync replicas; only then may the inbox offset move. */
export class DeadLetterWriter {
  private producer?: Producer;

  constructor(private readonly kafka: Kafka) {}

  async write(letter: DeadLetter): Promise<void> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producer = producer;
    }
    try {
      await this.producer.send({ topic: deadLetterTopic(letter.agency), acks: -1, messages: [deadLetterMessage(letter)] });
    } catch (error) {
      // A fresh producer next time: the failed one may hold a broken connection or sequence state.
      await this.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }
}
