import type { Clock } from './clock.js';

/**
 * Spark's `RecurringTimer` (streaming/util/RecurringTimer.scala): calls `callback(t)` at
 * `t = start, start + period, ...` as read on `clock`. `getStartTime()` is the next multiple of the
 * period after now; `getRestartTime(originalStart)` the next time aligned with the original start.
 */
export class RecurringTimer {
  private abort = new AbortController();
  private running = false;
  private nextTime = -1;
  /** Settles when the loop has exited after `stop()`. */
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    /** Period, ms. */
    readonly periodMs: number,
    private readonly callback: (timeMs: number) => void,
  ) {}

  /** `(floor(now / period) + 1) * period` (ms). */
  getStartTime(): number {
    return (Math.floor(this.clock.getTimeMillis() / this.periodMs) + 1) * this.periodMs;
  }

  /** `((now - originalStart) / period + 1) * period + originalStart` (integer division, ms). */
  getRestartTime(originalStartMs: number): number {
    return (Math.floor((this.clock.getTimeMillis() - originalStartMs) / this.periodMs) + 1) * this.periodMs + originalStartMs;
  }

  /** Start ticking at `startMs` (default getStartTime()); returns the start time. */
  start(startMs = this.getStartTime()): number {
    this.nextTime = startMs;
    this.running = true;
    this.loop = this.run();
    return startMs;
  }

  /** Stop: no callback after this returns; resolves with the last time that was called back (or -1). */
  async stop(): Promise<number> {
    this.running = false;
    this.abort.abort();
    await this.loop;
    return this.nextTime - this.periodMs;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.clock.waitTillTime(this.nextTime, this.abort.signal);
      if (!this.running) return;
      this.callback(this.nextTime);
      this.nextTime += this.periodMs;
    }
  }
}
