/**
 * lz4 codec (compression id 3): the LZ4 *frame* format (magic 0x184D2204), as Kafka's
 * KafkaLZ4BlockOutputStream / KafkaLZ4BlockInputStream and librdkafka's LZ4F use it.
 *
 * Compression: `lz4-napi`'s `compressFrameSync` / `compressFrame` (lz4_flex, prebuilt from npm), which
 * writes independent blocks (maximum block size picked from the input size, 64 KiB to 4 MiB), no
 * content size and no checksums; Java's KafkaLZ4BlockInputStream and kafkajs-lz4 read that.
 *
 * Decompression: `lz4-napi`'s `decompressFrameSync` / `decompressFrame` (lz4_flex's FrameDecoder), one
 * call per frame. lz4_flex decodes independent and linked blocks, uncompressed blocks and content
 * sizes, and verifies the header checksum (HC), the declared content size and the content checksum
 * (Java's KafkaLZ4BlockInputStream skips the latter; the writers above all write it correctly).
 * Nothing here decodes LZ4 data: what we keep is a walk over the frame and block headers (and, near
 * the limit, a length-only pass over the sequence headers inside blocks), needed because lz4-napi on
 * its own:
 * - decodes only the first frame and silently ignores whatever follows it (further frames, garbage),
 *   accepts a truncated end mark, fails on a leading skippable frame, returns an empty buffer for empty
 *   input, and accepts the legacy frame format (magic 0x184C2102). The walk finds each frame's exact
 *   byte range, skips skippable frames, and requires at least one frame, a complete end mark and the
 *   content checksum when flagged; each frame is then handed to lz4-napi on its own. Dictionary ids,
 *   reserved bits, unknown versions and block-size codes, and blocks longer than the frame's maximum
 *   block size are refused;
 * - has no output limit, and checks a declared content size only after it has decoded the whole frame
 *   (a frame declaring 10 bytes and holding 50 MB allocates the 50 MB first). So before anything is
 *   decoded the walk adds up an upper bound of the output from the block headers: an uncompressed block
 *   yields exactly its size, a compressed block of n bytes at most min(maximum block size, 255 n) (no
 *   LZ4 sequence yields more than 255 bytes per input byte). A declared content size over `maxBytes`
 *   raises MESSAGE_TOO_LARGE at once. When the bound exceeds `maxBytes` (near the limit, or a zip bomb)
 *   a second pass reads only the sequence lengths of the compressed blocks (tokens and length bytes:
 *   no output, no offsets followed) to get the exact size, and raises MESSAGE_TOO_LARGE only if that is
 *   over the limit; so the output never exceeds `maxBytes` and a frame that decompresses to exactly
 *   `maxBytes` is accepted. The same pattern as zstd.ts's `zstdDecompressedBound`;
 * - verifies block checksums, and npm `lz4` 0.6.5 (the encoder kafkajs-lz4 uses; `blockChecksum` is a
 *   kafkajs-lz4 option) writes wrong ones (it hashes its whole scratch buffer, not the compressed
 *   block). Block checksums are therefore not verified here, as before this module used lz4-napi: a
 *   frame with the block-checksum flag is copied without them (flag cleared, HC recomputed) before
 *   lz4-napi sees it. The batch CRC (or the legacy message CRC) already covers the compressed bytes.
 *   Java's KafkaLZ4BlockOutputStream and librdkafka (LZ4F defaults) write no block checksums, so this
 *   copy does not happen for their frames.
 *
 * Header checksum and KAFKA-1493: before KIP-57, Kafka computed the HC byte over the magic number and
 * the descriptor instead of the descriptor alone, and magic 0 messages keep that "broken" checksum
 * (librdkafka reproduces it for magic 0). lz4-napi verifies the HC and rejects the broken form, so with
 * `legacyBrokenChecksum` (used for magic 0 messages) a frame whose HC matches the broken form is copied
 * with the correct HC patched in before it is handed to lz4-napi (`xxhash32.ts` computes that one
 * byte). Without the flag only the correct HC is accepted.
 *
 * Output buffers are native memory (napi-rs), freed by N-API finalizers that run only when the event
 * loop turns (the `snappy` package behaves the same): a long synchronous run of decompressions holds all
 * of its outputs until it yields.
 *
 * No pure-JS fallback decoder is kept: lz4-napi decodes every form Kafka clients write (Java:
 * independent 64 KiB blocks, no content size, no checksums; librdkafka: LZ4F defaults, linked blocks
 * and content checksum possible; kafkajs-lz4 / npm lz4: content checksum, optional block checksums;
 * the lz4 CLI; lz4-napi itself).
 *
 * Errors: CorruptRecordError CORRUPT_MESSAGE (malformed framing found by the walk; lz4-napi errors,
 * wrapped with the native error as `cause`), MESSAGE_TOO_LARGE (over `maxBytes`).
 */
