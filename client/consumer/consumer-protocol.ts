/**
 * The consumer protocol carried in JoinGroup/SyncGroup metadata when the group's protocol type is
 * `consumer` (Kafka's `ConsumerProtocol`, `ConsumerProtocolSubscription.json`,
 * `ConsumerProtocolAssignment.json`; classic protocol, versions 0-3):
 * - Subscription: int16 version, Topics ([int32 count] int16-length strings), UserData (nullable
 *   int32-length bytes), v1+ OwnedPartitions ([topic, [int32 partition]]), v2+ GenerationId (int32),
 *   v3+ RackId (nullable string).
 * - Assignment: int16 version, AssignedPartitions ([topic, [int32 partition]]), UserData.
 * Decoders accept any version ≥ 0 and ignore fields they do not know (as Kafka does for newer versions).
 *
 * Errors: ProtocolDecodeError (INVALID_REQUEST, `KTS_ERR_DECODE`) for bytes that do not decode.
 * Client-side copy of the codec: the client must not depend on broker/.
 */
import { Reader, Writer } from '../protocol/index.js';

/** Kafka's ConsumerProtocol.PROTOCOL_TYPE. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Partitions of one topic. */
export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/** A member's subscription (ConsumerPartitionAssignor.Subscription). */
export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  /** v1+: partitions the member owned before this rebalance. */
  ownedPartitions: TopicPartitions[];
  /** v2+: the member's last generation, -1 when unknown. */
  generationId: number;
  /** v3+: `client.rack`. */
  rackId: string | null;
}

/** A member's assignment (ConsumerPartitionAssignor.Assignment). */
export interface Assignment {
  partitions: TopicPartitions[];
  userData: Buffer | null;
}

function writeTopicPartitions(w: Writer, list: TopicPartitions[]): void {
  w.int32(list.length);
  for (const tp of list) {
    w.string(tp.topic);
    w.int32(tp.partitions.length);
    for (const p of tp.partitions) w.int32(p);
  }
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  const n = r.int32();
  const out: TopicPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topic = r.string();
    const k = r.int32();
    const partitions: number[] = [];
    for (let j = 0; j < k; j++) partitions.push(r.int32());
    out.push({ topic, partitions });
  }
  return out;
}

/** Encode a subscription at `version` (0-3, default 1 as our members carry owned partitions). */
export function encodeSubscription(s: Partial<Subscription> & { topics: string[] }, version = 1): Buffer {
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

/** Decode a subscription of any version. Errors: ProtocolDecodeError. */
export function decodeSubscription(buf: Buffer): Subscription {
  const r = new Reader(buf);
  const version = r.int16();
  const n = r.int32();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.string());
  const s: Subscription = { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null };
  // kafkajs and old clients may end right after the topics.
  if (r.remaining === 0) return s;
  s.userData = r.nullableBytes();
  if (version >= 1 && r.remaining > 0) s.ownedPartitions = readTopicPartitions(r);
  if (version >= 2 && r.remaining > 0) s.generationId = r.int32();
  if (version >= 3 && r.remaining > 0) s.rackId = r.nullableString();
  return s;
}

/** Encode an assignment (version 0 unless given; the layout is the same in 0-3). */
export function encodeAssignment(a: Assignment, version = 0): Buffer {
  const w = new Writer(64);
  w.int16(version);
  writeTopicPartitions(w, a.partitions);
  w.bytes(a.userData ?? null);
  return w.finish();
}

/** Decode an assignment; empty bytes (a member given nothing by some leaders) decode to no partitions. Errors: ProtocolDecodeError. */
export function decodeAssignment(buf: Buffer): Assignment {
  if (buf.length === 0) return { partitions: [], userData: null };
  const r = new Reader(buf);
  r.int16();
  const partitions = readTopicPartitions(r);
  const userData = r.remaining >= 4 ? r.nullableBytes() : null;
  return { partitions, userData };
}
