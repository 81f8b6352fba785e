/**
 * The log of one topic partition (Kafka's `UnifiedLog` with `LocalLog`): an ordered list of
 * LogSegments, the last one active. Appends validate batches and assign offsets in place; reads return
 * whole, CRC-checked batches; rolling, retention, DeleteRecords and flushing follow Kafka 3.8.
 *
 * Offsets: the log start offset is the first offset still readable, the log end offset (LEO) the next
 * to be assigned; with a single replica the high watermark equals the LEO, and so does the last stable
 * offset (no transactions yet).
 *
 * Durability: an append writes its bytes to the segment file before it returns, so an acknowledged
 * batch survives a process crash (kill -9) with any flush setting. fdatasync runs when `flush.messages`
 * messages are unflushed (the append then returns a `flush` promise the caller awaits before it
 * acknowledges), `flush.ms` after the oldest unflushed append, on roll and on close. The recovery point
 * moves to the flushed offset only after the fdatasync completes.
 *
 * Not implemented (deliberately, for now): compaction (`cleanup.policy=compact` keeps everything),
 * producer state and sequence checks (the server's), transactions and the transaction index, leader
 * epoch cache, tiered storage, message format down-conversion.
 */
import fs from 'node:fs';
import { CorruptRecordError, KafkaProtocolError } from '../../client/errors.js';
import { readInt64, setBaseOffset, setMaxTimestamp, setPartitionLeaderEpoch, validateRecordBatch } from '../../client/records/batch-header.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAGIC_V2,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TRANSACTIONAL_FLAG_MASK,
} from '../../client/records/constants.js';
import { decodeRecordBatch } from '../../client/records/record-batch.js';
import { deletesByRetention, LONG_MAX, type LogConfig } from './log-config.js';
import type { LogStateStore } from './log-dir-store.js';
import { fsyncDirectory, topicPartitionName, type TopicPartition } from './log-files.js';
import { recordChecksums, segmentSettings } from './log-loader.js';
import { LogSegment, type AppendedBatch } from './log-segment.js';
import type { LogLogger } from './logger.js';
import type { Time } from './time.js';

/** ListOffsets special timestamps (Kafka's ListOffsetsRequest constants). */
export const ListOffsetsTimestamp = {
  LATEST: -1,
  EARLIEST: -2,
  MAX_TIMESTAMP: -3,
  EARLIEST_LOCAL: -4,
} as const;

/** One appended batch, for the server's producer-state bookkeeping. */
export interface AppendedBatchInfo {
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  isTransactional: boolean;
}

/** Result of UnifiedLog.append (Kafka's LogAppendInfo). */
export interface LogAppendInfo {
  /** Offset of the first record appended (-1 when `records` held no batch). */
  firstOffset: number;
  lastOffset: number;
  /** Largest batch timestamp appended (ms), -1 if none. */
  maxTimestamp: number;
  /** Last offset of the batch that carried maxTimestamp. */
  offsetOfMaxTimestamp: number;
  /** The broker's stamp for LogAppendTime topics (ms), -1 for CreateTime (what Produce returns). */
  logAppendTime: number;
  /** The log start offset after the append (what Produce v5+ returns). */
  logStartOffset: number;
  recordCount: number;
  /** Bytes appended. */
  validBytes: number;
  batches: AppendedBatchInfo[];
  /**
   * Set when this append reached `flush.messages`: resolves once the data is fdatasynced. A broker
   * acknowledges only after it (Kafka flushes inside the append there).
   */
  flush?: Promise<void>;
}

/** Result of UnifiedLog.read (Kafka's FetchDataInfo plus the offsets a Fetch response carries). */
export interface FetchDataInfo {
  /** Whole, CRC-checked batches; empty when there is nothing at or after the fetch offset. */
  records: Buffer;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  logEndOffset: number;
}

/** Options of UnifiedLog.read. */
export interface ReadOptions {
  /** Return the first batch even when it is larger than maxBytes (KIP-74). Default true. */
  minOneMessage?: boolean;
  /** Exclusive upper bound on batch base offsets (default: the high watermark). */
  maxOffset?: number;
  /** Allocates the buffer the records are read into (default Buffer.allocUnsafe); the result's records view it. */
  allocate?: (size: number) => Buffer;
}

