import type { BatchData } from '../rdd/batch-data.js';

/** A Kafka topic partition. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** `topic-partition`, the key form used in maps (as Kafka's TopicPartition.toString). */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/**
 * Spark's `OffsetRange` (kafka010/OffsetRange.scala): the records of one topic partition read by
 * one batch, `fromOffset` inclusive, `untilOffset` exclusive. Checkpointed as the tuple
 * `[topic, partition, fromOffset, untilOffset]`.
 */
export class OffsetRange {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** First offset read (inclusive). */
    readonly fromOffset: number,
    /** Offset after the last one read (exclusive). */
    readonly untilOffset: number,
  ) {}

  /** Spark's `OffsetRange.create(topic, partition, from, until)`. */
  static create(topic: string, partition: number, fromOffset: number, untilOffset: number): OffsetRange {
    return new OffsetRange(topic, partition, fromOffset, untilOffset);
  }
  /** From the checkpointed tuple form. */
  static fromTuple(t: [string, number, number, number]): OffsetRange {
    return new OffsetRange(t[0], t[1], t[2], t[3]);
  }
  /** Number of offsets covered: `untilOffset - fromOffset`. */
  count(): number {
    return this.untilOffset - this.fromOffset;
  }
  topicPartition(): TopicPartition {
    return { topic: this.topic, partition: this.partition };
  }
  /** `[topic, partition, fromOffset, untilOffset]`. */
  toTuple(): [string, number, number, number] {
    return [this.topic, this.partition, this.fromOffset, this.untilOffset];
  }
  /** Plain JSON object `{topic, partition, fromOffset, untilOffset}`. */
  toJSON(): { topic: string; partition: number; fromOffset: number; untilOffset: number } {
    return { topic: this.topic, partition: this.partition, fromOffset: this.fromOffset, untilOffset: this.untilOffset };
  }
  /** Spark's text: `OffsetRange(topic: 'T', partition: P, range: [F -> U])`. */
  toString(): string {
    return `OffsetRange(topic: '${this.topic}', partition: ${this.partition}, range: [${this.fromOffset} -> ${this.untilOffset}])`;
  }
}

/**
 * Spark's `HasOffsetRanges`: implemented by the batches a Direct Kafka stream produces (only those:
 * a batch derived by map/filter/... has lost them, as in Spark, where the cast "will only succeed
 * if it is done in the first method called on the stream").
 */
export interface HasOffsetRanges {
  readonly offsetRanges: OffsetRange[];
}

/** Type guard for HasOffsetRanges. */
export function hasOffsetRanges(x: unknown): x is HasOffsetRanges {
  return typeof x === 'object' && x !== null && Array.isArray((x as HasOffsetRanges).offsetRanges);
}

/**
 * The offset ranges of a batch produced directly by a Direct Kafka stream.
 * Errors: TypeError (Spark's ClassCastException) "<class> cannot be cast to HasOffsetRanges" otherwise.
 */
export function offsetRangesOf(data: BatchData<unknown>): OffsetRange[] {
  if (!hasOffsetRanges(data)) throw new TypeError(`${data?.constructor?.name ?? typeof data} cannot be cast to HasOffsetRanges`);
  return data.offsetRanges;
}
