/**
 * snappy codec (compression id 2) on the `snappy` package (napi-rs, prebuilt from npm).
 *
 * Two framings exist on the wire and both are read, told apart by the magic header:
 * - xerial (what Kafka's Java client writes through snappy-java's SnappyOutputStream): the 8 bytes
 *   `0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00`, int32 version (1), int32 minimum compatible version (1), then
 *   blocks of [int32 BE compressed length][raw snappy block], each block at most 32 KiB uncompressed;
 * - raw (what librdkafka writes): a single snappy block.
 * Compression writes xerial framing by default (as Java does; kafkajs-snappy and librdkafka read it).
 *
 * Every raw block starts with its uncompressed length (an unsigned varint); it is checked against the
 * remaining budget before the native decoder allocates, so a forged length cannot exhaust memory.
 * Errors: CorruptRecordError CORRUPT_MESSAGE (bad framing or block), MESSAGE_TOO_LARGE (over the limit).
 */
import { compress as snappyCompressAsync, compressSync, uncompress as snappyUncompressAsync, uncompressSync } from 'snappy';
import { corrupt, tooLarge } from '../errors.js';

/** The xerial header magic. */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Size of the xerial header: magic + version + compatible version. */
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size (uncompressed bytes per xerial block). */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

/** True when `data` starts with the xerial header magic. */
export function isXerialFramed(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_SIZE) return false;
  for (let i = 0; i < 8; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** The uncompressed length a raw snappy block declares (its leading varint). CORRUPT_MESSAGE if malformed. */
export function snappyUncompressedLength(data: Uint8Array, start = 0, end = data.length): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 5; i++) {
    if (start + i >= end) corrupt('snappy block is truncated in its length preamble');
    const b = data[start + i]!;
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (value > 0xffffffff) corrupt('snappy block length preamble exceeds 32 bits');
      return value;
    }
    mul *= 128;
  }
  corrupt('snappy block length preamble is longer than 5 bytes');
}

function xerialHeader(): Buffer {
  const h = Buffer.allocUnsafe(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(h, 0);
  h.writeInt32BE(1, 8);
  h.writeInt32BE(1, 12);
  return h;
}

/** Compress `data` (sync) with xerial framing (default) or as one raw block. */
export function snappyCompressSync(data: Uint8Array, framing: 'xerial' | 'raw' = 'xerial'): Buffer {
  if (framing === 'raw') return compressSync(data);
  const parts: Buffer[] = [xerialHeader()];
  let total = XERIAL_HEADER_SIZE;
  for (let off = 0; off < data.length; off += XERIAL_BLOCK_SIZE) {
    const block = compressSync(data.subarray(off, Math.min(data.length, off + XERIAL_BLOCK_SIZE)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/** Compress `data` off the main thread, same output as snappyCompressSync. */
export async function snappyCompress(data: Uint8Array, framing: 'xerial' | 'raw' = 'xerial'): Promise<Buffer> {
  if (framing === 'raw') return snappyCompressAsync(data);
  const blocks: Promise<Buffer>[] = [];
  for (let off = 0; off < data.length; off += XERIAL_BLOCK_SIZE) {
    blocks.push(snappyCompressAsync(data.subarray(off, Math.min(data.length, off + XERIAL_BLOCK_SIZE))));
  }
  const parts: Buffer[] = [xerialHeader()];
  let total = XERIAL_HEADER_SIZE;
  for (const block of await Promise.all(blocks)) {
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/** The raw blocks of a snappy stream (xerial or raw) and their total uncompressed size, checked against `maxBytes`. */
function planBlocks(data: Uint8Array, maxBytes: number): { blocks: Uint8Array[]; total: number } {
  if (!isXerialFramed(data)) {
    const total = snappyUncompressedLength(data);
    if (total > maxBytes) tooLarge(`snappy block declares ${total} uncompressed bytes, over the limit of ${maxBytes}`);
    return { blocks: [data], total };
  }
  const blocks: Uint8Array[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  const end = data.length;
  while (pos < end) {
    if (pos + 4 > end) corrupt(`xerial snappy stream has ${end - pos} stray bytes where a block length was expected`);
    const len = ((data[pos]! << 24) | (data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!) >>> 0;
    pos += 4;
    if (len > end - pos) corrupt(`xerial snappy block of ${len} bytes runs past the end (${end - pos} left)`);
    const block = data.subarray(pos, pos + len);
    pos += len;
    total += snappyUncompressedLength(block);
    if (total > maxBytes) tooLarge(`snappy stream declares more than ${maxBytes} uncompressed bytes`);
    blocks.push(block);
  }
  return { blocks, total };
}

function checkBlock(out: Buffer, block: Uint8Array): Buffer {
  if (out.length !== snappyUncompressedLength(block)) corrupt('snappy block decompressed to a different length than declared');
  return out;
}

/** Decompress a xerial-framed or raw snappy stream (sync), to at most `maxBytes`. Errors: CORRUPT_MESSAGE, MESSAGE_TOO_LARGE. */
export function snappyDecompressSync(data: Uint8Array, maxBytes: number): Buffer {
  const { blocks, total } = planBlocks(data, maxBytes);
  try {
    if (blocks.length === 1) return checkBlock(uncompressSync(blocks[0]!) as Buffer, blocks[0]!);
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (const block of blocks) {
      const part = checkBlock(uncompressSync(block) as Buffer, block);
      out.set(part, pos);
      pos += part.length;
    }
    return out;
  } catch (err) {
    if (err instanceof Error && (err as { code?: string }).code === 'KTS_ERR_CORRUPT_RECORD') throw err;
    corrupt(`snappy data does not decompress: ${(err as Error).message}`, err);
  }
}

/** Decompress off the main thread; same checks and errors as snappyDecompressSync. */
export async function snappyDecompress(data: Uint8Array, maxBytes: number): Promise<Buffer> {
  const { blocks, total } = planBlocks(data, maxBytes);
  let parts: Buffer[];
  try {
    parts = (await Promise.all(blocks.map((b) => snappyUncompressAsync(b)))) as Buffer[];
  } catch (err) {
    corrupt(`snappy data does not decompress: ${(err as Error).message}`, err);
  }
  for (let i = 0; i < parts.length; i++) checkBlock(parts[i]!, blocks[i]!);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}
