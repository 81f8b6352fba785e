/**
 * Record batch v2 (magic 2) encoder and decoder. Source: Kafka's `DefaultRecordBatch.java` (layout,
 * CRC-32C over attributes..end, attribute bits, LogAppendTime semantics), `DefaultRecord.java` (record
 * layout) and `MemoryRecordsBuilder.java` (producer defaults: baseTimestamp = first record's
 * timestamp, producerId/epoch/sequence and partitionLeaderEpoch -1).
 *
 * API: compression is async for zstd (`@mongodb-js/zstd` has no sync API), so
 * - `encodeRecordBatch` / `decodeRecordBatch` (async) handle every codec;
 * - `encodeRecordBatchSync` / `decodeRecordBatchSync` handle none, gzip, snappy and lz4 and raise
 *   SyncCodecUnavailableError (`KTS_ERR_SYNC_CODEC`) for zstd. The uncompressed path is the fast one:
 *   sizes are measured first and the batch is written into one buffer of the exact size.
 * Compression wraps only the records (after the int32 count), as in Kafka.
 */
import { ProtocolEncodeError } from '../errors.js';
import { checkBatchBounds, computeBatchCrc, readBatchHeader, writeBatchHeader } from './batch-header.js';
import { ASYNC_THRESHOLD, compress, compressSync, decompress, decompressSync, isSyncCodec } from './compression/index.js';
import {
  Compression,
  CONTROL_FLAG_MASK,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DELETE_HORIZON_FLAG_MASK,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  toCompressionCode,
  TRANSACTIONAL_FLAG_MASK,
  type CompressionCode,
} from './constants.js';
import { corrupt, SyncCodecUnavailableError } from './errors.js';
import { decodeRecords, measureRecords, measuredMaxOffsetDelta, measuredMaxTimestamp, writeRecords } from './record.js';
import type { DecodeOptions, EncodeOptions, KafkaRecord, RecordBatch, RecordBatchHeader, RecordBatchInput } from './types.js';
import type { HeaderFields } from './batch-header.js';

function checkInt(v: number, bits: 16 | 32, what: string): number {
  const lim = bits === 16 ? 0x8000 : 0x80000000;
  if (!Number.isInteger(v) || v < -lim || v >= lim) throw new ProtocolEncodeError(`${what} ${v} is not an int${bits}`);
  return v;
}

interface Plan {
  codec: CompressionCode;
  fields: HeaderFields;
  recordsSize: number;
  baseTimestamp: number;
  defaultTimestamp: number;
}

/** Measure the records and work out every header field (records are written right after, by the caller). */
function plan(batch: RecordBatchInput): Plan {
  const records = batch.records;
  const codec = toCompressionCode(batch.compression);
  // Records without a timestamp get the batch's baseTimestamp if one is given, else now; the
  // baseTimestamp defaults to the first record's timestamp (as Java's MemoryRecordsBuilder).
  const firstTs = records.length > 0 ? records[0]!.timestamp : undefined;
  const defaultTimestamp = batch.baseTimestamp ?? Date.now();
  const baseTimestamp = batch.baseTimestamp ?? firstTs ?? defaultTimestamp;
  if (!Number.isSafeInteger(baseTimestamp)) throw new ProtocolEncodeError(`baseTimestamp ${baseTimestamp} is not a safe integer`);
  const recordsSize = measureRecords(records, baseTimestamp, defaultTimestamp);
  const timestampType = batch.timestampType ?? 0;
  const attributes =
    codec |
    (timestampType === 1 ? TIMESTAMP_TYPE_MASK : 0) |
    (batch.isTransactional ? TRANSACTIONAL_FLAG_MASK : 0) |
    (batch.isControl ? CONTROL_FLAG_MASK : 0) |
    (batch.hasDeleteHorizon ? DELETE_HORIZON_FLAG_MASK : 0);
  const maxTimestamp = batch.maxTimestamp ?? (records.length > 0 ? measuredMaxTimestamp : baseTimestamp);
  const lastOffsetDelta = batch.lastOffsetDelta ?? (records.length > 0 ? measuredMaxOffsetDelta : 0);
  return {
    codec,
    recordsSize,
    baseTimestamp,
    defaultTimestamp,
    fields: {
      baseOffset: batch.baseOffset ?? 0,
      partitionLeaderEpoch: checkInt(batch.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 32, 'partitionLeaderEpoch'),
      attributes,
      lastOffsetDelta: checkInt(lastOffsetDelta, 32, 'lastOffsetDelta'),
      baseTimestamp,
      maxTimestamp,
      producerId: batch.producerId ?? NO_PRODUCER_ID,
      producerEpoch: checkInt(batch.producerEpoch ?? NO_PRODUCER_EPOCH, 16, 'producerEpoch'),
      baseSequence: checkInt(batch.baseSequence ?? NO_SEQUENCE, 32, 'baseSequence'),
      recordCount: records.length,
    },
  };
}

