/**
 * OffsetDelete (key 47): drops a group's committed positions for chosen partitions, allowed only for
 * topics the group is not consuming (KIP-496). A single version, v0, never flexible; the response has
 * a group-level error code, the throttle time, and one error code per partition.
 * Source: Kafka 3.8.0 OffsetDeleteRequest.json / OffsetDeleteResponse.json.
 */
import { api, f } from '../schema.js';

export const OffsetDelete = api({
  key: 47,
  name: 'OffsetDelete',
  versions: '0',
  flexible: 'none',
  request: {
    groupId: f.string('0+'),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
          },
          '0+',
          { struct: 'OffsetDeleteRequestPartition' },
        ),
      },
      '0+',
      { struct: 'OffsetDeleteRequestTopic' },
    ),
  },
  response: {
    errorCode: f.int16('0+'),
    throttleTimeMs: f.int32('0+', { ignorable: true }),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            errorCode: f.int16('0+'),
          },
          '0+',
          { struct: 'OffsetDeleteResponsePartition' },
        ),
      },
      '0+',
      { struct: 'OffsetDeleteResponseTopic' },
    ),
  },
});
