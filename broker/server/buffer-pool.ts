/**
 * A pool of large Buffers for the two big byte streams of a broker: Produce request frames (read from
 * the socket, appended to the log, then free) and Fetch answers (read from the log, written to the
 * socket, then free). On this kind of VM touching fresh memory costs 0.35–2.2 GB/s against ~40 GB/s
 * for memory touched before (../shared/reference/machine-limits.md), so reusing a few MiB of buffers
 * instead of allocating ~1 MiB per request saves most of the broker's CPU per record.
 *
 * Buffers come in power-of-two size classes from 64 KiB to 16 MiB, each its own ArrayBuffer; smaller
 * and larger requests get a plain allocation. At most `maxPooledBytes` (default 64 MiB) are kept idle.
 * A buffer must be released once, and only when nothing refers to it any more.
 */

const MIN_CLASS = 16; // 64 KiB
const MAX_CLASS = 24; // 16 MiB

/** See the module comment. */
export class BufferPool {
  private readonly free: Buffer[][] = [];
  private idleBytes = 0;
  /** Buffers handed out and not yet released, by their ArrayBuffer. */
  private readonly lent = new WeakMap<ArrayBufferLike, number>();

  constructor(private readonly maxPooledBytes = 64 * 1024 * 1024) {
    for (let c = 0; c <= MAX_CLASS; c++) this.free.push([]);
  }

  /** Whether a buffer of `size` bytes would come from the pool. */
  static pooled(size: number): boolean {
    return size >= 1 << MIN_CLASS && size <= 1 << MAX_CLASS;
  }

  /** A Buffer of exactly `size` bytes (contents undefined). */
  acquire(size: number): Buffer {
    if (!BufferPool.pooled(size)) return Buffer.allocUnsafe(size);
    const cls = Math.max(MIN_CLASS, 32 - Math.clz32(size - 1));
    const slab = this.free[cls]!.pop();
    let whole: Buffer;
    if (slab) {
      this.idleBytes -= slab.length;
      whole = slab;
    } else whole = Buffer.allocUnsafeSlow(1 << cls);
    this.lent.set(whole.buffer, cls);
    return whole.subarray(0, size);
  }

  /** Give back a buffer from acquire (others are ignored). */
  release(buf: Buffer): void {
    const cls = this.lent.get(buf.buffer);
    if (cls === undefined) return;
    this.lent.delete(buf.buffer);
    const size = 1 << cls;
    if (this.idleBytes + size > this.maxPooledBytes) return;
    this.free[cls]!.push(Buffer.from(buf.buffer, 0, size));
    this.idleBytes += size;
  }
}
