import { BatchData } from '../rdd/batch-data.js';
import { requireArg } from '../util/errors.js';
import { KeyedMap, partitionOf } from '../util/keys.js';
import { fmtMs, isMultipleOf } from '../util/time.js';
import { CheckpointedDStream } from './checkpointed-dstream.js';
import { DerivedDStream } from './derived-dstream.js';
import type { DStream } from './dstream.js';

/**
 * Spark's `ReducedWindowedDStream` (`reduceByKeyAndWindow` with an inverse function): computes the
 * window at t incrementally from the window at t − slide: previous value ⊖ invReduce(batches that
 * left the window) ⊕ reduce(batches that entered), per key; `filterFunc` then drops entries (e.g.
 * zero counts). Without a filter, keys whose value went back to "zero" stay (Spark's behaviour).
 * Must be checkpointed (default interval: smallest multiple of the slide ≥ 10 s).
 * Errors: `IllegalArgumentException("requirement failed: The window duration of ReducedWindowedDStream (<w> ms) must be multiple of the slide duration of parent DStream (<p> ms)")`
 * (and the slide variant); a key with neither a previous window value nor new values:
 * "Neither previous window has value for key, nor new values found. Are you sure your key class hashes consistently?".
 */
export class ReducedWindowedDStream<K, V> extends CheckpointedDStream<[K, V]> {
  override readonly mustCheckpoint = true;
  /** The parent reduced per batch (Spark's reducedStream). */
  readonly reducedStream: DStream<[K, V]>;

  constructor(
    parent: DStream<[K, V]>,
    private readonly reduceFunc: (a: V, b: V) => V,
    private readonly invReduceFunc: (a: V, b: V) => V,
    private readonly filterFunc: ((kv: [K, V]) => boolean) | undefined,
    /** Window length, ms. */
    readonly windowDuration: number,
    private readonly slide: number,
    private readonly numPartitions: number | undefined,
  ) {
    super(parent.ssc);
    requireArg(
      isMultipleOf(windowDuration, parent.slideDuration),
      `The window duration of ReducedWindowedDStream (${fmtMs(windowDuration)}) must be multiple of the slide duration of parent DStream (${fmtMs(parent.slideDuration)})`,
    );
    requireArg(
      isMultipleOf(slide, parent.slideDuration),
      `The slide duration of ReducedWindowedDStream (${fmtMs(slide)}) must be multiple of the slide duration of parent DStream (${fmtMs(parent.slideDuration)})`,
    );
    this.reducedStream = new DerivedDStream(parent, (d) => d.reduceByKey(reduceFunc, numPartitions), 'ShuffledDStream');
  }
  override get slideDuration(): number {
    return this.slide;
  }
  override get dependencies(): DStream<unknown>[] {
    return [this.reducedStream as DStream<unknown>];
  }
  override get parentRememberDuration(): number {
    return (this.rememberDuration ?? this.slide) + this.windowDuration;
  }

  override async compute(timeMs: number): Promise<BatchData<[K, V]>> {
    const parentSlide = this.reducedStream.slideDuration;
    const curBegin = timeMs - this.windowDuration + parentSlide;
    const prevBegin = curBegin - this.slide;
    const prevEnd = timeMs - this.slide;
    const oldBatches = await this.reducedStream.slice(prevBegin, curBegin - parentSlide);
    const newBatches = await this.reducedStream.slice(prevEnd + parentSlide, timeMs);
    const previous = (await this.getOrCompute(prevEnd)) ?? BatchData.empty<[K, V]>();

    // cogroup: per key, [previous value?, old values..., new values...]
    const prevMap = new KeyedMap<K, V>();
    for (const [k, v] of previous.collect()) prevMap.set(k, v);
    const keys = new KeyedMap<K, true>();
    for (const [k] of previous.collect()) keys.set(k, true);
    const perBatch = (batches: BatchData<[K, V]>[]): KeyedMap<K, V>[] =>
      batches.map((b) => {
        const m = new KeyedMap<K, V>();
        for (const [k, v] of b.collect()) {
          m.set(k, v);
          keys.set(k, true);
        }
        return m;
      });
    const olds = perBatch(oldBatches);
    const news = perBatch(newBatches);

    const n = Math.max(1, this.numPartitions ?? Math.max(previous.numPartitions, ...oldBatches.concat(newBatches).map((b) => b.numPartitions), 1));
    const parts: [K, V][][] = Array.from({ length: n }, () => []);
    for (const [k] of keys.entries()) {
      const oldValues = olds.filter((m) => m.has(k)).map((m) => m.get(k) as V);
      const newValues = news.filter((m) => m.has(k)).map((m) => m.get(k) as V);
      let value: V;
      if (!prevMap.has(k)) {
        if (newValues.length === 0) throw new Error('Neither previous window has value for key, nor new values found. Are you sure your key class hashes consistently?');
        value = newValues.reduce(this.reduceFunc);
      } else {
        value = prevMap.get(k) as V;
        if (oldValues.length > 0) value = this.invReduceFunc(value, oldValues.reduce(this.reduceFunc));
        if (newValues.length > 0) value = this.reduceFunc(value, newValues.reduce(this.reduceFunc));
      }
      const kv: [K, V] = [k, value];
      if (this.filterFunc === undefined || this.filterFunc(kv)) parts[partitionOf(k, n)]!.push(kv);
    }
    return new BatchData(parts);
  }
}
