/**
 * zstd codec (compression id 4) on `@mongodb-js/zstd` 1.2.2 (napi-rs, prebuilt from npm). That
 * package is async-only (`compress(buf, level)` and `decompress(buf)` return Promises, run on the libuv
 * threadpool), so zstd has no synchronous path here. Its decoder streams, so frames without a content
 * size in the header (as zstd-jni's ZstdOutputStream, which Kafka's Java client uses, writes them;
 * `@mongodb-js/zstd`'s own compressor also omits it) decompress.
 *
 * Zip-bomb guard: before the native decoder runs, `zstdDecompressedBound` walks the frame and block
 * headers (RFC 8878 section 3.1) without decompressing and adds up an upper bound of the output: raw
 * and RLE blocks regenerate exactly their Block_Size, a compressed block at most
 * Block_Maximum_Size = min(Window_Size, 128 KiB); a declared Frame_Content_Size caps the frame. Over
 * `maxBytes` raises MESSAGE_TOO_LARGE without allocating. (The bound exceeds the real size by less than
 * one block for data from real compressors.) Window sizes above 2^27 are refused by the native decoder's
 * default windowLogMax, which bounds its window buffer.
 *
 * Errors: CorruptRecordError CORRUPT_MESSAGE (malformed frames, native decoder errors), MESSAGE_TOO_LARGE.
 * Source for the level: Kafka's `compression.zstd.level` default 3 (KIP-390).
 */
import { compress as zstdCompressNative, decompress as zstdDecompressNative } from '@mongodb-js/zstd';
import { corrupt, tooLarge } from '../errors.js';

/** Default zstd level (Kafka's and zstd's default). */
export const ZSTD_DEFAULT_LEVEL = 3;

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZE_MAX = 128 * 1024;

function u32le(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/**
 * Upper bound of the decompressed size of the zstd frames in `data` (bytes), from headers only.
 * Stops early with MESSAGE_TOO_LARGE once the bound passes `maxBytes`; CORRUPT_MESSAGE for a malformed
 * or truncated frame.
 */
export function zstdDecompressedBound(data: Uint8Array, maxBytes: number): number {
  const end = data.length;
  let pos = 0;
  let total = 0;
  let frames = 0;
  while (pos < end) {
    if (pos + 4 > end) corrupt('zstd data has stray bytes after its last frame');
    const magic = u32le(data, pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > end) corrupt('zstd skippable frame is truncated');
      const size = u32le(data, pos + 4);
      if (size > end - pos - 8) corrupt('zstd skippable frame runs past the end');
      pos += 8 + size;
      continue;
    }
    if (magic !== ZSTD_MAGIC) corrupt(`zstd frame magic is 0x${magic.toString(16)}, expected 0xfd2fb528`);
    let p = pos + 4;
    if (p >= end) corrupt('zstd frame header is truncated');
    const fhd = data[p++]!;
    const fcsFlag = fhd >>> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    const hasChecksum = (fhd & 0x04) !== 0;
    const dictFlag = fhd & 0x03;
    if ((fhd & 0x08) !== 0) corrupt('zstd frame header has its reserved bit set');
    let windowSize = 0;
    if (!singleSegment) {
      if (p >= end) corrupt('zstd frame header is truncated');
      const wd = data[p++]!;
      const windowLog = 10 + (wd >>> 3);
      const base = 2 ** windowLog;
      windowSize = base + (base / 8) * (wd & 7);
    }
    p += dictFlag === 0 ? 0 : dictFlag === 1 ? 1 : dictFlag === 2 ? 2 : 4;
    const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : fcsFlag === 1 ? 2 : fcsFlag === 2 ? 4 : 8;
    if (p + fcsSize > end) corrupt('zstd frame header is truncated');
    let contentSize = -1;
    if (fcsSize === 1) contentSize = data[p]!;
    else if (fcsSize === 2) contentSize = (data[p]! | (data[p + 1]! << 8)) + 256;
    else if (fcsSize === 4) contentSize = u32le(data, p);
    else if (fcsSize === 8) contentSize = u32le(data, p) + u32le(data, p + 4) * 4294967296;
    p += fcsSize;
    if (singleSegment) windowSize = contentSize;
    const blockMax = Math.min(BLOCK_SIZE_MAX, Math.max(windowSize, 0));
    let frameBound = 0;
    for (;;) {
      if (p + 3 > end) corrupt('zstd frame is truncated in a block header');
      const header = data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16);
      p += 3;
      const last = (header & 1) !== 0;
      const type = (header >>> 1) & 3;
      const size = header >>> 3;
      if (type === 3) corrupt('zstd block has the reserved block type');
      if (size > BLOCK_SIZE_MAX) corrupt(`zstd block size ${size} is over 128 KiB`);
      if (type === 0) {
        if (size > end - p) corrupt('zstd raw block runs past the end');
        frameBound += size;
        p += size;
      } else if (type === 1) {
        if (p + 1 > end) corrupt('zstd RLE block runs past the end');
        frameBound += size;
        p += 1;
      } else {
        if (size > end - p) corrupt('zstd compressed block runs past the end');
        frameBound += blockMax;
        p += size;
      }
      if (contentSize < 0 && total + frameBound > maxBytes) tooLarge(`zstd data may decompress to more than ${maxBytes} bytes`);
      if (last) break;
    }
    if (hasChecksum) {
      if (p + 4 > end) corrupt('zstd content checksum is truncated');
      p += 4;
    }
    total += contentSize >= 0 ? Math.min(contentSize, frameBound) : frameBound;
    if (total > maxBytes) tooLarge(`zstd data decompresses to more than ${maxBytes} bytes`);
    pos = p;
    frames++;
  }
  if (frames === 0) corrupt('zstd data holds no frame');
  return total;
}

/** zstd-compress `data` (async; threadpool). */
export function zstdCompress(data: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Promise<Buffer> {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  return zstdCompressNative(buf, level);
}

/** Decompress zstd frames (async) to at most `maxBytes` bytes. Errors: CORRUPT_MESSAGE, MESSAGE_TOO_LARGE. */
export async function zstdDecompress(data: Uint8Array, maxBytes: number): Promise<Buffer> {
  zstdDecompressedBound(data, maxBytes);
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
  let out: Buffer;
  try {
    out = await zstdDecompressNative(buf);
  } catch (err) {
    corrupt(`zstd data does not decompress: ${(err as Error).message}`, err);
  }
  if (out.length > maxBytes) tooLarge(`zstd data decompressed to ${out.length} bytes, over the limit of ${maxBytes}`);
  return out;
}
