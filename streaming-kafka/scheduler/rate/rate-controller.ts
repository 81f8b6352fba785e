import type { StreamingConf } from '../../util/conf.js';
import type { StreamingListener } from '../streaming-listener.js';
import type { BatchInfo } from '../batch-info.js';
import type { RateEstimator } from './pid-rate-estimator.js';

/**
 * Spark's `RateController` (streaming/scheduler/RateController.scala): a StreamingListener of one
 * input stream; on each completed batch with processing end time, processing and scheduling delays
 * and that stream's record count, asks the estimator for a new rate and keeps it as the latest rate
 * (records/s; −1 until the first estimate), then `publish(rate)`s it (no-op here: the Direct stream
 * polls getLatestRate(); ReceiverRateController sends it to the receiver's block generators).
 * Computed synchronously here (Spark: on a single thread).
 * Enabled by `spark.streaming.backpressure.enabled` (false).
 */
export class RateController implements StreamingListener {
  private rateLimit = -1;

  constructor(
    readonly streamId: number,
    private readonly estimator: RateEstimator,
  ) {}

  /** Spark's `RateController.isBackPressureEnabled(conf)`. */
  static isBackPressureEnabled(conf: StreamingConf): boolean {
    return conf.getBoolean('spark.streaming.backpressure.enabled', false);
  }

  /** Latest estimated rate, records/s (−1 = none yet). */
  getLatestRate(): number {
    return this.rateLimit;
  }

  onBatchCompleted(event: { batchInfo: BatchInfo }): void {
    const b = event.batchInfo;
    const n = b.streamIdToInputInfo.get(this.streamId)?.numRecords;
    if (b.processingEndTime === undefined || b.processingDelay === undefined || b.schedulingDelay === undefined || n === undefined) return;
    const rate = this.estimator.compute(b.processingEndTime, n, b.processingDelay, b.schedulingDelay);
    if (rate !== undefined) {
      this.rateLimit = Math.trunc(rate);
      this.publish(this.rateLimit);
    }
  }

  /** Spark's `publish(rate)`: hand a new rate (records/s) to the source; default no-op. */
  protected publish(_rate: number): void {}
}
