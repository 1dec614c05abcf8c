export * from './contract';
export * from './consumer';
export { rebuildProjection, type RebuildOptions, type RebuildResult, type RebuildProgress } from './rebuild';
export { CommandClient, type CommandType, type CommandData, type CommandOptions, type CommandResult } from './client/command-client';
export { InboxClient, type InboxSendOptions } from './client/inbox-client';
export { FeedClient, type FeedPage, type FeedReadOptions } from './client/feed-client';
export type { HttpOptions, TokenSource } from './client/http';
export * from './client/errors';
export { poolSql, type ConsumerSql, type SqlExecutor, type PoolLike } from './sql';
