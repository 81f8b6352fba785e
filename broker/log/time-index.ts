/**
 * The time index of one segment (Kafka's `TimeIndex`): 12-byte entries `[int64 timestamp]
 * [int32 relativeOffset]`, big-endian, timestamps strictly increasing. An entry (T, O) means that the
 * records with a timestamp greater than T are at offsets ≥ O; O is the last offset of the batch that
 * first reached T ("shallow" offset of the max timestamp so far). Entries are added next to offset
 * index entries, and once more when the segment becomes inactive, so the last entry holds the
 * segment's largest timestamp. ListOffsets by timestamp and time-based retention use it.
 */
import { readInt64, writeInt64 } from '../../client/records/batch-header.js';
import { AbstractIndex } from './abstract-index.js';

/** A time index entry in absolute terms; timestamp -1 = none. */
export interface TimestampOffset {
  /** ms since the epoch, or -1. */
  timestamp: number;
  offset: number;
}

/** The time index of a segment (Kafka's TimeIndex); see the module comment. Timestamps in ms. */
export class TimeIndex extends AbstractIndex {
  /** @param maxIndexSize segment.index.bytes (bytes) */
  constructor(file: string, baseOffset: number, maxIndexSize: number) {
    super(file, baseOffset, maxIndexSize, 12);
  }

  /** Full one entry early, keeping room for the entry written when the segment rolls (as Kafka). */
  override isFull(): boolean {
    return this.count >= this.maxEntries - 1;
  }

  /** Entry `n` (0-based) in absolute terms. */
  entry(n: number): TimestampOffset {
    const at = n * 12;
    return { timestamp: readInt64(this.buf, at), offset: this.baseOffset + this.buf.readInt32BE(at + 8) };
  }

  /** The last entry, or (-1, baseOffset) when there is none. */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  /**
   * Append (timestamp, offset) if timestamp is larger than the last entry's (Kafka's maybeAppend).
   * `skipFullCheck` lets the final entry of a rolled segment use the reserved slot.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (timestamp < 0) return;
    if (!skipFullCheck && this.isFull()) throw new Error(`time index ${this.file} is full (${this.count} entries)`);
    const last = this.lastEntry();
    if (this.count > 0 && offset < last.offset) throw new Error(`time index ${this.file}: offset ${offset} is before the last entry's ${last.offset}`);
    if (this.count > 0 && timestamp <= last.timestamp) return;
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new Error(`offset ${offset} does not fit the time index of base offset ${this.baseOffset}`);
    const at = this.nextSlot();
    writeInt64(this.buf, at, timestamp);
    this.buf.writeInt32BE(rel, at + 8);
  }

  /** The greatest entry whose timestamp is ≤ `targetTimestamp`, or (-1, baseOffset) when none is. */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBound(targetTimestamp, (n) => readInt64(this.buf, n * 12));
    return slot < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(slot);
  }

  /** Structural check before the file is trusted: timestamps strictly increasing, offsets non-decreasing and ≤ lastOffset. */
  check(lastOffset: number): string | null {
    let prevTs = -1;
    let prevRel = -1;
    for (let n = 0; n < this.count; n++) {
      const ts = readInt64(this.buf, n * 12);
      const rel = this.buf.readInt32BE(n * 12 + 8);
      if (ts <= prevTs && n > 0) return `entry ${n} has timestamp ${ts} after ${prevTs}`;
      if (rel < 0 || rel < prevRel || this.baseOffset + rel > lastOffset) return `entry ${n} has relative offset ${rel} (previous ${prevRel}, last offset ${lastOffset})`;
      prevTs = ts;
      prevRel = rel;
    }
    return null;
  }
}
