/**
 * InitProducerId (key 22): obtain a producer id and epoch for an idempotent or transactional producer,
 * v0-5, flexible from v2. For a transactional id the transaction coordinator fences older instances by
 * bumping the epoch and completes any transaction left open; without one any broker hands out a fresh id.
 * v1 changes only behaviour: on quota violation the broker answers first and throttles afterwards.
 * v2 is the first flexible version. v3 lets a producer send its current id and epoch so it can carry on
 * after an epoch error instead of starting over (KIP-360). v4 may answer PRODUCER_FENCED (KIP-588); v5
 * may answer TRANSACTION_ABORTABLE (KIP-890).
 * Source: Kafka 3.8.0 InitProducerIdRequest.json / InitProducerIdResponse.json.
 */
import { api, f } from '../schema.js';

export const InitProducerId = api({
  key: 22,
  name: 'InitProducerId',
  versions: '0-5',
  flexible: '2+',
  request: {
    transactionalId: f.string('0+', { nullable: '0+' }),
    transactionTimeoutMs: f.int32('0+'),
    producerId: f.int64('3+', { default: -1 }),
    producerEpoch: f.int16('3+', { default: -1 }),
  },
  response: {
    throttleTimeMs: f.int32('0+', { ignorable: true }),
    errorCode: f.int16('0+'),
    producerId: f.int64('0+', { default: -1 }),
    producerEpoch: f.int16('0+'),
  },
});
