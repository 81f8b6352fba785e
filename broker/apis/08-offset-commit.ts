/**
 * OffsetCommit: v0-9
 *
 * Behaviour: stores a group's positions durably (lmdb) with their metadata string, leader epoch and
 * commit time, after Kafka's checks: UNKNOWN_TOPIC_OR_PARTITION for a partition this broker does not
 * host; for the committer, as the classic GroupCoordinator: a commit without generation (-1) and
 * member id is a "simple" commit, allowed while the group has no members and creating an Empty group
 * when there is none; with a generation the member must be current (UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID, ILLEGAL_GENERATION; for a group that does not exist ILLEGAL_GENERATION, or
 * GROUP_ID_NOT_FOUND from v9), and REBALANCE_IN_PROGRESS while the group is CompletingRebalance;
 * OFFSET_METADATA_TOO_LARGE for metadata longer than offset.metadata.max.bytes. An empty group id is
 * accepted, as Kafka accepts it for offset APIs. Offsets of an Empty group expire
 * offsets.retention.minutes after it became empty (KIP-211).
 *
 * Version notes: v0 (Kafka's ZooKeeper commit) is stored like the others; v1 adds generation, member
 * id and a per-partition commit timestamp (honoured; -1 = now); v2-4 carry a retention time, honoured
 * as Kafka does: the offsets then expire at commit time + retentionTimeMs whatever the group state;
 * v5 drops it; v6 adds the leader epoch; v7 the group.instance.id; v8 is flexible; v9 answers
 * GROUP_ID_NOT_FOUND for an unknown group (KIP-848 consumer groups do not exist here).
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import type { OffsetCommitEntry } from '../group/coordinator-types.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.OffsetCommit, '0-9', async (req, ctx) => {
  const unknown = errorCode('UNKNOWN_TOPIC_OR_PARTITION');
  // Per request entry: an error found here, or the index of the entry given to the coordinator.
  const slots: { name: string; partitionIndex: number; error?: number; index?: number }[][] = [];
  const entries: OffsetCommitEntry[] = [];
  for (const t of req.topics) {
    const info = ctx.broker.metadata.topic(t.name);
    slots.push(
      t.partitions.map((p) => {
        if (!info || p.partitionIndex < 0 || p.partitionIndex >= info.partitions) return { name: t.name, partitionIndex: p.partitionIndex, error: unknown };
        entries.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata,
          commitTimestamp: p.commitTimestamp,
        });
        return { name: t.name, partitionIndex: p.partitionIndex, index: entries.length - 1 };
      }),
    );
  }
  const codes =
    entries.length === 0
      ? []
      : await ctx.broker.groups.commitOffsets({
          groupId: req.groupId,
          generationId: req.generationIdOrMemberEpoch,
          memberId: req.memberId,
          groupInstanceId: req.groupInstanceId,
          apiVersion: ctx.apiVersion,
          retentionTimeMs: req.retentionTimeMs,
          offsets: entries,
        });
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t, i) => ({
      name: t.name,
      partitions: slots[i]!.map((s) => ({ partitionIndex: s.partitionIndex, errorCode: s.error ?? codes[s.index!]! })),
    })),
  };
});
