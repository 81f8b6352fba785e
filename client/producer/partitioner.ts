/**
 * Partitioners (Java's `org.apache.kafka.clients.producer.Partitioner` and the built-in logic of
 * `KafkaProducer.partition` / `DefaultPartitioner` / `StickyPartitionCache`):
 * - a record with an explicit partition goes there;
 * - a keyed record goes to `toPositive(murmur2(key)) % partitionCount` (same partition as the Java
 *   client, kafkajs's DefaultPartitioner and kafka-python);
 * - a record without a key uses the sticky partitioner (KIP-480): every keyless record of a topic goes
 *   to one partition until a new batch has to be created there (the previous one is full or was sent),
 *   then another partition is picked at random. Java 3.3+ switches after `batch.size` bytes instead
 *   (KIP-794); the effect is the same: large batches, spread over all partitions over time.
 * A custom Partitioner (options.partitioner) replaces both rules for records without an explicit partition.
 */
import { murmur2, toPositive } from './murmur2.js';

/** A custom partitioner: the partition (0 ≤ p < partitionCount) of a record of `topic` with `key` (null = no key). */
export type Partitioner = (topic: string, key: Buffer | null, partitionCount: number) => number;

/** The partition of a keyed record, as Java's `BuiltInPartitioner.partitionForKey`. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}

/** Java's `StickyPartitionCache`: the current sticky partition of each topic. */
export class StickyPartitionCache {
  private readonly sticky = new Map<string, number>();

  /** The sticky partition of `topic` (picking one the first time). */
  partition(topic: string, partitionCount: number): number {
    const p = this.sticky.get(topic);
    if (p !== undefined && p < partitionCount) return p;
    return this.nextPartition(topic, partitionCount, -1);
  }

  /** Pick a new sticky partition for `topic`, different from `previous` when there is a choice. */
  nextPartition(topic: string, partitionCount: number, previous: number): number {
    let p = Math.floor(Math.random() * partitionCount);
    if (partitionCount > 1 && p === previous) p = (p + 1 + Math.floor(Math.random() * (partitionCount - 1))) % partitionCount;
    this.sticky.set(topic, p);
    return p;
  }
}
