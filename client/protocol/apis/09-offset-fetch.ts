/**
 * OffsetFetch (key 9): reads back the positions a group has committed, v0-9, flexible from v6.
 * v0 read them from ZooKeeper, v1+ from the __consumer_offsets topic; v2 lets the topic list be null
 * (meaning every topic the group has committed) and adds a group-level error code to the response;
 * v3 adds the throttle time; v5 returns the leader epoch of each committed position; v6 is the first
 * flexible version; v7 adds RequireStable (KIP-447: answer UNSTABLE_OFFSET_COMMIT rather than a
 * position with a pending transactional commit); v8 asks about several groups in one request (KIP-709),
 * so the single-group fields of v0-7 give way to per-group lists on both sides; v9 adds the member id
 * and epoch of the KIP-848 consumer protocol to each group.
 * Source: Kafka 3.8.0 OffsetFetchRequest.json / OffsetFetchResponse.json.
 */
import { api, f } from '../schema.js';

export const OffsetFetch = api({
  key: 9,
  name: 'OffsetFetch',
  versions: '0-9',
  flexible: '6+',
  request: {
    groupId: f.string('0-7'),
    topics: f.array(
      {
        name: f.string('0-7'),
        partitionIndexes: f.array('int32', '0-7'),
      },
      '0-7',
      { nullable: '2-7', struct: 'OffsetFetchRequestTopic' },
    ),
    groups: f.array(
      {
        groupId: f.string('8+'),
        memberId: f.string('9+', { nullable: '9+', default: null, ignorable: true }),
        memberEpoch: f.int32('9+', { default: -1, ignorable: true }),
        topics: f.array(
          {
            name: f.string('8+'),
            partitionIndexes: f.array('int32', '8+'),
          },
          '8+',
          { nullable: '8+', struct: 'OffsetFetchRequestTopics' },
        ),
      },
      '8+',
      { struct: 'OffsetFetchRequestGroup' },
    ),
    requireStable: f.bool('7+', { default: false }),
  },
  response: {
    throttleTimeMs: f.int32('3+', { ignorable: true }),
    topics: f.array(
      {
        name: f.string('0-7'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0-7'),
            committedOffset: f.int64('0-7'),
            committedLeaderEpoch: f.int32('5-7', { default: -1, ignorable: true }),
            metadata: f.string('0-7', { nullable: '0-7' }),
            errorCode: f.int16('0-7'),
          },
          '0-7',
          { struct: 'OffsetFetchResponsePartition' },
        ),
      },
      '0-7',
      { struct: 'OffsetFetchResponseTopic' },
    ),
    errorCode: f.int16('2-7', { default: 0, ignorable: true }),
    groups: f.array(
      {
        groupId: f.string('8+'),
        topics: f.array(
          {
            name: f.string('8+'),
            partitions: f.array(
              {
                partitionIndex: f.int32('8+'),
                committedOffset: f.int64('8+'),
                committedLeaderEpoch: f.int32('8+', { default: -1, ignorable: true }),
                metadata: f.string('8+', { nullable: '8+' }),
                errorCode: f.int16('8+'),
              },
              '8+',
              { struct: 'OffsetFetchResponsePartitions' },
            ),
          },
          '8+',
          { struct: 'OffsetFetchResponseTopics' },
        ),
        errorCode: f.int16('8+', { default: 0 }),
      },
      '8+',
      { struct: 'OffsetFetchResponseGroup' },
    ),
  },
});
