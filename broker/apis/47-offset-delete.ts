/**
 * OffsetDelete: v0-0
 *
 * Behaviour: deletes a group's committed offsets of chosen partitions (KIP-496). Per partition:
 * UNKNOWN_TOPIC_OR_PARTITION for a partition this broker does not host; GROUP_SUBSCRIBED_TO_TOPIC when
 * the group is an active consumer group (protocol type `consumer`) whose members subscribe to the
 * topic — subscriptions are decoded from the members' consumer-protocol metadata (ConsumerProtocol
 * Subscription, any version); if one does not decode, every topic counts as subscribed. Group-level:
 * GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (an active group of another protocol type), INVALID_GROUP_ID
 * (empty group id); with a group-level error only the unknown-partition errors are listed, as Kafka.
 * An Empty group left without offsets is deleted.
 *
 * Version notes: one version, not flexible.
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import type { TopicPartitionRef } from '../group/coordinator-types.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.OffsetDelete, '0-0', async (req, ctx) => {
  const errors = new Map<string, Map<number, number>>();
  const set = (topic: string, partition: number, code: number) => {
    let t = errors.get(topic);
    if (!t) errors.set(topic, (t = new Map()));
    t.set(partition, code);
  };
  const known: TopicPartitionRef[] = [];
  for (const t of req.topics) {
    const info = ctx.broker.metadata.topic(t.name);
    for (const p of t.partitions) {
      if (!info || p.partitionIndex < 0 || p.partitionIndex >= info.partitions) set(t.name, p.partitionIndex, errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
      else known.push({ topic: t.name, partition: p.partitionIndex });
    }
  }
  const r = await ctx.broker.groups.deleteOffsets(req.groupId, known);
  for (const p of r.partitions) set(p.topic, p.partition, p.errorCode);
  return {
    errorCode: r.errorCode,
    throttleTimeMs: 0,
    topics: [...errors].map(([name, parts]) => ({ name, partitions: [...parts].map(([partitionIndex, code]) => ({ partitionIndex, errorCode: code })) })),
  };
});