/** Result of a timestamp lookup (ListOffsets). */
export interface TimestampAndOffset {
  /** ms, -1 for the special lookups that carry none. */
  timestamp: number;
  offset: number;
  /** Leader epoch of the batch (this broker: 0). */
  leaderEpoch: number;
}

/** Construction parameters of UnifiedLog (LogManager builds them). */
export interface UnifiedLogParams {
  dir: string;
  topicPartition: TopicPartition;
  topicId?: string;
  config: LogConfig;
  segments: LogSegment[];
  logStartOffset: number;
  recoveryPoint: number;
  time: Time;
  store: LogStateStore;
  logger: LogLogger;
}

function outOfRange(message: string): KafkaProtocolError {
  return new KafkaProtocolError('OFFSET_OUT_OF_RANGE', message);
}

/**
 * The log of one partition (Kafka's UnifiedLog); see the module comment. Built by LogManager (open,
 * createLog). Errors are KafkaProtocolError with Kafka's names (OFFSET_OUT_OF_RANGE, MESSAGE_TOO_LARGE,
 * CORRUPT_MESSAGE, INVALID_RECORD, RECORD_LIST_TOO_LARGE, KAFKA_STORAGE_ERROR), listed per method.
 */
export class UnifiedLog {
  readonly dir: string;
  readonly topicPartition: TopicPartition;
  /** `<topic>-<partition>`. */
  readonly name: string;
  topicId: string | undefined;
  private _config: LogConfig;
  private segments: LogSegment[];
  private _logStartOffset: number;
  private _recoveryPoint: number;
  private readonly time: Time;
  private readonly store: LogStateStore;
  private readonly logger: LogLogger;
  private unflushedMessages = 0;
  private lastFlushTime: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dirDirty = false;
  private readonly pendingDeletes = new Set<NodeJS.Timeout>();
  private readonly pendingDeleteFiles = new Set<string>();
  private closed = false;
  /** Listeners told after each append (the server's Fetch long-poll uses it). */
  private readonly appendListeners = new Set<(info: LogAppendInfo) => void>();

  constructor(p: UnifiedLogParams) {
    this.dir = p.dir;
    this.topicPartition = p.topicPartition;
    this.name = topicPartitionName(p.topicPartition);
    this.topicId = p.topicId;
    this._config = p.config;
    this.segments = p.segments;
    this._logStartOffset = p.logStartOffset;
    this._recoveryPoint = p.recoveryPoint;
    this.time = p.time;
    this.store = p.store;
    this.logger = p.logger;
    this.lastFlushTime = p.time.milliseconds();
  }

  /** The effective config (broker defaults with the topic's overrides). */
  get config(): LogConfig {
    return this._config;
  }

  /** Apply a changed config; settings of the segments already open stay as they were. */
  updateConfig(config: LogConfig): void {
    this._config = config;
  }

  get logStartOffset(): number {
    return this._logStartOffset;
  }

  /** The next offset to be assigned. */
  get logEndOffset(): number {
    return this.activeSegment.nextOffset;
  }

  /** Single replica: the high watermark is the log end offset. */
  get highWatermark(): number {
    return this.logEndOffset;
  }

  /** No transactions yet: the last stable offset is the high watermark. */
  get lastStableOffset(): number {
    return this.highWatermark;
  }

  /** Offsets below this are on stable storage. */
  get recoveryPoint(): number {
    return this._recoveryPoint;
  }

