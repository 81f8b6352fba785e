/**
 * Produce: v0-10 (record batch v2 data only, so in practice v3+)
 *
 * Behaviour: appends each partition's record batches to its log and answers per partition with the
 * base offset, the log-append time (LogAppendTime topics, else -1) and the log start offset.
 * acks: 0 sends no answer at all (and, as Kafka, closes the connection when an append failed, the only
 * way to tell such a producer); 1 and -1 answer once the data is in the log file. With one replica,
 * -1 ("all in-sync replicas") means the same as 1 plus the flush policy: when an append reaches
 * `flush.messages` the answer waits for the fdatasync. Any other acks value: INVALID_REQUIRED_ACKS.
 * Per-partition errors: UNKNOWN_TOPIC_OR_PARTITION (no auto-creation on produce, as Kafka),
 * MESSAGE_TOO_LARGE, CORRUPT_MESSAGE (bad CRC or framing), INVALID_RECORD, RECORD_LIST_TOO_LARGE,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT (magic 0/1 message sets: not converted, see the ledger),
 * KAFKA_STORAGE_ERROR. Other partitions of the request are unaffected.
 * Idempotent producers (producer id ≥ 0): sequence checks before the append (ProducerStateManager);
 * a duplicate batch is answered as success with the offset it was first written at, and is not
 * written again; OUT_OF_ORDER_SEQUENCE_NUMBER and INVALID_PRODUCER_EPOCH otherwise.
 * Transactions are not implemented: a transactional id gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
 *
 * Version notes: v1 throttle time, v2 log-append time, v3 transactional id and record batch v2, v5 log
 * start offset, v7 zstd, v8 record errors and error message (only the message is filled), v9 flexible,
 * v10 leader hints on NOT_LEADER_OR_FOLLOWER (never sent: this broker leads every partition).
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import { recordProduced } from '../server/traffic.js';
import { CloseConnectionError } from '../server/connection.js';
import { idempotentBatches } from '../server/producer-state.js';
import { defineHandler } from '../server/types.js';
import { errorCodeOf, findLog } from './common.js';

interface PartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: never[];
  errorMessage: string | null;
}

export const handler = defineHandler(Apis.Produce, '0-10', async (req, ctx) => {
  const broker = ctx.broker;
  const acks = req.acks;
  const flushes: Promise<void>[] = [];
  let failed: string | undefined;
  const responses = req.topicData.map((t) => ({
    name: t.name,
    partitionResponses: t.partitionData.map((p): PartitionResponse => {
      const r: PartitionResponse = { index: p.index, errorCode: 0, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null };
      const fail = (code: number, message: string | null) => {
        r.errorCode = code;
        r.errorMessage = message;
        failed ??= `${t.name}-${p.index}: ${message ?? code}`;
        return r;
      };
      if (acks !== 0 && acks !== 1 && acks !== -1) return fail(errorCode('INVALID_REQUIRED_ACKS'), `acks=${acks} is not one of -1, 0, 1`);
      if (req.transactionalId !== null) return fail(errorCode('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'), 'transactions are not implemented by this broker');
      const log = findLog(broker, t.name, p.index);
      if (!log) return fail(errorCode('UNKNOWN_TOPIC_OR_PARTITION'), `This server does not host this topic-partition: ${t.name}-${p.index}`);
      const records = p.records;
      if (records === null || records.length === 0) return fail(errorCode('INVALID_RECORD'), 'produce data without records');
      try {
        const batches = idempotentBatches(records);
        const seq = broker.producers.check(log, batches);
        if (seq.kind === 'duplicate') {
          r.baseOffset = seq.firstOffset;
          r.logStartOffset = log.logStartOffset;
          return r;
        }
        const info = log.append(records);
        recordProduced(log, info.validBytes, info.recordCount);
        if (batches.length > 0) broker.producers.update(log, info.batches);
        r.baseOffset = info.firstOffset;
        r.logAppendTimeMs = info.logAppendTime;
        r.logStartOffset = info.logStartOffset;
        if (info.flush) flushes.push(info.flush);
      } catch (e) {
        const { code, message } = errorCodeOf(e, broker, 'Produce');
        return fail(code, message);
      }
      return r;
    }),
  }));
  if (acks === 0) {
    if (failed !== undefined) throw new CloseConnectionError(`acks=0 produce failed (${failed})`);
    return undefined;
  }
  if (flushes.length > 0) {
    try {
      await Promise.all(flushes);
    } catch (e) {
      const code = errorCode('KAFKA_STORAGE_ERROR');
      for (const t of responses) for (const p of t.partitionResponses) if (p.errorCode === 0) Object.assign(p, { errorCode: code, errorMessage: String(e) });
    }
  }
  return { responses, throttleTimeMs: 0 };
});
