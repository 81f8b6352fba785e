/**
 * Heartbeat: v0-4
 *
 * Behaviour: restarts the member's session timer (a member silent for its session timeout is removed
 * and the group rebalances). NONE when Stable or CompletingRebalance (a member may heartbeat between
 * its JoinGroup and SyncGroup); REBALANCE_IN_PROGRESS while PreparingRebalance, which makes the member
 * rejoin; UNKNOWN_MEMBER_ID (unknown group or member, or an Empty group), FENCED_INSTANCE_ID,
 * ILLEGAL_GENERATION, INVALID_GROUP_ID (empty group id).
 *
 * Version notes: v1 adds the throttle time; v3 the group.instance.id (KIP-345); v4 is flexible.
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.Heartbeat, '0-4', (req, ctx) => ({
  throttleTimeMs: 0,
  errorCode: ctx.broker.groups.heartbeat({ groupId: req.groupId, generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId }),
}));
