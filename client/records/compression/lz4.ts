/**
 * lz4 codec (compression id 3): the LZ4 *frame* format (magic 0x184D2204), as Kafka's
 * KafkaLZ4BlockOutputStream / KafkaLZ4BlockInputStream and librdkafka's LZ4F use it.
 *
 * Compression: `lz4-napi`'s `compressFrameSync` / `compressFrame` (lz4_flex, prebuilt from npm), which
 * writes independent blocks, no content size and no checksums; Java's KafkaLZ4BlockInputStream and
 * kafkajs-lz4 read that.
 *
 * Decompression is our own frame parser and block decoder (pure JS), so that every length is checked
 * before it is used and the output never grows past `maxBytes` (a zip bomb raises MESSAGE_TOO_LARGE
 * instead of allocating). It accepts independent and linked blocks, uncompressed blocks, optional
 * content size, block checksums and content checksum (checksums are skipped, not verified: the batch
 * CRC, or the legacy message CRC, already covers the compressed bytes), and concatenated or skippable
 * frames. Dictionary ids are refused.
 *
 * Header checksum (HC) and KAFKA-1493: before KIP-57, Kafka computed the HC byte over the magic number
 * and the descriptor instead of the descriptor alone, and magic 0 messages keep that "broken" checksum
 * (librdkafka reproduces it for magic 0). With `legacyBrokenChecksum` (used for magic 0 messages) either
 * checksum is accepted; otherwise only the correct one.
 *
 * Errors: CorruptRecordError CORRUPT_MESSAGE (malformed frame or block), MESSAGE_TOO_LARGE (over the limit).
 */
import { compressFrame, compressFrameSync } from 'lz4-napi';
import { corrupt, tooLarge } from '../errors.js';
import { xxhash32 } from './xxhash32.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];

/** LZ4-frame compress `data` (sync). */
export function lz4CompressSync(data: Uint8Array): Buffer {
  return compressFrameSync(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length));
}

/** LZ4-frame compress `data` on the libuv threadpool. */
export function lz4Compress(data: Uint8Array): Promise<Buffer> {
  return compressFrame(data);
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** Growable output with a hard cap. */
class Output {
  buf: Buffer;
  len = 0;
  constructor(
    initial: number,
    readonly max: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(64, Math.min(initial, max)));
  }
  /** Make room for `n` more bytes, or raise MESSAGE_TOO_LARGE past `max`. */
  reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    if (need > this.max) tooLarge(`lz4 data decompresses to more than ${this.max} bytes`);
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    if (size > this.max) size = this.max;
    const next = Buffer.allocUnsafe(size);
    next.set(this.buf.subarray(0, this.len), 0);
    this.buf = next;
  }
}

/**
 * Decode one LZ4 block `src[ip, iend)` into `out` (appending). `windowStart` is the earliest output
 * position a match may reach (the block start for independent blocks, the frame start for linked ones).
 * The block may produce at most `bound` bytes (its maximum block size, capped by the overall limit);
 * the output grows as needed within that bound.
 */
function decodeBlock(src: Uint8Array, ip: number, iend: number, out: Output, bound: number, windowStart: number): void {
  let dst = out.buf;
  let op = out.len;
  const oend = op + bound;
  let cap = dst.length;
  while (ip < iend) {
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= iend) corrupt('lz4 block is truncated in a literal length');
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (lit > iend - ip) corrupt('lz4 literals run past the end of the block');
    if (lit > oend - op) corrupt('lz4 block decompresses past its maximum block size');
    if (op + lit > cap) {
      out.len = op;
      out.reserve(Math.max(lit, Math.min(oend - op, cap)));
      dst = out.buf;
      cap = dst.length;
    }
    if (lit > 0) {
      if (lit < 16) {
        for (let k = 0; k < lit; k++) dst[op + k] = src[ip + k]!;
      } else {
        dst.set(src.subarray(ip, ip + lit), op);
      }
      ip += lit;
      op += lit;
    }
    if (ip === iend) break; // the last sequence has literals only
    if (ip + 2 > iend) corrupt('lz4 block is truncated in a match offset');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op - windowStart) corrupt(`lz4 match offset ${offset} reaches before the start of the window`);
    let mlen = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= iend) corrupt('lz4 block is truncated in a match length');
        b = src[ip++]!;
        mlen += b;
      } while (b === 255);
    }
    if (mlen > oend - op) corrupt('lz4 block decompresses past its maximum block size');
    if (op + mlen > cap) {
      out.len = op;
      out.reserve(Math.max(mlen, Math.min(oend - op, cap)));
      dst = out.buf;
      cap = dst.length;
    }
    let from = op - offset;
    if (offset >= mlen) {
      dst.copyWithin(op, from, from + mlen);
      op += mlen;
    } else {
      const stop = op + mlen;
      while (op < stop) dst[op++] = dst[from++]!;
    }
  }
  out.len = op;
}

