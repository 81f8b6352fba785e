/**
 * One segment of a partition's log (Kafka's `LogSegment`): a `.log` file of record batches exactly as
 * they travel on the wire, with its sparse OffsetIndex and its TimeIndex. Appends and reads are
 * synchronous positioned writes and reads (the page cache makes them microseconds; Kafka's request
 * threads also block on them); only fdatasync runs on libuv's thread pool.
 *
 * Invariants kept by the log: batches are record batch v2, contiguous in offsets, the first one at the
 * segment's base offset; `size` bytes of the file are valid (a torn tail past it is cut on recovery).
 */
import fs from 'node:fs';
import { CorruptRecordError, KafkaProtocolError } from '../../client/errors.js';
import { readInt64, validateRecordBatch } from '../../client/records/batch-header.js';
import { LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD, MAGIC_OFFSET, MAGIC_V2, MAX_TIMESTAMP_OFFSET, MIN_BATCH_LENGTH, RECORD_BATCH_OVERHEAD } from '../../client/records/constants.js';
import { DELETED_FILE_SUFFIX, readFully, segmentFiles, writeFully } from './log-files.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex, type TimestampOffset } from './time-index.js';

/** Where one batch of a segment lies, with the header fields the log layer uses. */
export interface BatchLocation {
  /** Byte position of the batch in the `.log` file. */
  position: number;
  /** Batch size in bytes (Length + 12). */
  size: number;
  baseOffset: number;
  lastOffset: number;
  /** ms, -1 if the batch has none. */
  maxTimestamp: number;
}

/** Per-batch facts the log hands to LogSegment.append (positions relative to the appended buffer). */
export interface AppendedBatch {
  position: number;
  size: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** Settings of one segment, from the partition's LogConfig. */
export interface SegmentSettings {
  /** index.interval.bytes */
  indexIntervalBytes: number;
  /** segment.index.bytes */
  maxIndexSize: number;
  /** This segment's share of segment.jitter.ms, ms. */
  rollJitterMs: number;
}

/** Result of LogSegment.recover. */
export interface SegmentRecovery {
  /** Bytes cut from the end of the file (0 when every batch was valid). */
  truncatedBytes: number;
  /** Why the cut was made, when one was. */
  reason?: string;
}

const HEADER_WINDOW = 64 * 1024;
let headerWindow: Buffer | undefined;
let recoveryChunk: Buffer | undefined;
const RECOVERY_CHUNK = 8 * 1024 * 1024;

/** One segment: `.log` + OffsetIndex + TimeIndex (Kafka's LogSegment); see the module comment. Sizes in bytes, times in ms. */
export class LogSegment {
  readonly baseOffset: number;
  readonly files: { log: string; index: string; timeIndex: string };
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly settings: SegmentSettings;
  /** Valid bytes of the `.log` file. */
  size = 0;
  /** One past the last offset held (baseOffset when empty). */
  nextOffset: number;
  /** Largest batch maxTimestamp so far (ms), -1 if none. */
  maxTimestampSoFar = -1;
  /** Last offset of the first batch that reached maxTimestampSoFar. */
  offsetOfMaxTimestampSoFar: number;
  /** maxTimestamp of the first batch (ms), the start of segment.ms; undefined when empty or unknown. */
  rollingBasedTimestamp: number | undefined;
  /** When this segment object was created (ms), the roll fallback when batches carry no timestamp. */
  readonly created: number;
  /** Last append (ms) or the file's mtime, the retention fallback when batches carry no timestamp. */
  lastModified: number;
  /** Bytes known to be on stable storage (fdatasync done). */
  flushedSize = 0;
  private bytesSinceLastIndexEntry = 0;
  private fd: number | undefined;
  private busy = 0;
  private closeWanted = false;

  private constructor(dir: string, baseOffset: number, settings: SegmentSettings, fd: number, now: number) {
    this.baseOffset = baseOffset;
    this.files = segmentFiles(dir, baseOffset);
    this.settings = settings;
    this.offsetIndex = new OffsetIndex(this.files.index, baseOffset, settings.maxIndexSize);
    this.timeIndex = new TimeIndex(this.files.timeIndex, baseOffset, settings.maxIndexSize);
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestampSoFar = baseOffset;
    this.fd = fd;
    this.created = now;
    this.lastModified = now;
  }

