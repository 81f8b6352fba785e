import { BatchData } from '../rdd/batch-data.js';
import { DStream } from './dstream.js';

/** What a checkpointed stream saves: its batch at the last checkpoint time (JSON-able elements). */
export interface SavedBatch {
  /** Batch time, ms. */
  time: number;
  partitions: unknown[][];
}

/**
 * A DStream whose batches are saved at its checkpoint times and restored on recovery (Spark marks
 * such RDDs for checkpointing: StateDStream, ReducedWindowedDStream). The elements must be
 * JSON-serialisable (numbers, strings, arrays, plain objects), and must not be mutated after being
 * returned by user functions.
 */
export abstract class CheckpointedDStream<T> extends DStream<T> {
  private saved: SavedBatch | undefined;

  protected override onCheckpointTime(timeMs: number, data: BatchData<T>): void {
    this.saved = { time: timeMs, partitions: data.partitions.map((p) => p.slice()) };
  }

  override checkpointData(): unknown {
    return this.saved;
  }

  override restoreCheckpointData(data: unknown): void {
    const saved = data as SavedBatch | undefined;
    if (!saved) return;
    this.saved = saved;
    this.setGenerated(saved.time, new BatchData(saved.partitions as T[][]));
  }
}
