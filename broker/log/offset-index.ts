/**
 * The sparse offset index of one segment (Kafka's `OffsetIndex`): 8-byte entries
 * `[int32 relativeOffset][int32 position]`, big-endian, where relativeOffset = offset - baseOffset and
 * position is the byte position in the `.log` file of the batch holding that offset. An entry is added
 * each time more than `index.interval.bytes` were appended since the last one, recording the batch's
 * last offset and its start position, so a lookup finds the greatest entry ≤ target and scans forward
 * from there (`LogSegment.translateOffset`).
 */
import { AbstractIndex } from './abstract-index.js';

/** An offset index entry in absolute terms. */
export interface OffsetPosition {
  offset: number;
  /** Byte position in the segment's `.log` file. */
  position: number;
}

/** The sparse offset index of a segment (Kafka's OffsetIndex); see the module comment. */
export class OffsetIndex extends AbstractIndex {
  /** @param maxIndexSize segment.index.bytes (bytes) */
  constructor(file: string, baseOffset: number, maxIndexSize: number) {
    super(file, baseOffset, maxIndexSize, 8);
  }

  /** Entry `n` (0-based) in absolute terms. */
  entry(n: number): OffsetPosition {
    const at = n * 8;
    return { offset: this.baseOffset + this.buf.readInt32BE(at), position: this.buf.readInt32BE(at + 4) };
  }

  /** The last entry, or (baseOffset, 0) when there is none. */
  lastEntry(): OffsetPosition {
    return this.count === 0 ? { offset: this.baseOffset, position: 0 } : this.entry(this.count - 1);
  }

  /**
   * Append an entry. `offset` must be larger than the last entry's and `position` must grow.
   * Errors: Error when full or out of order (a bug in the caller, never a client's fault).
   */
  append(offset: number, position: number): void {
    if (this.isFull()) throw new Error(`offset index ${this.file} is full (${this.count} entries)`);
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new Error(`offset ${offset} does not fit the index of base offset ${this.baseOffset}`);
    if (this.count > 0) {
      const last = this.lastEntry();
      if (offset <= last.offset || position <= last.position) throw new Error(`offset index ${this.file}: entry (${offset}, ${position}) is not after (${last.offset}, ${last.position})`);
    }
    const at = this.nextSlot();
    this.buf.writeInt32BE(rel, at);
    this.buf.writeInt32BE(position, at + 4);
  }

  /** The greatest entry whose offset is ≤ `targetOffset`, or (baseOffset, 0) when none is. */
  lookup(targetOffset: number): OffsetPosition {
    const rel = targetOffset - this.baseOffset;
    const slot = this.largestLowerBound(rel, (n) => this.buf.readInt32BE(n * 8));
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /**
   * Structural check used before an index file is trusted (Kafka's sanityCheck, stricter): offsets and
   * positions strictly increasing, relative offsets ≥ 0, positions inside the log. Returns a problem or null.
   */
  check(logSize: number): string | null {
    let prevRel = -1;
    let prevPos = -1;
    for (let n = 0; n < this.count; n++) {
      const rel = this.buf.readInt32BE(n * 8);
      const pos = this.buf.readInt32BE(n * 8 + 4);
      if (rel < 0 || rel <= prevRel) return `entry ${n} has relative offset ${rel} after ${prevRel}`;
      if (pos < 0 || pos <= prevPos || pos >= logSize) return `entry ${n} has position ${pos} (previous ${prevPos}, log size ${logSize})`;
      prevRel = rel;
      prevPos = pos;
    }
    return null;
  }
}
