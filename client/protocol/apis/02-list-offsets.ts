/**
 * ListOffsets (key 2): look up partition offsets by timestamp (or the earliest/latest sentinels -2/-1),
 * v0-8, flexible from v6.
 * v0 may return several offsets per partition (up to MaxNumOffsets); from v1 a single offset comes back
 * together with its timestamp. v2 adds the isolation level, so read_committed clients get the last
 * stable offset as "latest", and the response throttle time; v3 answers before throttling on quota
 * violation. v4 adds the current leader epoch (request, for fencing) and the leader epoch of the
 * returned offset (response; KIP-320); v5 may answer OFFSET_NOT_AVAILABLE. v6 is the first flexible
 * version. v7 accepts the max-timestamp sentinel -3 (KIP-734); v8 accepts -4, the local log start
 * offset of tiered topics (KIP-405).
 * Source: Kafka 3.8.0 ListOffsetsRequest.json / ListOffsetsResponse.json.
 */
import { api, f } from '../schema.js';

export const ListOffsets = api({
  key: 2,
  name: 'ListOffsets',
  versions: '0-8',
  flexible: '6+',
  request: {
    replicaId: f.int32('0+'),
    isolationLevel: f.int8('2+'),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            currentLeaderEpoch: f.int32('4+', { default: -1, ignorable: true }),
            timestamp: f.int64('0+'),
            maxNumOffsets: f.int32('0', { default: 1 }),
          },
          '0+',
          { struct: 'ListOffsetsPartition' },
        ),
      },
      '0+',
      { struct: 'ListOffsetsTopic' },
    ),
  },
  response: {
    throttleTimeMs: f.int32('2+', { ignorable: true }),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            errorCode: f.int16('0+'),
            oldStyleOffsets: f.array('int64', '0'),
            timestamp: f.int64('1+', { default: -1 }),
            offset: f.int64('1+', { default: -1 }),
            leaderEpoch: f.int32('4+', { default: -1 }),
          },
          '0+',
          { struct: 'ListOffsetsPartitionResponse' },
        ),
      },
      '0+',
      { struct: 'ListOffsetsTopicResponse' },
    ),
  },
});
