import { keyId, partitionOf } from '../util/keys.js';

/**
 * The data of one batch of one DStream: Spark's `RDD`, held in memory as partitions (arrays of
 * elements). A Kafka batch has one partition per Kafka partition; transformations run per
 * partition; shuffles (reduceByKey, groupByKey...) hash keys into `numPartitions` partitions
 * (Spark's HashPartitioner). Instances are immutable: every operation returns a new BatchData.
 */
export class BatchData<T> {
  private readonly parts: readonly (readonly T[])[];

  constructor(partitions: readonly (readonly T[])[]) {
    this.parts = partitions;
  }

  /** The partitions, in order. Do not mutate. */
  get partitions(): readonly (readonly T[])[] {
    return this.parts;
  }

  /** A BatchData of `elements` split into `numSlices` (default 1) contiguous partitions (Spark's `makeRDD`). */
  static of<T>(elements: readonly T[], numSlices = 1): BatchData<T> {
    if (numSlices <= 1) return new BatchData([elements.slice()]);
    const parts: T[][] = [];
    for (let i = 0; i < numSlices; i++) {
      parts.push(elements.slice(Math.floor((i * elements.length) / numSlices), Math.floor(((i + 1) * elements.length) / numSlices)));
    }
    return new BatchData(parts);
  }

  /** An empty BatchData (no partitions; Spark's `emptyRDD`). */
  static empty<T>(): BatchData<T> {
    return new BatchData<T>([]);
  }

  /** Number of partitions. */
  get numPartitions(): number {
    return this.partitions.length;
  }
  /** Number of elements. */
  count(): number {
    let n = 0;
    for (const p of this.partitions) n += p.length;
    return n;
  }
  /** True when there is no element. */
  isEmpty(): boolean {
    return this.partitions.every((p) => p.length === 0);
  }
  /** All elements, partition by partition. */
  collect(): T[] {
    return this.partitions.flat() as T[];
  }
  /** The first `n` elements, partition order. */
  take(n: number): T[] {
    const out: T[] = [];
    for (const p of this.partitions) {
      for (const e of p) {
        if (out.length >= n) return out;
        out.push(e);
      }
    }
    return out;
  }
  /** Apply `f` to each element, per partition. */
  map<U>(f: (e: T) => U): BatchData<U> {
    return new BatchData(this.partitions.map((p) => p.map(f)));
  }
  /** Apply `f` and flatten, per partition. */
  flatMap<U>(f: (e: T) => Iterable<U>): BatchData<U> {
    return new BatchData(
      this.partitions.map((p) => {
        const out: U[] = [];
        for (let i = 0; i < p.length; i++) {
          const r = f(p[i]!);
          if (Array.isArray(r)) for (let j = 0; j < r.length; j++) out.push(r[j] as U);
          else for (const u of r) out.push(u);
        }
        return out;
      }),
    );
  }
  /** Keep elements for which `f` is true. */
  filter(f: (e: T) => boolean): BatchData<T> {
    return new BatchData(this.partitions.map((p) => p.filter(f)));
  }
  /** Apply `f` to each whole partition (with its index). */
  mapPartitions<U>(f: (partition: readonly T[], index: number) => Iterable<U>): BatchData<U> {
    return new BatchData(this.partitions.map((p, i) => Array.from(f(p, i))));
  }
  /** Spark's `RDD.union`: the partitions of this followed by those of `others`. */
  union(...others: BatchData<T>[]): BatchData<T> {
    return new BatchData([...this.partitions, ...others.flatMap((o) => o.partitions)]);
  }
  /** Call `f` on each element. */
  foreach(f: (e: T) => void): void {
    for (const p of this.partitions) for (const e of p) f(e);
  }

  /**
   * Spark's `reduceByKey(f, numPartitions)` on `[key, value]` elements: values of a key reduced
   * with `f` (map-side per partition first, then per key), hashed into `numPartitions` partitions
   * (default: this batch's partition count, at least 1).
   */
  reduceByKey<K, V>(this: BatchData<[K, V]>, f: (a: V, b: V) => V, numPartitions?: number): BatchData<[K, V]> {
    return this.combineByKey<K, V, V>((v) => v, f, f, numPartitions);
  }

