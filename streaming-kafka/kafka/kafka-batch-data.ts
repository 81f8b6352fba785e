import type { ConsumerRecord } from '../../client/index.js';
import { BatchData } from '../rdd/batch-data.js';
import type { HasOffsetRanges, OffsetRange } from './offset-range.js';

/**
 * Spark's `KafkaRDD`: one partition per offset range (per Kafka partition), holding exactly the
 * records of `[fromOffset, untilOffset)`; implements HasOffsetRanges.
 */
export class KafkaBatchData extends BatchData<ConsumerRecord> implements HasOffsetRanges {
  constructor(
    partitions: ConsumerRecord[][],
    readonly offsetRanges: OffsetRange[],
  ) {
    super(partitions);
  }
}
