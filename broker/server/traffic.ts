/**
 * Per-partition traffic counters (Kafka's BrokerTopicMetrics BytesIn/BytesOut/MessagesIn per topic,
 * kept here per partition log and summed per topic by /metrics and the dashboard). The Produce and
 * Fetch handlers bump them with one call each per partition; the counters live beside the log (a
 * WeakMap keyed by the UnifiedLog, so a deleted partition's counters go with it and brokers in one
 * process never share any).
 *
 * Units: bytes are record-batch bytes as stored and sent (Kafka's BytesIn counts the produce request's
 * records, BytesOut the fetched records); messages are records. Messages out (kafka-ts's own, Kafka
 * has no MessagesOut) are the records a fetch delivers from the fetch offset on, counted from the
 * batch headers (offsets are contiguous: no compaction).
 */
import type { UnifiedLog } from '../log/index.js';

/** Running totals of one partition since the broker started (or the partition was created). */
export class LogTraffic {
  /** Record-batch bytes appended by Produce. */
  bytesIn = 0;
  /** Records appended by Produce. */
  messagesIn = 0;
  /** Record-batch bytes returned by Fetch. */
  bytesOut = 0;
  /** Records returned by Fetch at or after the fetch offset. */
  messagesOut = 0;
}

const traffic = new WeakMap<UnifiedLog, LogTraffic>();

/** The counters of `log` (created at zero on first use). */
export function trafficOf(log: UnifiedLog): LogTraffic {
  let t = traffic.get(log);
  if (t === undefined) {
    t = new LogTraffic();
    traffic.set(log, t);
  }
  return t;
}

/** Count an append of `bytes` record-batch bytes holding `records` records (Produce). O(1). */
export function recordProduced(log: UnifiedLog, bytes: number, records: number): void {
  const t = trafficOf(log);
  t.bytesIn += bytes;
  t.messagesIn += records;
}

/**
 * Count a Fetch answer's `records` (whole v2 batches, as UnifiedLog.read returns them) for a fetch at
 * `fetchOffset`. Reads each batch's length and the last batch's base offset and last offset delta:
 * O(batches) header reads, no record is decoded, nothing is allocated.
 */
export function recordFetched(log: UnifiedLog, records: Buffer, fetchOffset: number): void {
  const t = trafficOf(log);
  t.bytesOut += records.length;
  t.messagesOut += recordsFrom(records, fetchOffset);
}

/** Batch layout: int64 baseOffset, int32 length (bytes after it), ..., int32 lastOffsetDelta at 23. */
const LAST_OFFSET_DELTA_OFFSET = 23;
const BATCH_HEADER_MIN = 27;

/** Records at offsets ≥ fetchOffset in whole batches `records` (0 when it holds no complete batch). */
export function recordsFrom(records: Buffer, fetchOffset: number): number {
  if (records.length < BATCH_HEADER_MIN) return 0;
  const firstBase = readOffset(records, 0);
  let pos = 0;
  let last = -1;
  while (pos + BATCH_HEADER_MIN <= records.length) {
    const length = records.readInt32BE(pos + 8);
    if (length <= 0 || pos + 12 + length > records.length) break;
    last = pos;
    pos += 12 + length;
  }
  if (last < 0) return 0;
  const lastOffset = readOffset(records, last) + records.readInt32BE(last + LAST_OFFSET_DELTA_OFFSET);
  return Math.max(0, lastOffset + 1 - Math.max(fetchOffset, firstBase));
}

function readOffset(b: Buffer, pos: number): number {
  return b.readUInt32BE(pos) * 0x1_0000_0000 + b.readUInt32BE(pos + 4);
}
