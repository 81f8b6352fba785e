/**
 * Our Kafka client: producer, consumer and admin client on our wire codec, for any Kafka-compatible
 * broker (ours, Apache Kafka, Redpanda). Config objects use the Java client's keys and defaults.
 * See client/CLIENT-API.md for the public API and README.md for examples.
 */
export { KafkaProducer, type ProducerRecord, type RecordMetadata, type Partitioner } from './producer/index.js';
export { KafkaConsumer, type ConsumerRecord, type ConsumerBatch, type TopicPartition } from './consumer/index.js';
export { AdminClient } from './admin/index.js';
export { KafkaCluster } from './cluster/kafka-cluster.js';
export { ConnectionError } from './network/broker-connection.js';
export { ConfigError, type ClientProperties } from './config.js';
export { KafkaTsError, KafkaProtocolError } from './errors.js';