/** Scratch for the uncompressed records of a batch compressed synchronously (reused; never escapes). */
let scratch = Buffer.allocUnsafe(64 * 1024);

function encodeUncompressed(batch: RecordBatchInput, p: Plan): Buffer {
  const size = RECORD_BATCH_OVERHEAD + p.recordsSize;
  const out = Buffer.allocUnsafe(size);
  const end = writeRecords(out, RECORD_BATCH_OVERHEAD, batch.records, p.baseTimestamp, p.defaultTimestamp);
  if (end !== size) throw new Error(`record encoder wrote ${end} bytes, measured ${size}`);
  writeBatchHeader(out, 0, size, p.fields);
  return out;
}

function assemble(p: Plan, compressed: Uint8Array): Buffer {
  const size = RECORD_BATCH_OVERHEAD + compressed.length;
  const out = Buffer.allocUnsafe(size);
  out.set(compressed, RECORD_BATCH_OVERHEAD);
  writeBatchHeader(out, 0, size, p.fields);
  return out;
}

function writeRecordsTo(batch: RecordBatchInput, p: Plan, target: Buffer): Buffer {
  const end = writeRecords(target, 0, batch.records, p.baseTimestamp, p.defaultTimestamp);
  if (end !== p.recordsSize) throw new Error(`record encoder wrote ${end} bytes, measured ${p.recordsSize}`);
  return target.subarray(0, end);
}

function scratchFor(size: number): Buffer {
  if (scratch.length < size) {
    let n = scratch.length;
    while (n < size) n *= 2;
    scratch = Buffer.allocUnsafe(n);
  }
  return scratch;
}

/**
 * Encode a record batch v2 synchronously. Returns a new Buffer holding exactly the batch.
 * Codecs: none, gzip, snappy (xerial framing unless `options.snappyFraming` is 'raw'), lz4.
 * Errors: SyncCodecUnavailableError for zstd; ProtocolEncodeError for fields out of range (an int64
 * that is not a safe integer, an epoch that is not an int16...); TypeError for an unknown compression.
 */
export function encodeRecordBatchSync(batch: RecordBatchInput, options?: EncodeOptions): Buffer {
  const p = plan(batch);
  if (p.codec === Compression.NONE) return encodeUncompressed(batch, p);
  if (!isSyncCodec(p.codec)) throw new SyncCodecUnavailableError('zstd');
  const raw = writeRecordsTo(batch, p, scratchFor(p.recordsSize));
  return assemble(p, compressSync(p.codec, raw, { level: options?.compressionLevel, snappyFraming: options?.snappyFraming }));
}

/**
 * Encode a record batch v2, any codec (zstd and large inputs compress on the libuv threadpool).
 * Same output and errors as encodeRecordBatchSync, without the zstd restriction.
 */
export async function encodeRecordBatch(batch: RecordBatchInput, options?: EncodeOptions): Promise<Buffer> {
  const p = plan(batch);
  if (p.codec === Compression.NONE) return encodeUncompressed(batch, p);
  const codecOptions = { level: options?.compressionLevel, snappyFraming: options?.snappyFraming };
  if (isSyncCodec(p.codec) && p.recordsSize < ASYNC_THRESHOLD) {
    return assemble(p, compressSync(p.codec, writeRecordsTo(batch, p, scratchFor(p.recordsSize)), codecOptions));
  }
  // The compressor runs off-thread while other encodes may run: give it its own buffer.
  const raw = writeRecordsTo(batch, p, Buffer.allocUnsafe(p.recordsSize));
  return assemble(p, await compress(p.codec, raw, codecOptions));
}

function checkCrc(buf: Buffer, pos: number, h: RecordBatchHeader): void {
  const computed = computeBatchCrc(buf, pos, h.sizeInBytes);
  if (computed !== h.crc) corrupt(`record batch at offset ${pos} is corrupt (stored crc = ${h.crc}, computed crc = ${computed})`);
}

function finish(h: RecordBatchHeader, records: KafkaRecord[]): RecordBatch {
  const b = h as RecordBatch;
  b.records = records;
  return b;
}

function decodeInto(h: RecordBatchHeader, data: Buffer, start: number, end: number): KafkaRecord[] {
  const records: KafkaRecord[] = [];
  decodeRecords(data, start, end, h.recordCount, h.baseOffset, h.baseTimestamp, h.timestampType === 1 ? h.maxTimestamp : null, records);
  return records;
}

