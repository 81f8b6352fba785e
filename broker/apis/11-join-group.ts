/**
 * JoinGroup: v0-9
 *
 * Behaviour: Kafka's classic group join (broker/group/group-coordinator.ts): the answer waits until
 * the rebalance's join phase completes (every known member rejoined, or the rebalance timeout ended;
 * a new group first waits group.initial.rebalance.delay.ms). The leader's answer lists every member
 * with its metadata for the selected protocol, the others an empty list. Errors: INVALID_GROUP_ID
 * (empty group id), INVALID_SESSION_TIMEOUT (outside group.min/max.session.timeout.ms),
 * UNKNOWN_MEMBER_ID, INCONSISTENT_GROUP_PROTOCOL (protocol type differs or no protocol in common),
 * GROUP_MAX_SIZE_REACHED (group.max.size), FENCED_INSTANCE_ID, MEMBER_ID_REQUIRED (v4+).
 *
 * Version notes: v0 has no rebalance timeout (the session timeout serves); v1 adds it; v2 the throttle
 * time; v4+ a dynamic member without id gets MEMBER_ID_REQUIRED (79) with an id (`clientId-uuid`) and
 * must rejoin with it within its session timeout (KIP-394), v0-3 get their id at once; v5 adds
 * group.instance.id (static members, KIP-345: a known instance rejoining without id takes the old
 * member's place, without a rebalance when the group is Stable and its protocol stays); v6 is
 * flexible; v7 returns the protocol type and lets the protocol name be null (before v7 an error
 * answer carries protocol name ''); v8 adds the reason (logged); v9 SkipAssignment: a static leader
 * replaced in a Stable group is told it leads but must not assign.
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.JoinGroup, '0-9', async (req, ctx) => {
  const v = ctx.apiVersion;
  const r = await ctx.broker.groups.joinGroup({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    requireKnownMemberId: v >= 4 && req.groupInstanceId === null,
    supportSkippingAssignment: v >= 9,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    rebalanceTimeoutMs: v === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    reason: req.reason,
  });
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: v >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leader,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members,
  };
});
