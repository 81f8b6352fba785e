/**
 * DeleteRecords (key 21): advance the log start offset of partitions, making every record below the
 * given offset unreadable and eligible for deletion (-1 means "up to the high watermark"), v0-2,
 * flexible from v2. The response gives each partition's new low watermark.
 * v1 changes only behaviour: on quota violation the broker answers first and throttles afterwards.
 * v2 is the first flexible version (KIP-482).
 * Source: Kafka 3.8.0 DeleteRecordsRequest.json / DeleteRecordsResponse.json.
 */
import { api, f } from '../schema.js';

export const DeleteRecords = api({
  key: 21,
  name: 'DeleteRecords',
  versions: '0-2',
  flexible: '2+',
  request: {
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            offset: f.int64('0+'),
          },
          '0+',
          { struct: 'DeleteRecordsPartition' },
        ),
      },
      '0+',
      { struct: 'DeleteRecordsTopic' },
    ),
    timeoutMs: f.int32('0+'),
  },
  response: {
    throttleTimeMs: f.int32('0+'),
    topics: f.array(
      {
        name: f.string('0+'),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            lowWatermark: f.int64('0+'),
            errorCode: f.int16('0+'),
          },
          '0+',
          { struct: 'DeleteRecordsPartitionResult' },
        ),
      },
      '0+',
      { struct: 'DeleteRecordsTopicResult' },
    ),
  },
});
