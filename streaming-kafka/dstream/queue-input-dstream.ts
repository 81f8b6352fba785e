import type { StreamingContext } from '../context/streaming-context.js';
import { BatchData } from '../rdd/batch-data.js';
import { InputDStream } from './input-dstream.js';

/**
 * Spark's `QueueInputDStream` (`ssc.queueStream(queue, oneAtATime, defaultRDD)`): each batch takes
 * the next batch from `queue` (an array used as a FIFO; the caller may push to it while running),
 * or with `oneAtATime = false` everything queued, as one batch (their partitions unioned). An empty
 * queue gives `defaultData`, or an empty batch. Queue items are BatchData or plain arrays (one
 * partition). Unlike Spark it reports numRecords to BatchInfo. Not checkpointable (as in Spark:
 * "queueStream doesn't support checkpointing").
 */
export class QueueInputDStream<T> extends InputDStream<T> {
  constructor(
    ssc: StreamingContext,
    readonly queue: (BatchData<T> | T[])[],
    readonly oneAtATime = true,
    readonly defaultData?: BatchData<T>,
  ) {
    super(ssc);
  }

  override get notCheckpointableReason(): string | undefined {
    return "queueStream doesn't support checkpointing. Please don't use queueStream when checkpointing is enabled.";
  }

  override compute(timeMs: number): BatchData<T> {
    const taken = this.oneAtATime ? this.queue.splice(0, this.queue.length > 0 ? 1 : 0) : this.queue.splice(0, this.queue.length);
    const batches = taken.map((b) => (b instanceof BatchData ? b : new BatchData([b])));
    const data = batches.length > 0 ? batches[0]!.union(...batches.slice(1)) : (this.defaultData ?? BatchData.empty<T>());
    this.reportInputInfo(timeMs, data.count());
    return data;
  }
}
