import { keyId, partitionOf } from '../util/keys.js';

/**
 * The data of one batch of one DStream: Spark's `RDD`, held in memory as partitions (arrays of
 * elements). A Kafka batch has one partition per Kafka partition; transformations run per
 * partition; shuffles (reduceByKey, groupByKey...) hash keys into `numPartitions` partitions
 * (Spark's HashPartitioner). Instances are immutable: every operation returns a new BatchData.
 */
export class BatchData<T> {
  /** The partitions, in order. Do not mutate. */
  readonly partitions: readonly (readonly T[])[];

  constructor(partitions: readonly (readonly T[])[]) {
    this.partitions = partitions;
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
    const n = Math.max(1, numPartitions ?? this.partitions.length);
    // per target partition: key identity → [key, combiner]; one Map lookup per element
    const out: Map<unknown, [K, C]>[] = Array.from({ length: n }, () => new Map());
    for (const p of this.partitions) {
      // map side: combine within the partition, then merge into the target partitions
      const local = new Map<unknown, [K, C]>();
      for (let i = 0; i < p.length; i++) {
        const kv = p[i]!;
        const k = kv[0];
        const id = typeof k === 'string' || typeof k === 'number' ? k : keyId(k);
        const e = local.get(id);
        if (e === undefined) local.set(id, [k, createCombiner(kv[1])]);
        else e[1] = mergeValue(e[1], kv[1]);
      }
      for (const [id, e] of local) {
        const target = out[n === 1 ? 0 : partitionOf(e[0], n)]!;
        const t = target.get(id);
        if (t === undefined) target.set(id, e);
        else t[1] = mergeCombiners(t[1], e[1]);
      }
    }
    return new BatchData(out.map((m) => Array.from(m.values())));
  }

  /** Spark's `partitionBy(HashPartitioner(n))`: same elements, hashed by key, order kept within a key. */
  partitionBy<K, V>(this: BatchData<[K, V]>, numPartitions: number): BatchData<[K, V]> {
    const n = Math.max(1, numPartitions);
    const parts: [K, V][][] = Array.from({ length: n }, () => []);
    for (const p of this.partitions) for (const kv of p) parts[partitionOf(kv[0], n)]!.push(kv);
    return new BatchData(parts);
  }
}
