/**
 * Partition assignors run by the group leader (Kafka's `ConsumerPartitionAssignor` and its eager
 * implementations `RangeAssignor` (`range`, the Java default) and `RoundRobinAssignor` (`roundrobin`)).
 * Members are ordered as Kafka's `MemberInfo`: static members (with `group.instance.id`) by instance id
 * first, then dynamic members by member id.
 */
import { ConfigError } from '../config.js';
import type { TopicPartitions } from './consumer-protocol.js';

/** One member as the assignor sees it. */
export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
}

/** A partition assignor (Kafka's ConsumerPartitionAssignor, eager protocol). */
export interface ConsumerPartitionAssignor {
  /** Protocol name sent in JoinGroup (`range`, `roundrobin`). */
  readonly name: string;
  /**
   * Assign partitions. `partitionsPerTopic`: topic → partition count (subscribed topics that exist);
   * returns memberId → its partitions (every member present, possibly with none).
   */
  assign(partitionsPerTopic: Map<string, number>, members: MemberSubscription[]): Map<string, TopicPartitions[]>;
}

/** Kafka's MemberInfo ordering. */
function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return a.groupInstanceId < b.groupInstanceId ? -1 : a.groupInstanceId > b.groupInstanceId ? 1 : 0;
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

function add(out: Map<string, Map<string, number[]>>, memberId: string, topic: string, partition: number): void {
  let m = out.get(memberId);
  if (!m) out.set(memberId, (m = new Map()));
  let l = m.get(topic);
  if (!l) m.set(topic, (l = []));
  l.push(partition);
}

function finish(members: MemberSubscription[], out: Map<string, Map<string, number[]>>): Map<string, TopicPartitions[]> {
  const result = new Map<string, TopicPartitions[]>();
  for (const m of members) result.set(m.memberId, [...(out.get(m.memberId) ?? new Map<string, number[]>())].map(([topic, partitions]) => ({ topic, partitions })));
  return result;
}

/**
 * Kafka's RangeAssignor: per topic, the members subscribed to it in order; the first
 * `partitions % members` get `partitions / members + 1` consecutive partitions, the others one fewer.
 */
export class RangeAssignor implements ConsumerPartitionAssignor {
  readonly name = 'range';
  assign(partitionsPerTopic: Map<string, number>, members: MemberSubscription[]): Map<string, TopicPartitions[]> {
    const out = new Map<string, Map<string, number[]>>();
    const topics = [...partitionsPerTopic.keys()].sort();
    for (const topic of topics) {
      const n = partitionsPerTopic.get(topic)!;
      const subs = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      if (subs.length === 0) continue;
      const per = Math.floor(n / subs.length);
      const extra = n % subs.length;
      subs.forEach((m, i) => {
        const start = per * i + Math.min(i, extra);
        const len = per + (i + 1 > extra ? 0 : 1);
        for (let p = start; p < start + len; p++) add(out, m.memberId, topic, p);
      });
    }
    return finish(members, out);
  }
}

/**
 * Kafka's RoundRobinAssignor: all partitions of all subscribed topics, sorted by topic then
 * partition, dealt in turn to the members (in order), skipping members not subscribed to the topic.
 */
export class RoundRobinAssignor implements ConsumerPartitionAssignor {
  readonly name = 'roundrobin';
  assign(partitionsPerTopic: Map<string, number>, members: MemberSubscription[]): Map<string, TopicPartitions[]> {
    const out = new Map<string, Map<string, number[]>>();
    const sorted = [...members].sort(compareMembers);
    if (sorted.length === 0) return finish(members, out);
    let next = 0;
    for (const topic of [...partitionsPerTopic.keys()].sort()) {
      if (!sorted.some((m) => m.topics.includes(topic))) continue;
      for (let p = 0; p < partitionsPerTopic.get(topic)!; p++) {
        while (!sorted[next % sorted.length]!.topics.includes(topic)) next++;
        add(out, sorted[next % sorted.length]!.memberId, topic, p);
        next++;
      }
    }
    return finish(members, out);
  }
}

/**
 * The assignors named by `partition.assignment.strategy` (comma-separated; `range`, `roundrobin`, or
 * Java class names `org.apache.kafka.clients.consumer.RangeAssignor` / `RoundRobinAssignor`), in
 * preference order. Errors: ConfigError for an unknown name.
 */
export function assignorsFor(value: string | ConsumerPartitionAssignor[]): ConsumerPartitionAssignor[] {
  if (Array.isArray(value)) return value;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const short = s.replace(/^org\.apache\.kafka\.clients\.consumer\./, '');
      if (short === 'range' || short === 'RangeAssignor') return new RangeAssignor();
      if (short === 'roundrobin' || short === 'RoundRobinAssignor') return new RoundRobinAssignor();
      throw new ConfigError('partition.assignment.strategy', value, `unknown assignor ${s} (supported: range, roundrobin)`);
    });
}
