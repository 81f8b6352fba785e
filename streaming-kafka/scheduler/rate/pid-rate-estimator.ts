import { IllegalArgumentException } from '../../util/errors.js';
import type { StreamingConf } from '../../util/conf.js';

/** Spark's `RateEstimator`: a new ingestion rate (records/s) from a completed batch's numbers, or undefined. */
export interface RateEstimator {
  /**
   * @param timeMs batch completion time (ms)
   * @param numElements records processed
   * @param processingDelayMs ms
   * @param schedulingDelayMs ms
   */
  compute(timeMs: number, numElements: number, processingDelayMs: number, schedulingDelayMs: number): number | undefined;
}

/**
 * Spark's `PIDRateEstimator` (streaming/scheduler/rate/PIDRateEstimator.scala), same arithmetic:
 * only for `time > latestTime && numElements > 0 && processingDelay > 0`;
 * processingRate = n / procDelay × 1000; error = latestRate − processingRate;
 * historicalError = schedDelay × processingRate / batchInterval; dError = (error − latestError) / secondsSinceUpdate;
 * newRate = max(latestRate − kp·error − ki·historicalError − kd·dError, minRate).
 * The first valid batch only seeds latestRate = processingRate and returns undefined.
 * Errors (IllegalArgumentException, Spark's texts): "Specified batch interval <b> in PIDRateEstimator is invalid.",
 * "Proportional term <p> in PIDRateEstimator should be >= 0.", "Integral term ...", "Derivative term ...",
 * "Minimum rate in PIDRateEstimator should be > 0".
 */
export class PIDRateEstimator implements RateEstimator {
  private firstRun = true;
  private latestTime = -1;
  private latestRate = -1;
  private latestError = -1;

  constructor(
    readonly batchIntervalMs: number,
    readonly proportional: number,
    readonly integral: number,
    readonly derivative: number,
    readonly minRate: number,
  ) {
    const req = (c: boolean, m: string): void => {
      if (!c) throw new IllegalArgumentException(`requirement failed: ${m}`);
    };
    req(batchIntervalMs > 0, `Specified batch interval ${batchIntervalMs} in PIDRateEstimator is invalid.`);
    req(proportional >= 0, `Proportional term ${proportional} in PIDRateEstimator should be >= 0.`);
    req(integral >= 0, `Integral term ${integral} in PIDRateEstimator should be >= 0.`);
    req(derivative >= 0, `Derivative term ${derivative} in PIDRateEstimator should be >= 0.`);
    req(minRate > 0, 'Minimum rate in PIDRateEstimator should be > 0');
  }

  compute(timeMs: number, numElements: number, processingDelayMs: number, schedulingDelayMs: number): number | undefined {
    if (!(timeMs > this.latestTime && numElements > 0 && processingDelayMs > 0)) return undefined;
    const delaySinceUpdate = (timeMs - this.latestTime) / 1000;
    const processingRate = (numElements / processingDelayMs) * 1000;
    const error = this.latestRate - processingRate;
    const historicalError = (schedulingDelayMs * processingRate) / this.batchIntervalMs;
    const dError = (error - this.latestError) / delaySinceUpdate;
    const newRate = Math.max(this.latestRate - this.proportional * error - this.integral * historicalError - this.derivative * dError, this.minRate);
    this.latestTime = timeMs;
    if (this.firstRun) {
      this.latestRate = processingRate;
      this.latestError = 0;
      this.firstRun = false;
      return undefined;
    }
    this.latestRate = newRate;
    this.latestError = error;
    return newRate;
  }
}

/**
 * Spark's `RateEstimator.create(conf, batchInterval)`: `spark.streaming.backpressure.rateEstimator`
 * ("pid"), with `spark.streaming.backpressure.pid.proportional` (1.0), `.integral` (0.2),
 * `.derived` (0.0), `.minRate` (100). Errors: IllegalArgumentException("Unknown rate estimator: <x>").
 */
export function createRateEstimator(conf: StreamingConf, batchIntervalMs: number): RateEstimator {
  const kind = conf.get('spark.streaming.backpressure.rateEstimator') ?? 'pid';
  if (kind !== 'pid') throw new IllegalArgumentException(`Unknown rate estimator: ${kind}`);
  return new PIDRateEstimator(
    batchIntervalMs,
    conf.getNumber('spark.streaming.backpressure.pid.proportional', 1.0),
    conf.getNumber('spark.streaming.backpressure.pid.integral', 0.2),
    conf.getNumber('spark.streaming.backpressure.pid.derived', 0.0),
    conf.getNumber('spark.streaming.backpressure.pid.minRate', 100),
  );
}
