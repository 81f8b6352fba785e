/**
 * ProducerBatch (Java's `org.apache.kafka.clients.producer.internals.ProducerBatch` with its
 * `MemoryRecordsBuilder`): the records for one partition that go to the broker together as one record
 * batch v2. Each record is encoded into the batch's growing buffer when it is appended (send() time),
 * after the 61-byte header space; the header (producer id, epoch, sequence, counts, timestamps, CRC)
 * is written when the batch is drained (encode(); again only if its producer epoch or sequence
 * changes), and compression, if any, runs then over the encoded records.
 *
 * Each record's send() promise is settled from flat arrays of resolve/reject functions kept on the
 * batch (no per-record closure or object besides the promise and its RecordMetadata): offset = base
 * offset + index; timestamp = the record's CreateTime, or the broker's LogAppendTime when the answer
 * carries one. `done` settles once for the whole batch (flush() and close() wait on it).
 *
 * Buffers come from a small free list (`takeBuffer`/`recycle`, Java's BufferPool reuse of batch.size
 * buffers) and go back to it once the broker answered the batch (its bytes were written by then).
 */
import { ProtocolEncodeError } from '../errors.js';
import { writeBatchHeader } from '../records/batch-header.js';
import { compress, compressSync, isSyncCodec, ASYNC_THRESHOLD } from '../records/compression/index.js';
import { NO_PARTITION_LEADER_EPOCH, RECORD_BATCH_OVERHEAD, toCompressionCode } from '../records/constants.js';
import { decodeRecords, EMPTY_HEADERS, measureRecords, writeRecords } from '../records/record.js';
import { sizeOfVarlong, writeUnsignedVarint, writeVarlong } from '../records/varint.js';
import type { CompressionName, KafkaRecord, RecordInput } from '../records/index.js';

/** What the broker answered for a batch: base offset (-1 with acks=0) and log-append time (-1 = CreateTime). */
export interface BatchResult {
  baseOffset: number;
  logAppendTime: number;
}

/** Where a record was written (the producer's RecordMetadata). */
export interface BatchRecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/** Upper bound of one record's encoded size in bytes (Java's DefaultRecord.sizeInBytes upper bound). */
export function estimateRecordSize(keyBytes: number, valueBytes: number, headerBytes: number): number {
  return 21 + keyBytes + valueBytes + headerBytes;
}

// ---------------------------------------------------------------------------------------------
// Buffer reuse
// ---------------------------------------------------------------------------------------------

/** Free buffers by size (only the few sizes batches use: the initial capacity and its doublings). */
const freeBuffers = new Map<number, Buffer[]>();
let freeBytes = 0;
/** Upper bound of the bytes kept in the free list (process-wide). */
const MAX_FREE_BYTES = 16 * 1024 * 1024;

function takeBuffer(size: number): Buffer {
  const list = freeBuffers.get(size);
  const b = list?.pop();
  if (b) {
    freeBytes -= size;
    return b;
  }
  return Buffer.allocUnsafeSlow(size);
}

/** The largest free buffer of at least `size` bytes, else a new one of `size` bytes. */
function takeLargestBuffer(size: number): Buffer {
  let best = 0;
  for (const [n, list] of freeBuffers) if (n > best && list.length > 0) best = n;
  return best >= size ? takeBuffer(best) : takeBuffer(size);
}

function recycle(b: Buffer): void {
  if (freeBytes + b.length > MAX_FREE_BYTES) return;
  let list = freeBuffers.get(b.length);
  if (!list) freeBuffers.set(b.length, (list = []));
  list.push(b);
  freeBytes += b.length;
}