function prepareDecode(buf: Buffer, pos: number, options: DecodeOptions | undefined): RecordBatchHeader {
  const h = readBatchHeader(buf, pos);
  if (options?.verifyCrc !== false) checkCrc(buf, pos, h);
  if (h.recordCount < 0) corrupt(`record batch at offset ${pos} has a negative record count ${h.recordCount}`);
  return h;
}

/**
 * Decode the v2 batch at `pos` of `buf` (its Length field gives its end) synchronously: header,
 * CRC-32C check (unless `verifyCrc: false`), decompression (none, gzip, snappy, lz4) and records.
 * Keys, values and header values are zero-copy views into `buf` (or into the decompressed buffer).
 * LogAppendTime batches give every record the batch's maxTimestamp.
 * Errors: CorruptRecordError CORRUPT_MESSAGE (bounds, magic, CRC, undecodable compressed data),
 * INVALID_RECORD (record faults, count mismatch), UNSUPPORTED_COMPRESSION_TYPE (ids 5-7),
 * MESSAGE_TOO_LARGE (decompresses past `maxDecompressedBytes`, default 64 MiB);
 * SyncCodecUnavailableError for zstd.
 */
export function decodeRecordBatchSync(buf: Buffer, pos = 0, options?: DecodeOptions): RecordBatch {
  const h = prepareDecode(buf, pos, options);
  const start = pos + RECORD_BATCH_OVERHEAD;
  const end = pos + h.sizeInBytes;
  if (h.compression === Compression.NONE) return finish(h, decodeInto(h, buf, start, end));
  if (h.recordCount === 0) return finish(h, []); // e.g. an empty batch left by compaction: no payload
  if (!isSyncCodec(h.compression)) throw new SyncCodecUnavailableError('zstd');
  const data = decompressSync(h.compression, buf.subarray(start, end), options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return finish(h, decodeInto(h, data, 0, data.length));
}

/**
 * Decode the v2 batch at `pos` of `buf`, any codec. Same result and errors as decodeRecordBatchSync,
 * without the zstd restriction.
 */
export async function decodeRecordBatch(buf: Buffer, pos = 0, options?: DecodeOptions): Promise<RecordBatch> {
  const h = prepareDecode(buf, pos, options);
  const start = pos + RECORD_BATCH_OVERHEAD;
  const end = pos + h.sizeInBytes;
  if (h.compression === Compression.NONE) return finish(h, decodeInto(h, buf, start, end));
  if (h.recordCount === 0) return finish(h, []);
  const data = await decompress(h.compression, buf.subarray(start, end), options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return finish(h, decodeInto(h, data, 0, data.length));
}

/** A v2 batch's header and its uncompressed records section `data[start, end)` (see openRecordBatchSync). */
export interface OpenedRecordBatch {
  header: RecordBatchHeader;
  data: Buffer;
  start: number;
  end: number;
}

/**
 * For decoders that build their own record objects (the consumer's fetch path): the header of the v2
 * batch at `pos` of `buf`, with the same checks as decodeRecordBatchSync (CRC-32C unless `verifyCrc:
 * false`, negative count), and its records section, decompressed when needed (none: a region of
 * `buf` itself, no copy). Same errors as decodeRecordBatchSync, including SyncCodecUnavailableError for zstd.
 */
export function openRecordBatchSync(buf: Buffer, pos = 0, options?: DecodeOptions): OpenedRecordBatch {
  const h = prepareDecode(buf, pos, options);
  const start = pos + RECORD_BATCH_OVERHEAD;
  const end = pos + h.sizeInBytes;
  if (h.compression === Compression.NONE) return { header: h, data: buf, start, end };
  if (h.recordCount === 0) return { header: h, data: buf, start: end, end };
  if (!isSyncCodec(h.compression)) throw new SyncCodecUnavailableError('zstd');
  const data = decompressSync(h.compression, buf.subarray(start, end), options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return { header: h, data, start: 0, end: data.length };
}

/** As openRecordBatchSync, any codec (zstd decompresses asynchronously). */
export async function openRecordBatch(buf: Buffer, pos = 0, options?: DecodeOptions): Promise<OpenedRecordBatch> {
  const h = prepareDecode(buf, pos, options);
  const start = pos + RECORD_BATCH_OVERHEAD;
  const end = pos + h.sizeInBytes;
  if (h.compression === Compression.NONE) return { header: h, data: buf, start, end };
  if (h.recordCount === 0) return { header: h, data: buf, start: end, end };
  const data = await decompress(h.compression, buf.subarray(start, end), options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return { header: h, data, start: 0, end: data.length };
}

/** Size in bytes of the complete v2 batch at `pos` (checks bounds and magic, not the CRC). */
export function recordBatchSize(buf: Buffer, pos = 0): number {
  return checkBatchBounds(buf, pos);
}
