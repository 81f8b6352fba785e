/**
 * InitProducerId: v0-4
 *
 * Behaviour: gives an idempotent producer its producer id and epoch: a new id at epoch 0, or, when a
 * v3+ producer names its current id and epoch (KIP-360, after a sequence error), the same id with the
 * epoch bumped. Ids are never reused, also across restarts (see ProducerStateManager).
 * Transactions are not implemented: a request with a transactional id is answered
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53) — non-retriable, so the client stops with a clear error
 * instead of retrying — after INVALID_TRANSACTION_TIMEOUT (50) when its timeout is over
 * transaction.max.timeout.ms.
 *
 * Version notes: v2 is flexible; v3 adds the producer id and epoch for epoch bumps; v4 only allows
 * PRODUCER_FENCED in answers (never sent here). v5 (KIP-890 transactions v2) is not advertised.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis, errorCode } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.InitProducerId, '0-4', (req, ctx) => {
  const fail = (name: Parameters<typeof errorCode>[0]) => ({ throttleTimeMs: 0, errorCode: errorCode(name), producerId: -1, producerEpoch: -1 });
  if (req.transactionalId !== null) {
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > ctx.broker.config.transactionMaxTimeoutMs) return fail('INVALID_TRANSACTION_TIMEOUT');
    ctx.broker.logger.warn({ transactionalId: req.transactionalId, clientId: ctx.clientId }, 'InitProducerId with a transactional id refused: transactions are not implemented');
    return fail('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
  }
  try {
    const { producerId, producerEpoch } = ctx.broker.producers.initProducerId(req.producerId, req.producerEpoch);
    return { throttleTimeMs: 0, errorCode: 0, producerId, producerEpoch };
  } catch (e) {
    if (e instanceof KafkaProtocolError) return { throttleTimeMs: 0, errorCode: e.errorCode, producerId: -1, producerEpoch: -1 };
    throw e;
  }
});
