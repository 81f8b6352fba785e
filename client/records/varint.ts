/**
 * Zigzag VARINT (int32) and VARLONG (int64 as a safe-integer number) of record batch v2, as
 * position-passing functions for the record codec's hot paths (the protocol Reader/Writer wrap a
 * cursor object; these work on a raw Buffer and a position).
 *
 * Source: Kafka's `org.apache.kafka.common.utils.ByteUtils` (readVarint/readVarlong/sizeOfVarint...),
 * the protobuf zigzag encoding. Limits as in Kafka: a varint has at most 5 bytes, a varlong at most 10;
 * a longer one, or one running past `end`, raises CorruptRecordError INVALID_RECORD (Kafka wraps the
 * IllegalArgumentException/BufferUnderflowException of a record in InvalidRecordException). Readers
 * return the value and leave the position after it in `varintEnd` (one module-level slot, so no
 * object is allocated per read).
 */
import { invalidRecord } from './errors.js';

/** Position after the last value read by readVarint/readVarlong. */
export let varintEnd = 0;

/** Bytes of the unsigned varint encoding of `u` (0 <= u < 2^32). */
export function sizeOfUnsignedVarint(u: number): number {
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

/** Bytes of the zigzag VARINT encoding of int32 `v`. */
export function sizeOfVarint(v: number): number {
  return sizeOfUnsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
}

/** Bytes of the zigzag VARLONG encoding of the safe integer `v`. */
export function sizeOfVarlong(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return sizeOfUnsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
  let u = v >= 0 ? v * 2 : -v * 2 - 1; // approximate beyond 2^52: only the byte count is needed
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Write the unsigned varint `u` (0 <= u < 2^32) at `pos`; returns the position after it. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, u: number): number {
  while (u > 0x7f) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/** Write the zigzag VARINT of int32 `v` at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  return writeUnsignedVarint(buf, pos, ((v << 1) ^ (v >> 31)) >>> 0);
}

/** Write the zigzag VARLONG of the safe integer `v` at `pos`; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return writeUnsignedVarint(buf, pos, ((v << 1) ^ (v >> 31)) >>> 0);
  // Beyond 31 bits: exact zigzag through BigInt (rare: timestamp deltas of more than 12 days).
  let u = BigInt(v);
  u = u >= 0n ? u << 1n : (-u << 1n) - 1n;
  while (u > 0x7fn) {
    buf[pos++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[pos++] = Number(u);
  return pos;
}

/**
 * Read a zigzag VARINT at `pos` (not past `end`). Returns the int32; the next position is left in
 * `varintEnd`. CorruptRecordError INVALID_RECORD if it runs past `end` or has more than 5 bytes.
 */
export function readVarint(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= end) invalidRecord(`varint runs past the end of the record at offset ${pos}`);
    const b = buf[pos++]!;
    value |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
    if (shift > 28) invalidRecord(`varint at offset ${pos - 5} is longer than 5 bytes`);
  }
  varintEnd = pos;
  return (value >>> 1) ^ -(value & 1);
}

/**
 * Read a zigzag VARLONG at `pos` (not past `end`). Returns a safe-integer number; the next position is
 * left in `varintEnd`. CorruptRecordError INVALID_RECORD if it runs past `end`, has more than 10 bytes,
 * or lies outside ±(2^53 - 1).
 */
export function readVarlong(buf: Uint8Array, pos: number, end: number): number {
  const start = pos;
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 7; i++) {
    if (pos >= end) invalidRecord(`varlong runs past the end of the record at offset ${pos}`);
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      varintEnd = pos;
      return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    mul *= 128;
  }
  // 8 to 10 bytes: exact arithmetic in BigInt.
  pos = start;
  let u = 0n;
  let shift = 0n;
  for (let i = 0; ; i++) {
    if (i === 10) invalidRecord(`varlong at offset ${start} is longer than 10 bytes`);
    if (pos >= end) invalidRecord(`varlong runs past the end of the record at offset ${pos}`);
    const b = buf[pos++]!;
    u |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  u &= 0xffffffffffffffffn;
  const v = (u >> 1n) ^ -(u & 1n);
  if (v > 9007199254740991n || v < -9007199254740991n) invalidRecord(`varlong at offset ${start} is outside the safe-integer range`);
  varintEnd = pos;
  return Number(v);
}