/**
 * Decompress one or more LZ4 frames (sync) to at most `maxBytes` bytes.
 * @param legacyBrokenChecksum accept Kafka's pre-KIP-57 header checksum as well (magic 0 messages, KAFKA-1493).
 * Errors: CorruptRecordError CORRUPT_MESSAGE, MESSAGE_TOO_LARGE.
 */
export function lz4DecompressSync(data: Uint8Array, maxBytes: number, legacyBrokenChecksum = false): Buffer {
  const end = data.length;
  const out = new Output(Math.min(end * 4, 1 << 20), maxBytes);
  let pos = 0;
  let frames = 0;
  while (pos < end) {
    if (pos + 4 > end) corrupt('lz4 stream has stray bytes after its last frame');
    const magic = u32le(data, pos);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > end) corrupt('lz4 skippable frame is truncated');
      const size = u32le(data, pos + 4);
      if (size > end - pos - 8) corrupt('lz4 skippable frame runs past the end');
      pos += 8 + size;
      continue;
    }
    if (magic !== FRAME_MAGIC) corrupt(`lz4 frame magic is 0x${magic.toString(16)}, expected 0x184d2204`);
    const descStart = pos + 4;
    if (descStart + 3 > end) corrupt('lz4 frame descriptor is truncated');
    const flg = data[descStart]!;
    const bd = data[descStart + 1]!;
    if (flg >>> 6 !== 1) corrupt(`lz4 frame version ${flg >>> 6} is not 1`);
    if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) corrupt('lz4 frame descriptor has reserved bits set');
    if ((flg & 0x01) !== 0) corrupt('lz4 frames with a dictionary id are not supported');
    const independent = (flg & 0x20) !== 0;
    const blockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const blockMax = BLOCK_MAX_SIZES[(bd >>> 4) & 7]!;
    if (blockMax === 0) corrupt(`lz4 frame block size code ${(bd >>> 4) & 7} is invalid`);
    let p = descStart + 2;
    let contentSize = -1;
    if (hasContentSize) {
      if (p + 8 > end) corrupt('lz4 frame descriptor is truncated');
      contentSize = u32le(data, p) + u32le(data, p + 4) * 4294967296;
      if (contentSize > maxBytes - out.len) tooLarge(`lz4 frame declares ${contentSize} bytes, over the limit of ${maxBytes}`);
      p += 8;
    }
    if (p + 1 > end) corrupt('lz4 frame descriptor is truncated');
    const hc = data[p]!;
    if (hc !== ((xxhash32(data, descStart, p) >>> 8) & 0xff)) {
      if (!legacyBrokenChecksum || hc !== ((xxhash32(data, pos, p) >>> 8) & 0xff)) corrupt('lz4 frame descriptor checksum does not match');
    }
    p += 1;
    if (contentSize > 0) out.reserve(contentSize);
    const frameStart = out.len;
    for (;;) {
      if (p + 4 > end) corrupt('lz4 frame is truncated (no end mark)');
      const word = u32le(data, p);
      p += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const uncompressed = word >>> 31 === 1;
      if (size > blockMax) corrupt(`lz4 block of ${size} bytes is over the frame's maximum block size ${blockMax}`);
      if (size > end - p) corrupt('lz4 block runs past the end of the data');
      if (uncompressed) {
        out.reserve(size);
        out.buf.set(data.subarray(p, p + size), out.len);
        out.len += size;
      } else {
        // A block never decodes to more than blockMax, nor to more than 255 bytes per input byte (the
        // best LZ4 can do: a 255 length-extension byte); never reserve past the overall limit either.
        const bound = Math.min(blockMax, size * 255 + 32, maxBytes - out.len);
        if (bound <= 0 && size > 0) tooLarge(`lz4 data decompresses to more than ${maxBytes} bytes`);
        try {
          decodeBlock(data, p, p + size, out, bound, independent ? out.len : frameStart);
        } catch (err) {
          // A block that would only fit past the limit is "too large", not corrupt.
          if (bound === maxBytes - out.len && (err as Error).message.includes('maximum block size')) tooLarge(`lz4 data decompresses to more than ${maxBytes} bytes`);
          throw err;
        }
      }
      p += size;
      if (blockChecksum) {
        if (p + 4 > end) corrupt('lz4 block checksum is truncated');
        p += 4;
      }
    }
    if (contentChecksum) {
      if (p + 4 > end) corrupt('lz4 content checksum is truncated');
      p += 4;
    }
    if (contentSize >= 0 && out.len - frameStart !== contentSize) corrupt(`lz4 frame declares ${contentSize} bytes but holds ${out.len - frameStart}`);
    pos = p;
    frames++;
  }
  if (frames === 0) corrupt('lz4 data holds no frame');
  return out.buf.subarray(0, out.len);
}
