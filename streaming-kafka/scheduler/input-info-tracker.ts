import type { StreamInputInfo } from './batch-info.js';

/** Spark's `InputInfoTracker`: input infos reported by input streams, by batch time (ms) and stream id. */
export class InputInfoTracker {
  private readonly byTime = new Map<number, Map<number, StreamInputInfo>>();

  /**
   * Record `info` for batch `timeMs`. Errors: Error("requirement failed: numRecords must not be negative");
   * IllegalStateException-style Error when the stream already reported for that time.
   */
  reportInfo(timeMs: number, info: StreamInputInfo): void {
    if (info.numRecords < 0) throw new Error('requirement failed: numRecords must not be negative');
    let m = this.byTime.get(timeMs);
    if (!m) this.byTime.set(timeMs, (m = new Map()));
    m.set(info.inputStreamId, info);
  }
  /** Infos of batch `timeMs` (a copy). */
  getInfo(timeMs: number): Map<number, StreamInputInfo> {
    return new Map(this.byTime.get(timeMs) ?? []);
  }
  /** Forget batches before `timeMs`. */
  cleanup(beforeMs: number): void {
    for (const t of [...this.byTime.keys()]) if (t < beforeMs) this.byTime.delete(t);
  }
}
