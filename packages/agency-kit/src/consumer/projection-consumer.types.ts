import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { HttpOptions } from '../client/http';
import type { ConsumerSql, PoolLike } from '../sql';
import type { TopicProjection } from './apply-messages';
import type { RejectedMessage } from './consumer-tables';

/** The agency's Kafka topic `samhandling.<agency>.v1`, read by a consumer group. */
export interface KafkaSource {
  kind: 'kafka';
  kafka: Kafka;
  /** The agency whose topic is read. */
  agency: string;
  /** Default `<agency>.<projection name>`, under the group prefix an agency's ACL grants. */
  groupId?: string;
  /** Passed to the kafkajs consumer, e.g. a shorter `sessionTimeout` so a crashed member is replaced sooner. */
  consumer?: Omit<ConsumerConfig, 'groupId' | 'allowAutoTopicCreation'>;
}

/** The backbone's HTTP feed (`GET /feed`) of the token's agency, long-polled. */
export interface FeedSource extends HttpOptions {
  kind: 'feed';
  /** Events per page (default 200, at most 500). */
  pageSize?: number;
  /** Seconds each long poll waits for a delivery (default 20, at most 30). */
  waitSeconds?: number;
}

export type ConsumerSource = KafkaSource | FeedSource;

export interface ProjectionConsumerOptions {
  /** Where the events come from: the agency topic or the HTTP feed. Both give the same events; dedupe is by event id. */
  source: ConsumerSource;
  /** The database the projection lives in: a `pg` Pool, or a ConsumerSql (pg or PGlite). */
  sql: ConsumerSql | PoolLike;
  projection: TopicProjection;
  /**
   * Schema of the projection's tables and the consumer's own (offsets, processed ids, rejected
   * messages); first on the search_path of every transaction. Default `public`; rebuildProjection
   * needs a schema of the projection's own.
   */
  schema?: string;
  /** Attempts per batch before the consumer stops (default 8; delays double from 200 ms up to 30 s). */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Log lines (default: stderr). They carry ids, offsets and counts — never event data. */
  log?(line: string): void;
  onRejected?(message: RejectedMessage): void;
}

export interface ConsumerStats {
  batches: number;
  applied: number;
  duplicates: number;
  replayed: number;
  rejected: number;
}

export interface ProjectionConsumer {
  /** The topic read, or `feed`. */
  readonly topic: string;
  /** The Kafka consumer group, or for the feed the projection's name. */
  readonly groupId: string;
  readonly stats: Readonly<ConsumerStats>;
  /** Settles when the consumer has stopped: resolves after stop(), rejects with the error that stopped it. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}
