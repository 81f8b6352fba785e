/**
 * Kafka record formats, shared by the client and the broker:
 * - record batch v2 (magic 2) encode/decode, async for every codec and sync for none/gzip/snappy/lz4
 *   (`record-batch.ts`);
 * - header access and in-place patches for the broker's storage layer: validate without decoding,
 *   baseOffset / partitionLeaderEpoch rewrites (CRC untouched), maxTimestamp + LogAppendTime (CRC
 *   recomputed) (`batch-header.ts`);
 * - iteration over concatenated batches with partial-tail reporting, and decoding of any magic
 *   (`record-set.ts`); legacy magic 0/1 message sets, decode only (`legacy-message-set.ts`);
 * - codecs (`compression/`), CRC-32C (`crc32c.ts`) and CRC-32 (`crc32.ts`).
 * Bad bytes raise CorruptRecordError (client/errors.ts) with Kafka's error name; see `errors.ts` here.
 */
export * from './constants.js';
export type * from './types.js';
export { SyncCodecUnavailableError } from './errors.js';
export { crc32c } from './crc32c.js';
export { crc32 } from './crc32.js';
export {
  checkBatchBounds,
  computeBatchCrc,
  readBatchHeader,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  validateRecordBatch,
  type ValidateOptions,
} from './batch-header.js';
export { decodeRecordBatch, decodeRecordBatchSync, encodeRecordBatch, encodeRecordBatchSync, recordBatchSize } from './record-batch.js';
export { EMPTY_HEADERS } from './record.js';
export { decodeLegacyEntry } from './legacy-message-set.js';
export {
  decodeBatches,
  decodeBatchesSync,
  nextEntrySize,
  scanBatches,
  type BatchScan,
  type BatchSpan,
  type DecodeBatchesOptions,
  type DecodedBatches,
  type ScanOptions,
} from './record-set.js';
export {
  compress,
  compressSync,
  decompress,
  decompressSync,
  isSyncCodec,
  type CodecOptions,
  type DecompressOptions,
} from './compression/index.js';
