/**
 * CreateTopics (key 19): create topics, each with either a partition count and replication factor or
 * an explicit replica assignment, plus topic configs; v0-7, flexible from v5.
 * v1 adds validateOnly (a dry run) to the request and a per-topic error message to the response;
 * v2 adds the throttle time; v3 answers before throttling on a quota violation.
 * v4 lets numPartitions / replicationFactor be -1 (use the broker defaults) even without a manual
 * assignment (KIP-464).
 * v5 is the first flexible version, and the response describes the created topic: partition count,
 * replication factor and its configs, or a tagged topicConfigErrorCode when they cannot be returned
 * (KIP-525).
 * v6 may answer THROTTLING_QUOTA_EXCEEDED (KIP-599); v7 returns the new topic's id.
 * Source: Kafka 3.8.0 CreateTopicsRequest.json / CreateTopicsResponse.json.
 */
import { api, f } from '../schema.js';

export const CreateTopics = api({
  key: 19,
  name: 'CreateTopics',
  versions: '0-7',
  flexible: '5+',
  request: {
    topics: f.array(
      {
        name: f.string('0+'),
        numPartitions: f.int32('0+'),
        replicationFactor: f.int16('0+'),
        assignments: f.array(
          {
            partitionIndex: f.int32('0+'),
            brokerIds: f.array('int32', '0+'),
          },
          '0+',
          { struct: 'CreatableReplicaAssignment' },
        ),
        configs: f.array(
          {
            name: f.string('0+'),
            value: f.string('0+', { nullable: '0+' }),
          },
          '0+',
          { struct: 'CreateableTopicConfig' },
        ),
      },
      '0+',
      { struct: 'CreatableTopic' },
    ),
    timeoutMs: f.int32('0+', { default: 60000 }),
    validateOnly: f.bool('1+', { default: false }),
  },
  response: {
    throttleTimeMs: f.int32('2+', { ignorable: true }),
    topics: f.array(
      {
        name: f.string('0+'),
        topicId: f.uuid('7+', { ignorable: true }),
        errorCode: f.int16('0+'),
        errorMessage: f.string('1+', { nullable: '0+', ignorable: true }),
        topicConfigErrorCode: f.int16('5+', { tag: 0, tagged: '5+', ignorable: true }),
        numPartitions: f.int32('5+', { default: -1, ignorable: true }),
        replicationFactor: f.int16('5+', { default: -1, ignorable: true }),
        configs: f.array(
          {
            name: f.string('5+'),
            value: f.string('5+', { nullable: '5+' }),
            readOnly: f.bool('5+'),
            configSource: f.int8('5+', { default: -1, ignorable: true }),
            isSensitive: f.bool('5+'),
          },
          '5+',
          { nullable: '5+', ignorable: true, struct: 'CreatableTopicConfigs' },
        ),
      },
      '0+',
      { struct: 'CreatableTopicResult' },
    ),
  },
});
