/**
 * LeaveGroup: v0-5
 *
 * Behaviour: removes members at once (instead of waiting for their sessions to expire) and starts a
 * rebalance. A member is named by member id, or (v3+, admin removal of static members) by
 * group.instance.id with an empty member id; a pending member (KIP-394) may leave too. Per-member
 * errors: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID (the instance id belongs to another member id).
 * Group-level: INVALID_GROUP_ID (empty group id), COORDINATOR_NOT_AVAILABLE.
 *
 * Version notes: v0-2 name one member and have only the top-level error code, which then carries the
 * member's error (Kafka's LeaveGroupResponse for v0-2); v1 adds the throttle time; v3 removes a batch
 * of members with one error each; v4 is flexible; v5 adds a per-member reason (logged).
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.LeaveGroup, '0-5', (req, ctx) => {
  if (ctx.apiVersion <= 2) {
    const r = ctx.broker.groups.leaveGroup(req.groupId, [{ memberId: req.memberId, groupInstanceId: null }]);
    return { throttleTimeMs: 0, errorCode: r.errorCode || (r.members.find((m) => m.errorCode !== 0)?.errorCode ?? 0) };
  }
  const r = ctx.broker.groups.leaveGroup(
    req.groupId,
    req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason })),
  );
  return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
});
