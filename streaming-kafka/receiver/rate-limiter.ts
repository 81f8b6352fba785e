import { performance } from 'node:perf_hooks';
import type { StreamingConf } from '../util/conf.js';

/**
 * Below this wait (ms) a record is admitted at once and its share of time is owed; the debt is
 * paid by the first record whose wait reaches it (one timer per ~10 ms of records, not per record).
 */
const SLEEP_CHUNK_MS = 10;

/**
 * Spark's `RateLimiter` (streaming/receiver/RateLimiter.scala, backed by Guava's smooth-bursty
 * RateLimiter): `waitToPush()` admits records at `rate` records/s (wall time), with up to one
 * second of unused permits saved for a burst, as Guava's `SmoothBursty(maxBurstSeconds = 1)`.
 *
 * - `spark.streaming.receiver.maxRate` (records/s, default unlimited; ≤ 0 = unlimited) is the cap.
 * - The initial rate is `min(spark.streaming.backpressure.initialRate, maxRate)` (unset initialRate = maxRate).
 * - `updateRate(newRate)`: ignored when `newRate <= 0`, else the rate becomes `min(newRate, maxRate)`.
 *
 * Cheap per record: one `performance.now()` and a little arithmetic; no timer per record. A record
 * whose wait is under 10 ms is admitted immediately (so admissions come in bursts of about 10 ms
 * worth of records), and the first record whose wait reaches 10 ms sleeps it off: the long-run
 * rate is exact, the short-run jitter at most ~10 ms of records.
 */
export class RateLimiter {
  /** Spark's maxRateLimit, records/s (Infinity = none). */
  readonly maxRateLimit: number;
  private rate: number;
  /** When the next fresh permit is available, ms (performance.now()). */
  private nextFreeMs = -1;
  private storedPermits = 0;
  private maxPermits: number;

  constructor(conf: StreamingConf) {
    const max = conf.getNumber('spark.streaming.receiver.maxRate');
    this.maxRateLimit = max === undefined || max <= 0 ? Infinity : max;
    const initial = conf.getNumber('spark.streaming.backpressure.initialRate');
    this.rate = Math.min(initial === undefined || initial <= 0 ? this.maxRateLimit : initial, this.maxRateLimit);
    this.maxPermits = this.rate;
  }

  /**
   * Spark's `waitToPush()`: account one record; resolves when it may be pushed. Returns undefined
   * (no promise, no wait) when the record may be pushed right away, so callers can skip an await.
   */
  waitToPush(): Promise<void> | undefined {
    if (this.rate === Infinity) return undefined;
    const now = performance.now();
    if (this.nextFreeMs < 0) this.nextFreeMs = now;
    if (now > this.nextFreeMs) {
      this.storedPermits = Math.min(this.maxPermits, this.storedPermits + ((now - this.nextFreeMs) * this.rate) / 1000);
      this.nextFreeMs = now;
    }
    const wait = this.nextFreeMs - now;
    const fromStored = Math.min(1, this.storedPermits);
    this.storedPermits -= fromStored;
    this.nextFreeMs += ((1 - fromStored) * 1000) / this.rate;
    if (wait < SLEEP_CHUNK_MS) return undefined;
    return new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }

  /** Spark's `getCurrentLimit`: the rate in records/s (Infinity when unlimited; Spark says Long.MaxValue). */
  getCurrentLimit(): number {
    return this.rate;
  }

  /**
   * Spark's `updateRate(newRate)`: records/s; no effect when `newRate <= 0`; capped by maxRate.
   * Saved burst permits are rescaled to the new rate (Guava's SmoothBursty.doSetRate).
   */
  updateRate(newRate: number): void {
    if (!(newRate > 0)) return;
    const rate = Math.min(newRate, this.maxRateLimit);
    const now = performance.now();
    if (this.nextFreeMs >= 0 && now > this.nextFreeMs && this.rate !== Infinity) {
      this.storedPermits = Math.min(this.maxPermits, this.storedPermits + ((now - this.nextFreeMs) * this.rate) / 1000);
      this.nextFreeMs = now;
    }
    const oldMax = this.maxPermits;
    this.maxPermits = rate;
    this.storedPermits = oldMax === Infinity ? rate : oldMax === 0 ? 0 : (this.storedPermits * rate) / oldMax;
    if (rate === Infinity) this.storedPermits = 0;
    if (this.rate === Infinity || this.nextFreeMs < 0) this.nextFreeMs = now;
    this.rate = rate;
  }
}
