export { Relay, type RelayOptions } from './relay';
export { FeedStore, type Delivery, type FeedPage } from './feed-store';
export { feedMigration } from './feed.migration';
export { KafkaSink, type DeliverySink, type KafkaSinkOptions } from './kafka-sink';
export { PgRelayLock, type RelayLock, type PgRelayLockOptions } from './relay-lock';
export { pushDisclosureId, type BatchPlan } from './batch-plan';
export { PUSH_PURPOSES } from './recipients';
export { relayLag } from './relay-lag';
export { RelayPolicyStore, relayPolicyStateMigration } from './relay-policy-state';
