import { BatchData, PipelinedBatchData, type ElementStage } from '../rdd/batch-data.js';
import { DStream } from './dstream.js';

/** Kinds of DerivedDStream whose function uses its input batch once, through one BatchData operation (map, flatMap, filter, mapValues, combineByKey). */
const SINGLE_USE_CONSUMERS = new Set(['MappedDStream', 'FlatMappedDStream', 'FilteredDStream', 'MapValuedDStream', 'ShuffledDStream']);

/**
 * A DStream computed from one parent batch by a function of its BatchData, with the parent's slide:
 * Spark's MappedDStream, FlatMappedDStream, FilteredDStream, MapPartitionedDStream and
 * ShuffledDStream are all this shape; `kind` names which (shown as the class name in messages).
 *
 * Fusion (Spark pipelines narrow transformations within a stage): a narrow stream (one with an
 * element `stage`: map, flatMap, filter, mapValues) whose batches have exactly one consumer — one
 * DerivedDStream of a single-use kind, no other child, not checkpointed, no
 * `StreamingContext.remember` — does not materialise or memoise its batches: its consumer pulls it
 * as a PipelinedBatchData (the source batch plus the chain of element functions), so
 * `flatMap → map → reduceByKey` runs as one loop per partition into the map-side combiner. Each
 * user function still runs exactly once per element. Every other stream materialises its batch.
 */
export class DerivedDStream<T, U> extends DStream<U> {
  private fusible: boolean | undefined;

  constructor(
    readonly parent: DStream<T>,
    private readonly fn: (data: BatchData<T>, timeMs: number) => BatchData<U>,
    private readonly kind: string,
    /** The per-element form of `fn` for narrow transformations (map, flatMap, filter, mapValues). */
    private readonly stage?: ElementStage,
  ) {
    super(parent.ssc);
  }

  /** True when this stream's only consumer may pull its batches as pipelines (decided once, after the graph is complete). */
  private canFuse(): boolean {
    if (this.fusible === undefined) {
      const graph = this.ssc.graph;
      const consumers = graph.streams.filter((s) => s.dependencies.includes(this as DStream<unknown>));
      const c = consumers[0];
      this.fusible =
        this.stage !== undefined &&
        this.checkpointDuration === undefined &&
        graph.rememberDuration === undefined &&
        consumers.length === 1 &&
        c instanceof DerivedDStream &&
        c.constructor === DerivedDStream &&
        SINGLE_USE_CONSUMERS.has(c.kind);
    }
    return this.fusible;
  }

  /** The parent's batch at `timeMs`: a pipeline when the parent fuses into this stream, else its memoised batch. */
  private input(timeMs: number): Promise<BatchData<T> | undefined> {
    const p = this.parent;
    return p instanceof DerivedDStream && p.canFuse() ? (p as DerivedDStream<unknown, T>).pipelined(timeMs) : p.getOrCompute(timeMs);
  }

  /** This stream's batch at `timeMs` as a pipeline (not memoised; only for its single consumer). */
  private async pipelined(timeMs: number): Promise<BatchData<U> | undefined> {
    const data = await this.input(timeMs);
    return data === undefined ? undefined : PipelinedBatchData.chain<T, U>(data, this.stage!);
  }
  override get className(): string {
    return this.kind;
  }
  override get slideDuration(): number {
    return this.parent.slideDuration;
  }
  override get dependencies(): DStream<unknown>[] {
    return [this.parent as DStream<unknown>];
  }
  override async compute(timeMs: number): Promise<BatchData<U> | undefined> {
    const data = await this.input(timeMs);
    if (data === undefined) return undefined;
    const out = this.fn(data, timeMs);
    return out instanceof PipelinedBatchData ? out.materialize() : out;
  }
}

/**
 * Spark's `TransformedDStream`: `fn(parentBatches, timeMs)` over one or more parents with the same
 * slide (transform, transformWith); `fn` may be async. Parents without a batch at the time are given
 * as empty batches, as Spark does.
 */
export class TransformedDStream<U> extends DStream<U> {
  constructor(
    readonly parents: DStream<unknown>[],
    private readonly fn: (data: BatchData<unknown>[], timeMs: number) => BatchData<U> | Promise<BatchData<U>>,
  ) {
    super(parents[0]!.ssc);
    if (new Set(parents.map((p) => p.slideDuration)).size > 1) throw new Error('Some of the DStreams have different slide durations');
  }
  override get slideDuration(): number {
    return this.parents[0]!.slideDuration;
  }
  override get dependencies(): DStream<unknown>[] {
    return this.parents;
  }
  override async compute(timeMs: number): Promise<BatchData<U> | undefined> {
    const inputs = await Promise.all(this.parents.map(async (p) => (await p.getOrCompute(timeMs)) ?? BatchData.empty<unknown>()));
    return this.fn(inputs, timeMs);
  }
}

/**
 * Spark's `UnionDStream`: the partitions of all parents' batches at the same time.
 * Errors: "Some of the DStreams have different contexts" / "Some of the DStreams have different slide durations"
 * (IllegalArgumentException in Spark; plain Error here).
 */
export class UnionDStream<T> extends DStream<T> {
  constructor(readonly parents: DStream<T>[]) {
    super(parents[0]!.ssc);
    if (new Set(parents.map((p) => p.ssc)).size > 1) throw new Error('Some of the DStreams have different contexts');
    if (new Set(parents.map((p) => p.slideDuration)).size > 1) throw new Error('Some of the DStreams have different slide durations');
  }
  override get slideDuration(): number {
    return this.parents[0]!.slideDuration;
  }
  override get dependencies(): DStream<unknown>[] {
    return this.parents as DStream<unknown>[];
  }
  override async compute(timeMs: number): Promise<BatchData<T> | undefined> {
    const parts = (await Promise.all(this.parents.map((p) => p.getOrCompute(timeMs)))).filter((d): d is BatchData<T> => d !== undefined);
    if (parts.length === 0) return undefined;
    return parts[0]!.union(...parts.slice(1));
  }
}
