/**
 * DescribeGroups: v0-5
 *
 * Behaviour: per group its state (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead),
 * protocol type, selected protocol and members with client id and host; member metadata and
 * assignments (and the protocol) only when the group is Stable, as Kafka's GroupMetadata.summary.
 * A group that does not exist is described as Dead with no error (Kafka 3.x). An empty group id is
 * accepted, as Kafka accepts it.
 *
 * Version notes: v1 adds the throttle time; v3 the authorized operations, given when asked as READ,
 * DELETE and DESCRIBE (328: no authorizer, every group operation allowed), else INT32_MIN; v4 the
 * members' group.instance.id; v5 is flexible.
 */
import { Apis } from '../../client/protocol/index.js';
import { GROUP_AUTHORIZED_OPERATIONS } from '../group/group-coordinator.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.DescribeGroups, '0-5', (req, ctx) => ({
  throttleTimeMs: 0,
  groups: req.groups.map((id) => {
    const d = ctx.broker.groups.describeGroup(id);
    return {
      errorCode: d.errorCode,
      groupId: d.groupId,
      groupState: d.state,
      protocolType: d.protocolType,
      protocolData: d.protocol,
      members: d.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.metadata,
        memberAssignment: m.assignment,
      })),
      authorizedOperations: req.includeAuthorizedOperations ? GROUP_AUTHORIZED_OPERATIONS : -2147483648,
    };
  }),
}));
