/**
 * Constants of Kafka's record formats: field offsets of the record batch v2 header, attribute bits,
 * compression codes and timestamp types.
 *
 * Source: Kafka's `DefaultRecordBatch.java` (header layout, attribute masks), `RecordBatch.java`
 * (NO_* sentinels), `CompressionType.java` (codec ids), `TimestampType.java`, `LegacyRecord.java`
 * (magic 0/1 layout) and `Records.java` (LOG_OVERHEAD).
 */

/** Bytes before a batch's `Length` field is counted: baseOffset int64 + length int32 (Kafka `Records.LOG_OVERHEAD`). */
export const LOG_OVERHEAD = 12;
/** Absolute offsets (from the batch start) of the v2 header fields, in bytes. */
export const BASE_OFFSET_OFFSET = 0;
export const LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
/** The magic byte sits at offset 16 in every format (v2 batch and magic 0/1 message alike). */
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
/** The CRC-32C of a v2 batch covers bytes from here (attributes) to the end of the batch. */
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
/** Size of the v2 batch header including the record count (Kafka `RECORD_BATCH_OVERHEAD`), bytes. */
export const RECORD_BATCH_OVERHEAD = 61;
/** Smallest legal `Length` field of a v2 batch: RECORD_BATCH_OVERHEAD - LOG_OVERHEAD = 49 bytes. */
export const MIN_BATCH_LENGTH = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;

/** Magic values: 0 and 1 are the legacy message formats, 2 the record batch. */
export const MAGIC_V0 = 0;
export const MAGIC_V1 = 1;
export const MAGIC_V2 = 2;

/** Attribute bits of a v2 batch (int16). */
export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/** Kafka's sentinels (`RecordBatch.NO_*`). */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

/** Compression codec ids (attributes bits 0-2), as Kafka's `CompressionType` ids. */
export const Compression = {
  NONE: 0,
  GZIP: 1,
  SNAPPY: 2,
  LZ4: 3,
  ZSTD: 4,
} as const;
/** A compression id Kafka defines (0-4). Ids 5-7 are invalid on the wire (UNSUPPORTED_COMPRESSION_TYPE). */
export type CompressionCode = (typeof Compression)[keyof typeof Compression];
/** Lower-case codec names, as Kafka's `compression.type` config values. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

const NAMES: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The name of a codec id (`'none'`…`'zstd'`), or undefined for ids 5-7. */
export function compressionName(code: number): CompressionName | undefined {
  return NAMES[code];
}

/**
 * A codec id from an id or a name. Throws TypeError for anything else (a programming error, not bad
 * wire bytes).
 */
export function toCompressionCode(c: CompressionCode | CompressionName | undefined | null): CompressionCode {
  if (c === undefined || c === null) return 0;
  if (typeof c === 'number') {
    if (c === 0 || c === 1 || c === 2 || c === 3 || c === 4) return c;
  } else {
    const i = NAMES.indexOf(c);
    if (i >= 0) return i as CompressionCode;
  }
  throw new TypeError(`unknown compression ${String(c)} (expected 0-4 or none|gzip|snappy|lz4|zstd)`);
}

/** Timestamp types (attributes bit 3 in v2 and magic 1); -1 = none (magic 0). As Kafka's `TimestampType`. */
export const TimestampType = {
  NO_TIMESTAMP_TYPE: -1,
  CREATE_TIME: 0,
  LOG_APPEND_TIME: 1,
} as const;
export type TimestampTypeCode = (typeof TimestampType)[keyof typeof TimestampType];

/** Default cap on the decompressed size of one batch (or legacy wrapper): 64 MiB. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;
