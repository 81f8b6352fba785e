import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32c } from '../../../client/records/crc32c.js';
import { defaultLogger, type StreamingLogger } from '../../util/logger.js';
import { WriteAheadLogClosedException, WriteAheadLogCorruptRecordException, WriteAheadLogException } from '../errors.js';
import type { WriteAheadLog, WriteAheadLogRecordHandle } from './write-ahead-log.js';

/** Log file names: `log-<startMs>-<endMs>` (Spark's FileBasedWriteAheadLog.logFileRegex). */
export const LOG_FILE_REGEX = /^log-(\d+)-(\d+)$/;
/** Bytes before each record's payload: u32 LE payload length, u32 LE CRC-32C. */
export const RECORD_HEADER_BYTES = 8;
/** Largest record accepted, bytes (the length field is 32-bit). */
export const MAX_RECORD_BYTES = 0x7fff_ffff;

/** Options of a FileBasedWriteAheadLog (Spark's constructor arguments, from WriteAheadLogUtils). */
export interface FileBasedWriteAheadLogOptions {
  /** A new file every this many seconds of record time (Spark's rollingIntervalSecs, default 60). */
  rollingIntervalSecs?: number;
  /** Attempts per write; a failed attempt closes the file and the next one writes to a new file (default 3). */
  maxFailures?: number;
  /** Close the file after each write: one file per record (default false). */
  closeFileAfterWrite?: boolean;
  /** fdatasync after each write, and fsync of the directory after creating a file (default true; kafka-ts option). */
  fsync?: boolean;
  logger?: StreamingLogger;
}

interface LogInfo {
  startTime: number;
  endTime: number;
  path: string;
}

interface LogWriter {
  fh: FileHandle;
  path: string;
  /** Bytes written so far (the next record's offset). */
  size: number;
}

/** `log-<start>-<end>` (Spark's timeToLogFile). */
export function timeToLogFile(startMs: number, endMs: number): string {
  return `log-${startMs}-${endMs}`;
}

/** `{ startTime, endTime }` of a log file path, or undefined when the name is not a log file's. */
export function logFileTimes(file: string): { startTime: number; endTime: number } | undefined {
  const m = LOG_FILE_REGEX.exec(path.basename(file));
  return m ? { startTime: Number(m[1]), endTime: Number(m[2]) } : undefined;
}

/**
 * Spark's `FileBasedWriteAheadLog` (streaming/util/FileBasedWriteAheadLog.scala) on local files:
 * records (byte buffers) appended to rolling files `<logDirectory>/log-<startMs>-<endMs>`, a new file
 * when a record's time passes the current file's end (start + `rollingIntervalSecs`); old files
 * deleted by `clean(threshold)`; all records read back by `readAll()` at recovery.
 *
 * Record format: `u32 LE length | u32 LE CRC-32C (of the length bytes, then the payload) | payload`.
 * A crash (kill -9) during a write leaves at most a torn record at the end of the current file;
 * `readAll` stops reading a file at the first record that is incomplete or fails its CRC and logs
 * a warning "Ignoring the end of write ahead log file <path> from byte <offset> ...", and
 * `read(handle)` checks length and CRC (WriteAheadLogCorruptRecordException). A new writer never
 * appends to an existing file (a name clash moves the start time on by 1 ms), so a torn tail is
 * always a file's last bytes.
 *
 * Durability: `write` resolves after the record is in the file with the `write(2)` calls done, so
 * it survives a crash of the process (kill -9). With `fsync` (the default) it also
 * fdatasyncs the file (and fsyncs the directory when a file is created) before resolving, so an
 * acknowledged record also survives a power loss or a kernel crash; this costs about 0.3–1 ms
 * per write on the development machine, paid once per block (every 200 ms per receiver) and once
 * per tracker event, so it is on by default. Spark's HDFS `hflush` corresponds to `fsync: false`.
 *
 * Writes are serialised (one at a time, in call order). Times are ms on the caller's clock.
 * Errors: the fs errors of the last attempt after `maxFailures` failed attempts ("Failed to write to
 * write ahead log after <n> failures" is logged); WriteAheadLogClosedException after close().
 */
export class FileBasedWriteAheadLog implements WriteAheadLog {
  readonly rollingIntervalSecs: number;
  readonly maxFailures: number;
  readonly closeFileAfterWrite: boolean;
  readonly fsync: boolean;
  private readonly logger: StreamingLogger;
  /** Files not being written, oldest first. */
  private readonly pastLogs: LogInfo[] = [];
  /** The file written last (kept after the writer is reset, moved to pastLogs when a new one starts). */
  private currentLog: LogInfo | undefined;
  private writer: LogWriter | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private dirCreated = false;

