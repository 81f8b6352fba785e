/**
 * Error helpers of the records layer. Bad record bytes raise `CorruptRecordError` (client/errors.ts)
 * with the Kafka error name Kafka itself would use:
 * - CORRUPT_MESSAGE (2): Kafka's CorruptRecordException (wrong CRC, truncated batch, a length past the
 *   end, unknown magic, a codec stream that does not decompress);
 * - INVALID_RECORD (87): Kafka's InvalidRecordException (a record whose fields disagree with its length,
 *   a record count that does not match the records, a bad varint inside a record, negative header counts);
 * - UNSUPPORTED_COMPRESSION_TYPE (76): codec ids 5-7 (and zstd inside a magic 0/1 message);
 * - MESSAGE_TOO_LARGE (10): a batch that would decompress past `maxDecompressedBytes`.
 */
import { CorruptRecordError, KafkaTsError } from '../errors.js';

/** Throw CorruptRecordError CORRUPT_MESSAGE. */
export function corrupt(message: string, cause?: unknown): never {
  throw new CorruptRecordError(message, 'CORRUPT_MESSAGE', cause === undefined ? undefined : { cause });
}

/** Throw CorruptRecordError INVALID_RECORD. */
export function invalidRecord(message: string): never {
  throw new CorruptRecordError(message, 'INVALID_RECORD');
}

/** Throw CorruptRecordError UNSUPPORTED_COMPRESSION_TYPE. */
export function unsupportedCompression(message: string): never {
  throw new CorruptRecordError(message, 'UNSUPPORTED_COMPRESSION_TYPE');
}

/** Throw CorruptRecordError MESSAGE_TOO_LARGE (the decompressed-size guard). */
export function tooLarge(message: string): never {
  throw new CorruptRecordError(message, 'MESSAGE_TOO_LARGE');
}

/**
 * A synchronous encode/decode was asked for a codec that only has an asynchronous implementation here
 * (zstd: `@mongodb-js/zstd` is async-only). Not a wire error: use the async function instead.
 * Stable code: `KTS_ERR_SYNC_CODEC`.
 */
export class SyncCodecUnavailableError extends KafkaTsError {
  constructor(codec: string) {
    super('KTS_ERR_SYNC_CODEC', `${codec} has no synchronous implementation; use the async encodeRecordBatch/decodeRecordBatch`);
  }
}
