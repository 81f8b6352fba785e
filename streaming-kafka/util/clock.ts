/**
 * Clocks, as Spark's `org.apache.spark.util.Clock`: `SystemClock` (wall time) and `ManualClock`
 * (time moves only when a test calls `advance`/`setTime`). The StreamingContext's batch timer, and
 * the BatchInfo times (submission, processing start/end), read this clock; tests pass a ManualClock
 * to drive batches deterministically and fast (Spark selects it with `spark.streaming.clock`; here
 * it is the `clock` option of the StreamingContext).
 */

/** Spark's `Clock`: current time in ms and a wait until a given time. */
export interface Clock {
  /** Current time, ms. */
  getTimeMillis(): number;
  /**
   * Resolve once the clock reads at least `targetMs`, with the clock's time then. `signal` abandons
   * the wait (the promise then resolves with the time at abort).
   */
  waitTillTime(targetMs: number, signal?: AbortSignal): Promise<number>;
}

/** Spark's `SystemClock`: `Date.now()`; waits with timers. */
export class SystemClock implements Clock {
  getTimeMillis(): number {
    return Date.now();
  }
  waitTillTime(targetMs: number, signal?: AbortSignal): Promise<number> {
    return new Promise((resolve) => {
      const check = (): void => {
        const now = Date.now();
        if (signal?.aborted || now >= targetMs) {
          signal?.removeEventListener('abort', onAbort);
          resolve(now);
          return;
        }
        timer = setTimeout(check, Math.min(targetMs - now, 1000));
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(Date.now());
      };
      let timer: NodeJS.Timeout | undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}

/**
 * Spark's `ManualClock`: starts at `startMs` (default 0) and moves only with `advance(ms)` or
 * `setTime(ms)`, waking the waiters whose target time is reached.
 */
export class ManualClock implements Clock {
  private time: number;
  private waiters: { target: number; resolve: (t: number) => void }[] = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }
  getTimeMillis(): number {
    return this.time;
  }
  /** Set the time (ms) and wake due waiters. */
  setTime(ms: number): void {
    this.time = ms;
    this.wake();
  }
  /** Move the time forward by `ms` and wake due waiters. */
  advance(ms: number): void {
    this.setTime(this.time + ms);
  }
  waitTillTime(targetMs: number, signal?: AbortSignal): Promise<number> {
    if (this.time >= targetMs || signal?.aborted) return Promise.resolve(this.time);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.time);
      };
      const waiter = {
        target: targetMs,
        resolve: (t: number) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(t);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  private wake(): void {
    const due = this.waiters.filter((w) => w.target <= this.time);
    this.waiters = this.waiters.filter((w) => w.target > this.time);
    for (const w of due) w.resolve(this.time);
  }
}
