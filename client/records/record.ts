/**
 * Records of a v2 batch (Kafka's `DefaultRecord.java`): the encoder and decoder of the records
 * section, shared by the batch codec.
 *
 * ```
 * Record: Length varint | Attributes int8 | TimestampDelta varlong | OffsetDelta varint
 *         Key varint-length bytes (-1 = null) | Value varint-length bytes (-1 = null)
 *         Headers varint count, then [Key varint-length UTF-8 string, Value varint-length bytes (-1 = null)]
 * ```
 *
 * Hot paths: the encoder measures every record first (sizes kept in reused scratch arrays), then
 * writes into one preallocated buffer with inline zigzag varints; the decoder reads with inline
 * one-byte varint fast paths and returns zero-copy subarrays. Records without headers share the frozen
 * EMPTY_HEADERS array.
 *
 * Decode errors follow Kafka's DefaultRecord.readFrom / DefaultRecordBatch.RecordIterator: a record
 * whose fields disagree with its length, a bad varint, a negative header count, a null header key, a
 * record count that does not match the bytes: CorruptRecordError INVALID_RECORD.
 */
import { ProtocolEncodeError } from '../errors.js';
import { invalidRecord } from './errors.js';
import type { KafkaRecord, RecordHeader, RecordHeaderInput, RecordInput } from './types.js';
import { readVarint, readVarlong, sizeOfVarlong, varintEnd, writeUnsignedVarint, writeVarlong } from './varint.js';

/** Shared empty header list of records that have none (frozen: copy before adding). */
export const EMPTY_HEADERS: readonly RecordHeader[] = Object.freeze([]) as readonly RecordHeader[];

/** Smallest possible encoded record: 7 bytes (length, attributes, timestampDelta, offsetDelta, key, value, header count). */
export const MIN_RECORD_SIZE = 7;

// ---------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------

let bodySizes = new Int32Array(256);
let keyLens = new Int32Array(256);
let valueLens = new Int32Array(256);

function ensureScratch(n: number): void {
  if (bodySizes.length >= n) return;
  let size = bodySizes.length;
  while (size < n) size *= 2;
  bodySizes = new Int32Array(size);
  keyLens = new Int32Array(size);
  valueLens = new Int32Array(size);
}

function sizeOfUVarint(u: number): number {
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

/** Size of a varint-length field of `len` bytes (-1 = null). */
function sizeOfLengthPrefixed(len: number): number {
  return len < 0 ? 1 : sizeOfUVarint(len * 2) + len;
}

function byteLen(v: Buffer | Uint8Array | string | null | undefined): number {
  if (v === null || v === undefined) return -1;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (v instanceof Uint8Array) return v.length;
  throw new ProtocolEncodeError('record header value must be a Buffer, Uint8Array, string or null');
}

type HeaderValue = Buffer | Uint8Array | string | null;

/** Iterate the headers of an input record as (key, value) pairs. */
function forEachHeader(headers: RecordInput['headers'], fn: (key: string, value: HeaderValue) => void): number {
  if (!headers) return 0;
  let n = 0;
  if (Array.isArray(headers)) {
    for (const h of headers as readonly RecordHeaderInput[]) {
      if (typeof h.key !== 'string') throw new ProtocolEncodeError('record header key must be a string');
      fn(h.key, h.value ?? null);
      n++;
    }
    return n;
  }
  const obj = headers as { [key: string]: HeaderValue | ReadonlyArray<HeaderValue> };
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (Array.isArray(v)) {
      for (const x of v as ReadonlyArray<HeaderValue>) {
        fn(key, x ?? null);
        n++;
      }
    } else {
      fn(key, (v as HeaderValue | undefined) ?? null);
      n++;
    }
  }
  return n;
}

let headerBytes = 0;
function addHeaderSize(key: string, value: HeaderValue): void {
  headerBytes += sizeOfLengthPrefixed(Buffer.byteLength(key, 'utf8')) + sizeOfLengthPrefixed(byteLen(value));
}

function headersSize(headers: RecordInput['headers']): number {
  headerBytes = 0;
  const n = forEachHeader(headers, addHeaderSize);
  return sizeOfUVarint(n * 2) + headerBytes;
}

