/**
 * The producer: KafkaProducer and its parts by Kafka's names (Partitioner, RecordAccumulator,
 * ProducerBatch, BufferPool, Sender, TransactionManager), its config and errors.
 */
export { KafkaProducer, type ProducerRecord, type RecordMetadata, type PartitionInfo } from './kafka-producer.js';
export { partitionForKey, StickyPartitionCache, type Partitioner } from './partitioner.js';
export { murmur2, toPositive, MURMUR2_SEED } from './murmur2.js';
export { producerConfig, type ProducerConfig } from './producer-config.js';
export { RecordAccumulator, type PartitionQueue, type DrainResult, type DrainOptions } from './record-accumulator.js';
export { ProducerBatch, estimateRecordSize, type BatchResult } from './producer-batch.js';
export { BufferPool } from './buffer-pool.js';
export { Sender, type SenderStats } from './sender.js';
export { TransactionManager } from './transaction-manager.js';
export { TimeoutError, BufferExhaustedError, ProducerClosedError } from './errors.js';
