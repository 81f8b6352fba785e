/**
 * Heartbeat (key 12): a group member tells the coordinator it is alive, v0-4, flexible from v4.
 * v1 adds the response throttle time; v3 adds GroupInstanceId (static membership, KIP-345).
 * During a rebalance the answer is REBALANCE_IN_PROGRESS, which makes the member rejoin.
 * Source: Kafka 3.8.0 HeartbeatRequest.json / HeartbeatResponse.json.
 */
import { api, f } from '../schema.js';

export const Heartbeat = api({
  key: 12,
  name: 'Heartbeat',
  versions: '0-4',
  flexible: '4+',
  request: {
    groupId: f.string('0+'),
    generationId: f.int32('0+'),
    memberId: f.string('0+'),
    groupInstanceId: f.string('3+', { nullable: '3+', default: null }),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    errorCode: f.int16('0+'),
  },
});