function writeBytesField(buf: Buffer, pos: number, v: HeaderValue | undefined, len: number): number {
  if (len < 0) {
    buf[pos] = 1; // zigzag(-1)
    return pos + 1;
  }
  pos = writeUnsignedVarint(buf, pos, len * 2);
  if (typeof v === 'string') buf.write(v, pos, len, 'utf8');
  else if (len > 0) buf.set(v as Uint8Array, pos);
  return pos + len;
}

let hBuf: Buffer;
let hPos = 0;
function writeHeader(key: string, value: HeaderValue): void {
  hPos = writeBytesField(hBuf, hPos, key, Buffer.byteLength(key, 'utf8'));
  hPos = writeBytesField(hBuf, hPos, value, byteLen(value));
}

function checkInt32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new ProtocolEncodeError(`${what} ${v} is not an int32`);
}

/**
 * Measure `records` for encoding (bytes of the whole records section, without the int32 count) and
 * keep the per-record sizes in scratch arrays for the following `writeRecords` call (call the two as a
 * pair, with no other measure in between).
 * @param baseTimestamp ms; record timestamps are written as deltas from it
 * @param defaultTimestamp ms; the timestamp of records that have none
 * Errors: ProtocolEncodeError for a timestamp that is not a safe integer or an offsetDelta that is not an int32.
 */
export function measureRecords(records: readonly RecordInput[], baseTimestamp: number, defaultTimestamp: number): number {
  const n = records.length;
  ensureScratch(n);
  const bs = bodySizes;
  const kl = keyLens;
  const vl = valueLens;
  let total = 0;
  let maxTs = -Infinity;
  let maxOd = -1;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const key = r.key;
    const value = r.value;
    let k: number;
    if (key === null || key === undefined) k = -1;
    else if (typeof key === 'string') k = Buffer.byteLength(key, 'utf8');
    else if (key instanceof Uint8Array) k = key.length;
    else throw new ProtocolEncodeError(`record ${i} key must be a Buffer, Uint8Array, string or null`);
    let v: number;
    if (value === null || value === undefined) v = -1;
    else if (typeof value === 'string') v = Buffer.byteLength(value, 'utf8');
    else if (value instanceof Uint8Array) v = value.length;
    else throw new ProtocolEncodeError(`record ${i} value must be a Buffer, Uint8Array, string or null`);
    kl[i] = k;
    vl[i] = v;
    const ts = r.timestamp ?? defaultTimestamp;
    if (ts > maxTs) maxTs = ts;
    const tsDelta = ts - baseTimestamp;
    let tsSize: number;
    if (tsDelta >= -0x40000000 && tsDelta < 0x40000000 && (tsDelta | 0) === tsDelta) {
      tsSize = sizeOfUVarint(((tsDelta << 1) ^ (tsDelta >> 31)) >>> 0);
    } else {
      if (!Number.isSafeInteger(tsDelta)) throw new ProtocolEncodeError(`record timestamp ${ts} is not a safe integer (or too far from baseTimestamp ${baseTimestamp})`);
      tsSize = sizeOfVarlong(tsDelta);
    }
    const od = r.offsetDelta ?? i;
    if (od !== i) checkInt32(od, 'offsetDelta');
    if (od > maxOd) maxOd = od;
    const body =
      1 +
      tsSize +
      sizeOfUVarint(((od << 1) ^ (od >> 31)) >>> 0) +
      (k < 0 ? 1 : sizeOfUVarint(k * 2) + k) +
      (v < 0 ? 1 : sizeOfUVarint(v * 2) + v) +
      (r.headers ? headersSize(r.headers) : 1);
    bs[i] = body;
    total += sizeOfUVarint(body * 2) + body;
  }
  measuredMaxTimestamp = maxTs;
  measuredMaxOffsetDelta = maxOd;
  return total;
}

/** Largest record timestamp seen by the last measureRecords call (-Infinity for no records). */
export let measuredMaxTimestamp = -Infinity;
/** Largest offsetDelta seen by the last measureRecords call (-1 for no records). */
export let measuredMaxOffsetDelta = -1;

/**
 * Write `records` at `pos` of `buf`, using the sizes of the preceding `measureRecords` call with the
 * same arguments; returns the position after the last record. `buf` must have room for the measured size.
 */
