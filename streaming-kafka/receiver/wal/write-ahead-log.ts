/**
 * Spark's `WriteAheadLog` / `WriteAheadLogRecordHandle` (streaming/util/WriteAheadLog.java): the
 * interface of a log of byte records with time stamps, used for received blocks (one log per
 * receiver stream) and for the ReceivedBlockTracker's events (the driver's log).
 */

/**
 * Where a record is (Spark's `FileBasedWriteAheadLogSegment(path, offset, length)`): the log file,
 * the byte offset of the record's header in it, and the payload length in bytes. JSON-able.
 */
export interface WriteAheadLogRecordHandle {
  path: string;
  /** Byte offset of the record (its 8-byte header) in the file. */
  offset: number;
  /** Payload length, bytes. */
  length: number;
}

/** Spark's `WriteAheadLog` contract. */
export interface WriteAheadLog {
  /** Append `record` stamped `timeMs`; resolves with its handle once the bytes are in the file. */
  write(record: Buffer, timeMs: number): Promise<WriteAheadLogRecordHandle>;
  /** The record at `handle`. */
  read(handle: WriteAheadLogRecordHandle): Promise<Buffer>;
  /** Every readable record of the log, oldest file first (for recovery). */
  readAll(): Promise<Buffer[]>;
  /** Delete the log files whose end time is older than `thresholdTimeMs`. */
  clean(thresholdTimeMs: number, waitForCompletion?: boolean): Promise<void>;
  /** Close the log (the current file). */
  close(): Promise<void>;
}

/** True when `x` has the shape of a record handle. */
export function isRecordHandle(x: unknown): x is WriteAheadLogRecordHandle {
  const h = x as WriteAheadLogRecordHandle;
  return typeof h === 'object' && h !== null && typeof h.path === 'string' && typeof h.offset === 'number' && typeof h.length === 'number';
}
