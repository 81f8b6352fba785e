/**
 * SyncGroup: v0-5
 *
 * Behaviour: after a join phase, the leader sends every member's assignment; the coordinator stores
 * it and answers every member with its share (an empty assignment, never a missing one, for members
 * the leader left out). A follower's SyncGroup waits for the leader's (CompletingRebalance) or is
 * answered at once (Stable). Errors: UNKNOWN_MEMBER_ID (unknown group or member, also SyncGroup before
 * JoinGroup), FENCED_INSTANCE_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS (a new rebalance started:
 * rejoin), INCONSISTENT_GROUP_PROTOCOL (v5), INVALID_GROUP_ID (empty group id).
 *
 * Version notes: v1 adds the throttle time; v3 the group.instance.id; v4 is flexible; v5 sends the
 * protocol type and name the member joined with, checked against the group's (mismatch:
 * INCONSISTENT_GROUP_PROTOCOL) and echoed in the answer (KIP-559).
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.SyncGroup, '0-5', async (req, ctx) => {
  const r = await ctx.broker.groups.syncGroup({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocolName: req.protocolName,
    assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
  });
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
});
