/** The Direct Kafka integration (Spark's spark-streaming-kafka-0-10): KafkaUtils.createDirectStream, OffsetRange, HasOffsetRanges. */
export { KafkaUtils } from './kafka-utils.js';
export { DirectKafkaInputDStream, type OffsetRangeTuple } from './direct-kafka-input-dstream.js';
export { OffsetRange, hasOffsetRanges, offsetRangesOf, tpKey, type HasOffsetRanges, type TopicPartition } from './offset-range.js';
export { KafkaBatchData } from './kafka-batch-data.js';
export { ConsumerStrategies, LocationStrategies, type ConsumerStrategy, type LocationStrategy, type KafkaParams } from './consumer-strategies.js';
export { maxMessagesPerPartition } from './rate-limits.js';
export { RangeReader } from './range-reader.js';
