import type { TopicPartition } from './offset-range.js';

/** Kafka consumer properties (the Java client's dotted keys), as our client takes them. */
export type KafkaParams = Record<string, string | number | boolean>;

/**
 * Spark's `ConsumerStrategies.Assign(topicPartitions, kafkaParams, offsets)`: read exactly these
 * partitions; starting offsets from `offsets` (first start), else the group's committed offset or
 * `auto.offset.reset`.
 */
export interface AssignStrategy {
  kind: 'Assign';
  partitions: TopicPartition[];
  kafkaParams: KafkaParams;
  /** Starting offsets by `topic-partition`. */
  offsets: Map<string, number>;
}

/**
 * Spark's `ConsumerStrategies.Subscribe(topics, kafkaParams, offsets)` / `SubscribePattern(pattern, ...)`:
 * the driver consumer joins the group `group.id` (required) and the stream reads the partitions the
 * group assigns to it — new partitions are picked up (starting at the committed offset or
 * `auto.offset.reset`); partitions revoked by a rebalance fail the batch with Spark's message.
 */
export interface SubscribeStrategy {
  kind: 'Subscribe';
  topics: string[] | RegExp;
  kafkaParams: KafkaParams;
  offsets: Map<string, number>;
}

export type ConsumerStrategy = AssignStrategy | SubscribeStrategy;

function offsetMap(offsets: Map<string, number> | { topic: string; partition: number; offset: number }[]): Map<string, number> {
  return offsets instanceof Map ? new Map(offsets) : new Map(offsets.map((o) => [`${o.topic}-${o.partition}`, o.offset]));
}

/** Spark's `ConsumerStrategies` factory. */
export const ConsumerStrategies = {
  /** Spark's `Assign(topicPartitions, kafkaParams, offsets = {})`; offsets keyed by `topic-partition` or given as [{topic, partition, offset}]. */
  Assign(
    partitions: TopicPartition[],
    kafkaParams: KafkaParams,
    offsets: Map<string, number> | { topic: string; partition: number; offset: number }[] = new Map(),
  ): AssignStrategy {
    return { kind: 'Assign', partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition })), kafkaParams: { ...kafkaParams }, offsets: offsetMap(offsets) };
  },
  /** Spark's `Subscribe(topics, kafkaParams, offsets = {})`. */
  Subscribe(topics: string[], kafkaParams: KafkaParams, offsets: Map<string, number> | { topic: string; partition: number; offset: number }[] = new Map()): SubscribeStrategy {
    return { kind: 'Subscribe', topics: [...topics], kafkaParams: { ...kafkaParams }, offsets: offsetMap(offsets) };
  },
  /** Spark's `SubscribePattern(pattern, kafkaParams, offsets = {})`. */
  SubscribePattern(pattern: RegExp, kafkaParams: KafkaParams, offsets: Map<string, number> | { topic: string; partition: number; offset: number }[] = new Map()): SubscribeStrategy {
    return { kind: 'Subscribe', topics: pattern, kafkaParams: { ...kafkaParams }, offsets: offsetMap(offsets) };
  },
};

/** Spark's `LocationStrategies` (one process here: accepted for API compatibility, no effect). */
export const LocationStrategies = {
  PreferConsistent: { kind: 'PreferConsistent' } as const,
  PreferBrokers: { kind: 'PreferBrokers' } as const,
};
export type LocationStrategy = (typeof LocationStrategies)[keyof typeof LocationStrategies];
