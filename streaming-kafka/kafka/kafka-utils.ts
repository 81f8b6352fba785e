import type { StreamingContext } from '../context/streaming-context.js';
import type { ConsumerStrategy, LocationStrategy } from './consumer-strategies.js';
import { DirectKafkaInputDStream } from './direct-kafka-input-dstream.js';

/**
 * Spark's `KafkaUtils` (kafka010/KafkaUtils.scala).
 */
export const KafkaUtils = {
  /**
   * Spark's `createDirectStream(ssc, locationStrategy, consumerStrategy)`: a Direct Kafka stream
   * of ConsumerRecords; each batch reads exactly its offset ranges (see DirectKafkaInputDStream).
   */
  createDirectStream(ssc: StreamingContext, options: { locationStrategy?: LocationStrategy; consumerStrategy: ConsumerStrategy }): DirectKafkaInputDStream {
    return new DirectKafkaInputDStream(ssc, options.consumerStrategy);
  },
};
