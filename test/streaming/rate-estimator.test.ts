/**
 * Spark's PIDRateEstimator arithmetic and checks, and RateEstimator.create's conf handling
 * (PIDRateEstimatorSuite / RateEstimatorSuite-style cases).
 */
import { describe, expect, it } from 'vitest';
import { PIDRateEstimator, StreamingConf, createRateEstimator } from '../../streaming-kafka/index.js';

describe('PIDRateEstimator', () => {
  it('the first valid batch only seeds the rate; with only a proportional term the next estimate is the processing rate', () => {
    const p = new PIDRateEstimator(1000, 1, 0, 0, 10);
    expect(p.compute(10, 1000, 1000, 0)).toBeUndefined(); // seeds 1000 records/s
    expect(p.compute(20, 2000, 1000, 0)).toBe(2000);
    expect(p.compute(30, 500, 1000, 0)).toBe(500);
  });
  it('ignores batches without records, without processing delay, or not newer', () => {
    const p = new PIDRateEstimator(1000, 1, 0, 0, 10);
    expect(p.compute(10, 0, 1000, 0)).toBeUndefined();
    expect(p.compute(10, 100, 0, 0)).toBeUndefined();
    expect(p.compute(10, 100, 100, 0)).toBeUndefined(); // seed 1000/s
    expect(p.compute(10, 100, 100, 0)).toBeUndefined(); // same time
    expect(p.compute(11, 100, 50, 0)).toBe(2000);
  });
  it('the integral term lowers the rate by the scheduling delay backlog; never below minRate', () => {
    const p = new PIDRateEstimator(1000, 1.0, 0.2, 0, 100);
    p.compute(1000, 1000, 1000, 0); // seed 1000/s
    // processingRate 1000; error 0; historicalError = 2000 × 1000 / 1000 = 2000 → 1000 − 0.2 × 2000 = 600
    expect(p.compute(2000, 1000, 1000, 2000)).toBe(600);
    // processingRate 10/s: error = 600 − 10 = 590 → 600 − 590 = 10 → minRate 100
    expect(p.compute(3000, 10, 1000, 0)).toBe(100);
  });
  it("checks its parameters with Spark's messages", () => {
    expect(() => new PIDRateEstimator(0, 1, 0, 0, 1)).toThrow('requirement failed: Specified batch interval 0 in PIDRateEstimator is invalid.');
    expect(() => new PIDRateEstimator(1, -1, 0, 0, 1)).toThrow('requirement failed: Proportional term -1 in PIDRateEstimator should be >= 0.');
    expect(() => new PIDRateEstimator(1, 1, -1, 0, 1)).toThrow('requirement failed: Integral term -1 in PIDRateEstimator should be >= 0.');
    expect(() => new PIDRateEstimator(1, 1, 0, -1, 1)).toThrow('requirement failed: Derivative term -1 in PIDRateEstimator should be >= 0.');
    expect(() => new PIDRateEstimator(1, 1, 0, 0, 0)).toThrow('requirement failed: Minimum rate in PIDRateEstimator should be > 0');
  });
  it('RateEstimator.create: pid with Spark defaults (1.0, 0.2, 0.0, 100); unknown estimators rejected', () => {
    const e = createRateEstimator(new StreamingConf(), 1000) as PIDRateEstimator;
    expect([e.proportional, e.integral, e.derivative, e.minRate]).toEqual([1.0, 0.2, 0.0, 100]);
    const f = createRateEstimator(new StreamingConf({ 'spark.streaming.backpressure.pid.minRate': 5, 'spark.streaming.backpressure.pid.proportional': 0.5 }), 1000) as PIDRateEstimator;
    expect([f.proportional, f.minRate]).toEqual([0.5, 5]);
    expect(() => createRateEstimator(new StreamingConf({ 'spark.streaming.backpressure.rateEstimator': 'magic' }), 1000)).toThrow('Unknown rate estimator: magic');
  });
});
