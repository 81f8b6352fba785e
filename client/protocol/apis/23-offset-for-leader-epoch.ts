/**
 * OffsetForLeaderEpoch (key 23): for each partition and leader epoch, the end offset of that epoch on
 * the leader (the start offset of the next epoch), used by followers and consumers to detect and cut
 * diverged logs after a leader change (KIP-101, KIP-320); v0-4, flexible from v4.
 * v1 returns the leader epoch found with the offset; v2 adds the request's currentLeaderEpoch, which
 * fences callers with stale metadata, and the response throttle time; v3 adds replicaId (-2 by
 * default: a debugging consumer); v4 is the first flexible version.
 * Source: Kafka 3.8.0 OffsetForLeaderEpochRequest.json / OffsetForLeaderEpochResponse.json.
 */
import { api, f } from '../schema.js';

export const OffsetForLeaderEpoch = api({
  key: 23,
  name: 'OffsetForLeaderEpoch',
  versions: '0-4',
  flexible: '4+',
  request: {
    replicaId: f.int32('3+', { default: -2, ignorable: true }),
    topics: f.array(
      {
        topic: f.string('0+'),
        partitions: f.array(
          {
            partition: f.int32('0+'),
            currentLeaderEpoch: f.int32('2+', { default: -1, ignorable: true }),
            leaderEpoch: f.int32('0+'),
          },
          '0+',
          { struct: 'OffsetForLeaderPartition' },
        ),
      },
      '0+',
      { struct: 'OffsetForLeaderTopic' },
    ),
  },
  response: {
    throttleTimeMs: f.int32('2+', { ignorable: true }),
    topics: f.array(
      {
        topic: f.string('0+'),
        partitions: f.array(
          {
            errorCode: f.int16('0+'),
            partition: f.int32('0+'),
            leaderEpoch: f.int32('1+', { default: -1, ignorable: true }),
            endOffset: f.int64('0+', { default: -1 }),
          },
          '0+',
          { struct: 'EpochEndOffset' },
        ),
      },
      '0+',
      { struct: 'OffsetForLeaderTopicResult' },
    ),
  },
});
