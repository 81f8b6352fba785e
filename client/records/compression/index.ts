/**
 * Codec dispatch for record batches (attributes bits 0-2, Kafka's `CompressionType`):
 * 0 none, 1 gzip (node:zlib), 2 snappy (`snappy`, xerial or raw framing), 3 lz4 (LZ4 frame, `lz4-napi`
 * both ways, behind our frame-header walk and size bound), 4 zstd (`@mongodb-js/zstd`, async only).
 *
 * API choice: zstd is inherently async here, so `compress`/`decompress` (async) handle every codec and
 * `compressSync`/`decompressSync` handle none/gzip/snappy/lz4 and raise SyncCodecUnavailableError for
 * zstd. The async functions run gzip/snappy/lz4 compression inline when the input is below
 * ASYNC_THRESHOLD (64 KiB, where a threadpool hop costs more than it saves) and on the libuv threadpool
 * above it; gzip/snappy/lz4 decompression go to the threadpool from 16 KiB of compressed input; zstd
 * always uses the threadpool. Every decompressor takes `maxBytes` and raises CorruptRecordError
 * MESSAGE_TOO_LARGE rather than allocate past it; codec ids 5-7 raise UNSUPPORTED_COMPRESSION_TYPE.
 */
import { Compression, compressionName, type CompressionCode } from '../constants.js';
import { SyncCodecUnavailableError, unsupportedCompression } from '../errors.js';
import { gzipCompress, gzipCompressSync, gzipDecompress, gzipDecompressSync } from './gzip.js';
import { lz4Compress, lz4CompressSync, lz4Decompress, lz4DecompressSync } from './lz4.js';
import { snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

export { gzipCompress, gzipCompressSync, gzipDecompress, gzipDecompressSync, GZIP_DEFAULT_LEVEL } from './gzip.js';
export { isXerialFramed, snappyCompress, snappyCompressSync, snappyDecompress, snappyDecompressSync, XERIAL_MAGIC } from './snappy.js';
export { lz4Compress, lz4CompressSync, lz4Decompress, lz4DecompressSync } from './lz4.js';
export { zstdCompress, zstdDecompress, zstdDecompressedBound, ZSTD_DEFAULT_LEVEL } from './zstd.js';
export { xxhash32 } from './xxhash32.js';

/** Inputs at least this large (bytes) go to the libuv threadpool in the async functions. */
export const ASYNC_THRESHOLD = 64 * 1024;

/** Codec options. */
export interface CodecOptions {
  /** gzip level (default 6) or zstd level (default 3); ignored by snappy and lz4. */
  level?: number;
  /** Snappy framing to write (default 'xerial', as Java). */
  snappyFraming?: 'xerial' | 'raw';
}

/** Decompression options. */
export interface DecompressOptions {
  /** Accept Kafka's pre-KIP-57 lz4 header checksum (magic 0 messages, KAFKA-1493). */
  legacyLz4Checksum?: boolean;
}

function checkCode(codec: number): asserts codec is CompressionCode {
  if (!(codec >= 0 && codec <= 4)) unsupportedCompression(`compression codec id ${codec} is not defined (valid: 0-4)`);
}

/** True when `codec` can be handled by the sync functions (all but zstd). */
export function isSyncCodec(codec: number): boolean {
  return codec >= 0 && codec <= 3;
}

/** Compress (sync). `codec` 0 returns the input. SyncCodecUnavailableError for zstd. */
export function compressSync(codec: CompressionCode, data: Uint8Array, options?: CodecOptions): Buffer {
  checkCode(codec);
  switch (codec) {
    case Compression.NONE:
      return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    case Compression.GZIP:
      return gzipCompressSync(data, options?.level);
    case Compression.SNAPPY:
      return snappyCompressSync(data, options?.snappyFraming);
    case Compression.LZ4:
      return lz4CompressSync(data);
    default:
      throw new SyncCodecUnavailableError(compressionName(codec)!);
  }
}

/** Compress (async), any codec. */
export async function compress(codec: CompressionCode, data: Uint8Array, options?: CodecOptions): Promise<Buffer> {
  checkCode(codec);
  if (codec === Compression.ZSTD) return zstdCompress(data, options?.level);
  if (codec === Compression.NONE || data.length < ASYNC_THRESHOLD) return compressSync(codec, data, options);
  if (codec === Compression.GZIP) return gzipCompress(data, options?.level);
  if (codec === Compression.SNAPPY) return snappyCompress(data, options?.snappyFraming);
  return lz4Compress(data);
}

/**
 * Decompress (sync) to at most `maxBytes` bytes. Errors: CorruptRecordError CORRUPT_MESSAGE,
 * MESSAGE_TOO_LARGE, UNSUPPORTED_COMPRESSION_TYPE (ids 5-7); SyncCodecUnavailableError for zstd.
 */
export function decompressSync(codec: number, data: Uint8Array, maxBytes: number, options?: DecompressOptions): Buffer {
  checkCode(codec);
  switch (codec) {
    case Compression.NONE:
      return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    case Compression.GZIP:
      return gzipDecompressSync(data, maxBytes);
    case Compression.SNAPPY:
      return snappyDecompressSync(data, maxBytes);
    case Compression.LZ4:
      return lz4DecompressSync(data, maxBytes, options?.legacyLz4Checksum);
    default:
      throw new SyncCodecUnavailableError(compressionName(codec)!);
  }
}

/** Decompress (async), any codec, to at most `maxBytes` bytes. Errors as decompressSync (without the sync one). */
export async function decompress(codec: number, data: Uint8Array, maxBytes: number, options?: DecompressOptions): Promise<Buffer> {
  checkCode(codec);
  if (codec === Compression.ZSTD) return zstdDecompress(data, maxBytes);
  if (data.length < ASYNC_THRESHOLD / 4 || codec === Compression.NONE) return decompressSync(codec, data, maxBytes, options);
  if (codec === Compression.GZIP) return gzipDecompress(data, maxBytes);
  if (codec === Compression.SNAPPY) return snappyDecompress(data, maxBytes);
  return lz4Decompress(data, maxBytes, options?.legacyLz4Checksum);
}
