import { BatchData } from '../rdd/batch-data.js';
import type { State } from './state.js';

/** The mapping function of mapWithState in its general form: batch time (ms), key, value (undefined when timing out), state → mapped (undefined = nothing emitted). */
export type MappingFunctionWithTime<K, V, S, E> = (timeMs: number, key: K, value: V | undefined, state: State<S>) => E | undefined;

/**
 * Spark's `StateSpec` (streaming/StateSpec.scala): what mapWithState needs.
 * `StateSpec.function((key, value, state) => mapped)` (every call emits its result) or
 * `StateSpec.functionWithTime((timeMs, key, value, state) => mapped | undefined)` (Spark's
 * Option-returning overload); then `.initialState(pairs)`, `.numPartitions(n)`, `.timeout(idleMs)`.
 * Timeout: a key not updated for `idleMs` is called with value undefined and `state.isTimingOut()`
 * true, then removed — detected, as in Spark, only on batches where the state is checkpointed
 * (every 10 batches by default), so it fires up to one checkpoint interval late.
 */
export class StateSpec<K, V, S, E> {
  private _timeoutMs: number | undefined;
  private _numPartitions: number | undefined;
  private _initial: BatchData<[K, S]> | undefined;

  private constructor(readonly fn: MappingFunctionWithTime<K, V, S, E>) {}

  /** Spec from `(key, value | undefined, state) => mapped`. */
  static function<K, V, S, E>(fn: (key: K, value: V | undefined, state: State<S>) => E): StateSpec<K, V, S, E> {
    return new StateSpec<K, V, S, E>((_t, k, v, s) => fn(k, v, s));
  }
  /** Spec from `(timeMs, key, value | undefined, state) => mapped | undefined`. */
  static functionWithTime<K, V, S, E>(fn: MappingFunctionWithTime<K, V, S, E>): StateSpec<K, V, S, E> {
    return new StateSpec<K, V, S, E>(fn);
  }
  /** Initial state per key. */
  initialState(pairs: BatchData<[K, S]> | [K, S][]): this {
    this._initial = pairs instanceof BatchData ? pairs : BatchData.of(pairs);
    return this;
  }
  /** Partition count of the state (HashPartitioner). */
  numPartitions(n: number): this {
    this._numPartitions = n;
    return this;
  }
  /** Idle timeout, ms. */
  timeout(idleMs: number): this {
    this._timeoutMs = idleMs;
    return this;
  }
  getTimeoutInterval(): number | undefined {
    return this._timeoutMs;
  }
  getNumPartitions(): number | undefined {
    return this._numPartitions;
  }
  getInitialState(): BatchData<[K, S]> | undefined {
    return this._initial;
  }
}
