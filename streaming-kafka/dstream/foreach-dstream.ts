import type { BatchData } from '../rdd/batch-data.js';
import { DStream, type Job } from './dstream.js';

/**
 * Spark's `ForEachDStream`: an output operation. Registered with the graph on construction; for each
 * batch time where the parent has a valid time, `generateJob` gives a Job that computes the parent's
 * batch and calls `fn(data, timeMs)` (may be async; a throw fails the batch).
 */
export class ForEachDStream<T> extends DStream<never> {
  constructor(
    readonly parent: DStream<T>,
    private readonly fn: (data: BatchData<T>, timeMs: number) => void | Promise<void>,
    /** Output operation name (OutputOperationInfo.name), e.g. "foreachRDD", "print". */
    readonly opName: string,
  ) {
    super(parent.ssc);
    parent.ssc.graph.addOutputStream(this as ForEachDStream<unknown>);
  }
  override get slideDuration(): number {
    return this.parent.slideDuration;
  }
  override get dependencies(): DStream<unknown>[] {
    return [this.parent as DStream<unknown>];
  }
  override compute(): undefined {
    return undefined;
  }
  /** The job for `timeMs` (undefined when the parent has no batch at that time). */
  generateJob(timeMs: number, outputOpId: number): Job | undefined {
    if (!this.parent.isTimeValid(timeMs)) return undefined;
    return {
      time: timeMs,
      outputOpId,
      name: this.opName,
      run: async () => {
        const data = await this.parent.getOrCompute(timeMs);
        if (data !== undefined) await this.fn(data, timeMs);
      },
    };
  }
}