  /** Spark's `groupByKey(numPartitions)`: `[key, values[]]`. */
  groupByKey<K, V>(this: BatchData<[K, V]>, numPartitions?: number): BatchData<[K, V[]]> {
    return this.combineByKey<K, V, V[]>(
      (v) => [v],
      (c, v) => (c.push(v), c),
      (a, b) => a.concat(b),
      numPartitions,
    );
  }

  /** Spark's `combineByKey`: the general per-key aggregation behind reduceByKey and groupByKey. */
  combineByKey<K, V, C>(
    this: BatchData<[K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
  ): BatchData<[K, C]> {
    const shuffle = new CombineShuffle<K, V, C>(createCombiner, mergeValue, mergeCombiners, Math.max(1, numPartitions ?? this.partitions.length));
    for (const p of this.partitions) {
      // map side: combine within the partition, then merge into the target partitions
      const local = new Map<unknown, [K, C]>();
      for (let i = 0; i < p.length; i++) shuffle.combineLocal(local, p[i]!);
      shuffle.merge(local);
    }
    return shuffle.result();
  }

  /** Spark's `partitionBy(HashPartitioner(n))`: same elements, hashed by key, order kept within a key. */
  partitionBy<K, V>(this: BatchData<[K, V]>, numPartitions: number): BatchData<[K, V]> {
    const n = Math.max(1, numPartitions);
    const parts: [K, V][][] = Array.from({ length: n }, () => []);
    for (const p of this.partitions) for (const kv of p) parts[partitionOf(kv[0], n)]!.push(kv);
    return new BatchData(parts);
  }
}

/**
 * The two sides of combineByKey (Spark's map-side combine with an `ExternalAppendOnlyMap` per
 * partition, then the reduce side per target partition), shared by BatchData and the pipelined
 * batches of fused narrow transformations (PipelinedBatchData).
 */
export class CombineShuffle<K, V, C> {
  /** Per target partition: key identity → [key, combiner]. */
  private readonly out: Map<unknown, [K, C]>[];

  constructor(
    private readonly createCombiner: (v: V) => C,
    private readonly mergeValue: (c: C, v: V) => C,
    private readonly mergeCombiners: (a: C, b: C) => C,
    private readonly n: number,
  ) {
    this.out = Array.from({ length: n }, () => new Map());
  }

  /** Map side: one element into a partition's local combiner map (one Map lookup per element). */
  combineLocal(local: Map<unknown, [K, C]>, kv: [K, V]): void {
    const k = kv[0];
    const id = typeof k === 'string' || typeof k === 'number' ? k : keyId(k);
    const e = local.get(id);
    if (e === undefined) local.set(id, [k, this.createCombiner(kv[1])]);
    else e[1] = this.mergeValue(e[1], kv[1]);
  }

  /** Reduce side: a partition's local combiners into the target partitions. */
  merge(local: Map<unknown, [K, C]>): void {
    const n = this.n;
    for (const [id, e] of local) {
      const target = this.out[n === 1 ? 0 : partitionOf(e[0], n)]!;
      const t = target.get(id);
      if (t === undefined) target.set(id, e);
      else t[1] = this.mergeCombiners(t[1], e[1]);
    }
  }