import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi';
import { corrupt, tooLarge } from '../errors.js';
import { xxhash32 } from './xxhash32.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_SIZES = [0, 0, 0, 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024];
const FLG_BLOCK_CHECKSUM = 0x10;

/** LZ4-frame compress `data` (sync). */
export function lz4CompressSync(data: Uint8Array): Buffer {
  return compressFrameSync(asBuffer(data));
}

/** LZ4-frame compress `data` on the libuv threadpool. */
export function lz4Compress(data: Uint8Array): Promise<Buffer> {
  return compressFrame(data);
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** One LZ4 frame found by the header walk. */
interface Frame {
  /** Frame bytes: [start, end) of the input, magic to content checksum included. */
  start: number;
  end: number;
  /** Offset of the HC byte (the end of the frame header is hc + 1). */
  hc: number;
  /** First block header. */
  blocks: number;
  blockMax: number;
  blockChecksum: boolean;
  /** The HC byte is KAFKA-1493's broken form (accepted with `legacyBrokenChecksum`). */
  brokenHc: boolean;
  /** Declared content size, or -1. */
  contentSize: number;
  /** Upper bound of the decompressed size, from the block headers. */
  bound: number;
}

/**
 * Walk the frame and block headers of `data` (no block is decoded). CORRUPT_MESSAGE for malformed
 * framing, MESSAGE_TOO_LARGE when a declared content size alone passes `maxBytes`.
 */
function walkFrames(data: Uint8Array, maxBytes: number, legacyBrokenChecksum: boolean): Frame[] {
  const end = data.length;
  const frames: Frame[] = [];
  let declared = 0;
  let pos = 0;
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
    const blockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const blockMax = BLOCK_MAX_SIZES[(bd >>> 4) & 7]!;
    if (blockMax === 0) corrupt(`lz4 frame block size code ${(bd >>> 4) & 7} is invalid`);
    let p = descStart + 2;
    let contentSize = -1;
    if (hasContentSize) {
      if (p + 8 > end) corrupt('lz4 frame descriptor is truncated');
      contentSize = u32le(data, p) + u32le(data, p + 4) * 4294967296;
      if (contentSize > maxBytes - declared) tooLarge(`lz4 frame declares ${contentSize} bytes, over the limit of ${maxBytes}`);
      declared += contentSize;
      p += 8;
    }
    if (p + 1 > end) corrupt('lz4 frame descriptor is truncated');
    const hc = p;
    let brokenHc = false;
    if (data[hc] !== ((xxhash32(data, descStart, hc) >>> 8) & 0xff)) {
      if (!legacyBrokenChecksum || data[hc] !== ((xxhash32(data, pos, hc) >>> 8) & 0xff)) corrupt('lz4 frame descriptor checksum does not match');
      brokenHc = true;
    }
    p += 1;
    const blocks = p;
    let bound = 0;
    for (;;) {
      if (p + 4 > end) corrupt('lz4 frame is truncated (no end mark)');
      const word = u32le(data, p);
      p += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMax) corrupt(`lz4 block of ${size} bytes is over the frame's maximum block size ${blockMax}`);
      if (size > end - p) corrupt('lz4 block runs past the end of the data');
      bound += word >>> 31 === 1 ? size : Math.min(blockMax, size * 255);
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
    frames.push({ start: pos, end: p, hc, blocks, blockMax, blockChecksum, brokenHc, contentSize, bound });
    pos = p;
  }
  if (frames.length === 0) corrupt('lz4 data holds no frame');
  return frames;
}

/**
 * Exact decompressed size of the compressed block `src[ip, iend)`, from its sequence headers only
 * (token, literal and match length bytes; literals are skipped, offsets not followed). Stops past `cap`.
 */
function blockLength(src: Uint8Array, ip: number, iend: number, cap: number): number {
  let n = 0;
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
    ip += lit;
    n += lit;
    if (ip === iend) break; // the last sequence has literals only
    if (ip + 2 > iend) corrupt('lz4 block is truncated in a match offset');
    ip += 2;
    let mlen = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (ip >= iend) corrupt('lz4 block is truncated in a match length');
        b = src[ip++]!;
        mlen += b;
      } while (b === 255);
    }
    n += mlen;
    if (n > cap) return n;
  }
  return n;
}

/**
 * Check that `frames` decompress to at most `maxBytes` before anything is decoded: the header bound
 * when it fits, else the exact size from the sequence headers. MESSAGE_TOO_LARGE or CORRUPT_MESSAGE.
 */
