/**
 * DescribeCluster: v0-1
 *
 * Behaviour: describes this one-node cluster: its cluster id, the controller (this node: a single
 * broker is its own controller), and the one broker with its advertised host and port and no rack.
 * Cluster authorized operations: INT32_MIN ("not requested") unless asked for; when asked, every
 * operation on the cluster resource, since there is no authorizer (Kafka's `authorizedOperations`
 * without an authorizer).
 *
 * Version notes: v0 is flexible already. v1 (KIP-919) adds `endpointType`: 1 (brokers) is answered;
 * 2 (controllers) is MISMATCHED_ENDPOINT_TYPE (114), as Kafka's brokers answer; another value
 * UNSUPPORTED_ENDPOINT_TYPE (115). The request has no endpoint type in v0 (always brokers).
 *
 * Source: Kafka 3.8.0 `KafkaApis.handleDescribeCluster`, `AuthHelper.computeDescribeClusterResponse`,
 * `AclEntry.supportedOperations(CLUSTER)`.
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';
import { apiError } from './admin/api-error.js';

/** Kafka's default for "authorized operations not requested". */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/**
 * Bit field of every ACL operation on the CLUSTER resource (CREATE 5, ALTER 7, DESCRIBE 8,
 * CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12).
 */
export const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

/** Kafka's EndpointType ids (KIP-919). */
const ENDPOINT_BROKER = 1;
const ENDPOINT_CONTROLLER = 2;

export const handler = defineHandler(Apis.DescribeCluster, '0-1', (req, ctx) => {
  const md = ctx.broker.metadata;
  const base = { throttleTimeMs: 0, endpointType: ENDPOINT_BROKER, clusterId: md.clusterId, controllerId: md.nodeId };
  if (req.endpointType !== ENDPOINT_BROKER) {
    const err =
      req.endpointType === ENDPOINT_CONTROLLER
        ? apiError('MISMATCHED_ENDPOINT_TYPE', `The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER`)
        : apiError('UNSUPPORTED_ENDPOINT_TYPE', `Unsupported endpoint type ${req.endpointType}`);
    // Kafka answers a fresh response with only the error: no cluster id, no controller, no brokers.
    return { ...base, ...err, clusterId: '', controllerId: -1, brokers: [] };
  }
  const { host, port } = md.advertisedEndpoint;
  return {
    ...base,
    errorCode: 0,
    errorMessage: null,
    brokers: [{ brokerId: md.nodeId, host, port, rack: null }],
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  };
});
