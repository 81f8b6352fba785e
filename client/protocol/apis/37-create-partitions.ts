/**
 * CreatePartitions (key 37): raise the partition count of existing topics, optionally placing the new
 * partitions' replicas on given brokers (null assignments: the broker chooses); v0-3, flexible from v2.
 * v1 has the v0 layout, but a broker answers before throttling on a quota violation; v2 is the first
 * flexible version; v3 may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).
 * Source: Kafka 3.8.0 CreatePartitionsRequest.json / CreatePartitionsResponse.json.
 */
import { api, f } from '../schema.js';

export const CreatePartitions = api({
  key: 37,
  name: 'CreatePartitions',
  versions: '0-3',
  flexible: '2+',
  request: {
    topics: f.array(
      {
        name: f.string('0+'),
        count: f.int32('0+'),
        assignments: f.array(
          {
            brokerIds: f.array('int32', '0+'),
          },
          '0+',
          { nullable: '0+', struct: 'CreatePartitionsAssignment' },
        ),
      },
      '0+',
      { struct: 'CreatePartitionsTopic' },
    ),
    timeoutMs: f.int32('0+'),
    validateOnly: f.bool('0+'),
  },
  response: {
    throttleTimeMs: f.int32('0+'),
    results: f.array(
      {
        name: f.string('0+'),
        errorCode: f.int16('0+'),
        errorMessage: f.string('0+', { nullable: '0+', default: null }),
      },
      '0+',
      { struct: 'CreatePartitionsTopicResult' },
    ),
  },
});