  constructor(
    /** Directory of the log files (created at the first write). */
    readonly logDirectory: string,
    options: FileBasedWriteAheadLogOptions = {},
  ) {
    this.rollingIntervalSecs = options.rollingIntervalSecs ?? 60;
    this.maxFailures = Math.max(1, options.maxFailures ?? 3);
    this.closeFileAfterWrite = options.closeFileAfterWrite ?? false;
    this.fsync = options.fsync ?? true;
    this.logger = options.logger ?? defaultLogger;
    this.initializeOrRecover();
  }

  /** Spark's initializeOrRecover: the existing log files become past logs. */
  private initializeOrRecover(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.logDirectory);
    } catch {
      return;
    }
    const infos: LogInfo[] = [];
    for (const n of names) {
      const t = logFileTimes(n);
      if (t) infos.push({ ...t, path: path.join(this.logDirectory, n) });
    }
    infos.sort((a, b) => a.startTime - b.startTime || a.endTime - b.endTime);
    this.pastLogs.push(...infos);
    this.dirCreated = true;
    if (infos.length > 0) this.logger.info(`Recovered ${infos.length} write ahead log files from ${this.logDirectory}`);
  }

  /** The log files (past and current), oldest first. */
  logFiles(): string[] {
    return [...this.pastLogs.map((l) => l.path), ...(this.currentLog ? [this.currentLog.path] : [])];
  }

  /**
   * Append `record` stamped `timeMs` (ms); resolves with its handle once written (and fdatasynced
   * with `fsync`). Errors: see the class comment.
   */
  write(record: Buffer, timeMs: number): Promise<WriteAheadLogRecordHandle> {
    const run = async (): Promise<WriteAheadLogRecordHandle> => {
      if (this.closed) throw new WriteAheadLogClosedException(`Write ahead log ${this.logDirectory} is closed`);
      if (record.length > MAX_RECORD_BYTES) throw new WriteAheadLogException(`Record of ${record.length} bytes is too large for the write ahead log (at most ${MAX_RECORD_BYTES})`);
      let failures = 0;
      let lastError: unknown;
      while (failures < this.maxFailures) {
        try {
          const w = await this.getLogWriter(timeMs);
          const handle = await this.append(w, record);
          if (this.closeFileAfterWrite) await this.resetWriter();
          return handle;
        } catch (err) {
          lastError = err;
          this.logger.warn(`Failed to write to write ahead log ${this.logDirectory}: ${String(err)}`);
          await this.resetWriter().catch(() => undefined);
          failures++;
        }
      }
      this.logger.error(`Failed to write to write ahead log after ${failures} failures`);
      throw lastError;
    };
    const p = this.chain.then(run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async append(w: LogWriter, record: Buffer): Promise<WriteAheadLogRecordHandle> {
    const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
    header.writeUInt32LE(record.length, 0);
    header.writeUInt32LE(crc32c(record, 0, record.length, crc32c(header, 0, 4)), 4);
    const offset = w.size;
    const total = RECORD_HEADER_BYTES + record.length;
    let written = (await w.fh.writev([header, record], offset)).bytesWritten;
    while (written < total) {
      // a short write: the rest from where it stopped
      const rest = Buffer.concat([header, record]).subarray(written);
      written += (await w.fh.write(rest, 0, rest.length, offset + written)).bytesWritten;
    }
    if (this.fsync) await w.fh.datasync();
    w.size += total;
    return { path: w.path, offset, length: record.length };
  }

  /** Spark's getLogWriter: the current writer, or a new file when there is none or `timeMs` passed its end. */
  private async getLogWriter(timeMs: number): Promise<LogWriter> {
    if (this.writer && this.currentLog && timeMs <= this.currentLog.endTime) return this.writer;
    await this.resetWriter();
    if (this.currentLog) this.pastLogs.push(this.currentLog);
    this.currentLog = undefined;
    if (!this.dirCreated) {
      await fsp.mkdir(this.logDirectory, { recursive: true });
      this.dirCreated = true;
    }
    const span = Math.round(this.rollingIntervalSecs * 1000);
    let start = timeMs;
    for (;;) {
      const file = path.join(this.logDirectory, timeToLogFile(start, start + span));
      try {
        const fh = await fsp.open(file, 'wx');
        this.writer = { fh, path: file, size: 0 };
        this.currentLog = { startTime: start, endTime: start + span, path: file };
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        start++;
      }
    }
    if (this.fsync) await fsyncDirectory(this.logDirectory);
    return this.writer;
  }

  private async resetWriter(): Promise<void> {
    const w = this.writer;
    this.writer = undefined;
    await w?.fh.close();
  }

  /** The record at `handle` (see {@link readRecord}). */
  read(handle: WriteAheadLogRecordHandle): Promise<Buffer> {
    if (this.closed) return Promise.reject(new WriteAheadLogClosedException(`Write ahead log ${this.logDirectory} is closed`));
    return FileBasedWriteAheadLog.readRecord(handle);
  }

  /**
   * Read one record by its handle, from any process (Spark's FileBasedWriteAheadLogRandomReader).
   * Errors: WriteAheadLogCorruptRecordException (length or CRC mismatch, past the end of the file),
   * WriteAheadLogException with the fs error as cause (missing file...).
   */
  static async readRecord(handle: WriteAheadLogRecordHandle): Promise<Buffer> {
    let fh: FileHandle | undefined;
    try {
      fh = await fsp.open(handle.path, 'r');
      const total = RECORD_HEADER_BYTES + handle.length;
      const buf = Buffer.allocUnsafe(total);
      let got = 0;
      while (got < total) {
        const { bytesRead } = await fh.read(buf, got, total - got, handle.offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const where = `${handle.path}:${handle.offset}`;
      if (got < total) throw new WriteAheadLogCorruptRecordException(`Corrupt write ahead log record at ${where}: the file ends ${total - got} bytes before the record's end`);
      const length = buf.readUInt32LE(0);
      if (length !== handle.length) throw new WriteAheadLogCorruptRecordException(`Corrupt write ahead log record at ${where}: length ${length} where ${handle.length} was written`);
      const crc = crc32c(buf, RECORD_HEADER_BYTES, total, crc32c(buf, 0, 4));
      if (crc !== buf.readUInt32LE(4)) throw new WriteAheadLogCorruptRecordException(`Corrupt write ahead log record at ${where}: CRC-32C mismatch`);
      return buf.subarray(RECORD_HEADER_BYTES);
    } catch (err) {
      if (err instanceof WriteAheadLogException) throw err;
      throw new WriteAheadLogException(`Could not read write ahead log record ${handle.path}:${handle.offset}: ${String(err)}`, { cause: err });
    } finally {
      await fh?.close();
    }
  }

  /**
   * Spark's `readAll()`: every valid record of every file (past files, then the current one), in
   * order. A file's reading stops at its first incomplete or corrupt record (warning). For recovery,
   * before writing. Errors: WriteAheadLogClosedException; fs errors other than a vanished file.
   */
  async readAll(): Promise<Buffer[]> {
    if (this.closed) throw new WriteAheadLogClosedException(`Write ahead log ${this.logDirectory} is closed`);
    const files = this.logFiles();
    this.logger.info(`Reading from the logs:\n${files.join('\n')}`);
    const out: Buffer[] = [];
    for (const f of files) out.push(...(await readLogFile(f, this.logger)));
    return out;
  }

  /**
   * Spark's `clean(threshTime, waitForCompletion)`: delete the past log files whose end time is
   * older than `thresholdTimeMs` (the file being written is never deleted). Deletion errors are
   * logged, not thrown. Resolves when the files are deleted (here always awaited).
   */
  async clean(thresholdTimeMs: number, _waitForCompletion = false): Promise<void> {
    const expired = this.pastLogs.filter((l) => l.endTime < thresholdTimeMs);
    if (expired.length === 0) return;
    for (const e of expired) this.pastLogs.splice(this.pastLogs.indexOf(e), 1);
    this.logger.info(`Attempting to clear ${expired.length} old log files in ${this.logDirectory} older than ${thresholdTimeMs}: ${expired.map((e) => e.path).join('\n')}`);
    for (const e of expired) {
      try {
        await fsp.rm(e.path, { force: true });
      } catch (err) {
        this.logger.warn(`Error clearing write ahead log file ${e.path}: ${String(err)}`);
      }
    }
    this.logger.info(`Cleared log files in ${this.logDirectory} older than ${thresholdTimeMs}`);
  }

  /** Spark's `close()`: wait for the writes in progress, close the current file; later writes fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.resetWriter();
    this.logger.info(`Stopped write ahead log manager for ${this.logDirectory}`);
  }

  /** True after close(). */
  isClosed(): boolean {
    return this.closed;
  }
}

/**
 * Every valid record of one log file, in order (Spark's FileBasedWriteAheadLogReader); stops at the
 * first torn or corrupt record with a warning. A missing file reads as empty.
 */
export async function readLogFile(file: string, logger: StreamingLogger = defaultLogger): Promise<Buffer[]> {
  let data: Buffer;
  try {
    data = await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    const ignore = (reason: string): void => logger.warn(`Ignoring the end of write ahead log file ${file} from byte ${pos} (${data.length - pos} bytes): ${reason} (a record torn by a crash, or corruption)`);
    if (data.length - pos < RECORD_HEADER_BYTES) {
      ignore('incomplete record header');
      break;
    }
    const length = data.readUInt32LE(pos);
    const end = pos + RECORD_HEADER_BYTES + length;
    if (end > data.length) {
      ignore(`record of ${length} bytes runs past the end of the file`);
      break;
    }
    if (crc32c(data, pos + RECORD_HEADER_BYTES, end, crc32c(data, pos, pos + 4)) !== data.readUInt32LE(pos + 4)) {
      ignore('CRC-32C mismatch');
      break;
    }
    out.push(data.subarray(pos + RECORD_HEADER_BYTES, end));
    pos = end;
  }
  return out;
}

async function fsyncDirectory(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
