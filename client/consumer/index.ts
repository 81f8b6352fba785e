/**
 * The consumer: KafkaConsumer and its parts (SubscriptionState, Fetcher, OffsetFetcher,
 * ConsumerCoordinator, assignors, the consumer protocol codec, errors).
 */
export { KafkaConsumer, type KafkaConsumerOptions } from './kafka-consumer.js';
export type { ConsumerRecord, ConsumerBatch } from './fetcher.js';
export { Fetcher } from './fetcher.js';
export { SubscriptionState, tpKey, type TopicPartition, type TopicPartitionState, type SubscriptionType } from './subscription-state.js';
export { ConsumerCoordinator, type ConsumerRebalanceListener, type OffsetAndMetadata } from './consumer-coordinator.js';
export { OffsetFetcher, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type OffsetAndTimestamp } from './offset-fetcher.js';
export { RangeAssignor, RoundRobinAssignor, assignorsFor, type ConsumerPartitionAssignor, type MemberSubscription } from './assignors.js';
export { consumerConfig, type ConsumerConfig, type OffsetResetStrategy } from './consumer-config.js';
export { CONSUMER_PROTOCOL_TYPE, encodeSubscription, decodeSubscription, encodeAssignment, decodeAssignment, type Subscription, type Assignment, type TopicPartitions } from './consumer-protocol.js';
export { NoOffsetForPartitionError, CommitFailedError, ConsumerClosedError } from './errors.js';
