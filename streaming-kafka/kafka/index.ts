/** The Kafka integrations: Direct (spark-streaming-kafka-0-10: KafkaUtils.createDirectStream, OffsetRange, HasOffsetRanges) and Receiver (spark-streaming-kafka-0-8: KafkaUtils.createStream, KafkaReceiver, ReliableKafkaReceiver). */
export { KafkaUtils } from './kafka-utils.js';
export { DirectKafkaInputDStream, type OffsetRangeTuple } from './direct-kafka-input-dstream.js';
export { OffsetRange, hasOffsetRanges, offsetRangesOf, tpKey, type HasOffsetRanges, type TopicPartition } from './offset-range.js';
export { KafkaBatchData } from './kafka-batch-data.js';
export { ConsumerStrategies, LocationStrategies, type ConsumerStrategy, type LocationStrategy, type KafkaParams } from './consumer-strategies.js';
export { maxMessagesPerPartition } from './rate-limits.js';
export { RangeReader } from './range-reader.js';
export { KafkaInputDStream } from './kafka-input-dstream.js';
export { KafkaReceiver, ReliableKafkaReceiver, type KafkaPair, type KafkaBlockMetadata, type KafkaBlockRange, type ReceiverKafkaParams } from './kafka-receiver.js';
