/**
 * FindCoordinator (key 10): which broker coordinates a consumer group or a transactional id, v0-5,
 * flexible from v3.
 * v0 knows only group coordinators; v1 adds the key type (0 group, 1 transaction) and, in the
 * response, the throttle time and an error message; v2 is identical to v1; v3 is the first flexible
 * version; v4 looks up several keys at once (KIP-699), so the single key of v0-3 and the single
 * answer (error, node, host, port) become lists; v5 only allows the TRANSACTION_ABORTABLE error (KIP-890).
 * Source: Kafka 3.8.0 FindCoordinatorRequest.json / FindCoordinatorResponse.json.
 */
import { api, f } from '../schema.js';

export const FindCoordinator = api({
  key: 10,
  name: 'FindCoordinator',
  versions: '0-5',
  flexible: '3+',
  request: {
    key: f.string('0-3'),
    keyType: f.int8('1+', { default: 0 }),
    coordinatorKeys: f.array('string', '4+'),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    errorCode: f.int16('0-3'),
    errorMessage: f.string('1-3', { nullable: '1-3', ignorable: true }),
    nodeId: f.int32('0-3'),
    host: f.string('0-3'),
    port: f.int32('0-3'),
    coordinators: f.array(
      {
        key: f.string('4+'),
        nodeId: f.int32('4+'),
        host: f.string('4+'),
        port: f.int32('4+'),
        errorCode: f.int16('4+'),
        errorMessage: f.string('4+', { nullable: '4+', ignorable: true }),
      },
      '4+',
      { struct: 'Coordinator' },
    ),
  },
});
