/**
 * Reading the consumer protocol's opaque bytes for the dashboard: a member's assignment (what the
 * group leader gave it in SyncGroup) and its subscription (JoinGroup metadata), when the group's
 * protocol type is `consumer`. Other protocol types (`connect`, a stream framework's own) are opaque:
 * undefined is returned and the API shows no assignment.
 *
 * ConsumerProtocolAssignment (every version 0-3 has this prefix): int16 version, then an int32 count of
 * (int16-length topic string, int32 count of int32 partitions), then nullable bytes user data (not read).
 *
 * Source: Kafka 3.x `clients/.../consumer/internals/ConsumerProtocol.java`,
 * `ConsumerProtocolAssignment.json`, `ConsumerProtocolSubscription.json`.
 */
import { Reader } from '../../client/protocol/index.js';
import { subscriptionTopics } from '../group/consumer-protocol.js';

/** One topic of an assignment: the partitions given to the member, ascending. */
export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

/** Largest number of topics or partitions read from one assignment (guards against absurd counts in bad bytes). */
const MAX_ENTRIES = 1_000_000;

/**
 * The topic partitions of a consumer assignment, or undefined when the bytes are empty (no assignment
 * yet) or do not decode. Never throws.
 */
export function decodeAssignment(bytes: Buffer): TopicAssignment[] | undefined {
  if (bytes.length === 0) return undefined;
  try {
    const r = new Reader(bytes);
    if (r.int16() < 0) return undefined;
    const n = r.int32();
    if (n < 0 || n > MAX_ENTRIES) return undefined;
    const out: TopicAssignment[] = [];
    for (let i = 0; i < n; i++) {
      const topic = r.string();
      const k = r.int32();
      if (k < 0 || k > MAX_ENTRIES) return undefined;
      const partitions: number[] = [];
      for (let j = 0; j < k; j++) partitions.push(r.int32());
      out.push({ topic, partitions: partitions.sort((a, b) => a - b) });
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The subscribed topics of a member's consumer-protocol metadata, or undefined (empty or undecodable). */
export function decodeSubscription(metadata: Buffer): string[] | undefined {
  if (metadata.length === 0) return undefined;
  return subscriptionTopics(metadata);
}
