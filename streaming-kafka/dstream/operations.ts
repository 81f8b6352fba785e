/**
 * Spark's basic DStream transformations, installed on DStream.prototype: map, flatMap, filter,
 * mapPartitions, union, transform, transformWith, count, countByValue, reduce, window,
 * reduceByWindow, countByWindow, countByValueAndWindow. Pair operations are in pair-operations.ts,
 * state in state-operations.ts, outputs in output-operations.ts.
 */
import { BatchData, filterStage, flatMapStage, mapStage } from '../rdd/batch-data.js';
import { DerivedDStream, TransformedDStream, UnionDStream } from './derived-dstream.js';
import { DStream } from './dstream.js';
import { WindowedDStream } from './windowed-dstream.js';

declare module './dstream.js' {
  interface DStream<T> {
    /** Apply `f` to each element (Spark's MappedDStream). */
    map<U>(f: (e: T) => U): DStream<U>;
    /** Apply `f` and flatten (FlatMappedDStream). */
    flatMap<U>(f: (e: T) => Iterable<U>): DStream<U>;
    /** Keep elements where `f` is true (FilteredDStream). */
    filter(f: (e: T) => boolean): DStream<T>;
    /** Apply `f` to each partition of each batch (MapPartitionedDStream). */
    mapPartitions<U>(f: (partition: readonly T[], index: number) => Iterable<U>): DStream<U>;
    /** Union with other streams of the same slide (UnionDStream). */
    union(...others: DStream<T>[]): DStream<T>;
    /** Any batch-to-batch function, `f(data, timeMs)`; may be async (TransformedDStream). */
    transform<U>(f: (data: BatchData<T>, timeMs: number) => BatchData<U> | Promise<BatchData<U>>): DStream<U>;
    /** Spark's transformWith: `f(thisBatch, otherBatch, timeMs)`. */
    transformWith<U, R>(other: DStream<U>, f: (a: BatchData<T>, b: BatchData<U>, timeMs: number) => BatchData<R> | Promise<BatchData<R>>): DStream<R>;
    /** Number of elements per batch, one element (0 for an empty batch, as Spark). */
    count(): DStream<number>;
    /** `[value, count]` per distinct value per batch (reduceByKey underneath). */
    countByValue(numPartitions?: number): DStream<[T, number]>;
    /** One element per batch: all elements reduced with `f` (nothing for an empty batch). */
    reduce(f: (a: T, b: T) => T): DStream<T>;
    /**
     * Spark's `window(windowDuration, slideDuration = this.slideDuration)` (ms). Errors: see WindowedDStream.
     */
    window(windowMs: number, slideMs?: number): DStream<T>;
    /** Spark's `reduceByWindow(f, window, slide)` = window(...).reduce(f); with `invF`, incremental (ReducedWindowedDStream). */
    reduceByWindow(f: (a: T, b: T) => T, windowMs: number, slideMs: number): DStream<T>;
    reduceByWindow(f: (a: T, b: T) => T, invF: (a: T, b: T) => T, windowMs: number, slideMs: number): DStream<T>;
    /** Spark's `countByWindow(window, slide)`: number of elements in the window (incremental; emits 0 for an empty window). */
    countByWindow(windowMs: number, slideMs: number): DStream<number>;
    /** Spark's `countByValueAndWindow(window, slide, numPartitions)`: `[value, count]` in the window, zero counts dropped. */
    countByValueAndWindow(windowMs: number, slideMs: number, numPartitions?: number): DStream<[T, number]>;
  }
}

const proto = DStream.prototype as DStream<unknown>;

proto.map = function <T, U>(this: DStream<T>, f: (e: T) => U): DStream<U> {
  return new DerivedDStream(this, (d) => d.map(f), 'MappedDStream', mapStage(f));
};
proto.flatMap = function <T, U>(this: DStream<T>, f: (e: T) => Iterable<U>): DStream<U> {
  return new DerivedDStream(this, (d) => d.flatMap(f), 'FlatMappedDStream', flatMapStage(f));
};
proto.filter = function <T>(this: DStream<T>, f: (e: T) => boolean): DStream<T> {
  return new DerivedDStream(this, (d) => d.filter(f), 'FilteredDStream', filterStage(f));
};
proto.mapPartitions = function <T, U>(this: DStream<T>, f: (p: readonly T[], i: number) => Iterable<U>): DStream<U> {
  return new DerivedDStream(this, (d) => d.mapPartitions(f), 'MapPartitionedDStream');
};
proto.union = function <T>(this: DStream<T>, ...others: DStream<T>[]): DStream<T> {
  return new UnionDStream([this, ...others]);
};
proto.transform = function <T, U>(this: DStream<T>, f: (d: BatchData<T>, t: number) => BatchData<U> | Promise<BatchData<U>>): DStream<U> {
  return new TransformedDStream<U>([this as DStream<unknown>], (ds, t) => f(ds[0] as BatchData<T>, t));
};
proto.transformWith = function <T, U, R>(
  this: DStream<T>,
  other: DStream<U>,
  f: (a: BatchData<T>, b: BatchData<U>, t: number) => BatchData<R> | Promise<BatchData<R>>,
): DStream<R> {
  return new TransformedDStream<R>([this as DStream<unknown>, other as DStream<unknown>], (ds, t) => f(ds[0] as BatchData<T>, ds[1] as BatchData<U>, t));
};
proto.count = function <T>(this: DStream<T>): DStream<number> {
  return this.mapPartitions((p) => [p.length])
    .transform((d) => d.union(BatchData.of([0])))
    .reduce((a, b) => a + b);
};
proto.countByValue = function <T>(this: DStream<T>, numPartitions?: number): DStream<[T, number]> {
  return this.map((x) => [x, 1] as [T, number]).reduceByKey((a, b) => a + b, numPartitions);
};
proto.reduce = function <T>(this: DStream<T>, f: (a: T, b: T) => T): DStream<T> {
  return this.map((x) => [null, x] as [null, T])
    .reduceByKey(f, 1)
    .map((kv) => kv[1]);
};
proto.window = function <T>(this: DStream<T>, windowMs: number, slideMs?: number): DStream<T> {
  return new WindowedDStream(this, windowMs, slideMs ?? this.slideDuration);
};
proto.reduceByWindow = function <T>(this: DStream<T>, f: (a: T, b: T) => T, a2: number | ((a: T, b: T) => T), a3: number, a4?: number): DStream<T> {
  if (typeof a2 === 'number') return this.window(a2, a3).reduce(f);
  return this.map((x) => [0, x] as [number, T])
    .reduceByKeyAndWindow(f, a2, a3, a4 ?? this.slideDuration, 1)
    .map((kv) => kv[1]);
};
proto.countByWindow = function <T>(this: DStream<T>, windowMs: number, slideMs: number): DStream<number> {
  return this.map(() => 1).reduceByWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    windowMs,
    slideMs,
  );
};
proto.countByValueAndWindow = function <T>(this: DStream<T>, windowMs: number, slideMs: number, numPartitions?: number): DStream<[T, number]> {
  return this.map((x) => [x, 1] as [T, number]).reduceByKeyAndWindow(
    (a, b) => a + b,
    (a, b) => a - b,
    windowMs,
    slideMs,
    numPartitions,
    (kv) => kv[1] !== 0,
  );
};
