import type { DisclosureChannel, DisclosureLog } from '@samhandling/audit';
import type { SqlEventStore } from '@samhandling/event-store';
import type { AgencyRef, LegalBasisCatalog } from '@samhandling/policy';
import type { BatchPlan } from './batch-plan';
import type { FeedStore } from './feed-store';
import type { DeliverySink } from './kafka-sink';
import type { RelayLock } from './relay-lock';
import type { RelayPolicyStore } from './relay-policy-state';
import type { Partition } from './partitions';

export interface RelayOptions {
  store: SqlEventStore;
  catalog: LegalBasisCatalog;
  /** The agency directory: every agency is a possible recipient. */
  agencies: readonly AgencyRef[];
  disclosureLog: DisclosureLog;
  feed: FeedStore;
  /** Beyond the feed, which is always written. */
  sinks?: DeliverySink[];
  /** Channel named in disclosure records; 'kafka' when a Kafka sink is given, else 'feed'. */
  channel?: DisclosureChannel;
  checkpointName?: string;
  /**
   * Deliver one partition of the log only (partitions.ts): the events of the people whose id
   * hashes to it, with a checkpoint and policy state of its own (`<checkpointName>:p<index>/<count>`).
   * Unset: the whole log. Which instance runs which partition is PartitionLeases' business.
   */
  partition?: Partition;
  batchSize?: number;
  lock?: RelayLock;
  log?: (message: string) => void;
  /** Batches in hand at once (decided, recorded, delivering); 1 runs them strictly one after another. */
  inFlight?: number;
  /** Where the policy states persist with the checkpoint; unset: created (if missing) in the store's schema. */
  policyState?: RelayPolicyStore;
  /** People's policy states kept in memory (least recently used go first; default 10,000): bounds the relay's memory, not its correctness. */
  cachedSubjects?: number;
  /** Referral routes kept in memory (default 50,000); one not held is read from its referral's stream. */
  cachedRoutes?: number;
  /** After each batch's checkpoint is stored (tests, benchmarks, metrics). */
  onBatch?: (plan: BatchPlan) => void;
}
