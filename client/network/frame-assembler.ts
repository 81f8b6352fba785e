/**
 * FrameAssembler: cuts a TCP byte stream into Kafka frames (`int32 size` + `size` bytes), for both
 * sides of a connection (the client's BrokerConnection and the broker's Connection). A frame that lies
 * inside one received chunk is returned as a view of it (no copy); one spread over several chunks is
 * copied into a buffer from `allocate` (the broker passes its BufferPool).
 */

/** See the module comment. */
export class FrameAssembler {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private size = -1;

  constructor(private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe) {}

  /** Bytes buffered and not yet returned as frames. */
  get buffered(): number {
    return this.bytes;
  }

  /** Add received bytes. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /**
   * The next complete frame without its size prefix, or undefined when more bytes are needed.
   * `checkSize` sees each size field as soon as it is read and may throw to refuse it (the frame
   * is not buffered further then).
   */
  next(checkSize?: (size: number) => void): Buffer | undefined {
    if (this.size < 0) {
      if (this.bytes < 4) return undefined;
      const size = this.take(4).readInt32BE(0);
      checkSize?.(size);
      this.size = size;
    }
    if (this.bytes < this.size) return undefined;
    const frame = this.take(this.size);
    this.size = -1;
    return frame;
  }

  /** Drop everything buffered. */
  clear(): void {
    this.chunks = [];
    this.bytes = 0;
    this.size = -1;
  }

  /** Remove `n` bytes from the front (a view when they lie in one chunk, else a copy). */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    this.bytes -= n;
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = n === 4 ? Buffer.allocUnsafe(4) : this.allocate(n);
    let pos = 0;
    while (pos < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - pos);
      c.copy(out, pos, 0, k);
      pos += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    return out;
  }
}
