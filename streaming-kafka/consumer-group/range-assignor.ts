/**
 * Kafka 0.8's range partition assignment over consumer threads (`kafka.consumer.RangeAssignor`,
 * the default `partition.assignment.strategy=range`), as a pure function of the group's state.
 *
 * For each topic: sort its partitions numerically and the thread ids of every consumer of the group
 * subscribed to it as strings (Kafka's `ConsumerThreadId` order: `c-10` < `c-2`). With P partitions and
 * C threads, `nPartsPerConsumer = floor(P / C)` and `extra = P % C`; the thread at position i gets
 * `nPartsPerConsumer + (i < extra ? 1 : 0)` consecutive partitions (of the sorted list) starting at
 * index `nPartsPerConsumer * i + min(i, extra)`. Threads beyond the partitions get none (Kafka logs
 * "No broker partitions consumed by consumer thread ..."). Example: 10 partitions over threads a-0, b-0,
 * c-0 → a-0: 0-3, b-0: 4-6, c-0: 7-9.
 * Every consumer computes the same global assignment from the same registrations and partition
 * counts, then claims its own part.
 */
import type { TopicCount } from './topic-count.js';

/** One partition and the consumer thread that owns it. */
export interface PartitionAssignment {
  topic: string;
  partition: number;
  /** `<consumerId>-<n>` */
  threadId: string;
}

type MapLike<V> = ReadonlyMap<string, V> | Readonly<Record<string, V>>;

function entriesOf<V>(m: MapLike<V>): [string, V][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m as Record<string, V>);
}
function get<V>(m: MapLike<V>, k: string): V | undefined {
  return m instanceof Map ? m.get(k) : Object.prototype.hasOwnProperty.call(m, k) ? (m as Record<string, V>)[k] : undefined;
}

/**
 * The thread ids of all consumers subscribed to each topic, sorted (Kafka 0.8's
 * `ZkUtils.getConsumersPerTopic`), from the consumers' subscriptions.
 */
export function consumersPerTopic(subscriptions: readonly TopicCount[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tc of subscriptions) {
    for (const [topic, ids] of tc.getConsumerThreadIdsPerTopic()) {
      let l = out.get(topic);
      if (!l) out.set(topic, (l = []));
      l.push(...ids);
    }
  }
  for (const l of out.values()) l.sort();
  return out;
}

/**
 * The range assignment of the whole group (see the module comment).
 * @param partitionsForTopic topic → its partition ids (any order; duplicates ignored). A topic
 *   missing here, or with no partitions, is assigned nothing.
 * @param threadsForTopic topic → the thread ids subscribed to it (any order; sorted here).
 * @returns one entry per assigned partition, by topic (in `threadsForTopic` order) then partition.
 */
export function rangeAssign(partitionsForTopic: MapLike<readonly number[]>, threadsForTopic: MapLike<readonly string[]>): PartitionAssignment[] {
  const out: PartitionAssignment[] = [];
  for (const [topic, threads] of entriesOf(threadsForTopic)) {
    const parts = [...new Set(get(partitionsForTopic, topic) ?? [])].sort((a, b) => a - b);
    const consumers = [...new Set(threads)].sort();
    if (parts.length === 0 || consumers.length === 0) continue;
    const nPartsPerConsumer = Math.floor(parts.length / consumers.length);
    const nConsumersWithExtraPart = parts.length % consumers.length;
    consumers.forEach((threadId, i) => {
      const startPart = nPartsPerConsumer * i + Math.min(i, nConsumersWithExtraPart);
      const nParts = nPartsPerConsumer + (i + 1 > nConsumersWithExtraPart ? 0 : 1);
      for (let k = startPart; k < startPart + nParts; k++) out.push({ topic, partition: parts[k]!, threadId });
    });
  }
  return out;
}
