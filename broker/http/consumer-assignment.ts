/**
 * Reading the consumer protocol's opaque bytes for the dashboard: a member's assignment (what the
 * group leader gave it in SyncGroup) and its subscription (JoinGroup metadata), when the group's
 * protocol type is `consumer`. Other protocol types (`connect`, a stream framework's own) are opaque:
 * undefined is returned and the API shows no assignment.
 *
 * Both are decoded by the client's codec (client/consumer/consumer-protocol.ts).
 *
 * Source: Kafka 3.x `clients/.../consumer/internals/ConsumerProtocol.java`,
 * `ConsumerProtocolAssignment.json`, `ConsumerProtocolSubscription.json`.
 */
import { decodeAssignment as decodeConsumerAssignment } from '../../client/consumer/consumer-protocol.js';
import { subscriptionTopics } from '../group/consumer-protocol.js';

/** One topic of an assignment: the partitions given to the member, ascending. */
export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

/**
 * The topic partitions of a consumer assignment, or undefined when the bytes are empty (no assignment
 * yet) or do not decode. Never throws.
 */
export function decodeAssignment(bytes: Buffer): TopicAssignment[] | undefined {
  if (bytes.length === 0) return undefined;
  try {
    if (bytes.length < 2 || bytes.readInt16BE(0) < 0) return undefined;
    return decodeConsumerAssignment(bytes).partitions.map((tp) => ({ topic: tp.topic, partitions: [...tp.partitions].sort((x, y) => x - y) }));
  } catch {
    return undefined;
  }
}

/** The subscribed topics of a member's consumer-protocol metadata, or undefined (empty or undecodable). */
export function decodeSubscription(metadata: Buffer): string[] | undefined {
  if (metadata.length === 0) return undefined;
  return subscriptionTopics(metadata);
}
