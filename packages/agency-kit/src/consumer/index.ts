export { runProjectionConsumer, type ProjectionConsumer, type ProjectionConsumerOptions, type ConsumerStats, type ConsumerSource, type KafkaSource, type FeedSource } from './projection-consumer';
export { ApplyFailed, type TopicProjection, type ProjectionContext, type MessagePosition } from './apply-messages';
export { parseDeliveredEvent, domainType, domainTypeOf, type ParsedMessage } from './envelope';
export type { RejectedMessage } from './consumer-tables';
