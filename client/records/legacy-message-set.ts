/**
 * Legacy message sets (magic 0 and 1), DECODE only: what Produce v0-2 and Fetch v0-3 carry.
 * Source: Kafka's `LegacyRecord.java` (layout, CRC-32 over magic..end, attributes),
 * `AbstractLegacyRecordBatch.java` (compressed wrappers and the offsets of their inner messages),
 * `ByteBufferLogInputStream.java` (entry framing).
 *
 * ```
 * MessageSet entry: Offset int64 | MessageSize int32 | Message
 * Message: Crc uint32 (CRC-32 IEEE of Magic..end) | Magic int8 | Attributes int8
 *          [Timestamp int64, magic 1 only] | Key int32-length bytes (-1 = null) | Value int32-length bytes (-1 = null)
 * Attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4), bit 3 timestamp type (magic 1)
 * ```
 * A compressed "wrapper" message holds, in its value, a compressed message set of uncompressed inner
 * messages of the same magic. For magic 1 the inner offsets are relative (0..n-1) and the wrapper's
 * offset is the absolute offset of the last one, so inner absolute offset =
 * wrapperOffset - lastInnerOffset + innerOffset; for magic 0 inner offsets are used as they are. With
 * LogAppendTime (magic 1), inner records take the wrapper's timestamp. Magic-0 lz4 wrappers may carry
 * Kafka's pre-KIP-57 frame checksum (KAFKA-1493); it is accepted for magic 0 only.
 *
 * Errors: CorruptRecordError CORRUPT_MESSAGE (CRC mismatch, sizes below the minimum or past the end,
 * undecodable compressed data), INVALID_RECORD (nested compression, inner magic differing from the
 * wrapper's, an empty wrapper), UNSUPPORTED_COMPRESSION_TYPE (zstd or ids 5-7 in magic 0/1),
 * MESSAGE_TOO_LARGE (decompression past the limit).
 */
import { readInt64 } from './batch-header.js';
import { decompressSync } from './compression/index.js';
import { COMPRESSION_CODEC_MASK, DEFAULT_MAX_DECOMPRESSED_BYTES, LOG_OVERHEAD, MAGIC_OFFSET, TIMESTAMP_TYPE_MASK, type CompressionCode, type TimestampTypeCode } from './constants.js';
import { crc32 } from './crc32.js';
import { corrupt, invalidRecord, unsupportedCompression } from './errors.js';
import { EMPTY_HEADERS } from './record.js';
import type { DecodeOptions, KafkaRecord, LegacyRecordBatch } from './types.js';

/** Smallest message (after the size field) for magic 0: crc 4 + magic 1 + attributes 1 + key length 4 + value length 4. */
export const RECORD_OVERHEAD_V0 = 14;
/** Smallest message for magic 1 (adds the 8-byte timestamp). */
export const RECORD_OVERHEAD_V1 = 22;

