/**
 * A "records" field: batches laid end to end (Kafka's `MemoryRecords`), as in a Produce request, a
 * Fetch response or a log segment. Batches of any magic may appear; the magic byte at offset 16 of
 * each entry tells the format (2 = record batch v2, 0/1 = legacy message).
 *
 * A Fetch response may end in a partial batch (the broker cuts at max bytes): that is normal and is
 * reported as `partialBytes`, not as corruption (Kafka's ByteBufferLogInputStream.nextBatch returns
 * null there). Entry framing checks follow that method: a size below 14 bytes (the smallest legacy
 * message) or above `maxBatchBytes` is CORRUPT_MESSAGE even when the entry is incomplete; an unknown
 * magic is CORRUPT_MESSAGE.
 */
import { checkBatchBounds, readInt64, validateRecordBatch } from './batch-header.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, LAST_OFFSET_DELTA_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2 } from './constants.js';
import { corrupt } from './errors.js';
import { decodeLegacyEntry, RECORD_OVERHEAD_V0 } from './legacy-message-set.js';
import { decodeRecordBatch, decodeRecordBatchSync } from './record-batch.js';
import type { AnyRecordBatch, DecodeOptions } from './types.js';

/** Where one complete entry (batch or legacy message) lies. */
export interface BatchSpan {
  /** Byte offset of the entry in the buffer. */
  position: number;
  /** Entry size in bytes (size field + 12). */
  sizeInBytes: number;
  /** 0, 1 or 2. */
  magic: number;
  /**
   * The int64 at the start of the entry: a v2 batch's baseOffset; a legacy message's offset (for a
   * compressed wrapper, the offset of its last inner message).
   */
  offset: number;
  /** Last offset the entry covers: baseOffset + lastOffsetDelta for v2, the entry offset for legacy. */
  lastOffset: number;
}

/** Options of scanBatches / decodeBatches. */
export interface ScanOptions {
  /** Exclusive end of the region (default `buf.length`); the scan starts at `start` (default 0). */
  start?: number;
  end?: number;
  /**
   * Whether a trailing partial entry is allowed (default true, as in Fetch responses). When false
   * (Produce requests, whole segments) it raises CORRUPT_MESSAGE.
   */
  allowPartial?: boolean;
  /** Largest entry size accepted, in bytes (default: no limit); bigger raises CORRUPT_MESSAGE (as Kafka's maxMessageSize). */
  maxBatchBytes?: number;
}

/** Result of scanBatches. */
export interface BatchScan {
  batches: BatchSpan[];
  /** Bytes covered by complete entries, from `start`. */
  validBytes: number;
  /** Bytes of the trailing partial entry (0 if none). */
  partialBytes: number;
}

/**
 * Size of the complete entry at `pos` of `buf[.., end)`, or -1 when the bytes left hold only part of
 * one (fewer than 12 bytes, or fewer than its size field says). Checks the framing only (see module
 * comment), not CRCs. Errors: CorruptRecordError CORRUPT_MESSAGE.
 */
export function nextEntrySize(buf: Buffer, pos: number, end = buf.length, maxBatchBytes = Infinity): number {
  const left = end - pos;
  if (left < LOG_OVERHEAD) return -1;
  const size = buf.readInt32BE(pos + 8);
  if (size < RECORD_OVERHEAD_V0) corrupt(`entry at offset ${pos} has size ${size}, less than the minimum record overhead ${RECORD_OVERHEAD_V0}`);
  if (size + LOG_OVERHEAD > maxBatchBytes) corrupt(`entry at offset ${pos} has size ${size + LOG_OVERHEAD}, over the largest allowed ${maxBatchBytes}`);
  if (size > left - LOG_OVERHEAD) return -1;
  const magic = buf[pos + MAGIC_OFFSET]!;
  if (magic > MAGIC_V2) corrupt(`entry at offset ${pos} has unknown magic ${magic}`);
  return size + LOG_OVERHEAD;
}

/**
 * Iterate the entries of a records buffer. With `validate` (default true) each v2 batch is checked
 * with validateRecordBatch (bounds and CRC-32C, no record decoding) and each legacy entry is fully
 * decoded to check its CRC-32; a trailing partial entry is reported in `partialBytes` unless
 * `allowPartial` is false.
 * Errors: CorruptRecordError (CORRUPT_MESSAGE, and as validateRecordBatch / decodeLegacyEntry).
 */
