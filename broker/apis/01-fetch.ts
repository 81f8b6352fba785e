/**
 * Fetch: v4-16
 *
 * Behaviour: per partition, whole record batches from the fetch offset on: the batch that holds the
 * offset comes first even when it starts earlier (the client skips the leading records), at most
 * partition_max_bytes per partition and max_bytes per response, except that the first partition with
 * data returns at least one whole batch however large (KIP-74). Each partition answers its high
 * watermark, last stable offset (equal to it: no transactions) and log start offset;
 * OFFSET_OUT_OF_RANGE outside [log start, log end], UNKNOWN_TOPIC_OR_PARTITION (or UNKNOWN_TOPIC_ID,
 * v13+) for a partition not hosted here, e.g. of a deleted topic.
 * Long poll: when fewer than min_bytes are ready the answer waits up to max_wait_ms, and leaves as
 * soon as appends to the fetched partitions make min_bytes available (or the connection closes, or the
 * broker stops). Responses on a connection still leave in request order (the connection serves one
 * request at a time, as Kafka mutes a channel).
 * Fetch sessions (KIP-227): every request is a full fetch and the answer's session id is 0, which
 * tells clients no session was created; a request naming a session id gets FETCH_SESSION_ID_NOT_FOUND.
 * isolation_level read_committed behaves as read_uncommitted: without transactions every record is
 * committed (LSO = HW, no aborted transactions).
 *
 * Version notes: v0-3 are not advertised (they need message format 0/1 down-conversion; Kafka 4 drops
 * them too). v5 log start offset, v7 sessions, v9 current leader epoch (checked against 0), v11 rack
 * and preferred_read_replica (always -1), v12 flexible, v13 topic ids, v15 replica state, v16 leader
 * endpoints (never needed).
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import { recordFetched } from '../server/traffic.js';
import type { UnifiedLog } from '../log/index.js';
import { defineHandler, type RequestContext } from '../server/types.js';
import { checkLeaderEpoch, errorCodeOf, findLog } from './common.js';

const INT32_MAX = 2147483647;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface Wanted {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  log: UnifiedLog | undefined;
  error: number;
}

interface PartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: null;
  preferredReadReplica: number;
  records: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Read every wanted partition once; returns the partition answers and the record bytes read. */
function readAll(wanted: Wanted[], maxBytes: number, ctx: RequestContext): { data: PartitionData[]; bytes: number; errors: number } {
  const bufferPool = ctx.broker.bufferPool;
  const pool = (size: number) => bufferPool.acquire(size);
  let remaining = maxBytes;
  let minOneMessage = true;
  let bytes = 0;
  let errors = 0;
  const data = wanted.map((w): PartitionData => {
    const d: PartitionData = { partitionIndex: w.partition, errorCode: w.error, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY };
    if (w.error !== 0 || !w.log) {
      errors++;
      return d;
    }
    try {
      const limit = Math.max(0, Math.min(w.maxBytes, remaining));
      const info = w.log.read(w.fetchOffset, limit, { minOneMessage, allocate: pool });
      d.highWatermark = info.highWatermark;
      d.lastStableOffset = info.lastStableOffset;
      d.logStartOffset = info.logStartOffset;
      if (info.records.length === 0) bufferPool.release(info.records);
      else {
        d.records = info.records;
        remaining -= info.records.length;
        bytes += info.records.length;
        minOneMessage = false;
      }
    } catch (e) {
      Object.assign(d, { errorCode: errorCodeOf(e, ctx.broker, 'Fetch').code, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: EMPTY });
      errors++;
    }
    return d;
  });
  return { data, bytes, errors };
}

/** Wait until `needed` more bytes were appended to any of `logs`, or `ms` passed, or the request is abandoned. */
function waitForData(logs: UnifiedLog[], needed: number, ms: number, ctx: RequestContext): Promise<void> {
  return new Promise((resolve) => {
    let appended = 0;
    const unsubscribe: (() => void)[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const u of unsubscribe) u();
      ctx.signal.removeEventListener('abort', done);
      ctx.broker.shutdownSignal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const log of logs) {
      unsubscribe.push(
        log.onAppend((info) => {
          appended += info.validBytes;
          if (appended >= needed) done();
        }),
      );
    }
    ctx.signal.addEventListener('abort', done, { once: true });
    // A listener removed by done (a promise's then() would keep every waiter until shutdown).
    ctx.broker.shutdownSignal.addEventListener('abort', done, { once: true });
    if (ctx.signal.aborted || ctx.broker.shutdownSignal.aborted) done();
  });
}

export const handler = defineHandler(Apis.Fetch, '4-16', async (req, ctx) => {
  const v = ctx.apiVersion;
  const broker = ctx.broker;
  if (v >= 7 && req.sessionId !== 0) {
    return { throttleTimeMs: 0, errorCode: errorCode('FETCH_SESSION_ID_NOT_FOUND'), sessionId: 0, responses: [] };
  }
  const wanted: Wanted[] = [];
  const topicsOut: { topic: string; topicId: string; from: number; count: number }[] = [];
  for (const t of req.topics) {
    let name = t.topic;
    let unknownId = false;
    if (v >= 13) {
      const info = broker.metadata.topicById(t.topicId);
      if (info) name = info.name;
      else unknownId = true;
    }
    topicsOut.push({ topic: name, topicId: t.topicId ?? ZERO_UUID, from: wanted.length, count: t.partitions.length });
    for (const p of t.partitions) {
      const log = unknownId ? undefined : findLog(broker, name, p.partition);
      let error = 0;
      if (unknownId) error = errorCode('UNKNOWN_TOPIC_ID');
      else if (!log) error = errorCode('UNKNOWN_TOPIC_OR_PARTITION');
      else {
        const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
        if (epochError) error = errorCode(epochError);
      }
      wanted.push({ topic: name, topicId: t.topicId, partition: p.partition, fetchOffset: p.fetchOffset, maxBytes: p.partitionMaxBytes, log, error });
    }
  }
  const maxBytes = req.maxBytes > 0 ? req.maxBytes : INT32_MAX;
  let result = readAll(wanted, maxBytes, ctx);
  if (result.bytes < req.minBytes && req.maxWaitMs > 0 && result.errors === 0 && wanted.length > 0) {
    const logs = [...new Set(wanted.map((w) => w.log!))];
    await waitForData(logs, req.minBytes - result.bytes, req.maxWaitMs, ctx);
    for (const d of result.data) broker.bufferPool.release(d.records);
    if (ctx.signal.aborted) return undefined;
    result = readAll(wanted, maxBytes, ctx);
  }
  for (let i = 0; i < wanted.length; i++) if (result.data[i]!.records.length > 0) recordFetched(wanted[i]!.log!, result.data[i]!.records, wanted[i]!.fetchOffset);
  // The record buffers come from the pool: back to it once the answer has been written.
  const records = result.data.map((d) => d.records).filter((r) => r.length > 0);
  if (records.length > 0) ctx.afterSend(() => records.forEach((r) => broker.bufferPool.release(r)));
  const responses = topicsOut.map((t) => ({ topic: t.topic, topicId: t.topicId, partitions: result.data.slice(t.from, t.from + t.count) }));
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
});
