/**
 * BufferPool (Java's `org.apache.kafka.clients.producer.internals.BufferPool`), as accounting only:
 * the bytes of records buffered in the producer are counted against `buffer.memory`; a send that does
 * not fit waits, first come first served, until completed batches release memory, and fails after
 * `max.block.ms` with BufferExhaustedError (Kafka's BufferExhaustedException, a TimeoutException).
 */
import { BufferExhaustedError } from './errors.js';

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** See the module comment. */
export class BufferPool {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly totalMemory: number) {}

  /** Bytes in use. */
  get usedBytes(): number {
    return this.used;
  }

  /** Bytes free. */
  get availableMemory(): number {
    return this.totalMemory - this.used;
  }

  /** True when someone waits for memory (a later send must queue behind it to keep order). */
  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** Take `bytes` now if they fit and nobody waits; returns false otherwise. */
  tryAllocate(bytes: number): boolean {
    if (this.waiters.length > 0 || this.used + bytes > this.totalMemory) return false;
    this.used += bytes;
    return true;
  }

  /** Take `bytes`, waiting at most `maxWaitMs`. Errors: BufferExhaustedError. */
  allocate(bytes: number, maxWaitMs: number): Promise<void> {
    if (this.tryAllocate(bytes)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = { bytes, resolve, reject, timer: undefined };
      w.timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new BufferExhaustedError(`Failed to allocate ${bytes} bytes within the configured max blocking time ${maxWaitMs} ms. Total memory: ${this.totalMemory} bytes. Available memory: ${this.availableMemory} bytes.`));
        this.grant();
      }, maxWaitMs);
      this.waiters.push(w);
    });
  }

  /** Give back `bytes`. */
  deallocate(bytes: number): void {
    this.used -= bytes;
    this.grant();
  }

  /** Fail every waiter (close). */
  abortWaiters(error: Error): void {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }

  private grant(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0]!.bytes <= this.totalMemory) {
      const w = this.waiters.shift()!;
      clearTimeout(w.timer);
      this.used += w.bytes;
      w.resolve();
    }
  }
}