  /**
   * Create a new, empty segment (files `<20-digit baseOffset>.log/.index/.timeindex` in `dir`). An
   * existing empty `.log` is reused. Errors: KafkaProtocolError KAFKA_STORAGE_ERROR when a non-empty
   * `.log` with that name exists already.
   */
  static create(dir: string, baseOffset: number, settings: SegmentSettings, now: number): LogSegment {
    const files = segmentFiles(dir, baseOffset);
    let fd: number;
    try {
      fd = fs.openSync(files.log, 'wx+');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      fd = fs.openSync(files.log, 'r+');
      if (fs.fstatSync(fd).size > 0) {
        fs.closeSync(fd);
        throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', `cannot create segment ${files.log}: a non-empty file of that name exists`);
      }
    }
    for (const f of [files.index, files.timeIndex]) fs.rmSync(f, { force: true });
    return new LogSegment(dir, baseOffset, settings, fd, now);
  }

  /**
   * Open an existing segment's `.log` (size = file size; indexes empty until the loader loads or
   * rebuilds them). Errors: the filesystem's (ENOENT, EACCES...).
   */
  static open(dir: string, baseOffset: number, settings: SegmentSettings, now: number): LogSegment {
    const files = segmentFiles(dir, baseOffset);
    const fd = fs.openSync(files.log, 'r+');
    const seg = new LogSegment(dir, baseOffset, settings, fd, now);
    const st = fs.fstatSync(fd);
    seg.size = st.size;
    seg.flushedSize = st.size;
    seg.lastModified = st.mtimeMs;
    return seg;
  }