/** One parsed legacy message (no decompression). */
interface Message {
  offset: number;
  /** Entry size in bytes (message size + 12). */
  sizeInBytes: number;
  crc: number;
  magic: 0 | 1;
  attributes: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Parse the complete legacy entry at `pos` (it must lie inside `[pos, end)`), checking its sizes and,
 * unless `verifyCrc` is false, its CRC-32.
 */
function parseMessage(buf: Buffer, pos: number, end: number, verifyCrc: boolean): Message {
  if (end - pos < LOG_OVERHEAD) corrupt(`legacy message at offset ${pos} is truncated`);
  const size = buf.readInt32BE(pos + 8);
  if (size < RECORD_OVERHEAD_V0) corrupt(`legacy message at offset ${pos} has size ${size}, less than the minimum ${RECORD_OVERHEAD_V0}`);
  if (size > end - pos - LOG_OVERHEAD) corrupt(`legacy message at offset ${pos} has size ${size} but only ${end - pos - LOG_OVERHEAD} bytes follow`);
  const msgEnd = pos + LOG_OVERHEAD + size;
  const magic = buf[pos + MAGIC_OFFSET]!;
  if (magic > 1) corrupt(`legacy message at offset ${pos} has magic ${magic}`);
  if (magic === 1 && size < RECORD_OVERHEAD_V1) corrupt(`legacy message at offset ${pos} has size ${size}, less than the minimum ${RECORD_OVERHEAD_V1} for magic 1`);
  const crc = buf.readUInt32BE(pos + 12);
  if (verifyCrc) {
    const computed = crc32(buf, pos + MAGIC_OFFSET, msgEnd);
    if (computed !== crc) corrupt(`legacy message at offset ${pos} is corrupt (stored crc = ${crc}, computed crc = ${computed})`);
  }
  const attributes = buf[pos + 17]!;
  let p = pos + 18;
  let timestamp = -1;
  if (magic === 1) {
    timestamp = readInt64(buf, p);
    p += 8;
  }
  const keyLen = buf.readInt32BE(p);
  p += 4;
  let key: Buffer | null = null;
  if (keyLen >= 0) {
    if (keyLen > msgEnd - p - 4) corrupt(`legacy message at offset ${pos} has a key of ${keyLen} bytes that runs past the message`);
    key = buf.subarray(p, p + keyLen);
    p += keyLen;
  } else if (keyLen !== -1) corrupt(`legacy message at offset ${pos} has key length ${keyLen}`);
  if (p + 4 > msgEnd) corrupt(`legacy message at offset ${pos} is truncated before its value`);
  const valueLen = buf.readInt32BE(p);
  p += 4;
  let value: Buffer | null = null;
  if (valueLen >= 0) {
    if (valueLen !== msgEnd - p) corrupt(`legacy message at offset ${pos} has a value of ${valueLen} bytes but ${msgEnd - p} remain`);
    value = buf.subarray(p, p + valueLen);
    p += valueLen;
  } else if (valueLen !== -1 || p !== msgEnd) corrupt(`legacy message at offset ${pos} has value length ${valueLen} and ${msgEnd - p} stray bytes`);
  return { offset: readInt64(buf, pos), sizeInBytes: size + LOG_OVERHEAD, crc, magic: magic as 0 | 1, attributes, timestamp, key, value };
}

/**
 * Decode the legacy (magic 0/1) message-set entry at `pos` of `buf` (its size field gives its end):
 * an uncompressed message becomes a batch of one record, a compressed wrapper a batch of its inner
 * records (with absolute offsets). Synchronous: the legacy codecs (gzip, snappy, lz4) all are.
 * @param options verifyCrc (default true; also checks the inner messages), maxDecompressedBytes (default 64 MiB)
 * Errors: see the module comment.
 */
export function decodeLegacyEntry(buf: Buffer, pos = 0, options?: DecodeOptions): LegacyRecordBatch {
  const verifyCrc = options?.verifyCrc !== false;
  const m = parseMessage(buf, pos, buf.length, verifyCrc);
  const codec = m.attributes & COMPRESSION_CODEC_MASK;
  const timestampType: TimestampTypeCode = m.magic === 0 ? -1 : (m.attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 1 : 0;
  if (codec > 3) unsupportedCompression(`legacy message at offset ${pos} uses compression id ${codec}${codec === 4 ? ' (zstd needs magic 2)' : ''}`);
  const base = { magic: m.magic, sizeInBytes: m.sizeInBytes, crc: m.crc, attributes: m.attributes, compression: codec as CompressionCode, timestampType, maxTimestamp: m.timestamp };
  if (codec === 0) {
    const record: KafkaRecord = { offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: EMPTY_HEADERS, attributes: m.attributes };
    return { ...base, baseOffset: m.offset, lastOffset: m.offset, records: [record] };
  }
  if (m.value === null) corrupt(`legacy compressed message at offset ${pos} has a null value`);
  const inner = decompressSync(codec, m.value, options?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES, { legacyLz4Checksum: m.magic === 0 });
  const messages: Message[] = [];
  let p = 0;
  while (p < inner.length) {
    const im = parseMessage(inner, p, inner.length, verifyCrc);
    if ((im.attributes & COMPRESSION_CODEC_MASK) !== 0) invalidRecord(`legacy compressed message at offset ${pos} holds a compressed inner message`);
    if (im.magic !== m.magic) invalidRecord(`legacy compressed message at offset ${pos}: inner magic ${im.magic} does not match wrapper magic ${m.magic}`);
    messages.push(im);
    p += im.sizeInBytes;
  }
  if (messages.length === 0) invalidRecord(`legacy compressed message at offset ${pos} holds no inner message`);
  const lastInner = messages[messages.length - 1]!.offset;
  const shift = m.magic === 1 ? m.offset - lastInner : 0;
  const logAppend = timestampType === 1;
  const records: KafkaRecord[] = messages.map((im) => ({
    offset: im.offset + shift,
    timestamp: logAppend ? m.timestamp : im.timestamp,
    key: im.key,
    value: im.value,
    headers: EMPTY_HEADERS,
    attributes: im.attributes,
  }));
  return { ...base, baseOffset: records[0]!.offset, lastOffset: records[records.length - 1]!.offset, records };
}