  /** Bytes in all segments. */
  get size(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** A snapshot of the segments, oldest first (for tools, tests and metrics). */
  logSegments(): readonly LogSegment[] {
    return [...this.segments];
  }

  /** Be told after every append (returns the unsubscribe function). */
  onAppend(listener: (info: LogAppendInfo) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /**
   * Validate `records` (a Produce request's records for this partition: v2 batches end to end),
   * assign offsets by rewriting each batch's base offset and leader epoch in place (the buffer is
   * modified), stamp LogAppendTime batches, roll if needed, and write the bytes to the active segment.
   *
   * Checks (Kafka's `analyzeAndValidateRecords` and `LogValidator`): complete framing, magic 2, batch
   * size ≤ max.message.bytes, CRC-32C, record count = lastOffsetDelta + 1 > 0, for uncompressed batches
   * every record's framing, no control batches from clients, total ≤ segment.bytes. Compressed batches
   * are not decompressed (their CRC covers the compressed bytes).
   *
   * Errors (KafkaProtocolError, nothing written): MESSAGE_TOO_LARGE (10), CORRUPT_MESSAGE (2),
   * INVALID_RECORD (87), UNSUPPORTED_COMPRESSION_TYPE (76), UNSUPPORTED_FOR_MESSAGE_FORMAT (43, magic
   * 0/1 batches: the caller converts them), RECORD_LIST_TOO_LARGE (18), KAFKA_STORAGE_ERROR (56, the
   * write failed; the segment is cut back).
   */
  append(records: Buffer, options?: { leaderEpoch?: number; allowControlBatches?: boolean }): LogAppendInfo {
    if (this.closed) throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', `log ${this.name} is closed`);
    const config = this._config;
    const maxMessageBytes = config['max.message.bytes'];
    const batches: AppendedBatch[] = [];
    const infos: AppendedBatchInfo[] = [];
    const end = records.length;
    let pos = 0;
    let recordCount = 0;
    while (pos < end) {
      if (end - pos < LOG_OVERHEAD) throw new CorruptRecordError(`records for ${this.name} end in ${end - pos} bytes that are not a batch`);
      const size = records.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size > maxMessageBytes) {
        throw new KafkaProtocolError('MESSAGE_TOO_LARGE', `The record batch size in the append to ${this.name} is ${size} bytes which exceeds the maximum configured value of ${maxMessageBytes}.`);
      }
      if (size < RECORD_BATCH_OVERHEAD && records[pos + MAGIC_OFFSET] === MAGIC_V2) throw new CorruptRecordError(`batch at position ${pos} of the append to ${this.name} has size ${size}`);
      if (size > end - pos) throw new CorruptRecordError(`batch at position ${pos} of the append to ${this.name} declares ${size} bytes but ${end - pos} remain`);
      const magic = records[pos + MAGIC_OFFSET]!;
      if (magic !== MAGIC_V2) {
        if (magic < MAGIC_V2) throw new KafkaProtocolError('UNSUPPORTED_FOR_MESSAGE_FORMAT', `the log of ${this.name} stores record batch v2 only; got a magic ${magic} message set`);
        throw new CorruptRecordError(`batch at position ${pos} of the append to ${this.name} has unknown magic ${magic}`);
      }
      validateRecordBatch(records, pos, { end: pos + size, checkRecords: true });
      const count = records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
      const lastOffsetDelta = records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      if (count <= 0) throw new KafkaProtocolError('INVALID_RECORD', `Invalid reported count for record batch: ${count} in the append to ${this.name}`);
      if (lastOffsetDelta + 1 !== count) {
        throw new KafkaProtocolError('INVALID_RECORD', `Inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${count} in the append to ${this.name}`);
      }
      const attributes = records.readUInt16BE(pos + ATTRIBUTES_OFFSET);
      if (attributes & CONTROL_FLAG_MASK && !options?.allowControlBatches) throw new KafkaProtocolError('INVALID_RECORD', `Clients are not allowed to write control records (append to ${this.name})`);
      batches.push({ position: pos, size, lastOffset: lastOffsetDelta, maxTimestamp: 0 });
      recordCount += count;
      pos += size;
    }
    if (batches.length === 0) {
      return { firstOffset: -1, lastOffset: -1, maxTimestamp: -1, offsetOfMaxTimestamp: -1, logAppendTime: -1, logStartOffset: this._logStartOffset, recordCount: 0, validBytes: 0, batches: [] };
    }
    if (end > config['segment.bytes']) {
      throw new KafkaProtocolError('RECORD_LIST_TOO_LARGE', `Message batch size is ${end} bytes in append to partition ${this.name} which exceeds the maximum configured segment size of ${config['segment.bytes']}.`);
    }

    // Assign offsets in place (Kafka's LogValidator.assignOffsetsNonCompressed / in-place path).
    const now = this.time.milliseconds();
    const logAppendTime = config['message.timestamp.type'] === 'LogAppendTime';
    const leaderEpoch = options?.leaderEpoch ?? 0;
    const firstOffset = this.logEndOffset;
    let next = firstOffset;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    for (const b of batches) {
      const p = b.position;
      setBaseOffset(records, p, next);
      setPartitionLeaderEpoch(records, p, leaderEpoch);
      if (logAppendTime) setMaxTimestamp(records, p, 1, now);
      const lastOffset = next + b.lastOffset;
      b.lastOffset = lastOffset;
      b.maxTimestamp = readInt64(records, p + MAX_TIMESTAMP_OFFSET);
      if (b.maxTimestamp > maxTimestamp) {
        maxTimestamp = b.maxTimestamp;
        offsetOfMaxTimestamp = lastOffset;
      }
      infos.push({
        baseOffset: next,
        lastOffset,
        recordCount: lastOffset - next + 1,
        producerId: readInt64(records, p + PRODUCER_ID_OFFSET),
        producerEpoch: records.readInt16BE(p + PRODUCER_EPOCH_OFFSET),
        baseSequence: records.readInt32BE(p + BASE_SEQUENCE_OFFSET),
        isTransactional: (records.readUInt16BE(p + ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG_MASK) !== 0,
      });
      next = lastOffset + 1;
    }

    const segment = this.maybeRoll(end, maxTimestamp, next - 1, now);
    segment.append(records, end, batches, now);

    const info: LogAppendInfo = {
      firstOffset,
      lastOffset: next - 1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTime: logAppendTime ? now : -1,
      logStartOffset: this._logStartOffset,
      recordCount,
      validBytes: end,
      batches: infos,
    };
    this.unflushedMessages += recordCount;
    if (this.unflushedMessages >= config['flush.messages']) info.flush = this.flush();
    else this.armFlushTimer(now);
    for (const l of this.appendListeners) l(info);
    return info;
  }

  private armFlushTimer(now: number): void {
    const flushMs = this._config['flush.ms'];
    if (this.flushTimer !== undefined || flushMs >= LONG_MAX || this.closed) return;
    const delay = Math.max(0, Math.min(flushMs - (now - this.lastFlushTime), 2147483647));
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush().catch((e: unknown) => this.logger.error({ partition: this.name, err: e }, `scheduled flush of ${this.name} failed`));
    }, delay);
    this.flushTimer.unref();
  }

