/**
 * Reader: decodes Kafka's protocol primitives from a Buffer, bounds-checked.
 *
 * Covers the classic types (int8..int64, uint16, uint32, float64, bool, uuid, STRING, NULLABLE_STRING,
 * BYTES, NULLABLE_BYTES, ARRAY) and the flexible ones of KIP-482 (UNSIGNED_VARINT, COMPACT_STRING,
 * COMPACT_BYTES, COMPACT_ARRAY, tagged fields), plus the zigzag VARINT/VARLONG of record batches.
 * Source: Kafka's `common/message/README.md` and `org.apache.kafka.common.protocol.ByteBufferAccessor`,
 * `org.apache.kafka.common.utils.ByteUtils`.
 *
 * Every read checks the bytes it needs against `end`: truncated input, a length past the end or an
 * array count larger than the bytes left raise ProtocolDecodeError (`KTS_ERR_DECODE`, Kafka
 * INVALID_REQUEST 42); nothing is allocated from a length field before it is checked.
 * int64 values are returned as JS numbers and must lie within ±(2^53 - 1) (ProtocolDecodeError otherwise).
 */
import { ProtocolDecodeError } from '../errors.js';

const TWO_32 = 4294967296;

/**
 * A bounds-checked cursor over `buf[pos, end)`. Every method reads one primitive and advances `pos`;
 * byte views (`raw`, `bytes`...) are zero-copy subarrays of `buf`. Errors: ProtocolDecodeError.
 */
export class Reader {
  /** Current position (absolute, in bytes). */
  pos: number;
  /** Exclusive end of the readable region. */
  readonly end: number;

