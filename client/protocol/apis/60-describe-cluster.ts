/**
 * DescribeCluster (key 60): the cluster id, the controller and the list of brokers, and optionally
 * the operations the caller may perform on the cluster (a bit field); the admin client's replacement
 * for Metadata when it only needs the cluster (KIP-700). v0-1, flexible from v0.
 * v1 adds endpointType (1 brokers, 2 controllers) to both sides, so a client talking directly to the
 * KRaft controllers can list them (KIP-919); a mismatch yields MISMATCHED_ENDPOINT_TYPE or
 * UNSUPPORTED_ENDPOINT_TYPE.
 * Source: Kafka 3.8.0 DescribeClusterRequest.json / DescribeClusterResponse.json.
 */
import { api, f } from '../schema.js';

export const DescribeCluster = api({
  key: 60,
  name: 'DescribeCluster',
  versions: '0-1',
  flexible: '0+',
  request: {
    includeClusterAuthorizedOperations: f.bool('0+'),
    endpointType: f.int8('1+', { default: 1 }),
  },
  response: {
    throttleTimeMs: f.int32('0+'),
    errorCode: f.int16('0+'),
    errorMessage: f.string('0+', { nullable: '0+', default: null }),
    endpointType: f.int8('1+', { default: 1 }),
    clusterId: f.string('0+'),
    controllerId: f.int32('0+', { default: -1 }),
    brokers: f.array(
      {
        brokerId: f.int32('0+'),
        host: f.string('0+'),
        port: f.int32('0+'),
        rack: f.string('0+', { nullable: '0+', default: null }),
      },
      '0+',
      { struct: 'DescribeClusterBroker' },
    ),
    clusterAuthorizedOperations: f.int32('0+', { default: -2147483648 }),
  },
});