  /** Roll when the active segment is full, old or its index is full (Kafka's maybeRoll). */
  private maybeRoll(incomingBytes: number, maxTimestamp: number, lastOffset: number, now: number): LogSegment {
    const active = this.activeSegment;
    const c = this._config;
    if (active.shouldRoll(incomingBytes, maxTimestamp, lastOffset, c['segment.bytes'], c['segment.ms'], now)) return this.roll();
    return active;
  }

  /**
   * Start a new active segment at the log end offset (Kafka's roll): the old one gets its final time
   * index entry, its index files and their checksums, and is flushed in the background. Returns the new
   * active segment (the current one when it is empty).
   */
  roll(): LogSegment {
    const active = this.activeSegment;
    const newBase = this.logEndOffset;
    if (active.isEmpty) return active;
    active.onBecomeInactiveSegment();
    recordChecksums(this.store, active);
    const seg = LogSegment.create(this.dir, newBase, segmentSettings(this._config), this.time.milliseconds());
    this.segments.push(seg);
    this.dirDirty = true;
    this.logger.info({ partition: this.name, baseOffset: newBase }, `rolled ${this.name} to a new segment at offset ${newBase}`);
    this.flush().catch((e: unknown) => this.logger.error({ partition: this.name, err: e }, `flush after roll of ${this.name} failed`));
    return seg;
  }

