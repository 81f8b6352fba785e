/**
 * FindCoordinator: v0-5
 *
 * Behaviour: this broker coordinates every group and every transactional id, so every key is answered
 * with this broker's node id and advertised host and port, for key type 0 (group) and 1 (transaction)
 * alike. Another key type is INVALID_REQUEST (42), as Kafka's CoordinatorType.forId rejects it. The
 * error message of a success is "NONE", as Kafka's `Errors.NONE.message()`.
 *
 * Version notes: v0 has only the key (a group); v1 adds the key type, throttle time and error message;
 * v2 is v1; v3 is flexible; v4 batches keys (`coordinatorKeys`, KIP-699) with one answer per key; v5
 * only allows the TRANSACTION_ABORTABLE error (KIP-890), never sent here.
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.FindCoordinator, '0-5', (req, ctx) => {
  const { host, port } = ctx.broker.metadata.advertisedEndpoint;
  const nodeId = ctx.broker.metadata.nodeId;
  const valid = req.keyType === 0 || req.keyType === 1;
  const answer = valid
    ? { errorCode: 0, errorMessage: 'NONE', nodeId, host, port }
    : { errorCode: errorCode('INVALID_REQUEST'), errorMessage: `Unknown coordinator type received: ${req.keyType}`, nodeId: -1, host: '', port: -1 };
  if (ctx.apiVersion >= 4) {
    return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => ({ key, ...answer })) };
  }
  return { throttleTimeMs: 0, ...answer };
});