function sizeOfUVarint(u: number): number {
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

const EMPTY: never[] = [];

let nextBatchId = 0;

/** See the module comment. */
export class ProducerBatch {
  /** Creation order (for re-queueing retried batches in order; the pieces of a split batch sit between its id and the next). */
  id = nextBatchId++;
  /** Number of records. */
  recordCount = 0;
  /** Estimated uncompressed size of the records, bytes (what batch.size and buffer.memory count). */
  estimatedBytes = 0;
  /** No more records may be added (full, drained, or aborted). */
  closed = false;
  /** Times sent (0 = never). */
  attempts = 0;
  /** ms before which a retry is not sent (retry.backoff.ms). */
  retryAtMs = 0;
  /** Idempotence: producer id / epoch / first sequence, -1 until first drained. */
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** True once a send of this batch ended without a definite answer (the broker may have written it). */
  outcomeUnknown = false;
  /** The last retriable error (reported if the batch finally fails). */
  lastError: Error | undefined;
  /** Set while a Produce request carrying this batch is in flight. */
  inFlight = false;
  /** Drained and not yet completed or re-enqueued (the accumulator's per-partition count). */
  sending = false;
  /** Settled (done resolved or rejected). */
  completed = false;
  readonly done: Promise<BatchResult>;
  private resolveFn!: (r: BatchResult) => void;
  private rejectFn!: (e: Error) => void;
  /**
   * The records' send() resolvers and CreateTimes, by index. A record's promise is rejected through
   * its resolver too (resolved with a rejected promise), so no reject function is kept.
   */
  private resolvers: ((m: BatchRecordMetadata | Promise<never>) => void)[] = [];
  private timestamps: number[] = [];
  /** Record bytes from RECORD_BATCH_OVERHEAD to `pos`; header written by encode(). */
  private buf: Buffer;
  private pos = RECORD_BATCH_OVERHEAD;
  private baseTimestamp = -1;
  private maxTimestamp = -1;
  private encoded: Buffer | undefined;
  private encodedFor = '';
  /** The compressed records (compression runs once; the header is rewritten on re-sequencing). */
  private compressed: Uint8Array | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
    initialCapacity = 16384,
    mayGrow = false,
  ) {
    const size = Math.max(initialCapacity, RECORD_BATCH_OVERHEAD + 64);
    // A batch that may grow past batch.size takes the largest free buffer (no copy while it grows).
    this.buf = mayGrow ? takeLargestBuffer(size) : takeBuffer(size);
    this.done = new Promise<BatchResult>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    // Failures reach the callers through the per-record promises.
    this.done.catch(() => {});
  }

  private ensure(bytes: number): void {
    const need = this.pos + bytes;
    if (need <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < need) n *= 2;
    const next = takeBuffer(n);
    this.buf.copy(next, 0, 0, this.pos);
    recycle(this.buf);
    this.buf = next;
  }

  /**
   * Encode a record into the batch. `keyLen`/`valueLen` are the byte lengths (-1 = null); strings are
   * written as UTF-8. `estimated` bytes are added to estimatedBytes. `resolve`/`reject` settle the
   * record's send() promise. Errors: ProtocolEncodeError for bad header input (nothing is written).
   */
  append(
    key: Uint8Array | null,
    keyLen: number,
    value: Uint8Array | string | null,
    valueLen: number,
    headers: RecordInput['headers'],
    timestamp: number,
    estimated: number,
    resolve: (m: BatchRecordMetadata | Promise<never>) => void,
  ): void {
    const od = this.recordCount;
    if (od === 0) this.baseTimestamp = this.maxTimestamp = timestamp;
    const tsDelta = timestamp - this.baseTimestamp;
    if (headers) {
      // Rare path: the shared record encoder (measure, then write), at offsetDelta od.
      const rec: RecordInput = { key, value, headers, timestamp, offsetDelta: od };
      const one = [rec];
      this.ensure(measureRecords(one, this.baseTimestamp, timestamp));
      this.pos = writeRecords(this.buf, this.pos, one, this.baseTimestamp, timestamp);
    } else {
      let tsSize: number;
      let tsZig = 0;
      const small = tsDelta >= -0x40000000 && tsDelta < 0x40000000;
      if (small) {
        tsZig = ((tsDelta << 1) ^ (tsDelta >> 31)) >>> 0;
        tsSize = sizeOfUVarint(tsZig);
      } else {
        if (!Number.isSafeInteger(tsDelta)) throw new ProtocolEncodeError(`record timestamp ${timestamp} is not a safe integer`);
        tsSize = sizeOfVarlong(tsDelta);
      }
      const body = 2 + tsSize + sizeOfUVarint(od * 2) + (keyLen < 0 ? 1 : sizeOfUVarint(keyLen * 2) + keyLen) + (valueLen < 0 ? 1 : sizeOfUVarint(valueLen * 2) + valueLen);
      if (this.pos + body + 5 > this.buf.length) this.ensure(body + 5);
      const buf = this.buf;
      let pos = this.pos;
      let u = body * 2;
      if (u < 0x80) buf[pos++] = u;
      else pos = writeUnsignedVarint(buf, pos, u);
      buf[pos++] = 0; // attributes
      if (small) {
        if (tsZig < 0x80) buf[pos++] = tsZig;
        else pos = writeUnsignedVarint(buf, pos, tsZig);
      } else pos = writeVarlong(buf, pos, tsDelta);
      u = od * 2;
      if (u < 0x80) buf[pos++] = u;
      else pos = writeUnsignedVarint(buf, pos, u);
      if (keyLen < 0) buf[pos++] = 1;
      else {
        u = keyLen * 2;
        if (u < 0x80) buf[pos++] = u;
        else pos = writeUnsignedVarint(buf, pos, u);
        if (keyLen > 0) buf.set(key!, pos);
        pos += keyLen;
      }
      if (valueLen < 0) buf[pos++] = 1;
      else {
        u = valueLen * 2;
        if (u < 0x80) buf[pos++] = u;
        else pos = writeUnsignedVarint(buf, pos, u);
        if (typeof value === 'string') buf.write(value, pos, valueLen, 'utf8');
        else if (valueLen > 0) buf.set(value!, pos);
        pos += valueLen;
      }
      buf[pos++] = 0; // no headers
      this.pos = pos;
    }
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    this.recordCount = od + 1;
    this.estimatedBytes += estimated;
    this.resolvers.push(resolve);
    this.timestamps.push(timestamp);
  }

  /** The batch's wire bytes (header written once per producer id/epoch/sequence). zstd and large batches compress off the main thread. */
  async encode(compression: CompressionName): Promise<Buffer> {
    const key = `${this.producerId}/${this.producerEpoch}/${this.baseSequence}`;
    if (this.encoded && this.encodedFor === key) return this.encoded;
    const codec = toCompressionCode(compression);
    const fields = {
      baseOffset: 0,
      partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
      attributes: codec,
      lastOffsetDelta: this.recordCount - 1,
      baseTimestamp: this.baseTimestamp,
      maxTimestamp: this.maxTimestamp,
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: this.baseSequence,
      recordCount: this.recordCount,
    };
    if (codec === 0) {
      writeBatchHeader(this.buf, 0, this.pos, fields);
      this.encoded = this.buf.subarray(0, this.pos);
    } else {
      if (!this.compressed) {
        const raw = this.buf.subarray(RECORD_BATCH_OVERHEAD, this.pos);
        this.compressed = isSyncCodec(codec) && raw.length < ASYNC_THRESHOLD ? compressSync(codec, raw) : await compress(codec, raw);
      }
      const size = RECORD_BATCH_OVERHEAD + this.compressed.length;
      const out = Buffer.allocUnsafe(size);
      out.set(this.compressed, RECORD_BATCH_OVERHEAD);
      writeBatchHeader(out, 0, size, fields);
      this.encoded = out;
    }
    this.encodedFor = key;
    return this.encoded;
  }

  /** Size of the encoded batch if encoded, else of its uncompressed bytes (header included). */
  get sizeInBytes(): number {
    return this.encoded?.length ?? this.pos;
  }

  /**
   * Settle with success: every record's promise resolves with its RecordMetadata. `reuseBuffer`: the
   * batch's bytes are surely written (the broker answered), so its buffer may be reused.
   */
  complete(result: BatchResult, reuseBuffer = false): void {
    if (this.completed) return;
    this.completed = true;
    const { topic, partition } = this;
    const base = result.baseOffset;
    const lat = result.logAppendTime;
    const resolvers = this.resolvers;
    const ts = this.timestamps;
    this.release(reuseBuffer);
    for (let i = 0; i < resolvers.length; i++) {
      resolvers[i]!({ topic, partition, offset: base < 0 ? -1 : base + i, timestamp: lat >= 0 ? lat : ts[i]! });
    }
    this.resolveFn(result);
  }

  /**
   * Java's `ProducerBatch.split`: the batch's records in new batches of at most `maxEstimatedBytes`
   * each (estimated as at send(), at least one record each), in order, after the broker refused the
   * batch as too large (MESSAGE_TOO_LARGE). The records' promises move to the pieces, which keep this
   * batch's producer id, epoch and sequence range (one piece after the other), its creation time and
   * its place in the queue; this batch's `done` settles when every piece has. Its bytes are copied:
   * the buffer is reused (the broker answered, so it is written).
   */
  split(maxEstimatedBytes: number): ProducerBatch[] {
    const records: KafkaRecord[] = [];
    decodeRecords(this.buf, RECORD_BATCH_OVERHEAD, this.pos, this.recordCount, 0, this.baseTimestamp, null, records);
    const pieces: ProducerBatch[] = [];
    let piece: ProducerBatch | undefined;
    let allocated = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      let headerBytes = 0;
      for (const h of r.headers) headerBytes += 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
      const est = estimateRecordSize(r.key?.length ?? 0, r.value?.length ?? 0, headerBytes);
      if (!piece || (piece.recordCount > 0 && piece.estimatedBytes + est > maxEstimatedBytes)) {
        piece = new ProducerBatch(this.topic, this.partition, this.createdMs, Math.min(this.buf.length, maxEstimatedBytes + RECORD_BATCH_OVERHEAD));
        pieces.push(piece);
      }
      const headers = r.headers === EMPTY_HEADERS || r.headers.length === 0 ? undefined : r.headers;
      piece.append(r.key, r.key ? r.key.length : -1, r.value, r.value ? r.value.length : -1, headers, this.timestamps[i]!, est, this.resolvers[i]!);
      allocated += est;
    }
    // buffer.memory: the pieces give back exactly what this batch took.
    pieces[pieces.length - 1]!.estimatedBytes += this.estimatedBytes - allocated;
    let seq = this.baseSequence;
    pieces.forEach((b, k) => {
      b.id = this.id + (k + 1) / (pieces.length + 1);
      b.attempts = this.attempts;
      b.lastError = this.lastError;
      b.closed = true;
      if (seq >= 0) {
        b.producerId = this.producerId;
        b.producerEpoch = this.producerEpoch;
        b.baseSequence = seq;
        seq = (seq + b.recordCount) % 0x80000000;
      }
    });
    this.completed = true;
    this.resolvers = EMPTY;
    this.release(true);
    void Promise.allSettled(pieces.map((b) => b.done)).then((all) => {
      const bad = all.find((x) => x.status === 'rejected');
      if (bad) this.rejectFn((bad as PromiseRejectedResult).reason);
      else this.resolveFn((all[0] as PromiseFulfilledResult<BatchResult>).value);
    });
    return pieces;
  }

  /** Settle with failure: every record's promise rejects with `error`. */
  fail(error: Error): void {
    if (this.completed) return;
    this.completed = true;
    const resolvers = this.resolvers;
    // The buffer may still be referenced by a socket write: do not reuse it.
    this.release(false);
    if (resolvers.length > 0) {
      const rejected = Promise.reject(error);
      rejected.catch(() => {});
      for (let i = 0; i < resolvers.length; i++) resolvers[i]!(rejected);
    }
    this.rejectFn(error);
  }

  private release(reuse: boolean): void {
    if (reuse && this.buf.length > 0) recycle(this.buf);
    this.buf = Buffer.alloc(0);
    this.encoded = undefined;
    this.compressed = undefined;
    this.resolvers = EMPTY;
    this.timestamps = EMPTY;
  }
}
