import type { StreamingConf } from '../util/conf.js';
import { tpKey, type TopicPartition } from './offset-range.js';

/**
 * Spark's `DirectKafkaInputDStream.maxMessagesPerPartition` (kafka010): how many records each
 * partition may contribute to one batch, or undefined for no limit.
 * - `estimatedRate` (records/s, from backpressure; undefined or ≤ 0 = none): split over partitions
 *   by lag (`lag_tp / totalLag * rate`), each capped by `maxRatePerPartition` when > 0;
 *   without it every partition gets `maxRatePerPartition`.
 * - If the summed per-partition rates are > 0: `max(floor(batchSecs * rate_tp), minRatePerPartition)`,
 *   else no limit.
 * Conf: `spark.streaming.kafka.maxRatePerPartition` (0 = none), `spark.streaming.kafka.minRatePerPartition` (1).
 */
export function maxMessagesPerPartition(
  offsets: { tp: TopicPartition; current: number; latest: number }[],
  conf: StreamingConf,
  batchDurationMs: number,
  estimatedRate?: number,
): Map<string, number> | undefined {
  const maxRate = conf.getNumber('spark.streaming.kafka.maxRatePerPartition', 0);
  const minRate = conf.getNumber('spark.streaming.kafka.minRatePerPartition', 1);
  let rates: [string, number][];
  if (estimatedRate !== undefined && estimatedRate > 0) {
    const lags = offsets.map((o) => [tpKey(o.tp), Math.max(o.latest - o.current, 0)] as [string, number]);
    const totalLag = lags.reduce((a, [, l]) => a + l, 0);
    rates = lags.map(([k, lag]) => {
      const backpressureRate = totalLag === 0 ? 0 : (lag / totalLag) * estimatedRate; // Spark: NaN → 0
      return [k, maxRate > 0 ? Math.min(backpressureRate, maxRate) : backpressureRate];
    });
  } else {
    rates = offsets.map((o) => [tpKey(o.tp), maxRate]);
  }
  const total = rates.reduce((a, [, r]) => a + r, 0);
  if (!(total > 0)) return undefined;
  const secs = batchDurationMs / 1000;
  return new Map(rates.map(([k, r]) => [k, Math.max(Math.floor(secs * r), minRate)]));
}