  /**
   * Read whole batches starting with the one that holds `fetchOffset`, up to `maxBytes` (at least one
   * batch with minOneMessage, KIP-74), each CRC-checked. Returns empty records at the log end.
   * Errors: KafkaProtocolError OFFSET_OUT_OF_RANGE (1) outside [log start offset, log end offset];
   * CorruptRecordError CORRUPT_MESSAGE (2) when the first batch to serve is corrupt (it is never served;
   * its segment is recovered at the next start).
   */
  read(fetchOffset: number, maxBytes: number, options?: ReadOptions): FetchDataInfo {
    const leo = this.logEndOffset;
    const base = { highWatermark: leo, lastStableOffset: leo, logStartOffset: this._logStartOffset, logEndOffset: leo };
    if (fetchOffset < this._logStartOffset || fetchOffset > leo) {
      throw outOfRange(`Received request for offset ${fetchOffset} for partition ${this.name}, but we only have log segments in the range ${this._logStartOffset} to ${leo}.`);
    }
    const maxOffset = Math.min(options?.maxOffset ?? leo, leo);
    if (fetchOffset >= maxOffset) return { records: Buffer.alloc(0), ...base };
    const minOne = options?.minOneMessage !== false;
    for (let i = this.floorSegmentIndex(fetchOffset); i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const r = this.guard(seg, () => seg.read(fetchOffset, maxBytes, maxOffset, minOne, (position, error) => this.reportCorruption(seg, position, error), options?.allocate));
      if (r) return { records: r.records, ...base };
    }
    return { records: Buffer.alloc(0), ...base };
  }

  private readonly reported = new WeakSet<Error>();