  constructor(readonly buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) throw new RangeError('Reader: bad bounds');
    this.pos = offset;
    this.end = end;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }

  private underflow(n: number, what: string): never {
    throw new ProtocolDecodeError(`truncated input: ${what} needs ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
  }

  int8(): number {
    if (this.pos + 1 > this.end) this.underflow(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }
  uint8(): number {
    if (this.pos + 1 > this.end) this.underflow(1, 'uint8');
    return this.buf[this.pos++]!;
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  int16(): number {
    if (this.pos + 2 > this.end) this.underflow(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  uint16(): number {
    if (this.pos + 2 > this.end) this.underflow(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    if (this.pos + 4 > this.end) this.underflow(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  uint32(): number {
    if (this.pos + 4 > this.end) this.underflow(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  /** int64 as a number; ProtocolDecodeError if outside the safe-integer range. */
  int64(): number {
    if (this.pos + 8 > this.end) this.underflow(8, 'int64');
    const hi = this.buf.readInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    if (hi > 0x1fffff || hi < -0x200000 || (hi === -0x200000 && lo === 0)) {
      throw new ProtocolDecodeError(`int64 ${this.buf.readBigInt64BE(this.pos - 8)} at offset ${this.pos - 8} is outside the safe-integer range`);
    }
    return hi * TWO_32 + lo;
  }
  float64(): number {
    if (this.pos + 8 > this.end) this.underflow(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }
  /**
   * UUID (16 bytes), returned in Kafka's text form: URL-safe base64 without padding, 22 characters
   * (as `org.apache.kafka.common.Uuid.toString()`); the zero UUID is `AAAAAAAAAAAAAAAAAAAAAA`.
   */
  uuid(): string {
    if (this.pos + 16 > this.end) this.underflow(16, 'uuid');
    const s = this.buf.toString('base64url', this.pos, this.pos + 16);
    this.pos += 16;
    return s;
  }

  /** UNSIGNED_VARINT (at most 5 bytes, a uint32). */
  uvarint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (pos >= this.end) this.underflow(1, 'varint');
      const b = buf[pos++]!;
      if (i === 4 && b > 0x0f) throw new ProtocolDecodeError(`varint at offset ${this.pos} is too long (more than 32 bits)`);
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        this.pos = pos;
        return value;
      }
      shift += 7;
    }
    throw new ProtocolDecodeError(`varint at offset ${this.pos} is too long (more than 5 bytes)`);
  }

  /** Zigzag VARINT (int32), as in record batches. */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** The raw 64-bit varlong as a bigint (slow path, for values of more than 7 bytes). */
  private varlongBig(): bigint {
    let pos = this.pos;
    let value = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) this.underflow(1, 'varlong');
      const b = this.buf[pos++]!;
      if (i === 9 && b > 0x01) throw new ProtocolDecodeError(`varlong at offset ${this.pos} is too long (more than 64 bits)`);
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        this.pos = pos;
        return value;
      }
      shift += 7n;
    }
    throw new ProtocolDecodeError(`varlong at offset ${this.pos} is too long (more than 10 bytes)`);
  }

  /** UNSIGNED_VARLONG (at most 10 bytes) as a number; ProtocolDecodeError beyond 2^53 - 1. */
  uvarlong(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= this.end) this.underflow(1, 'varlong');
      const b = buf[pos++]!;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        this.pos = pos;
        return value;
      }
      mul *= 128;
    }
    const at = this.pos;
    const big = this.varlongBig();
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolDecodeError(`varlong at offset ${at} is outside the safe-integer range`);
    return Number(big);
  }

  /** Zigzag VARLONG (int64) as a number, as in record batches (timestamp deltas); ProtocolDecodeError outside ±(2^53 - 1). */
  varlong(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= this.end) this.underflow(1, 'varlong');
      const b = buf[pos++]!;
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        this.pos = pos;
        // value < 2^49: exact; zigzag decode
        return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
      }
      mul *= 128;
    }
    const at = this.pos;
    const u = this.varlongBig();
    const v = (u >> 1n) ^ -(u & 1n);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProtocolDecodeError(`varlong at offset ${at} is outside the safe-integer range`);
    }
    return Number(v);
  }

  private lengthCheck(len: number, what: string): void {
    if (len > this.end - this.pos) {
      throw new ProtocolDecodeError(`${what} of length ${len} at offset ${this.pos} runs past the end (${this.end - this.pos} bytes left)`);
    }
  }

  private utf8(len: number): string {
    this.lengthCheck(len, 'string');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** STRING: int16 length then UTF-8; a null (-1) is an error here. */
  string(): string {
    const len = this.int16();
    if (len < 0) throw new ProtocolDecodeError(`non-nullable string has length ${len}`);
    return this.utf8(len);
  }
  /** NULLABLE_STRING: int16 length, -1 = null. */
  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolDecodeError(`string has negative length ${len}`);
    return this.utf8(len);
  }
  /** COMPACT_STRING: uvarint(length + 1); 0 (null) is an error here. */
  compactString(): string {
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('non-nullable compact string is null');
    return this.utf8(n - 1);
  }
  /** COMPACT_NULLABLE_STRING: uvarint(length + 1), 0 = null. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.utf8(n - 1);
  }

  /** `len` raw bytes as a view into the input (no copy). */
  raw(len: number): Buffer {
    this.lengthCheck(len, 'bytes');
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }
  /** BYTES: int32 length then bytes (a view, no copy); null is an error here. */
  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw new ProtocolDecodeError(`non-nullable bytes have length ${len}`);
    return this.raw(len);
  }
  /** NULLABLE_BYTES: int32 length, -1 = null. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) throw new ProtocolDecodeError(`bytes have negative length ${len}`);
    return this.raw(len);
  }
  /** COMPACT_BYTES: uvarint(length + 1). */
  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('non-nullable compact bytes are null');
    return this.raw(n - 1);
  }
  /** COMPACT_NULLABLE_BYTES: uvarint(length + 1), 0 = null. */
  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.raw(n - 1);
  }

  /**
   * An ARRAY count (int32, -1 = null) or COMPACT_ARRAY count (uvarint(n + 1), 0 = null). The count
   * is checked against the bytes left (each element takes at least one byte, Kafka's own check), so a
   * hostile count cannot make the caller allocate.
   */
  arrayLength(compact: boolean): number | null {
    let n: number;
    if (compact) {
      const u = this.uvarint();
      if (u === 0) return null;
      n = u - 1;
    } else {
      n = this.int32();
      if (n === -1) return null;
      if (n < 0) throw new ProtocolDecodeError(`array has negative length ${n}`);
    }
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(`array of ${n} elements at offset ${this.pos}, but only ${this.end - this.pos} bytes left`);
    }
    return n;
  }

  /** Skip a whole tagged-field section (count, then tag/size/bytes each). */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      const size = this.uvarint();
      this.lengthCheck(size, 'tagged field');
      this.pos += size;
    }
  }

  /** A Reader over the next `len` bytes; this reader moves past them. */
  sub(len: number): Reader {
    this.lengthCheck(len, 'region');
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }
}