export function writeRecords(buf: Buffer, pos: number, records: readonly RecordInput[], baseTimestamp: number, defaultTimestamp: number): number {
  const n = records.length;
  const bs = bodySizes;
  const kl = keyLens;
  const vl = valueLens;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    // Length (zigzag of a non-negative value = value * 2)
    let u = bs[i]! * 2;
    if (u < 0x80) buf[pos++] = u;
    else pos = writeUnsignedVarint(buf, pos, u);
    buf[pos++] = 0; // attributes
    const tsDelta = (r.timestamp ?? defaultTimestamp) - baseTimestamp;
    if (tsDelta >= -0x40000000 && tsDelta < 0x40000000 && (tsDelta | 0) === tsDelta) {
      u = ((tsDelta << 1) ^ (tsDelta >> 31)) >>> 0;
      if (u < 0x80) buf[pos++] = u;
      else pos = writeUnsignedVarint(buf, pos, u);
    } else {
      pos = writeVarlong(buf, pos, tsDelta);
    }
    const od = r.offsetDelta ?? i;
    u = ((od << 1) ^ (od >> 31)) >>> 0;
    if (u < 0x80) buf[pos++] = u;
    else pos = writeUnsignedVarint(buf, pos, u);
    // Key
    const k = kl[i]!;
    if (k < 0) buf[pos++] = 1;
    else {
      u = k * 2;
      if (u < 0x80) buf[pos++] = u;
      else pos = writeUnsignedVarint(buf, pos, u);
      const key = r.key!;
      if (typeof key === 'string') buf.write(key, pos, k, 'utf8');
      else if (k > 0) buf.set(key, pos);
      pos += k;
    }
    // Value
    const v = vl[i]!;
    if (v < 0) buf[pos++] = 1;
    else {
      u = v * 2;
      if (u < 0x80) buf[pos++] = u;
      else pos = writeUnsignedVarint(buf, pos, u);
      const value = r.value!;
      if (typeof value === 'string') buf.write(value, pos, v, 'utf8');
      else if (v > 0) buf.set(value, pos);
      pos += v;
    }
    // Headers
    if (!r.headers) buf[pos++] = 0;
    else {
      let count = 0;
      forEachHeader(r.headers, () => count++);
      pos = writeUnsignedVarint(buf, pos, count * 2);
      hBuf = buf;
      hPos = pos;
      forEachHeader(r.headers, writeHeader);
      pos = hPos;
    }
  }
  return pos;
}

// ---------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------

/** The fields of the record readRecordFields last read (one shared object: no allocation per record). */
const fields = { len: 0, recEnd: 0, attributes: 0, tsDelta: 0, offsetDelta: 0, key: null as Buffer | null, value: null as Buffer | null };

/**
 * Read record `i` at `buf[pos]` up to its headers: length, attributes, timestamp and offset deltas,
 * key and value (views into `buf`), into `fields`; returns the position of the header count. The
 * common 1- and 2-byte varints are read inline. Shared by decodeRecords and decodeConsumerRecords.
 * Errors: CorruptRecordError INVALID_RECORD.
 */