  /** Whether nothing has been appended. */
  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Largest record timestamp (ms), or the last-modified time when batches carry none (Kafka's largestTimestamp). */
  get largestTimestamp(): number {
    return this.maxTimestampSoFar >= 0 ? this.maxTimestampSoFar : this.lastModified;
  }

  /**
   * Whether this segment must roll before `incomingBytes` of batches whose largest timestamp is
   * `incomingMaxTimestamp` and whose last offset is `incomingLastOffset` are appended
   * (Kafka's `LogSegment.shouldRoll`).
   */
  shouldRoll(incomingBytes: number, incomingMaxTimestamp: number, incomingLastOffset: number, segmentBytes: number, segmentMs: number, now: number): boolean {
    if (this.size === 0) return false;
    const reachedRollMs = this.timeWaitedForRoll(now, incomingMaxTimestamp) > segmentMs - this.settings.rollJitterMs;
    return (
      this.size > segmentBytes - incomingBytes ||
      reachedRollMs ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      incomingLastOffset - this.baseOffset > 0x7fffffff
    );
  }

  /** Kafka's timeWaitedForRoll: the incoming timestamp minus the first batch's, or wall time since creation. */
  private timeWaitedForRoll(now: number, incomingMaxTimestamp: number): number {
    if (this.rollingBasedTimestamp !== undefined && this.rollingBasedTimestamp >= 0) return incomingMaxTimestamp - this.rollingBasedTimestamp;
    return now - this.created;
  }

  /**
   * Write `records[0, length)` (validated batches with offsets assigned) at the end of the file and
   * index them. The bytes reach the page cache before this returns, so they survive a process crash.
   * If the write fails the file is cut back to its previous size and the error is rethrown as
   * KafkaProtocolError KAFKA_STORAGE_ERROR, leaving the segment unchanged.
   */
  append(records: Buffer, length: number, batches: readonly AppendedBatch[], now: number): void {
    const fd = this.handle();
    const start = this.size;
    try {
      writeFully(fd, records, 0, length, start);
    } catch (e) {
      try {
        fs.ftruncateSync(fd, start);
      } catch {
        // the original error says more
      }
      throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', `append to ${this.files.log} failed: ${(e as Error).message}`, { cause: e });
    }
    for (const b of batches) this.indexBatch(start + b.position, b.size, b.lastOffset, b.maxTimestamp);
    this.size = start + length;
    this.lastModified = now;
  }

  private indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (this.rollingBasedTimestamp === undefined) this.rollingBasedTimestamp = maxTimestamp;
    if (maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = maxTimestamp;
      this.offsetOfMaxTimestampSoFar = lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      if (!this.offsetIndex.isFull()) this.offsetIndex.append(lastOffset, position);
      if (!this.timeIndex.isFull()) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /**
   * Walk the batch headers from `position`, calling `visit` until it returns false or the valid bytes
   * end. Framing only (no CRC). Errors: CorruptRecordError CORRUPT_MESSAGE when a header inside the
   * valid bytes is malformed or a batch runs past them (the valid bytes hold whole batches only).
   */
  walk(position: number, visit: (b: BatchLocation) => boolean, end = this.size, first?: { baseOffset?: number; lastOffset?: number }): void {
    const fd = this.handle();
    const win = (headerWindow ??= Buffer.allocUnsafe(HEADER_WINDOW));
    let winStart = 0;
    let winLen = 0;
    // Start small (a lookup usually needs a header or two after the index entry), grow when walking on.
    let winSize = 8192;
    let pos = position;
    // Offsets are contiguous in a segment; the base offset is outside the CRC, so check it here.
    let expectBase = first?.baseOffset;
    let expectLast = first?.lastOffset;
    while (pos < end) {
      if (pos + RECORD_BATCH_OVERHEAD > end) throw new CorruptRecordError(`${this.files.log}: ${end - pos} bytes at position ${pos} are not a whole batch`);
      if (pos < winStart || pos + RECORD_BATCH_OVERHEAD > winStart + winLen) {
        winStart = pos;
        winLen = readFully(fd, win, 0, Math.min(winSize, end - pos), pos);
        winSize = Math.min(HEADER_WINDOW, winSize * 2);
        if (winLen < RECORD_BATCH_OVERHEAD) return;
      }
      const at = pos - winStart;
      const length = win.readInt32BE(at + LENGTH_OFFSET);
      if (length < MIN_BATCH_LENGTH || win[at + MAGIC_OFFSET] !== MAGIC_V2) {
        throw new CorruptRecordError(`${this.files.log}: malformed batch header at position ${pos} (length ${length}, magic ${win[at + MAGIC_OFFSET]})`);
      }
      const size = length + LOG_OVERHEAD;
      // The valid bytes hold whole batches only, so a batch running past them is corruption, not a torn tail.
      if (pos + size > end) throw new CorruptRecordError(`${this.files.log}: batch at position ${pos} declares ${size} bytes, past the ${end} valid bytes`);
      const baseOffset = readInt64(win, at);
      const loc: BatchLocation = {
        position: pos,
        size,
        baseOffset,
        lastOffset: baseOffset + win.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
        maxTimestamp: readInt64(win, at + MAX_TIMESTAMP_OFFSET),
      };
      if ((expectBase !== undefined && baseOffset !== expectBase) || (expectLast !== undefined && loc.lastOffset !== expectLast) || loc.lastOffset < baseOffset) {
        throw new CorruptRecordError(`${this.files.log}: batch at position ${pos} has offsets ${baseOffset}..${loc.lastOffset}, expected ${expectBase ?? '?'}..${expectLast ?? '?'}`);
      }
      expectBase = loc.lastOffset + 1;
      expectLast = undefined;
      if (!visit(loc)) return;
      pos += size;
    }
  }

  /**
   * The first batch whose last offset is ≥ `offset`, found from the offset index and a short scan
   * (Kafka's translateOffset), starting no earlier than `startingPosition`; undefined if the segment
   * has none. Errors: CorruptRecordError as walk.
   */
  translateOffset(offset: number, startingPosition = 0): BatchLocation | undefined {
    const entry = this.offsetIndex.lookup(offset);
    let found: BatchLocation | undefined;
    const visit = (b: BatchLocation) => {
      if (b.lastOffset >= offset) {
        found = b;
        return false;
      }
      return true;
    };
    if (startingPosition > entry.position) this.walk(startingPosition, visit);
    // An index entry names the last offset of the batch at its position; the fallback (base, 0) the first batch's base.
    else this.walk(entry.position, visit, this.size, entry.position === 0 && entry.offset === this.baseOffset ? { baseOffset: this.baseOffset } : { lastOffset: entry.offset });
    return found;
  }

  /**
   * Read whole batches starting with the one that holds `startOffset`: as many as fit in `maxSize`
   * bytes, and at least the first even when larger if `minOneMessage` (KIP-74); none at or beyond
   * `maxOffset` (exclusive). Every batch is CRC-checked before it is returned: a corrupt batch is never
   * served. Returns undefined when the segment holds nothing at or after `startOffset`.
   * Errors: CorruptRecordError CORRUPT_MESSAGE when the first batch is corrupt (later corrupt batches
   * are left out of the result and reported through `onCorrupt`). `allocate` gives the buffer the
   * bytes are read into (a pool's; default Buffer.allocUnsafe); the records returned are a view of it.
   */
  read(
    startOffset: number,
    maxSize: number,
    maxOffset: number,
    minOneMessage: boolean,
    onCorrupt: (position: number, error: Error) => void,
    allocate: (size: number) => Buffer = Buffer.allocUnsafe,
  ): { position: number; records: Buffer } | undefined {
    const first = this.translateOffset(startOffset);
    if (!first || first.baseOffset >= maxOffset) return undefined;
    let want = first.size;
    if (want > maxSize && !minOneMessage) return { position: first.position, records: Buffer.alloc(0) };
    if (maxSize > want) {
      // Extend over the following batches that fit, stopping before maxOffset.
      let limit = Math.min(this.size, first.position + maxSize);
      if (maxOffset < this.nextOffset) {
        this.walk(first.position, (b) => {
          if (b.baseOffset >= maxOffset) {
            limit = Math.min(limit, b.position);
            return false;
          }
          return b.position + b.size < limit;
        });
      }
      want = Math.max(want, limit - first.position);
    }
    const buf = allocate(want);
    const got = readFully(this.handle(), buf, 0, want, first.position);
    // Keep the complete, CRC-valid batches with contiguous offsets.
    let pos = 0;
    let expectBase = first.baseOffset;
    while (pos + LOG_OVERHEAD <= got) {
      const size = buf.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < RECORD_BATCH_OVERHEAD || pos + size > got) break;
      try {
        validateRecordBatch(buf, pos, { end: got });
        const base = Number(buf.readBigInt64BE(pos));
        if (base !== expectBase) throw new CorruptRecordError(`${this.files.log}: batch at position ${first.position + pos} has base offset ${base}, expected ${expectBase}`);
        expectBase = base + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1;
      } catch (e) {
        onCorrupt(first.position + pos, e as Error);
        if (pos === 0) throw e;
        break;
      }
      pos += size;
    }
    if (pos === 0 && got > 0) {
      const e = new CorruptRecordError(`${this.files.log}: the batch at position ${first.position} is incomplete or malformed`);
      onCorrupt(first.position, e);
      throw e;
    }
    return { position: first.position, records: buf.subarray(0, pos) };
  }

  /**
   * Rebuild the indexes and in-memory state from the `.log` file, checking every batch: framing,
   * magic 2, CRC-32C, offsets contiguous from the base offset. The file is cut at the first bad byte
   * (Kafka's `LogSegment.recover`). Returns what was cut.
   */
  recover(): SegmentRecovery {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    this.rollingBasedTimestamp = undefined;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    const fd = this.handle();
    const fileSize = fs.fstatSync(fd).size;
    let chunk = (recoveryChunk ??= Buffer.allocUnsafe(RECOVERY_CHUNK));
    let chunkStart = 0;
    let chunkLen = 0;
    let pos = 0;
    let reason: string | undefined;
    while (pos < fileSize) {
      if (pos + LOG_OVERHEAD > chunkStart + chunkLen) {
        chunkStart = pos;
        chunkLen = readFully(fd, chunk, 0, Math.min(chunk.length, fileSize - pos), pos);
      }
      let at = pos - chunkStart;
      if (at + LOG_OVERHEAD > chunkLen) {
        reason = `partial batch header at position ${pos}`;
        break;
      }
      const size = chunk.readInt32BE(at + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < RECORD_BATCH_OVERHEAD) {
        reason = `batch at position ${pos} has size ${size}`;
        break;
      }
      if (pos + size > fileSize) {
        reason = `partial batch at position ${pos}: ${size} bytes declared, ${fileSize - pos} in the file`;
        break;
      }
      if (at + size > chunkLen) {
        if (size > chunk.length) chunk = Buffer.allocUnsafe(size);
        chunkStart = pos;
        chunkLen = readFully(fd, chunk, 0, Math.min(chunk.length, fileSize - pos), pos);
        at = 0;
      }
      try {
        validateRecordBatch(chunk, at, { end: at + size });
      } catch (e) {
        reason = `batch at position ${pos}: ${(e as Error).message}`;
        break;
      }
      const baseOffset = Number(chunk.readBigInt64BE(at)); // not readInt64: an int64 outside the safe range must be cut below, not thrown
      if (baseOffset !== this.nextOffset) {
        reason = `batch at position ${pos} has base offset ${baseOffset}, expected ${this.nextOffset}`;
        break;
      }
      const lastOffset = baseOffset + chunk.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET);
      this.indexBatch(pos, size, lastOffset, readInt64(chunk, at + MAX_TIMESTAMP_OFFSET));
      pos += size;
    }
    this.size = pos;
    const truncatedBytes = fileSize - pos;
    if (truncatedBytes > 0) fs.ftruncateSync(fd, pos);
    this.flushedSize = 0; // what survived a crash may sit only in the page cache: the loader fsyncs it
    return reason === undefined ? { truncatedBytes } : { truncatedBytes, reason };
  }

