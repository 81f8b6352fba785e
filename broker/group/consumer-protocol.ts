/**
 * The topics a consumer subscribes to, read from its JoinGroup metadata when the group's protocol type
 * is `consumer` (Kafka's ConsumerProtocolSubscription, decoded by the client's codec in
 * client/consumer/consumer-protocol.ts, which the broker shares as Kafka's broker shares `clients`). Used to refuse OffsetDelete on subscribed topics (GROUP_SUBSCRIBED_TO_TOPIC) and
 * to expire offsets of unsubscribed topics of Stable groups.
 *
 * Source: Kafka 3.x `clients/.../consumer/internals/ConsumerProtocol.java`,
 * `ConsumerProtocolSubscription.json`; `GroupMetadata.computeSubscribedTopics`.
 */
import { decodeSubscription } from '../../client/consumer/consumer-protocol.js';

export { CONSUMER_PROTOCOL_TYPE } from '../../client/consumer/consumer-protocol.js';

/** The subscribed topics of one subscription, or undefined when the bytes do not decode. */
export function subscriptionTopics(metadata: Buffer): string[] | undefined {
  try {
    if (metadata.length < 2 || metadata.readInt16BE(0) < 0) return undefined;
    return decodeSubscription(metadata).topics;
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
