/**
 * The record batch v2 header, read and patched in place: what the broker's storage layer needs
 * without decoding records. Source: Kafka's `DefaultRecordBatch.java` (layout, ensureValid,
 * setLastOffset, setPartitionLeaderEpoch, setMaxTimestamp) and `ByteBufferLogInputStream.nextBatch`.
 *
 * ```
 * BaseOffset int64 | Length int32 | PartitionLeaderEpoch int32 | Magic int8 (=2) | CRC uint32 (CRC-32C)
 * Attributes int16 | LastOffsetDelta int32 | BaseTimestamp int64 | MaxTimestamp int64
 * ProducerId int64 | ProducerEpoch int16 | BaseSequence int32 | RecordCount int32 | records...
 * ```
 * The CRC covers Attributes..end, so BaseOffset, Length, PartitionLeaderEpoch and Magic can be
 * rewritten in place without recomputing it; MaxTimestamp and the timestamp-type bit cannot.
 * Positions (`pos`) are byte offsets of the batch start in the buffer; int64 fields are safe-integer numbers.
 */
import { ProtocolEncodeError } from '../errors.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  DELETE_HORIZON_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  MIN_BATCH_LENGTH,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  type CompressionCode,
} from './constants.js';
import { crc32c } from './crc32c.js';
import { corrupt, unsupportedCompression } from './errors.js';
import { checkRecords } from './record.js';
import type { RecordBatchHeader } from './types.js';

const TWO_32 = 4294967296;

/** Read an int64 at `pos` as a number; CorruptRecordError CORRUPT_MESSAGE outside ±(2^53 - 1). */
export function readInt64(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos);
  const lo = buf.readUInt32BE(pos + 4);
  if (hi > 0x1fffff || hi < -0x200000 || (hi === -0x200000 && lo === 0)) corrupt(`int64 at offset ${pos} is outside the safe-integer range`);
  return hi * TWO_32 + lo;
}

/** Write the safe integer `v` as an int64 at `pos`; ProtocolEncodeError otherwise. */
export function writeInt64(buf: Buffer, pos: number, v: number): void {
  if (!Number.isSafeInteger(v)) throw new ProtocolEncodeError(`int64 value ${v} is not a safe integer`);
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

/**
 * Check that a complete v2 batch starts at `pos` (length fields inside `[pos, end)`, magic 2) and
 * return its size in bytes (Length + 12). Does not check the CRC.
 * Errors: CorruptRecordError CORRUPT_MESSAGE (truncated, Length below 49, past `end`, magic not 2).
 */
export function checkBatchBounds(buf: Buffer, pos = 0, end = buf.length): number {
  if (pos < 0 || end > buf.length || end - pos < RECORD_BATCH_OVERHEAD) {
    corrupt(`record batch at offset ${pos} is truncated: ${Math.max(0, end - pos)} bytes, the header alone needs ${RECORD_BATCH_OVERHEAD}`);
  }
  const length = buf.readInt32BE(pos + LENGTH_OFFSET);
  if (length < MIN_BATCH_LENGTH) corrupt(`record batch at offset ${pos} has length ${length}, less than the minimum ${MIN_BATCH_LENGTH}`);
  if (length > end - pos - LOG_OVERHEAD) corrupt(`record batch at offset ${pos} has length ${length} but only ${end - pos - LOG_OVERHEAD} bytes follow`);
  const magic = buf[pos + MAGIC_OFFSET]!;
  if (magic !== MAGIC_V2) corrupt(`record batch at offset ${pos} has magic ${magic}, expected 2`);
  return length + LOG_OVERHEAD;
}

/** CRC-32C of the batch at `pos` as it should be stored (attributes..end). `size` = whole batch size. */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + size);
}

/**
 * Decode the header of the v2 batch at `pos` (everything but the records). Checks bounds and magic,
 * not the CRC.
 * Errors: CorruptRecordError CORRUPT_MESSAGE (as checkBatchBounds; an int64 outside the safe range),
 * UNSUPPORTED_COMPRESSION_TYPE (codec id 5-7).
 */
export function readBatchHeader(buf: Buffer, pos = 0, end = buf.length): RecordBatchHeader {
  const sizeInBytes = checkBatchBounds(buf, pos, end);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  const compression = attributes & COMPRESSION_CODEC_MASK;
  if (compression > 4) unsupportedCompression(`record batch at offset ${pos} uses compression id ${compression}`);
  const baseOffset = readInt64(buf, pos);
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  return {
    baseOffset,
    length: sizeInBytes - LOG_OVERHEAD,
    sizeInBytes,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: 2,
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    compression: compression as CompressionCode,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
    lastOffsetDelta,
    lastOffset: baseOffset + lastOffsetDelta,
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORDS_COUNT_OFFSET),
  };
}