function readRecordFields(buf: Buffer, pos: number, end: number, count: number, i: number): number {
  // Length
  if (pos >= end) invalidRecord(`batch declares ${count} records but holds only ${i}`);
  let b = buf[pos]!;
  let len: number;
  if (b < 0x80) {
    len = (b >>> 1) ^ -(b & 1);
    pos++;
  } else if (pos + 1 < end && buf[pos + 1]! < 0x80) {
    const u = (b & 0x7f) | (buf[pos + 1]! << 7);
    len = (u >>> 1) ^ -(u & 1);
    pos += 2;
  } else {
    len = readVarint(buf, pos, end);
    pos = varintEnd;
  }
  const recEnd = pos + len;
  if (len < 0 || recEnd > end) invalidRecord(`record ${i} has length ${len} but ${end - pos} bytes remain`);
  if (len < 6) invalidRecord(`record ${i} has length ${len}, less than the smallest record`);
  const attributes = buf[pos++]!;
  // Timestamp delta (varlong)
  b = buf[pos]!;
  let tsDelta: number;
  let b2: number;
  if (b < 0x80) {
    tsDelta = (b >>> 1) ^ -(b & 1);
    pos++;
  } else if (pos + 1 < recEnd && (b2 = buf[pos + 1]!) < 0x80) {
    const u = (b & 0x7f) | (b2 << 7);
    tsDelta = (u >>> 1) ^ -(u & 1);
    pos += 2;
  } else {
    tsDelta = readVarlong(buf, pos, recEnd);
    pos = varintEnd;
  }
  // Offset delta
  if (pos >= recEnd) invalidRecord(`record ${i} is truncated`);
  b = buf[pos]!;
  let offsetDelta: number;
  if (b < 0x80) {
    offsetDelta = (b >>> 1) ^ -(b & 1);
    pos++;
  } else if (pos + 1 < recEnd && (b2 = buf[pos + 1]!) < 0x80) {
    const u = (b & 0x7f) | (b2 << 7);
    offsetDelta = (u >>> 1) ^ -(u & 1);
    pos += 2;
  } else {
    offsetDelta = readVarint(buf, pos, recEnd);
    pos = varintEnd;
  }
  // Key
  if (pos >= recEnd) invalidRecord(`record ${i} is truncated`);
  b = buf[pos]!;
  let kLen: number;
  if (b < 0x80) {
    kLen = (b >>> 1) ^ -(b & 1);
    pos++;
  } else {
    kLen = readVarint(buf, pos, recEnd);
    pos = varintEnd;
  }
  let key: Buffer | null = null;
  if (kLen >= 0) {
    if (kLen > recEnd - pos) invalidRecord(`record ${i} key of ${kLen} bytes runs past the record`);
    key = buf.subarray(pos, pos + kLen);
    pos += kLen;
  } else if (kLen !== -1) invalidRecord(`record ${i} has key length ${kLen}`);
  // Value
  if (pos >= recEnd) invalidRecord(`record ${i} is truncated`);
  b = buf[pos]!;
  let vLen: number;
  if (b < 0x80) {
    vLen = (b >>> 1) ^ -(b & 1);
    pos++;
  } else {
    vLen = readVarint(buf, pos, recEnd);
    pos = varintEnd;
  }
  let value: Buffer | null = null;
  if (vLen >= 0) {
    if (vLen > recEnd - pos) invalidRecord(`record ${i} value of ${vLen} bytes runs past the record`);
    value = buf.subarray(pos, pos + vLen);
    pos += vLen;
  } else if (vLen !== -1) invalidRecord(`record ${i} has value length ${vLen}`);
  fields.len = len;
  fields.recEnd = recEnd;
  fields.attributes = attributes;
  fields.tsDelta = tsDelta;
  fields.offsetDelta = offsetDelta;
  fields.key = key;
  fields.value = value;
  return pos;
}

/**
 * Read record `i`'s headers at `buf[pos]` (ending at `recEnd`): `[key, value]` pairs when `pairs`,
 * else `{ key, value }` objects; `none` when there are none. Sets `headersEnd`.
 * Errors: CorruptRecordError INVALID_RECORD.
 */
let headersEnd = 0;
function readHeaders<T>(buf: Buffer, pos: number, recEnd: number, i: number, pairs: boolean, none: T): T {
  if (pos >= recEnd) invalidRecord(`record ${i} is truncated`);
  if (buf[pos] === 0) {
    headersEnd = pos + 1;
    return none;
  }
  const hCount = readVarint(buf, pos, recEnd);
  pos = varintEnd;
  if (hCount < 0) invalidRecord(`record ${i} has an invalid header count ${hCount}`);
  if (hCount > (recEnd - pos) / 2) invalidRecord(`record ${i} declares ${hCount} headers in ${recEnd - pos} bytes`);
  const hs: unknown[] = [];
  for (let h = 0; h < hCount; h++) {
    const hkLen = readVarint(buf, pos, recEnd);
    pos = varintEnd;
    if (hkLen < 0) invalidRecord(`record ${i} has a header with a negative key length ${hkLen}`);
    if (hkLen > recEnd - pos) invalidRecord(`record ${i} header key runs past the record`);
    const hKey = buf.toString('utf8', pos, pos + hkLen);
    pos += hkLen;
    const hvLen = readVarint(buf, pos, recEnd);
    pos = varintEnd;
    let hValue: Buffer | null = null;
    if (hvLen >= 0) {
      if (hvLen > recEnd - pos) invalidRecord(`record ${i} header value runs past the record`);
      hValue = buf.subarray(pos, pos + hvLen);
      pos += hvLen;
    } else if (hvLen !== -1) invalidRecord(`record ${i} has a header value length ${hvLen}`);
    hs.push(pairs ? [hKey, hValue] : { key: hKey, value: hValue });
  }
  headersEnd = pos;
  return hs as T;
}

