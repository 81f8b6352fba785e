/**
 * LeaveGroup (key 13): members quit a group so that it rebalances at once instead of waiting for
 * their sessions to expire, v0-5, flexible from v4.
 * v1 adds the throttle time; v3 removes several members in one request (KIP-345, used by the admin
 * client for static members), each named by member id and/or group.instance.id and answered with its
 * own error code; v4 is the first flexible version; v5 adds a per-member reason (KIP-800).
 * Source: Kafka 3.8.0 LeaveGroupRequest.json / LeaveGroupResponse.json.
 */
import { api, f } from '../schema.js';

export const LeaveGroup = api({
  key: 13,
  name: 'LeaveGroup',
  versions: '0-5',
  flexible: '4+',
  request: {
    groupId: f.string('0+'),
    memberId: f.string('0-2'),
    members: f.array(
      {
        memberId: f.string('3+'),
        groupInstanceId: f.string('3+', { nullable: '3+', default: null }),
        reason: f.string('5+', { nullable: '5+', default: null, ignorable: true }),
      },
      '3+',
      { struct: 'MemberIdentity' },
    ),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    errorCode: f.int16('0+'),
    members: f.array(
      {
        memberId: f.string('3+'),
        groupInstanceId: f.string('3+', { nullable: '3+' }),
        errorCode: f.int16('3+'),
      },
      '3+',
      { struct: 'MemberResponse' },
    ),
  },
});