  result(): BatchData<[K, C]> {
    return new BatchData(this.out.map((m) => Array.from(m.values())));
  }
}

/** One narrow per-element transformation: given the downstream sink, the sink for its input elements. */
export type ElementStage = (next: (u: unknown) => void) => (e: unknown) => void;

/** The stage of `map(f)`. */
export function mapStage<T, U>(f: (e: T) => U): ElementStage {
  return (next) => (e) => next(f(e as T));
}
/** The stage of `flatMap(f)`. */
export function flatMapStage<T, U>(f: (e: T) => Iterable<U>): ElementStage {
  return (next) => (e) => {
    const r = f(e as T);
    if (Array.isArray(r)) for (let j = 0; j < r.length; j++) next(r[j]);
    else for (const u of r) next(u);
  };
}
/** The stage of `filter(f)`. */
export function filterStage<T>(f: (e: T) => boolean): ElementStage {
  return (next) => (e) => {
    if (f(e as T)) next(e);
  };
}

/**
 * A batch that is a chain of narrow transformations (map, flatMap, filter) of a source batch, not
 * yet run: Spark's pipelining of narrow dependencies within a stage. The DStream layer builds one
 * when an intermediate stream's batches have exactly one consumer (see DerivedDStream), so that a
 * word count `flatMap → map → reduceByKey` runs as one loop per partition feeding the map-side
 * combiner, with no intermediate arrays of words or tuples. Each function runs once per element:
 * map/flatMap/filter add a stage (the batch is consumed by exactly one of them), combineByKey
 * (reduceByKey, groupByKey) runs the chain once; anything else materialises the partitions once
 * (cached) and then behaves as a plain BatchData.
 */
export class PipelinedBatchData<S, T> extends BatchData<T> {
  private materialized: (readonly T[])[] | undefined;

  constructor(
    private readonly source: BatchData<S>,
    private readonly stages: readonly ElementStage[],
  ) {
    super([]);
  }

  /** `data` with `stage` appended (a new pipeline over a plain batch). */
  static chain<S, T>(data: BatchData<S>, stage: ElementStage): BatchData<T> {
    if (data instanceof PipelinedBatchData && data.materialized === undefined) return new PipelinedBatchData<unknown, T>(data.source, [...data.stages, stage]);
    return new PipelinedBatchData<S, T>(data, [stage]);
  }

  override get partitions(): readonly (readonly T[])[] {
    if (this.materialized === undefined) {
      this.materialized = this.source.partitions.map((p) => {
        const out: T[] = [];
        this.run(p, (u) => out.push(u as T));
        return out;
      });
    }
    return this.materialized;
  }

  override get numPartitions(): number {
    return this.materialized === undefined ? this.source.numPartitions : this.materialized.length;
  }

  /** A plain BatchData with the computed partitions. */
  materialize(): BatchData<T> {
    return new BatchData(this.partitions);
  }

  /** Run the stages over one source partition into `sink`. */
  private run(p: readonly S[], sink: (u: unknown) => void): void {
    let f = sink;
    for (let i = this.stages.length - 1; i >= 0; i--) f = this.stages[i]!(f);
    for (let i = 0; i < p.length; i++) f(p[i]);
  }

  override map<U>(f: (e: T) => U): BatchData<U> {
    return this.materialized === undefined ? PipelinedBatchData.chain(this, mapStage(f)) : super.map(f);
  }
  override flatMap<U>(f: (e: T) => Iterable<U>): BatchData<U> {
    return this.materialized === undefined ? PipelinedBatchData.chain(this, flatMapStage(f)) : super.flatMap(f);
  }
  override filter(f: (e: T) => boolean): BatchData<T> {
    return this.materialized === undefined ? PipelinedBatchData.chain(this, filterStage(f)) : super.filter(f);
  }

  override combineByKey<K, V, C>(
    this: PipelinedBatchData<S, [K, V]>,
    createCombiner: (v: V) => C,
    mergeValue: (c: C, v: V) => C,
    mergeCombiners: (a: C, b: C) => C,
    numPartitions?: number,
  ): BatchData<[K, C]> {
    if (this.materialized !== undefined) return super.combineByKey(createCombiner, mergeValue, mergeCombiners, numPartitions);
    const shuffle = new CombineShuffle<K, V, C>(createCombiner, mergeValue, mergeCombiners, Math.max(1, numPartitions ?? this.numPartitions));
    for (const p of this.source.partitions) {
      const local = new Map<unknown, [K, C]>();
      // the map-side combine as the pipeline's sink (CombineShuffle.combineLocal, inlined)
      this.run(p, (e) => {
        const kv = e as [K, V];
        const k = kv[0];
        const id = typeof k === 'string' || typeof k === 'number' ? k : keyId(k);
        const c = local.get(id);
        if (c === undefined) local.set(id, [k, createCombiner(kv[1])]);
        else c[1] = mergeValue(c[1], kv[1]);
      });
      shuffle.merge(local);
    }
    return shuffle.result();
  }
}