/** Options of validateRecordBatch. */
export interface ValidateOptions {
  /** Exclusive end of the region the batch must lie in (default `buf.length`). */
  end?: number;
  /**
   * Also walk the records of an uncompressed batch, checking every length and varint and the record
   * count, without building objects (default false: header and CRC only).
   */
  checkRecords?: boolean;
}

/**
 * Fast validation of the v2 batch at `pos` without decoding records (Kafka's
 * DefaultRecordBatch.ensureValid): bounds, magic, the compression id, a non-negative record count and
 * the CRC-32C. Returns the batch size in bytes.
 * Errors: CorruptRecordError CORRUPT_MESSAGE (truncated, bad length, magic, CRC mismatch),
 * UNSUPPORTED_COMPRESSION_TYPE (id 5-7), INVALID_RECORD (negative count; with checkRecords, any record fault).
 */
export function validateRecordBatch(buf: Buffer, pos = 0, options?: ValidateOptions): number {
  const size = checkBatchBounds(buf, pos, options?.end ?? buf.length);
  const stored = buf.readUInt32BE(pos + CRC_OFFSET);
  const computed = computeBatchCrc(buf, pos, size);
  if (stored !== computed) corrupt(`record batch at offset ${pos} is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  const codec = buf[pos + ATTRIBUTES_OFFSET + 1]! & COMPRESSION_CODEC_MASK;
  if (codec > 4) unsupportedCompression(`record batch at offset ${pos} uses compression id ${codec}`);
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (count < 0) corrupt(`record batch at offset ${pos} has a negative record count ${count}`);
  if (options?.checkRecords && codec === 0) checkRecords(buf, pos + RECORD_BATCH_OVERHEAD, pos + size, count);
  return size;
}

/** Rewrite the baseOffset of the batch at `pos` in place (no CRC change: the CRC does not cover it). */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos, baseOffset);
}

/** Rewrite the partitionLeaderEpoch of the batch at `pos` in place (not covered by the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Set the timestamp type (0 CreateTime, 1 LogAppendTime) and maxTimestamp (ms) of the batch at `pos`
 * and recompute its CRC, as Kafka's DefaultRecordBatch.setMaxTimestamp (the broker's LogAppendTime
 * path). Does nothing if both already hold. The batch must be complete (checkBatchBounds errors otherwise).
 */
export function setMaxTimestamp(buf: Buffer, pos: number, timestampType: 0 | 1, maxTimestamp: number): void {
  const size = checkBatchBounds(buf, pos);
  const attributes = buf.readUInt16BE(pos + ATTRIBUTES_OFFSET);
  const currentType = (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0;
  if (currentType === timestampType && readInt64(buf, pos + MAX_TIMESTAMP_OFFSET) === maxTimestamp) return;
  buf.writeUInt16BE(timestampType === 1 ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, maxTimestamp);
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + CRC_OFFSET);
}

/** The fields of a v2 header to write (see RecordBatchHeader for their meanings and units). */
export type HeaderFields = Pick<
  RecordBatchHeader,
  | 'baseOffset'
  | 'partitionLeaderEpoch'
  | 'attributes'
  | 'lastOffsetDelta'
  | 'baseTimestamp'
  | 'maxTimestamp'
  | 'producerId'
  | 'producerEpoch'
  | 'baseSequence'
  | 'recordCount'
>;

/**
 * Write a v2 header at `pos` for a batch of `size` bytes whose records are already in place after it,
 * then its CRC. Errors: ProtocolEncodeError for int64 fields that are not safe integers.
 */
export function writeBatchHeader(buf: Buffer, pos: number, size: number, h: HeaderFields): void {
  writeInt64(buf, pos, h.baseOffset);
  buf.writeInt32BE(size - LOG_OVERHEAD, pos + LENGTH_OFFSET);
  buf.writeInt32BE(h.partitionLeaderEpoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
  buf[pos + MAGIC_OFFSET] = MAGIC_V2;
  buf.writeInt16BE(h.attributes, pos + ATTRIBUTES_OFFSET);
  buf.writeInt32BE(h.lastOffsetDelta, pos + LAST_OFFSET_DELTA_OFFSET);
  writeInt64(buf, pos + BASE_TIMESTAMP_OFFSET, h.baseTimestamp);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, h.maxTimestamp);
  writeInt64(buf, pos + PRODUCER_ID_OFFSET, h.producerId);
  buf.writeInt16BE(h.producerEpoch, pos + PRODUCER_EPOCH_OFFSET);
  buf.writeInt32BE(h.baseSequence, pos + BASE_SEQUENCE_OFFSET);
  buf.writeInt32BE(h.recordCount, pos + RECORDS_COUNT_OFFSET);
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + CRC_OFFSET);
}
