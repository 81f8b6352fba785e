/**
 * Spark's stateful pair operations, installed on DStream.prototype: updateStateByKey and
 * mapWithState. Both must be checkpointed: the context needs a checkpoint directory
 * (`ssc.checkpoint(dir)`), else start fails with Spark's "The checkpoint directory has not been set..." message.
 */
import { BatchData } from '../rdd/batch-data.js';
import type { StateSpec } from '../state/state-spec.js';
import { DStream } from './dstream.js';
import { InternalMapWithStateDStream, MapWithStateDStream } from './map-with-state-dstream.js';
import { StateDStream, type UpdateFunc } from './state-dstream.js';

declare module './dstream.js' {
  interface DStream<T> {
    /**
     * Spark's `updateStateByKey(updateFunc, numPartitions?, initialRDD?)`: per key,
     * `updateFunc(newValues, previousState)` each batch (also for keys without new values);
     * returning undefined removes the key. Gives `[key, state]` for all keys after each batch.
     */
    updateStateByKey<K, V, S>(this: DStream<[K, V]>, updateFunc: UpdateFunc<V, S>, numPartitions?: number, initial?: BatchData<[K, S]> | [K, S][]): DStream<[K, S]>;
    /** Spark's `mapWithState(spec)`: see StateSpec and MapWithStateDStream. */
    mapWithState<K, V, S, E>(this: DStream<[K, V]>, spec: StateSpec<K, V, S, E>): MapWithStateDStream<K, V, S, E>;
  }
}

const proto = DStream.prototype as DStream<unknown>;

proto.updateStateByKey = function <K, V, S>(this: DStream<[K, V]>, updateFunc: UpdateFunc<V, S>, numPartitions?: number, initial?: BatchData<[K, S]> | [K, S][]): DStream<[K, S]> {
  const init = initial === undefined ? undefined : initial instanceof BatchData ? initial : BatchData.of(initial);
  return new StateDStream<K, V, S>(this, updateFunc, numPartitions, init);
} as DStream<unknown>['updateStateByKey'];
proto.mapWithState = function <K, V, S, E>(this: DStream<[K, V]>, spec: StateSpec<K, V, S, E>): MapWithStateDStream<K, V, S, E> {
  return new MapWithStateDStream(new InternalMapWithStateDStream(this, spec));
} as DStream<unknown>['mapWithState'];