  /**
   * Finish loading a segment whose index files were trusted: derive nextOffset from the last index
   * entry and a scan to the end, the max timestamp from the time index, the first batch's timestamp.
   * Returns a problem (the caller then recovers the segment) or null.
   */
  loadStateFromIndexes(): string | null {
    const problem = this.offsetIndex.check(this.size);
    if (problem) return `offset index: ${problem}`;
    this.nextOffset = this.baseOffset;
    let end = 0;
    try {
      const last = this.offsetIndex.lastEntry();
      this.walk(
        last.position,
        (b) => {
          this.nextOffset = b.lastOffset + 1;
          end = b.position + b.size;
          return true;
        },
        this.size,
        this.offsetIndex.entries > 0 ? { lastOffset: last.offset } : { baseOffset: this.baseOffset },
      );
      if (this.size > 0) {
        let first: BatchLocation | undefined;
        this.walk(0, (b) => ((first = b), false));
        if (!first || first.baseOffset !== this.baseOffset) return `first batch is not at the base offset`;
        this.rollingBasedTimestamp = first.maxTimestamp;
      }
    } catch (e) {
      return (e as Error).message;
    }
    if (end !== this.size) return `the batches end at position ${end} but the file has ${this.size} bytes`;
    const tp = this.timeIndex.check(this.nextOffset - 1);
    if (tp) return `time index: ${tp}`;
    const last: TimestampOffset = this.timeIndex.lastEntry();
    this.maxTimestampSoFar = last.timestamp;
    this.offsetOfMaxTimestampSoFar = this.timeIndex.entries > 0 ? last.offset : this.baseOffset;
    return null;
  }

