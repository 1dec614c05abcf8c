export { runProjectionConsumer, type ProjectionConsumer, type ProjectionConsumerOptions, type ConsumerStats } from './projection-consumer';
export { ApplyFailed, type TopicProjection, type MessageSource } from './apply-messages';
export { poolSql, type ConsumerSql } from './consumer-sql';
export { parseDeliveredEvent, domainType, type ParsedMessage } from './envelope';
export type { RejectedMessage } from './consumer-tables';
