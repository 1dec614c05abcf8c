import type { ConsumerConfig, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { TopicProjection } from './apply-messages';
import type { ConsumerSql } from './consumer-sql';
import type { RejectedMessage } from './consumer-tables';

export interface ProjectionConsumerOptions {
  kafka: Kafka;
  /** The agency whose topic (`samhandling.<agency>.v1`) is read. */
  agency: string;
  /** The database the projection lives in: a `pg` Pool, or a SqlClient (pg or PGlite). */
  sql: ConsumerSql | Pool;
  projection: TopicProjection;
  /** Schema of the consumer's own tables (offsets, processed ids, rejected messages). Default `public`. */
  schema?: string;
  /** Default `<agency>.<projection name>`, under the group prefix an agency's ACL grants. */
  groupId?: string;
  /** Passed to the kafkajs consumer, e.g. a shorter `sessionTimeout` so a crashed member is replaced sooner. */
  consumer?: Omit<ConsumerConfig, 'groupId' | 'allowAutoTopicCreation'>;
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
  readonly topic: string;
  readonly groupId: string;
  readonly stats: Readonly<ConsumerStats>;
  /** Settles when the consumer has stopped: resolves after stop(), rejects with the error that stopped it. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}