/**
 * Decode `count` records from `buf[pos, end)` and push them to `out`. Offsets are
 * `baseOffset + offsetDelta`; timestamps `baseTimestamp + timestampDelta`, or `logAppendTime` when it
 * is not null (LogAppendTime batches, as Kafka's DefaultRecord.readFrom). The records must fill the
 * region exactly.
 * Errors: CorruptRecordError INVALID_RECORD (Kafka's InvalidRecordException cases).
 */
export function decodeRecords(
  buf: Buffer,
  pos: number,
  end: number,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  logAppendTime: number | null,
  out: KafkaRecord[],
): void {
  if (count < 0) invalidRecord(`invalid record count ${count}`);
  if (count > (end - pos) / MIN_RECORD_SIZE) invalidRecord(`record count ${count} does not fit in ${end - pos} bytes of records`);
  for (let i = 0; i < count; i++) {
    pos = readRecordFields(buf, pos, end, count, i);
    const recEnd = fields.recEnd;
    const headers = readHeaders<readonly RecordHeader[]>(buf, pos, recEnd, i, false, EMPTY_HEADERS);
    pos = headersEnd;
    if (pos !== recEnd) invalidRecord(`record ${i}: expected to read ${fields.len} bytes in the record payload, but read ${fields.len - (recEnd - pos)}`);
    out.push({
      offset: baseOffset + fields.offsetDelta,
      timestamp: logAppendTime === null ? baseTimestamp + fields.tsDelta : logAppendTime,
      key: fields.key,
      value: fields.value,
      headers,
      attributes: fields.attributes,
    });
  }
  if (pos !== end) invalidRecord(`incorrect declared batch size: ${end - pos} bytes remain after the ${count} declared records`);
}

/** A record as the consumer returns it (the shape of client/consumer's ConsumerRecord). */
export interface ConsumerRecordShape {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: [string, Buffer | null][];
  leaderEpoch: number;
}

/** Shared (frozen) header list of consumer records that have none: copy before adding. */
export const EMPTY_HEADER_PAIRS: [string, Buffer | null][] = Object.freeze([]) as unknown as [string, Buffer | null][];

/**
 * The consumer's fetch path: as decodeRecords (same checks, same errors), but builds the consumer's
 * record objects directly, in one pass, with no intermediate KafkaRecord: `topic`, `partition`,
 * `timestampType` and `leaderEpoch` are the batch's; headers are `[key, value]` pairs, records
 * without headers share EMPTY_HEADER_PAIRS. Records whose offset is below `minOffset` are checked
 * but not built (trimming before the fetch position). Keys, values and header values are zero-copy
 * views into `buf`, which therefore lives as long as any returned record does.
 * Shares the record reader (readRecordFields, readHeaders) with decodeRecords.
 */
export function decodeConsumerRecords(
  buf: Buffer,
  pos: number,
  end: number,
  count: number,
  baseOffset: number,
  baseTimestamp: number,
  logAppendTime: number | null,
  topic: string,
  partition: number,
  timestampType: 'CreateTime' | 'LogAppendTime',
  leaderEpoch: number,
  minOffset: number,
  out: ConsumerRecordShape[],
): void {
  if (count < 0) invalidRecord(`invalid record count ${count}`);
  if (count > (end - pos) / MIN_RECORD_SIZE) invalidRecord(`record count ${count} does not fit in ${end - pos} bytes of records`);
  for (let i = 0; i < count; i++) {
    pos = readRecordFields(buf, pos, end, count, i);
    const recEnd = fields.recEnd;
    const headers = readHeaders<[string, Buffer | null][]>(buf, pos, recEnd, i, true, EMPTY_HEADER_PAIRS);
    pos = headersEnd;
    if (pos !== recEnd) invalidRecord(`record ${i}: expected to read ${fields.len} bytes in the record payload, but read ${fields.len - (recEnd - pos)}`);
    const offset = baseOffset + fields.offsetDelta;
    if (offset >= minOffset) {
      out.push({
        topic,
        partition,
        offset,
        timestamp: logAppendTime === null ? baseTimestamp + fields.tsDelta : logAppendTime,
        timestampType,
        key: fields.key,
        value: fields.value,
        headers,
        leaderEpoch,
      });
    }
  }
  if (pos !== end) invalidRecord(`incorrect declared batch size: ${end - pos} bytes remain after the ${count} declared records`);
}

