/**
 * gzip codec (compression id 1) on node:zlib. Kafka writes one gzip member (Java's GZIPOutputStream,
 * librdkafka's zlib with a gzip header); the default level is 6, as Java's and Kafka's
 * `compression.gzip.level` default (KIP-390).
 *
 * Decompression passes `maxOutputLength`, so zlib stops at the limit instead of inflating a zip bomb:
 * CorruptRecordError MESSAGE_TOO_LARGE past the limit, CORRUPT_MESSAGE for a stream that does not inflate.
 */
import * as zlib from 'node:zlib';
import { corrupt, tooLarge } from '../errors.js';

/** Default gzip level (Java's Deflater default). */
export const GZIP_DEFAULT_LEVEL = 6;

function mapError(err: unknown, maxBytes: number): never {
  if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') tooLarge(`gzip data inflates to more than ${maxBytes} bytes`);
  corrupt(`gzip data does not inflate: ${(err as Error).message}`, err);
}

/** gzip `data` (sync). */
export function gzipCompressSync(data: Uint8Array, level = GZIP_DEFAULT_LEVEL): Buffer {
  return zlib.gzipSync(data, { level });
}

/** gzip `data` on the libuv threadpool. */
export function gzipCompress(data: Uint8Array, level = GZIP_DEFAULT_LEVEL): Promise<Buffer> {
  return new Promise((resolve, reject) => zlib.gzip(data, { level }, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Inflate gzip `data` (sync) to at most `maxBytes` bytes. Errors: CORRUPT_MESSAGE, MESSAGE_TOO_LARGE. */
export function gzipDecompressSync(data: Uint8Array, maxBytes: number): Buffer {
  try {
    return zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (err) {
    mapError(err, maxBytes);
  }
}

/** Inflate gzip `data` on the libuv threadpool, to at most `maxBytes` bytes. Errors as gzipDecompressSync. */
export function gzipDecompress(data: Uint8Array, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zlib.gunzip(data, { maxOutputLength: Math.max(1, maxBytes) }, (err, out) => {
      if (!err) return resolve(out);
      try {
        mapError(err, maxBytes);
      } catch (e) {
        reject(e);
      }
    }),
  );
}
