/**
 * The topics a consumer subscribes to, read from its JoinGroup metadata when the group's protocol type
 * is `consumer` (Kafka's ConsumerProtocolSubscription: int16 version, then `Topics` as an int32 count of
 * int16-length strings; UserData, OwnedPartitions (v1+), GenerationId (v2+) and RackId (v3+) follow
 * and are not read). Used to refuse OffsetDelete on subscribed topics (GROUP_SUBSCRIBED_TO_TOPIC) and
 * to expire offsets of unsubscribed topics of Stable groups.
 *
 * Source: Kafka 3.x `clients/.../consumer/internals/ConsumerProtocol.java`,
 * `ConsumerProtocolSubscription.json`; `GroupMetadata.computeSubscribedTopics`.
 */
import { Reader } from '../../client/protocol/index.js';

/** Kafka's ConsumerProtocol.PROTOCOL_TYPE. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** The subscribed topics of one subscription, or undefined when the bytes do not decode. */
export function subscriptionTopics(metadata: Buffer): string[] | undefined {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    if (version < 0) return undefined;
    const n = r.int32();
    if (n < 0) return undefined;
    const topics: string[] = [];
    for (let i = 0; i < n; i++) topics.push(r.string());
    return topics;
  } catch {
    return undefined;
  }
}

/**
 * The union of the members' subscribed topics, or undefined when it cannot be known (a member's
 * metadata does not decode), in which case every topic counts as subscribed.
 */
export function unionOfSubscriptions(subscriptions: Iterable<Buffer>): Set<string> | undefined {
  const all = new Set<string>();
  for (const m of subscriptions) {
    const topics = subscriptionTopics(m);
    if (!topics) return undefined;
    for (const t of topics) all.add(t);
  }
  return all;
}
