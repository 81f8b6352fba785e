/**
 * JoinGroup (key 11): a member enters a group (or re-enters it during a rebalance) with the
 * assignment protocols it supports; the coordinator picks one, elects a leader and sends the leader
 * every member's metadata. v0-9, flexible from v6.
 * v1 adds the rebalance timeout (before it, the session timeout served); v2 adds the throttle time;
 * v4 makes a member without an id join twice: the first answer is MEMBER_ID_REQUIRED with an id
 * assigned by the coordinator (KIP-394); v5 adds group.instance.id for static membership (KIP-345);
 * v6 is the first flexible version; v7 returns the protocol type and lets the protocol name be null
 * (KIP-559); v8 adds a free-text reason for joining (KIP-800); v9 tells the leader when it must skip
 * computing the assignment (SkipAssignment).
 * Source: Kafka 3.8.0 JoinGroupRequest.json / JoinGroupResponse.json.
 */
import { api, f } from '../schema.js';

export const JoinGroup = api({
  key: 11,
  name: 'JoinGroup',
  versions: '0-9',
  flexible: '6+',
  request: {
    groupId: f.string('0+'),
    sessionTimeoutMs: f.int32('0+'),
    rebalanceTimeoutMs: f.int32('1+', { default: -1, ignorable: true }),
    memberId: f.string('0+'),
    groupInstanceId: f.string('5+', { nullable: '5+', default: null }),
    protocolType: f.string('0+'),
    protocols: f.array(
      {
        name: f.string('0+'),
        metadata: f.bytes('0+'),
      },
      '0+',
      { struct: 'JoinGroupRequestProtocol' },
    ),
    reason: f.string('8+', { nullable: '8+', default: null, ignorable: true }),
  },
  response: {
    throttleTimeMs: f.int32('2+', { ignorable: true }),
    errorCode: f.int16('0+'),
    generationId: f.int32('0+', { default: -1 }),
    protocolType: f.string('7+', { nullable: '7+', default: null, ignorable: true }),
    protocolName: f.string('0+', { nullable: '7+' }),
    leader: f.string('0+'),
    skipAssignment: f.bool('9+', { default: false }),
    memberId: f.string('0+'),
    members: f.array(
      {
        memberId: f.string('0+'),
        groupInstanceId: f.string('5+', { nullable: '5+', default: null, ignorable: true }),
        metadata: f.bytes('0+'),
      },
      '0+',
      { struct: 'JoinGroupResponseMember' },
    ),
  },
});
