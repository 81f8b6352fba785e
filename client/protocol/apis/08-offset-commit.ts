/**
 * OffsetCommit (key 8): a consumer stores the positions it has reached, per partition, with the group
 * coordinator, v0-9, flexible from v8.
 * v1 identifies the committer (generation and member id, so that a zombie member is fenced) and adds a
 * per-partition commit timestamp, which v2 replaces by a request-wide retention time; v3 and v4 are
 * identical to v2; v5 drops the retention time again (the broker's offsets.retention.minutes rules);
 * v6 carries the leader epoch of each committed position (KIP-320); v7 adds the static member's
 * group.instance.id (KIP-345); v8 is the first flexible version; v9 has the v8 layout and is the first
 * usable by the KIP-848 consumer protocol, where the generation field carries the member epoch.
 * The response gains its throttle time in v3 and answers one error code per partition.
 * Source: Kafka 3.8.0 OffsetCommitRequest.json / OffsetCommitResponse.json.
 */
import { api, f } from '../schema.js';

export const OffsetCommit = api({
  key: 8,
  name: 'OffsetCommit',
  versions: '0-9',
  flexible: '8+',
  request: {
    groupId: f.string('0+'),
    generationIdOrMemberEpoch: f.int32('1+', { default: -1, ignorable: true }),
    memberId: f.string('1+', { ignorable: true }),
    groupInstanceId: f.string('7+', { nullable: '7+', default: null }),
    retentionTimeMs: f.int64('2-4', { default: -1, ignorable: true }),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            committedOffset: f.int64('0+'),
            committedLeaderEpoch: f.int32('6+', { default: -1, ignorable: true }),
            commitTimestamp: f.int64('1', { default: -1 }),
            committedMetadata: f.string('0+', { nullable: '0+' }),
          },
          '0+',
          { struct: 'OffsetCommitRequestPartition' },
        ),
      },
      '0+',
      { struct: 'OffsetCommitRequestTopic' },
    ),
  },
  response: {
    throttleTimeMs: f.int32('3+', { ignorable: true }),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            errorCode: f.int16('0+'),
          },
          '0+',
          { struct: 'OffsetCommitResponsePartition' },
        ),
      },
      '0+',
      { struct: 'OffsetCommitResponseTopic' },
    ),
  },
});
