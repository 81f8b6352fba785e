/**
 * Shapes of decoded records and batches, and of the input to the encoder. int64 fields are JS numbers
 * (safe integers), timestamps are milliseconds since the epoch, sizes are bytes.
 */
import type { CompressionCode, CompressionName, TimestampTypeCode } from './constants.js';

/** One record header: a UTF-8 key and a nullable byte value (Kafka's `RecordHeader`). */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/**
 * A decoded record (any magic). `key`/`value` are zero-copy views into the input (or into the
 * decompressed buffer); copy them if the input buffer will be reused.
 */
export interface KafkaRecord {
  /** Absolute offset (baseOffset + offsetDelta). */
  offset: number;
  /** Milliseconds; for LogAppendTime batches the batch's maxTimestamp (as Kafka's DefaultRecord); -1 for magic 0. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** In wire order; duplicates kept. Records without headers share one frozen empty array. */
  headers: readonly RecordHeader[];
  /** The record's own attributes byte (unused by Kafka today, always 0 in v2; the message attributes in magic 0/1). */
  attributes: number;
}

/** The fixed header of a record batch v2 (the 61 bytes before the records), decoded. */
export interface RecordBatchHeader {
  /** Offset of the first record (int64). */
  baseOffset: number;
  /** The `Length` field: bytes after it (batch size - 12). */
  length: number;
  /** Whole batch size in bytes (length + 12). */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: 2;
  /** Stored CRC-32C (unsigned). */
  crc: number;
  /** Raw int16 attributes. */
  attributes: number;
  compression: CompressionCode;
  timestampType: TimestampTypeCode;
  isTransactional: boolean;
  isControl: boolean;
  /** Attribute bit 6: baseTimestamp holds the delete horizon (KIP-534). */
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  /** baseOffset + lastOffsetDelta. */
  lastOffset: number;
  /** Milliseconds. */
  baseTimestamp: number;
  /** Milliseconds. */
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** The record count field (int32). */
  recordCount: number;
}

/** A decoded record batch v2: its header and its records. */
export interface RecordBatch extends RecordBatchHeader {
  records: KafkaRecord[];
}

/**
 * One top-level entry of a legacy message set (magic 0/1) presented as a batch, as Kafka's
 * AbstractLegacyRecordBatch: an uncompressed message is a batch of one record; a compressed wrapper
 * is a batch of its inner messages.
 */
export interface LegacyRecordBatch {
  magic: 0 | 1;
  /** Offset of the first (inner) record. */
  baseOffset: number;
  /** Offset of the last (inner) record: the wrapper's own offset. */
  lastOffset: number;
  /** Whole entry size in bytes (message size + 12). */
  sizeInBytes: number;
  /** Stored CRC-32 (IEEE) of the top-level message. */
  crc: number;
  /** The top-level message's attributes byte. */
  attributes: number;
  compression: CompressionCode;
  /** -1 for magic 0. */
  timestampType: TimestampTypeCode;
  /** The wrapper's timestamp (ms), -1 for magic 0. */
  maxTimestamp: number;
  records: KafkaRecord[];
}

/** Any decoded batch; discriminate on `magic`. */
export type AnyRecordBatch = RecordBatch | LegacyRecordBatch;

/** Header input for the encoder: the value may be a Buffer, a string (UTF-8) or null. */
export interface RecordHeaderInput {
  key: string;
  value: Buffer | Uint8Array | string | null;
}

/** One record to encode. */
export interface RecordInput {
  /** Null or absent = no key. Strings are written as UTF-8. */
  key?: Buffer | Uint8Array | string | null;
  /** Null = a tombstone. */
  value: Buffer | Uint8Array | string | null;
  /** An ordered list (duplicates allowed) or an object (kafkajs style; an array value repeats the key). */
  headers?: readonly RecordHeaderInput[] | { [key: string]: Buffer | Uint8Array | string | null | ReadonlyArray<Buffer | Uint8Array | string | null> } | null;
  /** Milliseconds; default: the batch's `baseTimestamp` when the input gives one, else the time of encoding. */
  timestamp?: number;
  /** Default: the record's index in the batch. */
  offsetDelta?: number;
}

/** A batch to encode (record batch v2). Defaults follow Kafka's Java producer. */
export interface RecordBatchInput {
  /** Default 0 (the broker assigns offsets). */
  baseOffset?: number;
  /** Default -1 (NO_PARTITION_LEADER_EPOCH). */
  partitionLeaderEpoch?: number;
  /** Codec id or name; default none. */
  compression?: CompressionCode | CompressionName;
  /** Default CREATE_TIME (0). */
  timestampType?: 0 | 1;
  isTransactional?: boolean;
  isControl?: boolean;
  /** Sets attribute bit 6 (then baseTimestamp is the delete horizon). */
  hasDeleteHorizon?: boolean;
  /** Default -1 / -1 / -1 (no idempotence). */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Milliseconds; default: the first record's timestamp, or now if it has none. */
  baseTimestamp?: number;
  /** Milliseconds; default: the largest record timestamp (baseTimestamp for an empty batch). */
  maxTimestamp?: number;
  /** Default: the largest record offsetDelta (0 for an empty batch). */
  lastOffsetDelta?: number;
  records: readonly RecordInput[];
}

/** Options of the encoders. */
export interface EncodeOptions {
  /** Codec level (gzip 1-9, default 6 as Java's GZIPOutputStream; zstd default 3). lz4 and snappy ignore it. */
  compressionLevel?: number;
  /** Snappy framing to write: 'xerial' (Java's SnappyOutputStream, the default) or 'raw' (librdkafka). */
  snappyFraming?: 'xerial' | 'raw';
}

/** Options of the decoders. */
export interface DecodeOptions {
  /** Check the CRC (default true). */
  verifyCrc?: boolean;
  /**
   * Largest decompressed size accepted for one batch (bytes, default 64 MiB); a bigger one raises
   * CorruptRecordError MESSAGE_TOO_LARGE before the memory is allocated (zip-bomb guard).
   */
  maxDecompressedBytes?: number;
}
