import { BatchData } from '../rdd/batch-data.js';
import { KeyedMap, partitionOf } from '../util/keys.js';
import { CheckpointedDStream } from './checkpointed-dstream.js';
import type { DStream } from './dstream.js';

/** updateStateByKey's function: new values of the batch (maybe empty) and the previous state → new state (undefined removes the key). */
export type UpdateFunc<V, S> = (values: V[], state: S | undefined) => S | undefined;

/**
 * Spark's `StateDStream` (updateStateByKey): at each batch, for every key with state or with new
 * values, `updateFunc(newValues, previousState)`; undefined removes the key. As in Spark the
 * function runs for every key that has state, even without new values; on the first batch (no
 * previous state) only keys with values are seen (plus `initial` keys). Must be checkpointed
 * (default interval: smallest multiple of the slide ≥ 10 s); state must be JSON-serialisable.
 */
export class StateDStream<K, V, S> extends CheckpointedDStream<[K, S]> {
  override readonly mustCheckpoint = true;

  constructor(
    readonly parent: DStream<[K, V]>,
    private readonly updateFunc: UpdateFunc<V, S>,
    private readonly numPartitions: number | undefined,
    private readonly initial: BatchData<[K, S]> | undefined,
  ) {
    super(parent.ssc);
  }
  override get slideDuration(): number {
    return this.parent.slideDuration;
  }
  override get dependencies(): DStream<unknown>[] {
    return [this.parent as DStream<unknown>];
  }

  override async compute(timeMs: number): Promise<BatchData<[K, S]> | undefined> {
    const prev = await this.getOrCompute(timeMs - this.slideDuration);
    const data = await this.parent.getOrCompute(timeMs);
    const prior = prev ?? (data !== undefined ? this.initial : undefined);
    if (prior === undefined && data === undefined) return undefined;
    const values = new KeyedMap<K, V[]>();
    if (data) for (const [k, v] of data.collect()) (values.get(k) ?? (values.set(k, []), values.get(k)!)).push(v);
    const n = Math.max(1, this.numPartitions ?? this.ssc.defaultParallelism(prior?.numPartitions ?? 0, data?.numPartitions ?? 0));
    const parts: [K, S][][] = Array.from({ length: n }, () => []);
    const emit = (k: K, s: S | undefined): void => {
      if (s !== undefined) parts[partitionOf(k, n)]!.push([k, s]);
    };
    const seen = new KeyedMap<K, true>();
    if (prior) {
      for (const [k, s] of prior.collect()) {
        seen.set(k, true);
        emit(k, this.updateFunc(values.get(k) ?? [], s));
      }
    }
    for (const [k, vs] of values.entries()) if (!seen.has(k)) emit(k, this.updateFunc(vs, undefined));
    return new BatchData(parts);
  }
}