  /** Append the final time index entry and write both index files (Kafka's onBecomeInactiveSegment). */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.offsetIndex.writeToFile();
    this.timeIndex.writeToFile();
  }

  /** fdatasync the `.log` file (on the thread pool); afterwards flushedSize covers what was written before the call. */
  async flush(): Promise<void> {
    if (this.fd === undefined || this.flushedSize >= this.size) return;
    const upTo = this.size;
    const fd = this.fd;
    this.busy++;
    try {
      await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
      this.flushedSize = Math.max(this.flushedSize, upTo);
    } catch (e) {
      throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', `fdatasync of ${this.files.log} failed: ${(e as Error).message}`, { cause: e });
    } finally {
      this.busy--;
      if (this.busy === 0 && this.closeWanted) this.closeNow();
    }
  }

  /** fdatasync the `.log` file now, blocking (recovery and shutdown). */
  flushSync(): void {
    if (this.fd === undefined || this.flushedSize >= this.size) return;
    fs.fdatasyncSync(this.fd);
    this.flushedSize = this.size;
  }

  /** Write the indexes (with the final time index entry) and close the files; waits for an fdatasync in flight. */
  close(): void {
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    this.offsetIndex.close();
    this.timeIndex.close();
    this.closeWanted = true;
    if (this.busy === 0) this.closeNow();
  }

  /** Close the files without writing the indexes (what a crash leaves behind; LogManager.halt). */
  abandon(): void {
    this.offsetIndex.closeHandle();
    this.timeIndex.closeHandle();
    this.closeWanted = true;
    if (this.busy === 0) this.closeNow();
  }

  private closeNow(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /**
   * Close and rename the three files to `<name>.deleted`, returning the new paths (the log unlinks
   * them after file.delete.delay.ms).
   */
  markDeleted(): string[] {
    this.offsetIndex.closeHandle();
    this.timeIndex.closeHandle();
    this.closeWanted = true;
    if (this.busy === 0) this.closeNow();
    const renamed: string[] = [];
    for (const f of [this.files.log, this.files.index, this.files.timeIndex]) {
      try {
        fs.renameSync(f, f + DELETED_FILE_SUFFIX);
        renamed.push(f + DELETED_FILE_SUFFIX);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return renamed;
  }

  private handle(): number {
    if (this.fd === undefined || this.closeWanted) throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', `segment ${this.files.log} is closed`);
    return this.fd;
  }
}