export function scanBatches(buf: Buffer, options?: ScanOptions & { validate?: boolean }): BatchScan {
  const start = options?.start ?? 0;
  const end = options?.end ?? buf.length;
  const validate = options?.validate !== false;
  const batches: BatchSpan[] = [];
  let pos = start;
  while (pos < end) {
    const size = nextEntrySize(buf, pos, end, options?.maxBatchBytes);
    if (size < 0) {
      if (options?.allowPartial === false) corrupt(`records end in a partial entry at offset ${pos} (${end - pos} bytes)`);
      return { batches, validBytes: pos - start, partialBytes: end - pos };
    }
    const magic = buf[pos + MAGIC_OFFSET]!;
    const offset = readInt64(buf, pos);
    let lastOffset = offset;
    if (magic === MAGIC_V2) {
      if (validate) validateRecordBatch(buf, pos, { end });
      else checkBatchBounds(buf, pos, end);
      lastOffset = offset + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    } else if (validate) {
      decodeLegacyEntry(buf.subarray(0, pos + size), pos, { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES });
    }
    batches.push({ position: pos, sizeInBytes: size, magic, offset, lastOffset });
    pos += size;
  }
  return { batches, validBytes: pos - start, partialBytes: 0 };
}

/** Result of decodeBatches. */
export interface DecodedBatches {
  batches: AnyRecordBatch[];
  /** Bytes of a trailing partial entry that was skipped (0 if none). */
  partialBytes: number;
}

/** Options of decodeBatches: scan options and decode options. */
export interface DecodeBatchesOptions extends ScanOptions, DecodeOptions {
  /** Refuse magic 0/1 entries with CORRUPT_MESSAGE instead of decoding them (default false). */
  rejectLegacy?: boolean;
}

function legacyOrRefuse(buf: Buffer, pos: number, size: number, magic: number, options?: DecodeBatchesOptions): AnyRecordBatch {
  if (options?.rejectLegacy) corrupt(`entry at offset ${pos} has magic ${magic}; only record batch v2 is accepted here`);
  return decodeLegacyEntry(buf.subarray(0, pos + size), pos, options);
}

/**
 * Walk the complete entries of a records buffer: yields each entry's position, size and magic, and
 * returns the bytes of a trailing partial entry (CORRUPT_MESSAGE instead when `allowPartial` is false).
 */
function* entries(view: Buffer, options?: DecodeBatchesOptions): Generator<{ pos: number; size: number; magic: number }, number> {
  const end = view.length;
  let pos = options?.start ?? 0;
  while (pos < end) {
    const size = nextEntrySize(view, pos, end, options?.maxBatchBytes);
    if (size < 0) {
      if (options?.allowPartial === false) corrupt(`records end in a partial entry at offset ${pos} (${end - pos} bytes)`);
      return end - pos;
    }
    yield { pos, size, magic: view[pos + MAGIC_OFFSET]! };
    pos += size;
  }
  return 0;
}

function viewOf(buf: Buffer, options?: DecodeBatchesOptions): Buffer {
  const end = options?.end ?? buf.length;
  return end === buf.length ? buf : buf.subarray(0, end);
}

/**
 * Decode every complete entry of a records buffer synchronously, dispatching on the magic byte:
 * v2 batches through decodeRecordBatchSync, magic 0/1 through decodeLegacyEntry. A trailing partial
 * entry is skipped and counted in `partialBytes` (unless `allowPartial` is false).
 * Errors: as scanBatches, decodeRecordBatchSync (including SyncCodecUnavailableError for zstd) and decodeLegacyEntry.
 */
export function decodeBatchesSync(buf: Buffer, options?: DecodeBatchesOptions): DecodedBatches {
  const view = viewOf(buf, options);
  const batches: AnyRecordBatch[] = [];
  const walk = entries(view, options);
  for (let e = walk.next(); ; e = walk.next()) {
    if (e.done) return { batches, partialBytes: e.value };
    const { pos, size, magic } = e.value;
    batches.push(magic === MAGIC_V2 ? decodeRecordBatchSync(view, pos, options) : legacyOrRefuse(view, pos, size, magic, options));
  }
}

/** As decodeBatchesSync, for every codec (zstd included). */
export async function decodeBatches(buf: Buffer, options?: DecodeBatchesOptions): Promise<DecodedBatches> {
  const view = viewOf(buf, options);
  const batches: AnyRecordBatch[] = [];
  const walk = entries(view, options);
  for (let e = walk.next(); ; e = walk.next()) {
    if (e.done) return { batches, partialBytes: e.value };
    const { pos, size, magic } = e.value;
    batches.push(magic === MAGIC_V2 ? await decodeRecordBatch(view, pos, options) : legacyOrRefuse(view, pos, size, magic, options));
  }
}
