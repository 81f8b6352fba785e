/**
 * Writer: encodes Kafka's protocol primitives into a growable Buffer.
 *
 * The mirror of Reader: classic types, the flexible types of KIP-482 (UNSIGNED_VARINT,
 * COMPACT_STRING/BYTES/ARRAY, tagged fields) and zigzag VARINT/VARLONG. Source: Kafka's
 * `common/message/README.md`, `org.apache.kafka.common.utils.ByteUtils`.
 *
 * Errors: ProtocolEncodeError (`KTS_ERR_ENCODE`, Kafka INVALID_REQUEST 42) for a value that has no
 * encoding (a STRING over 32767 bytes, an int64 that is not a safe integer, an int32 out of range).
 */
import { ProtocolEncodeError } from '../errors.js';

const TWO_32 = 4294967296;

/** Raw byte runs at least this long are kept by reference in zero-copy mode (see Writer.raw). */
export const ZERO_COPY_MIN_BYTES = 4096;

/**
 * A growable output buffer. Every method writes one primitive at `pos` and returns `this`; `finish()`
 * gives the bytes, `finishChunks()` the pieces in zero-copy mode. Errors: ProtocolEncodeError.
 */
export class Writer {
  buf: Buffer;
  pos: number;
  /** Zero-copy mode: finished pieces (own bytes and referenced buffers), in order. */
  private chunks: Buffer[] | null = null;
  private chunkBytes = 0;

  /**
   * @param initialSize first allocation in bytes; the buffer doubles as needed.
   * @param zeroCopy when true, `raw` keeps runs of ≥ ZERO_COPY_MIN_BYTES (e.g. record batches read
   *   from a log segment) by reference instead of copying them; read the result with `finishChunks`.
   */
  constructor(initialSize = 256, zeroCopy = false) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.pos = 0;
    if (zeroCopy) this.chunks = [];
  }

  /** Total bytes written so far, including referenced buffers. */
  get length(): number {
    return this.chunkBytes + this.pos;
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, 256);
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** The bytes written so far as one Buffer (a view of the internal buffer; a concatenation in zero-copy mode). */
  finish(): Buffer {
    if (this.chunks === null || this.chunks.length === 0) return this.buf.subarray(0, this.pos);
    return Buffer.concat(this.finishChunks(), this.length);
  }

  /**
   * Fill the first 4 bytes (reserved with `int32(0)` before anything else) with the length of what
   * follows them: the size prefix of a Kafka frame. Returns `this`.
   */
  patchSizePrefix(): this {
    const first = this.chunks !== null && this.chunks.length > 0 ? this.chunks[0]! : this.buf;
    first.writeInt32BE(this.length - 4, 0);
    return this;
  }

  /**
   * The bytes written so far as a list of Buffers to write in order (for `socket.writev`-style
   * output without copying referenced record data). Ends the writer.
   */
  finishChunks(): Buffer[] {
    const own = this.buf.subarray(0, this.pos);
    if (this.chunks === null) return [own];
    const out = this.chunks;
    if (own.length > 0) out.push(own);
    this.chunks = [];
    this.chunkBytes = 0;
    this.buf = Buffer.allocUnsafe(0);
    this.pos = 0;
    return out;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  /** int64 from a safe-integer number (or a bigint). */
  int64(v: number | bigint): this {
    this.ensure(8);
    if (typeof v === 'bigint') {
      this.buf.writeBigInt64BE(v, this.pos);
    } else {
      if (!Number.isSafeInteger(v)) throw new ProtocolEncodeError(`int64 value ${v} is not a safe integer`);
      const hi = Math.floor(v / TWO_32);
      this.buf.writeInt32BE(hi, this.pos);
      this.buf.writeUInt32BE(v - hi * TWO_32, this.pos + 4);
    }
    this.pos += 8;
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }
  /** UUID in Kafka's text form (22-character URL-safe base64); null or '' writes the zero UUID. */
  uuid(v: string | null | undefined): this {
    this.ensure(16);
    if (!v) {
      this.buf.fill(0, this.pos, this.pos + 16);
    } else {
      const n = this.buf.write(v, this.pos, 16, 'base64url');
      if (n !== 16) throw new ProtocolEncodeError(`"${v}" is not a UUID in Kafka's base64 form`);
    }
    this.pos += 16;
    return this;
  }

  /** UNSIGNED_VARINT (uint32). */
  uvarint(v: number): this {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    v >>>= 0;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
    return this;
  }
  /** Zigzag VARINT (int32). */
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }
  /** UNSIGNED_VARLONG from a non-negative safe integer. */
  uvarlong(v: number): this {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 0x7f) {
      buf[pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    this.pos = pos;
    return this;
  }
  /** Zigzag VARLONG (int64) from a safe integer. */
  varlong(v: number): this {
    if (!Number.isSafeInteger(v)) throw new ProtocolEncodeError(`varlong value ${v} is not a safe integer`);
    if (v >= -0x40000000 && v < 0x40000000) return this.uvarint((v << 1) ^ (v >> 31));
    if (v > -0x10000000000000 && v < 0x10000000000000) return this.uvarlong(v >= 0 ? v * 2 : -v * 2 - 1);
    // |v| >= 2^52: the zigzag value needs 54 bits, beyond a double's exact range
    let u = BigInt(v) >= 0n ? BigInt(v) * 2n : -BigInt(v) * 2n - 1n;
    this.ensure(10);
    while (u > 0x7fn) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
    return this;
  }

  /** Raw bytes, unframed. */
  raw(b: Uint8Array): this {
    if (this.chunks !== null && b.length >= ZERO_COPY_MIN_BYTES) {
      if (this.pos > 0) {
        this.chunks.push(this.buf.subarray(0, this.pos));
        this.chunkBytes += this.pos;
        this.buf = this.buf.subarray(this.pos);
        this.pos = 0;
      }
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
      this.chunkBytes += b.length;
      return this;
    }
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  private utf8(s: string, len: number): void {
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  /** STRING (int16 length), or NULLABLE_STRING when `s` is null. */
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw new ProtocolEncodeError(`string of ${len} bytes is longer than 32767`);
    this.int16(len);
    this.utf8(s, len);
    return this;
  }
  /** COMPACT_STRING / COMPACT_NULLABLE_STRING: uvarint(length + 1), 0 = null. */
  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw new ProtocolEncodeError(`string of ${len} bytes is longer than 32767`);
    this.uvarint(len + 1);
    this.utf8(s, len);
    return this;
  }
  /** BYTES (int32 length), or NULLABLE_BYTES when `b` is null. */
  bytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    return this.raw(b);
  }
  /** COMPACT_BYTES / COMPACT_NULLABLE_BYTES: uvarint(length + 1), 0 = null. */
  compactBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    this.uvarint(b.length + 1);
    return this.raw(b);
  }
  /** An ARRAY (int32 count, -1 = null) or COMPACT_ARRAY (uvarint(count + 1), 0 = null) count. */
  arrayLength(n: number | null, compact: boolean): this {
    if (compact) return this.uvarint(n === null ? 0 : n + 1);
    return this.int32(n === null ? -1 : n);
  }
}
