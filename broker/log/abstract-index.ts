/**
 * What the offset index and the time index share (Kafka's `AbstractIndex`): fixed-size big-endian
 * entries, sorted, searched by binary search, at most `maxIndexSize / entrySize` of them, stored in a
 * file that holds exactly the entries (no preallocation, so a file is never "trimmed").
 *
 * Kafka memory-maps its index files. Node has no mmap, so the entries live in memory (a growing Buffer)
 * and are written to the file only when the segment is flushed, rolled or closed: the file is a copy for
 * the next start, not the working structure. That is safe because an index is never trusted after a
 * crash: the segments past the recovery point are rebuilt, and every other index file is checked
 * against the CRC-32C recorded when its segment was rolled or closed (see LogLoader).
 * Kafka's "warm section" search (the last 8 KiB first) exists for the page cache of the mmap and is
 * not needed for an index in memory.
 */
import fs from 'node:fs';
import { crc32c } from '../../client/records/crc32c.js';
import { readFully, writeFully } from './log-files.js';

/** Fixed-size sorted entries in memory, copied to a file (Kafka's AbstractIndex); see the module comment. */
export abstract class AbstractIndex {
  /** Path of the index file. */
  readonly file: string;
  /** Base offset of the segment this index belongs to. */
  readonly baseOffset: number;
  /** Largest number of entries (maxIndexSize / entrySize). */
  readonly maxEntries: number;
  protected buf: Buffer;
  protected count = 0;
  /** Entries already written to the file. */
  private persisted = 0;
  private fd: number | undefined;

  protected constructor(file: string, baseOffset: number, maxIndexSize: number, protected readonly entrySize: number) {
    this.file = file;
    this.baseOffset = baseOffset;
    this.maxEntries = Math.max(1, Math.floor(maxIndexSize / entrySize));
    this.buf = Buffer.alloc(Math.min(this.maxEntries, 512) * entrySize);
  }

  /** Number of entries. */
  get entries(): number {
    return this.count;
  }

  /** Bytes the entries take (and the file, once written). */
  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  /** Whether no more entries fit (the segment must roll). */
  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /**
   * Load the entries from the file. Returns false, keeping no entries, when the file is missing or its
   * size is not a whole number of entries: the caller rebuilds. (An index loaded with more entries than
   * a smaller segment.index.bytes now allows is kept and simply counts as full.)
   */
  loadFromFile(): boolean {
    let st: fs.Stats;
    try {
      st = fs.statSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    if (st.size % this.entrySize !== 0) return false;
    const n = st.size / this.entrySize;
    this.ensureCapacity(n);
    const fd = fs.openSync(this.file, 'r');
    try {
      if (readFully(fd, this.buf, 0, st.size, 0) !== st.size) return false;
    } finally {
      fs.closeSync(fd);
    }
    this.count = n;
    this.persisted = n;
    return true;
  }

  /** CRC-32C of the entries as they are (and as the file holds them after writeToFile). */
  checksum(): number {
    return crc32c(this.buf, 0, this.sizeInBytes);
  }

  protected ensureCapacity(entries: number): void {
    const need = entries * this.entrySize;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length, this.entrySize * 64);
    while (size < need) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.sizeInBytes);
    this.buf = next;
  }

  /** Reserve the next entry's slot and return its byte position. */
  protected nextSlot(): number {
    this.ensureCapacity(this.count + 1);
    return this.count++ * this.entrySize;
  }

  /** Keep only the first `n` entries. */
  truncateToEntries(n: number): void {
    this.count = Math.max(0, Math.min(n, this.count));
    if (this.persisted > this.count) {
      this.persisted = this.count;
      if (this.fd !== undefined) fs.ftruncateSync(this.fd, this.count * this.entrySize);
      else if (fs.existsSync(this.file)) fs.truncateSync(this.file, this.count * this.entrySize);
    }
  }

  /** Remove every entry (the file is emptied on the next write). */
  reset(): void {
    this.truncateToEntries(0);
    if (fs.existsSync(this.file)) fs.truncateSync(this.file, 0);
  }

  /** Write the entries not yet in the file (the file then equals the entries). Not fsynced: see the module comment. */
  writeToFile(): void {
    if (this.fd === undefined) this.fd = fs.openSync(this.file, fs.existsSync(this.file) ? 'r+' : 'w+');
    if (this.persisted < this.count) {
      const from = this.persisted * this.entrySize;
      writeFully(this.fd, this.buf, from, this.sizeInBytes - from, from);
      this.persisted = this.count;
    }
    const st = fs.fstatSync(this.fd);
    if (st.size !== this.sizeInBytes) fs.ftruncateSync(this.fd, this.sizeInBytes);
  }

  /** Write pending entries and close the file. */
  close(): void {
    this.writeToFile();
    this.closeHandle();
  }

  /** Close the file without writing. */
  closeHandle(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Index of the last entry whose key (read by `keyAt`) is ≤ target, or -1. */
  protected largestLowerBound(target: number, keyAt: (slot: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0 || keyAt(0) > target) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
