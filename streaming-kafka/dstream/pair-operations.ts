/**
 * Spark's `PairDStreamFunctions` on streams of `[key, value]` tuples, installed on DStream.prototype:
 * reduceByKey, groupByKey, combineByKey, mapValues, reduceByKeyAndWindow (with and without inverse),
 * groupByKeyAndWindow. Shuffles hash keys into `numPartitions` partitions (default:
 * `spark.default.parallelism`, else the parent batch's partition count).
 */
import { mapStage } from '../rdd/batch-data.js';
import { DerivedDStream } from './derived-dstream.js';
import { DStream } from './dstream.js';
import { ReducedWindowedDStream } from './reduced-windowed-dstream.js';

declare module './dstream.js' {
  interface DStream<T> {
    /** Values of each key reduced with `f`, per batch (ShuffledDStream). */
    reduceByKey<K, V>(this: DStream<[K, V]>, f: (a: V, b: V) => V, numPartitions?: number): DStream<[K, V]>;
    /** `[key, values[]]` per batch. */
    groupByKey<K, V>(this: DStream<[K, V]>, numPartitions?: number): DStream<[K, V[]]>;
    /** Spark's combineByKey per batch. */
    combineByKey<K, V, C>(this: DStream<[K, V]>, createCombiner: (v: V) => C, mergeValue: (c: C, v: V) => C, mergeCombiners: (a: C, b: C) => C, numPartitions?: number): DStream<[K, C]>;
    /** Apply `f` to each value, keeping keys. */
    mapValues<K, V, U>(this: DStream<[K, V]>, f: (v: V) => U): DStream<[K, U]>;
    /**
     * Spark's `reduceByKeyAndWindow(reduceFunc, windowDuration, slideDuration = this.slide, numPartitions)`
     * = window(...).reduceByKey(...); with an inverse function
     * `reduceByKeyAndWindow(reduceFunc, invReduceFunc, windowMs, slideMs = this.slide, numPartitions?, filterFunc?)`
     * it is incremental (ReducedWindowedDStream, must be checkpointed). Durations in ms.
     */
    reduceByKeyAndWindow<K, V>(this: DStream<[K, V]>, f: (a: V, b: V) => V, windowMs: number, slideMs?: number, numPartitions?: number): DStream<[K, V]>;
    reduceByKeyAndWindow<K, V>(
      this: DStream<[K, V]>,
      f: (a: V, b: V) => V,
      invF: (a: V, b: V) => V,
      windowMs: number,
      slideMs?: number,
      numPartitions?: number,
      filterFunc?: (kv: [K, V]) => boolean,
    ): DStream<[K, V]>;
    /** Spark's groupByKeyAndWindow = window(...).groupByKey(...). */
    groupByKeyAndWindow<K, V>(this: DStream<[K, V]>, windowMs: number, slideMs?: number, numPartitions?: number): DStream<[K, V[]]>;
  }
}

const proto = DStream.prototype as DStream<unknown>;

proto.combineByKey = function <K, V, C>(
  this: DStream<[K, V]>,
  createCombiner: (v: V) => C,
  mergeValue: (c: C, v: V) => C,
  mergeCombiners: (a: C, b: C) => C,
  numPartitions?: number,
): DStream<[K, C]> {
  return new DerivedDStream(this, (d) => d.combineByKey(createCombiner, mergeValue, mergeCombiners, numPartitions ?? this.ssc.defaultParallelism(d.numPartitions)), 'ShuffledDStream');
} as DStream<unknown>['combineByKey'];
proto.reduceByKey = function <K, V>(this: DStream<[K, V]>, f: (a: V, b: V) => V, numPartitions?: number): DStream<[K, V]> {
  return this.combineByKey<K, V, V>((v) => v, f, f, numPartitions);
} as DStream<unknown>['reduceByKey'];
proto.groupByKey = function <K, V>(this: DStream<[K, V]>, numPartitions?: number): DStream<[K, V[]]> {
  return this.combineByKey<K, V, V[]>(
    (v) => [v],
    (c, v) => (c.push(v), c),
    (a, b) => a.concat(b),
    numPartitions,
  );
} as DStream<unknown>['groupByKey'];
proto.mapValues = function <K, V, U>(this: DStream<[K, V]>, f: (v: V) => U): DStream<[K, U]> {
  const g = ([k, v]: [K, V]): [K, U] => [k, f(v)];
  return new DerivedDStream(this, (d) => d.map(g), 'MapValuedDStream', mapStage(g));
} as DStream<unknown>['mapValues'];
proto.reduceByKeyAndWindow = function <K, V>(
  this: DStream<[K, V]>,
  f: (a: V, b: V) => V,
  a2: number | ((a: V, b: V) => V),
  a3?: number,
  a4?: number,
  a5?: number,
  a6?: (kv: [K, V]) => boolean,
): DStream<[K, V]> {
  if (typeof a2 === 'number') return this.window(a2, a3 ?? this.slideDuration).reduceByKey(f, a4);
  return new ReducedWindowedDStream<K, V>(this, f, a2, a6, a3!, a4 ?? this.slideDuration, a5);
} as DStream<unknown>['reduceByKeyAndWindow'];
proto.groupByKeyAndWindow = function <K, V>(this: DStream<[K, V]>, windowMs: number, slideMs?: number, numPartitions?: number): DStream<[K, V[]]> {
  return this.window(windowMs, slideMs ?? this.slideDuration).groupByKey(numPartitions);
} as DStream<unknown>['groupByKeyAndWindow'];
