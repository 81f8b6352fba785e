/**
 * Metadata (key 3): the brokers of the cluster, the controller, and each topic's partitions with their
 * leader, replicas and in-sync replicas, v0-12, flexible from v9.
 * In v0 an empty topic list means "all topics"; from v1 all topics is a null list and an empty list
 * asks for none. v1 adds broker racks, the controller id and the internal-topic flag; v2 the cluster
 * id; v3 the throttle time. v4 lets the client say whether requested topics may be auto-created. v5
 * lists offline replicas; v6 answers before throttling on quota violation; v7 adds the partition leader
 * epoch (KIP-320). v8 can return the authorized operations on topics and on the cluster (KIP-430). v9
 * is the first flexible version. v10 adds topic ids (KIP-516), though lookups by id only work from v12,
 * where a response topic name may be null. v11 drops the cluster authorized operations, now served by
 * DescribeCluster (KIP-700).
 * Source: Kafka 3.8.0 MetadataRequest.json / MetadataResponse.json.
 */
import { api, f } from '../schema.js';

export const Metadata = api({
  key: 3,
  name: 'Metadata',
  versions: '0-12',
  flexible: '9+',
  request: {
    topics: f.array(
      {
        topicId: f.uuid('10+', { ignorable: true }),
        name: f.string('0+', { nullable: '10+' }),
      },
      '0+',
      { nullable: '1+', struct: 'MetadataRequestTopic' },
    ),
    allowAutoTopicCreation: f.bool('4+', { default: true }),
    includeClusterAuthorizedOperations: f.bool('8-10'),
    includeTopicAuthorizedOperations: f.bool('8+'),
  },
  response: {
    throttleTimeMs: f.int32('3+', { ignorable: true }),
    brokers: f.array(
      {
        nodeId: f.int32('0+'),
        host: f.string('0+'),
        port: f.int32('0+'),
        rack: f.string('1+', { nullable: '1+', default: null, ignorable: true }),
      },
      '0+',
      { struct: 'MetadataResponseBroker' },
    ),
    clusterId: f.string('2+', { nullable: '2+', default: null, ignorable: true }),
    controllerId: f.int32('1+', { default: -1, ignorable: true }),
    topics: f.array(
      {
        errorCode: f.int16('0+'),
        name: f.string('0+', { nullable: '12+' }),
        topicId: f.uuid('10+', { ignorable: true }),
        isInternal: f.bool('1+', { default: false, ignorable: true }),
        partitions: f.array(
          {
            errorCode: f.int16('0+'),
            partitionIndex: f.int32('0+'),
            leaderId: f.int32('0+'),
            leaderEpoch: f.int32('7+', { default: -1, ignorable: true }),
            replicaNodes: f.array('int32', '0+'),
            isrNodes: f.array('int32', '0+'),
            offlineReplicas: f.array('int32', '5+', { ignorable: true }),
          },
          '0+',
          { struct: 'MetadataResponsePartition' },
        ),
        topicAuthorizedOperations: f.int32('8+', { default: -2147483648 }),
      },
      '0+',
      { struct: 'MetadataResponseTopic' },
    ),
    clusterAuthorizedOperations: f.int32('8-10', { default: -2147483648 }),
  },
});
