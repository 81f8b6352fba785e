import { BatchData } from '../rdd/batch-data.js';
import { DStream } from './dstream.js';

/**
 * A DStream computed from one parent batch by a function of its BatchData, with the parent's slide:
 * Spark's MappedDStream, FlatMappedDStream, FilteredDStream, MapPartitionedDStream and
 * ShuffledDStream are all this shape; `kind` names which (shown as the class name in messages).
 */
export class DerivedDStream<T, U> extends DStream<U> {
  constructor(
    readonly parent: DStream<T>,
    private readonly fn: (data: BatchData<T>, timeMs: number) => BatchData<U>,
    private readonly kind: string,
  ) {
    super(parent.ssc);
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
    const data = await this.parent.getOrCompute(timeMs);
    return data === undefined ? undefined : this.fn(data, timeMs);
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