/**
 * Walk `count` records in `buf[pos, end)` checking every length and varint without building objects
 * (the broker's validation pass). Same checks and errors as decodeRecords. One- and two-byte varints
 * (the common case for lengths, deltas, null keys and header counts) are read inline; longer ones go
 * through readVarint/readVarlong.
 */
export function checkRecords(buf: Buffer, pos: number, end: number, count: number): void {
  if (count < 0) invalidRecord(`invalid record count ${count}`);
  if (count > (end - pos) / MIN_RECORD_SIZE) invalidRecord(`record count ${count} does not fit in ${end - pos} bytes of records`);
  for (let i = 0; i < count; i++) {
    if (pos >= end) invalidRecord(`batch declares ${count} records but holds only ${i}`);
    let b = buf[pos]!;
    let len: number;
    if (b < 0x80) {
      len = (b >>> 1) ^ -(b & 1);
      pos++;
    } else if (pos + 1 < end && buf[pos + 1]! < 0x80) {
      const u = (b & 0x7f) | (buf[pos + 1]! << 7);
      len = (u >>> 1) ^ -(u & 1);
      pos += 2;
    } else {
      len = readVarint(buf, pos, end);
      pos = varintEnd;
    }
    const recEnd = pos + len;
    if (len < 6 || recEnd > end) invalidRecord(`record ${i} has length ${len} but ${end - pos} bytes remain`);
    pos++; // attributes
    // timestampDelta (varlong) and offsetDelta (varint): one byte each in the common case.
    b = buf[pos]!;
    if (b < 0x80) pos++;
    else {
      readVarlong(buf, pos, recEnd);
      pos = varintEnd;
    }
    b = buf[pos]!;
    if (b < 0x80 && pos < recEnd) pos++;
    else {
      readVarint(buf, pos, recEnd);
      pos = varintEnd;
    }
    for (let f = 0; f < 2; f++) {
      if (pos >= recEnd) invalidRecord(`record ${i} ends before its ${f === 0 ? 'key' : 'value'} length`);
      b = buf[pos]!;
      let l: number;
      if (b < 0x80) {
        l = (b >>> 1) ^ -(b & 1);
        pos++;
      } else if (pos + 1 < recEnd && buf[pos + 1]! < 0x80) {
        const u = (b & 0x7f) | (buf[pos + 1]! << 7);
        l = (u >>> 1) ^ -(u & 1);
        pos += 2;
      } else {
        l = readVarint(buf, pos, recEnd);
        pos = varintEnd;
      }
      if (l < -1 || l > recEnd - pos) invalidRecord(`record ${i} has a ${f === 0 ? 'key' : 'value'} length ${l} that does not fit the record`);
      if (l > 0) pos += l;
    }
    if (pos >= recEnd) invalidRecord(`record ${i} ends before its header count`);
    b = buf[pos]!;
    let hCount: number;
    if (b < 0x80) {
      hCount = (b >>> 1) ^ -(b & 1);
      pos++;
    } else {
      hCount = readVarint(buf, pos, recEnd);
      pos = varintEnd;
    }
    if (hCount < 0 || hCount > (recEnd - pos) / 2) invalidRecord(`record ${i} has an invalid header count ${hCount}`);
    for (let h = 0; h < hCount; h++) {
      const kl = readVarint(buf, pos, recEnd);
      pos = varintEnd;
      if (kl < 0 || kl > recEnd - pos) invalidRecord(`record ${i} has an invalid header key length ${kl}`);
      pos += kl;
      const vl = readVarint(buf, pos, recEnd);
      pos = varintEnd;
      if (vl < -1 || vl > recEnd - pos) invalidRecord(`record ${i} has an invalid header value length ${vl}`);
      if (vl > 0) pos += vl;
    }
    if (pos !== recEnd) invalidRecord(`record ${i}: expected to read ${len} bytes in the record payload, but read ${len - (recEnd - pos)}`);
  }
  if (pos !== end) invalidRecord(`incorrect declared batch size: ${end - pos} bytes remain after the ${count} declared records`);
}
