/**
 * OffsetFetch: v0-9
 *
 * Behaviour: a group's committed positions, whatever the group's state (groups may use the broker
 * only to store offsets): offset, leader epoch and metadata per partition; -1, leader epoch -1 and
 * metadata '' where nothing is committed (also for topics that do not exist and groups that do not
 * exist). A null topic list (v2+) means every partition the group has committed. An empty group id is
 * accepted, as Kafka accepts it. requireStable (v7+) needs no waiting: there are no transactional
 * commits. Offsets survive restarts (lmdb).
 *
 * Version notes: v0-1 have no group-level error field: a group-level error (COORDINATOR_NOT_AVAILABLE
 * during shutdown) is put on every partition, as Kafka does; v2 allows null topics and adds the
 * group-level error; v3 the throttle time; v5 leader epochs; v6 is flexible; v7 requireStable; v8 asks
 * about several groups (KIP-709); v9 adds the KIP-848 member id and epoch, which only apply to
 * consumer-protocol groups (none here) and are ignored for classic groups, as Kafka does.
 */
import { Apis } from '../../client/protocol/index.js';
import type { FetchedOffset, TopicPartitionRef } from '../group/coordinator-types.js';
import { defineHandler } from '../server/types.js';

type RequestTopics = { name: string; partitionIndexes: number[] }[] | null;

function toRefs(topics: RequestTopics): TopicPartitionRef[] | null {
  return topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
}

/** Group offsets by topic, in first-seen order. */
function byTopic(offsets: FetchedOffset[], groupError = 0) {
  const topics = new Map<string, { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string; errorCode: number }[] }>();
  for (const o of offsets) {
    let t = topics.get(o.topic);
    if (!t) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
    t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: groupError || o.errorCode });
  }
  return [...topics.values()];
}

export const handler = defineHandler(Apis.OffsetFetch, '0-9', (req, ctx) => {
  const groups = ctx.broker.groups;
  if (ctx.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((g) => {
        const r = groups.fetchOffsets(g.groupId, toRefs(g.topics));
        return { groupId: g.groupId, topics: byTopic(r.offsets), errorCode: r.errorCode };
      }),
    };
  }
  const refs = toRefs(req.topics);
  const r = groups.fetchOffsets(req.groupId, refs);
  if (ctx.apiVersion < 2 && r.errorCode !== 0) {
    // No group-level error field: every requested partition carries the error.
    const offsets = (refs ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', errorCode: r.errorCode }));
    return { throttleTimeMs: 0, topics: byTopic(offsets) };
  }
  return { throttleTimeMs: 0, topics: byTopic(r.offsets), errorCode: r.errorCode };
});
