/**
 * SyncGroup (key 14): after a JoinGroup round, the leader hands the coordinator the assignment it
 * computed for every member, and every member (leader included) gets its own share back. v0-5,
 * flexible from v4.
 * v1 adds the throttle time; v3 adds group.instance.id (static membership, KIP-345); v4 is the first
 * flexible version; v5 has the member send the protocol type and name it joined with, which the
 * coordinator checks and echoes (KIP-559).
 * Source: Kafka 3.8.0 SyncGroupRequest.json / SyncGroupResponse.json.
 */
import { api, f } from '../schema.js';

export const SyncGroup = api({
  key: 14,
  name: 'SyncGroup',
  versions: '0-5',
  flexible: '4+',
  request: {
    groupId: f.string('0+'),
    generationId: f.int32('0+'),
    memberId: f.string('0+'),
    groupInstanceId: f.string('3+', { nullable: '3+', default: null }),
    protocolType: f.string('5+', { nullable: '5+', default: null, ignorable: true }),
    protocolName: f.string('5+', { nullable: '5+', default: null, ignorable: true }),
    assignments: f.array(
      {
        memberId: f.string('0+'),
        assignment: f.bytes('0+'),
      },
      '0+',
      { struct: 'SyncGroupRequestAssignment' },
    ),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    errorCode: f.int16('0+'),
    protocolType: f.string('5+', { nullable: '5+', default: null, ignorable: true }),
    protocolName: f.string('5+', { nullable: '5+', default: null, ignorable: true }),
    assignment: f.bytes('0+'),
  },
});