  /** Run a read of `seg`, reporting a malformed header it meets (CRC failures are reported where found). */
  private guard<T>(seg: LogSegment, read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof CorruptRecordError && !this.reported.has(e)) this.reportCorruption(seg, -1, e);
      throw e;
    }
  }

  private reportCorruption(seg: LogSegment, position: number, error: Error): void {
    this.reported.add(error);
    this.logger.error({ partition: this.name, segment: seg.baseOffset, position, err: error }, `corrupt batch in ${this.name} segment ${seg.baseOffset} at position ${position}: not served; the segment is recovered at the next start`);
    this.store.markRecoveryNeeded(seg.baseOffset);
  }

  /** Index of the last segment whose base offset is ≤ offset (0 if none). */
  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets for one partition (Kafka's fetchOffsetByTimestamp): EARLIEST (-2) and EARLIEST_LOCAL (-4)
   * give the log start offset, LATEST (-1) the high watermark, MAX_TIMESTAMP (-3) the first record with
   * the largest timestamp, a timestamp T ≥ 0 the first record whose timestamp is ≥ T (found with the
   * time index, then the offset index, then the batch's records). Resolves to undefined when no record
   * qualifies (ListOffsets then answers offset -1).
   * Errors: CorruptRecordError when the batch to search is corrupt; KafkaProtocolError
   * INVALID_REQUEST for other negative timestamps.
   */
  async fetchOffsetByTimestamp(timestamp: number): Promise<TimestampAndOffset | undefined> {
    if (timestamp === ListOffsetsTimestamp.EARLIEST || timestamp === ListOffsetsTimestamp.EARLIEST_LOCAL) return { timestamp: -1, offset: this._logStartOffset, leaderEpoch: 0 };
    if (timestamp === ListOffsetsTimestamp.LATEST) return { timestamp: -1, offset: this.highWatermark, leaderEpoch: 0 };
    if (timestamp === ListOffsetsTimestamp.MAX_TIMESTAMP) {
      let best: LogSegment | undefined;
      for (const s of this.segments) if (s.maxTimestampSoFar >= 0 && (best === undefined || s.maxTimestampSoFar > best.maxTimestampSoFar)) best = s;
      if (!best) return undefined;
      return this.searchForTimestamp(best, best.maxTimestampSoFar, Math.max(this._logStartOffset, best.baseOffset), best.offsetOfMaxTimestampSoFar);
    }
    if (timestamp < 0) throw new KafkaProtocolError('INVALID_REQUEST', `unknown ListOffsets timestamp ${timestamp}`);
    for (const s of this.segments) {
      if (s.nextOffset <= this._logStartOffset || s.maxTimestampSoFar < timestamp) continue;
      const entry = s.timeIndex.lookup(timestamp);
      // Start at the batch holding the entry's offset, but take any of its records (Kafka's
      // findOffsetByTimestamp filters records by the log start offset only): an earlier record of that
      // batch may carry the target timestamp.
      const found = await this.searchForTimestamp(s, timestamp, this._logStartOffset, entry.offset);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The first record of `seg` at or after `startingOffset` whose timestamp is ≥ `timestamp`, scanning
   * from the batch that holds `atOffset` (default: startingOffset).
   */
  private async searchForTimestamp(seg: LogSegment, timestamp: number, startingOffset: number, atOffset?: number): Promise<TimestampAndOffset | undefined> {
    const startOffset = Math.max(atOffset ?? startingOffset, startingOffset);
    let loc = this.guard(seg, () => seg.translateOffset(startOffset));
    while (loc) {
      if (loc.maxTimestamp >= timestamp) {
        const data = seg.read(loc.baseOffset, 1, seg.nextOffset, true, (position, error) => this.reportCorruption(seg, position, error));
        if (data && data.records.length > 0) {
          const batch = await decodeRecordBatch(data.records, 0);
          for (const r of batch.records) {
            if (r.timestamp >= timestamp && r.offset >= this._logStartOffset && r.offset >= startingOffset) return { timestamp: r.timestamp, offset: r.offset, leaderEpoch: 0 };
          }
        }
      }
      const nextPos = loc.position + loc.size;
      loc = undefined;
      this.guard(seg, () => seg.walk(nextPos, (b) => ((loc = b), false)));
    }
    return undefined;
  }

  /**
   * DeleteRecords: move the log start offset to `offset` (-1 = the high watermark), persist it, and
   * delete the segments wholly below it. Resolves to the new log start offset (the "low watermark").
   * Errors: KafkaProtocolError OFFSET_OUT_OF_RANGE (1) when offset is above the high watermark.
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    const hw = this.highWatermark;
    const target = offset === -1 ? hw : offset;
    if (target < 0 || target > hw) throw outOfRange(`Cannot increment the log start offset to ${target} of partition ${this.name} since it is larger than the high watermark ${hw}`);
    if (target > this._logStartOffset) {
      this._logStartOffset = target;
      await this.store.putLogStartOffset(target);
      this.deleteSegments(this.deletableSegments((_seg, next) => next !== undefined && next.baseOffset <= this._logStartOffset), 'log start offset breach');
    }
    return this._logStartOffset;
  }

  /**
   * Retention (Kafka's deleteOldSegments): delete, oldest first, the segments wholly below the log
   * start offset; then, when cleanup.policy includes delete, those whose largest timestamp is more than
   * retention.ms old and those that keep the log above retention.bytes. The active segment is rolled
   * first when everything is to go; the log start offset moves to the next segment's base offset.
   * Returns the number of segments deleted.
   */
  deleteOldSegments(): number {
    if (this.closed) return 0;
    let n = this.deleteSegments(this.deletableSegments((_seg, next) => next !== undefined && next.baseOffset <= this._logStartOffset), 'log start offset breach');
    if (!deletesByRetention(this._config)) return n;
    const retentionMs = this._config['retention.ms'];
    if (retentionMs >= 0) {
      const now = this.time.milliseconds();
      n += this.deleteSegments(this.deletableSegments((seg) => now - seg.largestTimestamp > retentionMs), `retention time ${retentionMs}ms breach`);
    }
    const retentionBytes = this._config['retention.bytes'];
    if (retentionBytes >= 0) {
      let diff = this.size - retentionBytes;
      n += this.deleteSegments(
        this.deletableSegments((seg) => {
          if (diff - seg.size >= 0) {
            diff -= seg.size;
            return true;
          }
          return false;
        }),
        `retention size ${retentionBytes} bytes breach`,
      );
    }
    return n;
  }

  /** Kafka's deletableSegments: the oldest segments, in order, while the predicate holds and they lie below the high watermark. */
  private deletableSegments(predicate: (seg: LogSegment, next: LogSegment | undefined) => boolean): LogSegment[] {
    const out: LogSegment[] = [];
    const hw = this.highWatermark;
    for (let i = 0; i < this.segments.length; i++) {
      const seg = this.segments[i]!;
      const next = this.segments[i + 1];
      const isLastAndEmpty = next === undefined && seg.isEmpty;
      const upperBound = next ? next.baseOffset : this.logEndOffset;
      if (hw >= upperBound && !isLastAndEmpty && predicate(seg, next)) out.push(seg);
      else break;
    }
    return out;
  }

  private deleteSegments(toDelete: LogSegment[], reason: string): number {
    if (toDelete.length === 0) return 0;
    if (toDelete.length === this.segments.length) this.roll();
    const gone = new Set(toDelete);
    this.segments = this.segments.filter((s) => !gone.has(s));
    const newStart = Math.max(this._logStartOffset, this.segments[0]!.baseOffset);
    const moved = newStart !== this._logStartOffset;
    this._logStartOffset = newStart;
    for (const seg of toDelete) {
      const files = seg.markDeleted();
      this.store.removeSegmentChecksum(seg.baseOffset);
      this.scheduleUnlink(files);
    }
    this.dirDirty = true;
    if (moved) this.store.putLogStartOffset(newStart).catch((e: unknown) => this.logger.error({ partition: this.name, err: e }, 'saving the log start offset failed'));
    this.logger.info(
      { partition: this.name, segments: toDelete.map((s) => s.baseOffset), logStartOffset: newStart },
      `deleted ${toDelete.length} segment(s) of ${this.name} (${reason}); log start offset ${newStart}`,
    );
    return toDelete.length;
  }

  private scheduleUnlink(files: string[]): void {
    for (const f of files) this.pendingDeleteFiles.add(f);
    const unlink = () => {
      for (const f of files) {
        fs.rmSync(f, { force: true });
        this.pendingDeleteFiles.delete(f);
      }
    };
    const delay = this._config['file.delete.delay.ms'];
    if (delay <= 0) return unlink();
    const t = setTimeout(() => {
      this.pendingDeletes.delete(t);
      unlink();
    }, Math.min(delay, 2147483647));
    t.unref();
    this.pendingDeletes.add(t);
  }

  /**
   * fdatasync everything appended so far (one fdatasync per dirty segment, on the thread pool; calls
   * made while one runs join the next), then move the recovery point to the flushed log end offset.
   * Errors: KafkaProtocolError KAFKA_STORAGE_ERROR.
   */
  async flush(): Promise<void> {
    const target = this.logEndOffset;
    while (this._recoveryPoint < target) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      this.flushing = this.flushOnce();
      try {
        await this.flushing;
      } finally {
        this.flushing = undefined;
      }
    }
  }

  private async flushOnce(): Promise<void> {
    const target = this.logEndOffset;
    this.unflushedMessages = 0;
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.lastFlushTime = this.time.milliseconds();
    const dirty = this.segments.filter((s) => s.flushedSize < s.size);
    await Promise.all(dirty.map((s) => s.flush()));
    if (this.dirDirty && !this.closed) {
      this.dirDirty = false;
      fsyncDirectory(this.dir);
    }
    this._recoveryPoint = Math.max(this._recoveryPoint, target);
  }

  /**
   * Close: stop timers, unlink segments awaiting deletion, write the index files (recording their
   * checksums) and close the files. Call flush() first for a clean shutdown.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    for (const t of this.pendingDeletes) clearTimeout(t);
    for (const f of this.pendingDeleteFiles) fs.rmSync(f, { force: true });
    for (const seg of this.segments) seg.close();
    // Inactive segments recorded theirs when they rolled (or were recovered): only the active one changed.
    recordChecksums(this.store, this.activeSegment);
  }

  /** Stop and close the files without writing index files or checksums (LogManager.halt). */
  halt(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    for (const t of this.pendingDeletes) clearTimeout(t);
    for (const seg of this.segments) seg.abandon();
  }

  /** Close and remove every file of this log, and the directory. */
  deleteAll(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
