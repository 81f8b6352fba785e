/**
 * Spark's `Checkpoint` (streaming/Checkpoint.scala), as JSON: what a StreamingContext needs to
 * recover. Unlike Spark, the DStream graph itself (its functions) is not stored — JavaScript
 * functions cannot be serialised — so `StreamingContext.getOrCreate` rebuilds the graph by calling
 * the user's `create` function, and matches the stored stream data to the rebuilt streams by id
 * (creation order) after checking that the class names (`graphSignature`) agree.
 */
export interface CheckpointRecord {
  version: 1;
  appName: string | undefined;
  /** Batch time this checkpoint was taken for, ms. */
  checkpointTime: number;
  batchDurationMs: number;
  checkpointDurationMs: number;
  /** The graph's zero time, ms. */
  zeroTime: number;
  /** Batches generated and not completed at that moment, ms. */
  pendingTimes: number[];
  /** Checkpoint data of the streams: input metadata (e.g. offset ranges), saved state. */
  streams: { id: number; className: string; data: unknown }[];
  /** Stream class names by id. */
  graphSignature: string[];
  /** All conf pairs. */
  conf: Record<string, string>;
}

/** Parse and validate a stored checkpoint; undefined when it is not one. */
export function parseCheckpoint(text: string): CheckpointRecord | undefined {
  try {
    const cp = JSON.parse(text) as CheckpointRecord;
    if (cp?.version !== 1 || typeof cp.checkpointTime !== 'number' || !Array.isArray(cp.pendingTimes) || !Array.isArray(cp.streams)) return undefined;
    return cp;
  } catch {
    return undefined;
  }
}
