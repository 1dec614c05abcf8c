export * from './event-store.port';
export * from './errors';
export { SqlEventStore, newEventId, type SqlEventStoreOptions } from './sql/sql-event-store';
export { PgSqlClient } from './sql/pg.client';
export { PgliteSqlClient } from './sql/pglite.client';
export { checkSchemaName, type SqlClient, type SqlExecutor } from './sql/sql-client';
export { subscribeToAll, type Subscription, type SubscribeOptions } from './subscription';
export { SqlCheckpointStore, type CheckpointStore } from './sql/checkpoint-store';
export { openEventStore, type StoreConfig } from './open-store';
