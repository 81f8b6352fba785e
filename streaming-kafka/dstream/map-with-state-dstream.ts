import { BatchData } from '../rdd/batch-data.js';
import { KeyedMap, partitionOf } from '../util/keys.js';
import { State } from '../state/state.js';
import type { StateSpec } from '../state/state-spec.js';
import { DerivedDStream } from './derived-dstream.js';
import { DStream } from './dstream.js';

/** One state partition after a batch (Spark's MapWithStateRDDRecord): key → state and last update time (ms), plus the mapped outputs. */
export interface MapWithStateRecord<K, S, E> {
  stateMap: KeyedMap<K, { state: S; updateTime: number }>;
  mappedData: E[];
}

interface SavedStateBatch {
  time: number;
  partitions: { state: [unknown, unknown, number][]; mapped: unknown[] }[];
}

/**
 * Spark's `InternalMapWithStateDStream`: the state partitions after each batch. For each record of
 * the batch (in order) the function is called with the key's state; then, on batches where this
 * stream is checkpointed (Spark's "full scan"), keys idle for longer than the timeout
 * (updateTime < batchTime − timeout) are called with value undefined and `isTimingOut()` true, and
 * removed. Default checkpoint interval: 10 × slide (Spark's DEFAULT_CHECKPOINT_DURATION_MULTIPLIER).
 */
export class InternalMapWithStateDStream<K, V, S, E> extends DStream<MapWithStateRecord<K, S, E>> {
  override readonly mustCheckpoint = true;
  private saved: SavedStateBatch | undefined;

  constructor(
    readonly parent: DStream<[K, V]>,
    private readonly spec: StateSpec<K, V, S, E>,
  ) {
    super(parent.ssc);
  }
  override get slideDuration(): number {
    return this.parent.slideDuration;
  }
  override get dependencies(): DStream<unknown>[] {
    return [this.parent as DStream<unknown>];
  }
  protected override defaultCheckpointDuration(): number {
    return this.slideDuration * 10;
  }

  override async compute(timeMs: number): Promise<BatchData<MapWithStateRecord<K, S, E>>> {
    const prev = await this.getOrCompute(timeMs - this.slideDuration);
    const data = (await this.parent.getOrCompute(timeMs)) ?? BatchData.empty<[K, V]>();
    const n = Math.max(1, this.spec.getNumPartitions() ?? prev?.numPartitions ?? this.ssc.defaultParallelism(data.numPartitions));
    // previous state, re-partitioned into n partitions (copied: earlier batches stay as they were)
    const maps: KeyedMap<K, { state: S; updateTime: number }>[] = Array.from({ length: n }, () => new KeyedMap());
    if (prev) {
      for (const rec of prev.collect()) for (const [k, e] of rec.stateMap.entries()) maps[partitionOf(k, n)]!.set(k, e);
    } else {
      for (const [k, s] of this.spec.getInitialState()?.collect() ?? []) maps[partitionOf(k, n)]!.set(k, { state: s, updateTime: timeMs });
    }
    const timeout = this.spec.getTimeoutInterval();
    const threshold = timeout === undefined ? undefined : timeMs - timeout;
    const fullScan = this.isCheckpointTime(timeMs);
    const dataParts = data.partitionBy(n).partitions;
    const wrapped = new State<S>();
    const out: MapWithStateRecord<K, S, E>[] = [];
    for (let i = 0; i < n; i++) {
      const stateMap = maps[i]!;
      const mapped: E[] = [];
      for (const [k, v] of dataParts[i] ?? []) {
        const cur = stateMap.get(k);
        wrapped.wrap(cur !== undefined, cur?.state);
        const r = this.spec.fn(timeMs, k, v, wrapped);
        if (wrapped.isRemoved()) stateMap.delete(k);
        else if (wrapped.isUpdated() || (wrapped.exists() && threshold !== undefined)) stateMap.set(k, { state: wrapped.get(), updateTime: timeMs });
        if (r !== undefined) mapped.push(r);
      }
      if (fullScan && threshold !== undefined) {
        for (const [k, e] of [...stateMap.entries()]) {
          if (e.updateTime < threshold) {
            wrapped.wrapTimingOutState(e.state);
            const r = this.spec.fn(timeMs, k, undefined, wrapped);
            if (r !== undefined) mapped.push(r);
            stateMap.delete(k);
          }
        }
      }
      out.push({ stateMap, mappedData: mapped });
    }
    return new BatchData(out.map((r) => [r]));
  }

  protected override onCheckpointTime(timeMs: number, data: BatchData<MapWithStateRecord<K, S, E>>): void {
    this.saved = {
      time: timeMs,
      partitions: data.collect().map((r) => ({ state: [...r.stateMap.entries()].map(([k, e]) => [k, e.state, e.updateTime] as [unknown, unknown, number]), mapped: r.mappedData })),
    };
  }
  override checkpointData(): unknown {
    return this.saved;
  }
  override restoreCheckpointData(data: unknown): void {
    const saved = data as SavedStateBatch | undefined;
    if (!saved) return;
    this.saved = saved;
    const records = saved.partitions.map((p) => {
      const stateMap = new KeyedMap<K, { state: S; updateTime: number }>();
      for (const [k, s, u] of p.state) stateMap.set(k as K, { state: s as S, updateTime: u });
      return [{ stateMap, mappedData: p.mapped as E[] }];
    });
    this.setGenerated(saved.time, new BatchData(records));
  }
}

/**
 * Spark's `MapWithStateDStream[K, V, S, E]`: the mapped outputs of mapWithState, one per function
 * call that returned a value; `stateSnapshots()` gives every key's `[key, state]` after each batch.
 */
export class MapWithStateDStream<K, V, S, E> extends DerivedDStream<MapWithStateRecord<K, S, E>, E> {
  constructor(readonly internal: InternalMapWithStateDStream<K, V, S, E>) {
    super(internal, (d) => d.flatMap((r) => r.mappedData), 'MapWithStateDStream');
  }
  /** Sets the checkpoint interval (ms) of the state (the internal stream), as Spark's MapWithStateDStreamImpl does. */
  override checkpoint(intervalMs: number): this {
    this.internal.checkpoint(intervalMs);
    return this;
  }
  /** All `[key, state]` pairs after each batch. */
  stateSnapshots(): DStream<[K, S]> {
    return new DerivedDStream(this.internal, (d) => d.flatMap((r) => Array.from(r.stateMap.entries(), ([k, e]) => [k, e.state] as [K, S])), 'FlatMappedDStream');
  }
}
