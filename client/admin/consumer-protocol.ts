/**
 * The consumer protocol's embedded formats (Kafka's `ConsumerProtocol`): the subscription a member
 * sends in JoinGroup and the assignment the leader hands out in SyncGroup, both carried as opaque
 * bytes by the group protocol and shown by DescribeGroups. Client-side codec (the client does not
 * import the broker).
 *
 * ConsumerProtocolSubscription: int16 version, topics (int32 count of int16-length strings), user data
 * (nullable int32-length bytes), v1+ owned partitions (int32 count of [topic, int32 count of int32]),
 * v2+ int32 generation id, v3+ nullable rack id.
 * ConsumerProtocolAssignment: int16 version, assigned partitions (int32 count of [topic, int32 count
 * of int32]), user data (nullable bytes). Versions 0-3 share this layout.
 *
 * Errors: ProtocolDecodeError for bytes that do not decode.
 */
import { Reader, Writer } from '../protocol/index.js';

/** A topic and partition. */
export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** A decoded ConsumerProtocolSubscription. */
export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitionRef[];
  generationId: number;
  rackId: string | null;
}

/** A decoded ConsumerProtocolAssignment. */
export interface ConsumerAssignment {
  version: number;
  partitions: TopicPartitionRef[];
  userData: Buffer | null;
}

function readTopicPartitions(r: Reader): TopicPartitionRef[] {
  const out: TopicPartitionRef[] = [];
  const n = r.int32();
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const m = r.int32();
    for (let j = 0; j < m; j++) out.push({ topic, partition: r.int32() });
  }
  return out;
}

function writeTopicPartitions(w: Writer, tps: readonly TopicPartitionRef[]): void {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    let l = byTopic.get(tp.topic);
    if (!l) byTopic.set(tp.topic, (l = []));
    l.push(tp.partition);
  }
  w.int32(byTopic.size);
  for (const [topic, parts] of byTopic) {
    w.string(topic);
    w.int32(parts.length);
    for (const p of parts) w.int32(p);
  }
}

/** Decode a ConsumerProtocolAssignment (empty bytes = no partitions, as Kafka treats them). Errors: ProtocolDecodeError. */
export function decodeConsumerAssignment(bytes: Buffer): ConsumerAssignment {
  if (bytes.length === 0) return { version: 0, partitions: [], userData: null };
  const r = new Reader(bytes);
  const version = r.int16();
  const partitions = readTopicPartitions(r);
  const userData = r.remaining >= 4 ? r.nullableBytes() : null;
  return { version, partitions, userData };
}

/** Encode a ConsumerProtocolAssignment (version 0 layout unless `version` given; all versions share it). */
export function encodeConsumerAssignment(a: { partitions: readonly TopicPartitionRef[]; userData?: Buffer | null; version?: number }): Buffer {
  const w = new Writer(64);
  w.int16(a.version ?? 0);
  writeTopicPartitions(w, a.partitions);
  w.bytes(a.userData ?? null);
  return w.finish();
}

/** Decode a ConsumerProtocolSubscription (fields of later versions are read when present). Errors: ProtocolDecodeError. */
export function decodeConsumerSubscription(bytes: Buffer): ConsumerSubscription {
  const r = new Reader(bytes);
  const version = r.int16();
  const n = r.int32();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.string());
  const userData = r.remaining >= 4 ? r.nullableBytes() : null;
  const ownedPartitions = version >= 1 && r.remaining >= 4 ? readTopicPartitions(r) : [];
  const generationId = version >= 2 && r.remaining >= 4 ? r.int32() : -1;
  const rackId = version >= 3 && r.remaining >= 2 ? r.nullableString() : null;
  return { version, topics, userData, ownedPartitions, generationId, rackId };
}

/** Encode a ConsumerProtocolSubscription at `version` (0-3). */
export function encodeConsumerSubscription(s: { topics: readonly string[]; userData?: Buffer | null; ownedPartitions?: readonly TopicPartitionRef[]; generationId?: number; rackId?: string | null; version?: number }): Buffer {
  const version = s.version ?? 0;
  const w = new Writer(64);
  w.int16(version);
  w.int32(s.topics.length);
  for (const t of s.topics) w.string(t);
  w.bytes(s.userData ?? null);
  if (version >= 1) writeTopicPartitions(w, s.ownedPartitions ?? []);
  if (version >= 2) w.int32(s.generationId ?? -1);
  if (version >= 3) w.string(s.rackId ?? null);
  return w.finish();
}
