/**
 * Kafka 0.8's high-level consumer group on the coordination store (issue 7, the Receiver-based Kafka
 * input): {@link ZookeeperConsumerConnector} with its {@link KafkaStream}s, the ZooKeeper layout
 * (ZKGroupDirs), subscriptions (TopicCount), the range assignor, the config and the errors.
 * See the README section "Receiver consumer group".
 */
export { ZookeeperConsumerConnector, type ConnectorOptions, type ConnectorStats, type ConnectorEvents, type PartitionOffset } from './zookeeper-consumer-connector.js';
export { KafkaStream, type MessageAndMetadata, type FetchedDataChunk } from './kafka-stream.js';
export type { ConsumerRebalanceListener, OwnedPartition } from './consumer-rebalance-listener.js';
export { ConsumerConfig, generateConsumerUuid, type ConsumerProperties, type AutoOffsetReset } from './consumer-config.js';
export { TopicCount, consumerThreadId, STATIC_PATTERN } from './topic-count.js';
export { rangeAssign, consumersPerTopic, type PartitionAssignment } from './range-assignor.js';
export {
  CONSUMERS_PATH,
  ZKGroupDirs,
  ZKGroupTopicDirs,
  makeSurePersistentPathExists,
  createParentPath,
  updatePersistentPath,
  createEphemeralPathExpectConflict,
  readDataMaybeNull,
  deletePath,
  readOffset,
  writeOffset,
} from './zk-group-dirs.js';
export {
  InvalidConfigException,
  MessageStreamsExistException,
  ConsumerRebalanceFailedException,
  ConsumerSessionExpiredException,
  ConsumerIdExistsException,
  ConsumerShutdownException,
  ZkConnectTimeoutException,
} from './errors.js';