function checkSize(data: Uint8Array, frames: Frame[], maxBytes: number): void {
  let bound = 0;
  for (const f of frames) bound += f.bound;
  if (bound <= maxBytes) return;
  let total = 0;
  for (const f of frames) {
    let size = 0;
    let p = f.blocks;
    for (;;) {
      const word = u32le(data, p);
      p += 4;
      if (word === 0) break;
      const n = word & 0x7fffffff;
      if (word >>> 31 === 1) {
        size += n;
      } else {
        const room = maxBytes - total - size;
        const len = blockLength(data, p, p + n, Math.min(f.blockMax, room));
        // Past its maximum block size the block is corrupt, unless the limit was the tighter cap.
        if (len > f.blockMax && f.blockMax < room) corrupt(`lz4 block decompresses past the frame's maximum block size ${f.blockMax}`);
        size += len;
      }
      if (total + size > maxBytes) tooLarge(`lz4 data decompresses to more than ${maxBytes} bytes`);
      p += n + (f.blockChecksum ? 4 : 0);
    }
    if (f.contentSize >= 0 && size !== f.contentSize) corrupt(`lz4 frame declares ${f.contentSize} bytes but holds ${size}`);
    total += size;
  }
}

/**
 * The bytes of `f` as lz4-napi should see them: a view of the input, or a copy with the correct HC
 * (KAFKA-1493) and without block checksums (npm lz4 writes wrong ones; see the file header).
 */
function frameInput(data: Uint8Array, f: Frame): Buffer {
  const buf = asBuffer(data);
  if (!f.brokenHc && !f.blockChecksum) return buf.subarray(f.start, f.end);
  if (!f.blockChecksum) {
    const out = Buffer.from(buf.subarray(f.start, f.end));
    const hc = f.hc - f.start;
    out[hc] = (xxhash32(out, 4, hc) >>> 8) & 0xff;
    return out;
  }
  const out = Buffer.allocUnsafe(f.end - f.start);
  const hc = f.hc - f.start;
  buf.copy(out, 0, f.start, f.hc);
  out[4] = out[4]! & ~FLG_BLOCK_CHECKSUM;
  out[hc] = (xxhash32(out, 4, hc) >>> 8) & 0xff;
  let o = hc + 1;
  let p = f.blocks;
  for (;;) {
    const word = u32le(buf, p);
    if (word === 0) break;
    const n = 4 + (word & 0x7fffffff);
    buf.copy(out, o, p, p + n);
    o += n;
    p += n + 4; // skip the block checksum
  }
  o += buf.copy(out, o, p, f.end); // end mark, content checksum
  return out.subarray(0, o);
}

/** Check one frame's native output against the walk (defensive: lz4_flex checks the content size too). */
function checkFrameOutput(out: Buffer, f: Frame): void {
  if (f.contentSize >= 0 && out.length !== f.contentSize) corrupt(`lz4 frame declares ${f.contentSize} bytes but holds ${out.length}`);
  if (out.length > f.bound) corrupt(`lz4 frame decompressed to ${out.length} bytes, past its block bound ${f.bound}`);
}

function join(outs: Buffer[], total: number, maxBytes: number): Buffer {
  if (total > maxBytes) tooLarge(`lz4 data decompressed to ${total} bytes, over the limit of ${maxBytes}`);
  return outs.length === 1 ? outs[0]! : Buffer.concat(outs, total);
}

/**
 * Decompress one or more LZ4 frames (sync) to at most `maxBytes` bytes.
 * @param legacyBrokenChecksum accept Kafka's pre-KIP-57 header checksum as well (magic 0 messages, KAFKA-1493).
 * Errors: CorruptRecordError CORRUPT_MESSAGE, MESSAGE_TOO_LARGE.
 */
export function lz4DecompressSync(data: Uint8Array, maxBytes: number, legacyBrokenChecksum = false): Buffer {
  const frames = walkFrames(data, maxBytes, legacyBrokenChecksum);
  checkSize(data, frames, maxBytes);
  const outs: Buffer[] = [];
  let total = 0;
  for (const f of frames) {
    let out: Buffer;
    try {
      out = decompressFrameSync(frameInput(data, f));
    } catch (err) {
      corrupt(`lz4 frame does not decompress: ${(err as Error).message}`, err);
    }
    checkFrameOutput(out, f);
    outs.push(out);
    total += out.length;
  }
  return join(outs, total, maxBytes);
}

/**
 * Decompress one or more LZ4 frames on the libuv threadpool (lz4-napi's `decompressFrame`) to at most
 * `maxBytes` bytes; the header walk and the size check run first, synchronously.
 * Errors: as lz4DecompressSync (as a rejected Promise).
 */
export async function lz4Decompress(data: Uint8Array, maxBytes: number, legacyBrokenChecksum = false): Promise<Buffer> {
  const frames = walkFrames(data, maxBytes, legacyBrokenChecksum);
  checkSize(data, frames, maxBytes);
  const outs: Buffer[] = [];
  let total = 0;
  for (const f of frames) {
    let out: Buffer;
    try {
      out = await decompressFrame(frameInput(data, f));
    } catch (err) {
      corrupt(`lz4 frame does not decompress: ${(err as Error).message}`, err);
    }
    checkFrameOutput(out, f);
    outs.push(out);
    total += out.length;
  }
  return join(outs, total, maxBytes);
}
