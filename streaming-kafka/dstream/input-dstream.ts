import type { StreamingContext } from '../context/streaming-context.js';
import type { BatchData } from '../rdd/batch-data.js';
import type { RateController } from '../scheduler/rate/rate-controller.js';
import { DStream } from './dstream.js';

/**
 * Spark's `InputDStream`: a source with no parent, one batch per batch interval. The hook points a
 * source implements:
 * - `prepareBatch(timeMs)`: called when the batch is generated (before the batch's checkpoint is
 *   written and its output operations run): the source decides what the batch holds (for Kafka:
 *   offset ranges) and reports it with `reportInputInfo(timeMs, numRecords, metadata)` (shown in
 *   BatchInfo.streamIdToInputInfo). Default: compute the batch right then.
 * - `compute(timeMs)` (may be async): the batch's data; for ReplayableInputDStream it runs inside
 *   the batch's first output operation (so reading counts as processing time, as in Spark).
 * - `start()` / `stop()`: open and close connections (called by StreamingContext start/stop).
 * - `checkpointData()` / `restoreCheckpointData(data)`: JSON-able per-batch metadata written into
 *   every checkpoint and given back on recovery, so that a recovered batch reads exactly the same
 *   data (see ReplayableInputDStream for the generic form used by the Direct Kafka stream).
 * - `checkpointable`: false for sources that cannot be recovered (queueStream, as in Spark).
 */
export abstract class InputDStream<T> extends DStream<T> {
  constructor(ssc: StreamingContext) {
    super(ssc);
    ssc.graph.addInputStream(this as InputDStream<unknown>);
  }

  override get slideDuration(): number {
    return this.ssc.batchDurationMs;
  }
  override get dependencies(): DStream<unknown>[] {
    return [];
  }

  /**
   * Spark's `InputDStream.name`: the class name with "InputDStream" → "Stream", split into lower-case
   * words, capitalised, then the id: `QueueInputDStream` → "Queue stream [0]", `KafkaInputDStream` →
   * "Kafka stream [1]", `PluggableInputDStream` → "Pluggable stream [2]". Streams may override it
   * (the Direct stream: "Kafka 0.10 direct stream [id]").
   */
  get name(): string {
    const words = this.constructor.name
      .replace(/InputDStream$/, 'Stream')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return `${words.charAt(0).toUpperCase()}${words.slice(1)} [${this.id}]`;
  }

  /** Spark's `rateController`: registered as a StreamingListener at start when defined (backpressure). */
  rateController: RateController | undefined;

  /** Why this source cannot be checkpointed, or undefined when it can. */
  get notCheckpointableReason(): string | undefined {
    return undefined;
  }

  /**
   * Called when batch `timeMs` is generated, before its checkpoint is written and its jobs are
   * submitted: decide what the batch holds and report it. Default: compute the batch now.
   */
  async prepareBatch(timeMs: number): Promise<void> {
    await this.getOrCompute(timeMs);
  }

  /** Open the source (called by StreamingContext.start before the first batch). */
  start(): Promise<void> | void {}
  /** Close the source (called by StreamingContext.stop). */
  stop(): Promise<void> | void {}

  /** Report a batch's input size and metadata (Spark's InputInfoTracker.reportInfo). */
  protected reportInputInfo(timeMs: number, numRecords: number, metadata: Record<string, unknown> = {}): void {
    this.ssc.scheduler.inputInfoTracker.reportInfo(timeMs, { inputStreamId: this.id, numRecords, metadata });
  }
}

/**
 * An input whose batches are described by small JSON-able metadata `M` (for Kafka: the batch's
 * offset ranges), planned once when the batch is generated and checkpointed, then read; a batch
 * recovered from a checkpoint is re-read from its saved metadata, so it holds exactly the same
 * records (Spark's DirectKafkaInputDStream with its DirectKafkaInputDStreamCheckpointData).
 * Subclasses implement:
 * - `planBatch(timeMs)`: decide the batch (e.g. latest offsets clamped by rate limits);
 * - `readBatch(timeMs, meta)`: read exactly what `meta` says;
 * - `numRecordsOf(meta)`: the record count (BatchInfo.numRecords);
 * - optionally `describe(meta)` (StreamInputInfo metadata) and `onRestored(batches)` (e.g. set the
 *   next start offsets from the last recovered batch).
 */
export abstract class ReplayableInputDStream<T, M> extends InputDStream<T> {
  /** Planned metadata by batch time (Spark's batchForTime), kept for rememberDuration. */
  protected readonly batchMeta = new Map<number, M>();

  /** Plan the batch at `timeMs`. */
  protected abstract planBatch(timeMs: number): Promise<M> | M;
  /** Read the batch described by `meta`. */
  protected abstract readBatch(timeMs: number, meta: M): Promise<BatchData<T>> | BatchData<T>;
  /** Number of records in the batch described by `meta`. */
  protected abstract numRecordsOf(meta: M): number;
  /** StreamInputInfo metadata for a batch (default `{ batch: meta }`). */
  protected describe(meta: M): Record<string, unknown> {
    return { batch: meta };
  }
  /** Called after restore with the recovered batches in time order. */
  protected onRestored(_batches: [number, M][]): void {}

  /** Plan (or take the recovered plan of) batch `timeMs` and report its input info; the data is read later, by compute. */
  override async prepareBatch(timeMs: number): Promise<void> {
    if (!this.isTimeValid(timeMs)) return;
    let meta = this.batchMeta.get(timeMs);
    if (meta === undefined) {
      meta = await this.planBatch(timeMs);
      this.batchMeta.set(timeMs, meta);
    }
    this.reportInputInfo(timeMs, this.numRecordsOf(meta), this.describe(meta));
  }

  override async compute(timeMs: number): Promise<BatchData<T>> {
    let meta = this.batchMeta.get(timeMs);
    if (meta === undefined) {
      meta = await this.planBatch(timeMs);
      this.batchMeta.set(timeMs, meta);
    }
    return this.readBatch(timeMs, meta);
  }

  /** The metadata of the batch at `timeMs`, if planned and still remembered. */
  metadataFor(timeMs: number): M | undefined {
    return this.batchMeta.get(timeMs);
  }

  override clearMetadata(timeMs: number): void {
    super.clearMetadata(timeMs);
    const remember = this.rememberDuration ?? this.slideDuration;
    for (const t of [...this.batchMeta.keys()]) if (t <= timeMs - remember) this.batchMeta.delete(t);
  }

  /** `{ batches: [[timeMs, meta], ...] }` in time order. */
  override checkpointData(): unknown {
    return { batches: [...this.batchMeta.entries()].sort((a, b) => a[0] - b[0]) };
  }

  override restoreCheckpointData(data: unknown): void {
    const batches = ((data as { batches?: [number, M][] } | undefined)?.batches ?? []).slice().sort((a, b) => a[0] - b[0]);
    for (const [t, m] of batches) this.batchMeta.set(t, m);
    this.onRestored(batches);
  }
}
