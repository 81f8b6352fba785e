import type { BatchData } from '../rdd/batch-data.js';
import type { StreamingContext } from '../context/streaming-context.js';
import {
  IllegalStateException,
  SparkException,
  UnsupportedOperationException,
  requireArg,
} from '../util/errors.js';
import { fmtMs, isMultipleOf } from '../util/time.js';

/** One output operation's work for one batch (Spark's `streaming.scheduler.Job`). */
export interface Job {
  /** Batch time, ms. */
  time: number;
  /** Index of the output operation in registration order. */
  outputOpId: number;
  /** Name shown in OutputOperationInfo (e.g. "foreachRDD", "print"). */
  name: string;
  /** Run the output operation (computes the DStream chain for this batch, then the output function). */
  run(): Promise<void>;
}

/**
 * Spark's `DStream` (streaming/dstream/DStream.scala): a sequence of batches (`BatchData`, Spark's
 * RDDs), one per `slideDuration` (ms) after the graph's `zeroTime` (= start time − batch interval).
 * Subclasses implement `compute(timeMs)` (may be async) from their `dependencies`; `getOrCompute`
 * memoises per time, as Spark's `generatedRDDs`, and forgets times older than `rememberDuration`.
 *
 * The operations (map, window, updateStateByKey, foreachRDD, print...) are added to this class by
 * `dstream/operations.ts`, `pair-operations.ts`, `window-operations.ts`, `state-operations.ts` and
 * `output-operations.ts`; importing the package index (or StreamingContext) installs them.
 *
 * Errors: constructing a DStream on a started or stopped context throws `IllegalStateException`
 * with Spark's messages ("Adding new inputs, transformations, and output operations after starting
 * a context is not supported" / "...after stopping a context is not supported").
 */
export abstract class DStream<T> {
  /** Unique id within its context, in creation order (used to match checkpoint data on recovery). */
  readonly id: number;
  /** Batch time where the stream starts (ms); set by initialize(). */
  zeroTime: number | undefined;
  /** How long computed batches are kept, ms; set at start (Spark's rememberDuration). */
  rememberDuration: number | undefined;
  /** Checkpoint interval, ms (Spark's checkpointDuration); undefined = not checkpointed. */
  checkpointDuration: number | undefined;
  /** Streams that must be checkpointed (state, inverse-reduced windows) say so (Spark's mustCheckpoint). */
  readonly mustCheckpoint: boolean = false;
  /** Memoised batches by time (Spark's generatedRDDs). */
  protected readonly generated = new Map<number, Promise<BatchData<T> | undefined>>();

  constructor(readonly ssc: StreamingContext) {
    DStream.validateAtInit(ssc);
    this.id = ssc.graph.nextStreamId();
    ssc.graph.registerStream(this as DStream<unknown>);
  }

  /** Spark's `DStream.validateAtInit`: only an INITIALIZED context accepts new DStreams. */
  static validateAtInit(ssc: StreamingContext): void {
    const state = ssc.getState();
    if (state === 'ACTIVE') throw new IllegalStateException('Adding new inputs, transformations, and output operations after starting a context is not supported');
    if (state === 'STOPPED') throw new IllegalStateException('Adding new inputs, transformations, and output operations after stopping a context is not supported');
  }

  /** Time interval between batches of this stream, ms. */
  abstract get slideDuration(): number;
  /** Parent streams. */
  abstract get dependencies(): DStream<unknown>[];
  /** Compute this stream's batch at `timeMs` (a valid time); undefined = no batch. */
  abstract compute(timeMs: number): Promise<BatchData<T> | undefined> | BatchData<T> | undefined;

  /** How long parents must remember their batches for this stream (Spark's parentRememberDuration), ms. */
  get parentRememberDuration(): number {
    return this.rememberDuration ?? this.slideDuration;
  }

  /** Class name, as Spark's getClass.getSimpleName in messages. */
  get className(): string {
    return this.constructor.name;
  }

  toString(): string {
    return `${this.className}@${this.id}`;
  }

  /**
   * Spark's `DStream.checkpoint(interval)`: checkpoint this stream every `intervalMs`.
   * Errors: `UnsupportedOperationException("Cannot change checkpoint interval of an DStream after streaming context has started")`.
   */
  checkpoint(intervalMs: number): this {
    if (this.ssc.getState() !== 'INITIALIZED') throw new UnsupportedOperationException('Cannot change checkpoint interval of an DStream after streaming context has started');
    this.checkpointDuration = intervalMs;
    return this;
  }

  /** The context's batch interval, ms. */
  protected get batchDuration(): number {
    return this.ssc.batchDurationMs;
  }

  /**
   * Spark's `initialize(time)`: set zero time, default checkpoint interval of must-checkpoint
   * streams (the smallest multiple of the slide ≥ 10 s; see defaultCheckpointDuration) and the
   * minimum remember duration (slide, or 2 × checkpoint interval), then initialise parents.
   */
  initialize(zeroTimeMs: number): void {
    if (this.zeroTime !== undefined && this.zeroTime !== zeroTimeMs) {
      throw new SparkException(`ZeroTime is already initialized to ${fmtMs(this.zeroTime)}, cannot initialize it again to ${fmtMs(zeroTimeMs)}`);
    }
    this.zeroTime = zeroTimeMs;
    if (this.mustCheckpoint && this.checkpointDuration === undefined) this.checkpointDuration = this.defaultCheckpointDuration();
    let minRemember = this.slideDuration;
    if (this.checkpointDuration !== undefined && minRemember <= this.checkpointDuration) minRemember = this.checkpointDuration * 2;
    if (this.rememberDuration === undefined || this.rememberDuration < minRemember) this.rememberDuration = minRemember;
    for (const d of this.dependencies) d.initialize(zeroTimeMs);
  }

  /** Spark's default for must-checkpoint streams: `slide * ceil(10 s / slide)`, ms. */
  protected defaultCheckpointDuration(): number {
    return this.slideDuration * Math.ceil(10_000 / this.slideDuration);
  }

  /** Spark's `remember(duration)`: keep batches at least `ms`, and ask parents for parentRememberDuration. */
  remember(ms: number | undefined): void {
    if (ms !== undefined && (this.rememberDuration === undefined || ms > this.rememberDuration)) this.rememberDuration = ms;
    for (const d of this.dependencies) d.remember(this.parentRememberDuration);
  }

  /** Spark's `validateAtStart` checks on checkpointing (messages verbatim, `requirement failed: ` prefixed). */
  validateAtStart(): void {
    const cls = this.className;
    requireArg(!this.mustCheckpoint || this.checkpointDuration !== undefined, `The checkpoint interval for ${cls} has not been set. Please use DStream.checkpoint() to set the interval.`);
    if (this.checkpointDuration !== undefined) {
      requireArg(this.ssc.checkpointDir !== undefined, 'The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().');
      requireArg(
        this.checkpointDuration >= this.slideDuration,
        `The checkpoint interval for ${cls} has been set to ${fmtMs(this.checkpointDuration)} which is lower than its slide time (${fmtMs(this.slideDuration)}). Please set it to at least ${fmtMs(this.slideDuration)}.`,
      );
      requireArg(
        isMultipleOf(this.checkpointDuration, this.slideDuration),
        `The checkpoint interval for ${cls} has been set to ${fmtMs(this.checkpointDuration)} which not a multiple of its slide time (${fmtMs(this.slideDuration)}). Please set it to a multiple of ${fmtMs(this.slideDuration)}.`,
      );
    }
    for (const d of this.dependencies) d.validateAtStart();
  }

  /**
   * Spark's `isTimeValid`: `t > zeroTime && (t - zeroTime) % slideDuration == 0`.
   * Errors: `SparkException("<stream> has not been initialized")` before start.
   */
  isTimeValid(timeMs: number): boolean {
    if (this.zeroTime === undefined) throw new SparkException(`${this.toString()} has not been initialized`);
    return timeMs > this.zeroTime && (timeMs - this.zeroTime) % this.slideDuration === 0;
  }

  /** True when `timeMs` is one of this stream's checkpoint times. */
  isCheckpointTime(timeMs: number): boolean {
    return this.checkpointDuration !== undefined && this.zeroTime !== undefined && (timeMs - this.zeroTime) % this.checkpointDuration === 0;
  }

  /**
   * Spark's `getOrCompute(time)`: the memoised batch at `timeMs`, computing it on first use;
   * undefined for an invalid time or when compute gives none. A failed compute is not memoised.
   */
  getOrCompute(timeMs: number): Promise<BatchData<T> | undefined> {
    const hit = this.generated.get(timeMs);
    if (hit) return hit;
    if (!this.isTimeValid(timeMs)) return Promise.resolve(undefined);
    const p = Promise.resolve()
      .then(() => this.compute(timeMs))
      .then((data) => {
        if (data !== undefined && this.isCheckpointTime(timeMs)) this.onCheckpointTime(timeMs, data);
        return data;
      });
    this.generated.set(timeMs, p);
    p.catch(() => {
      if (this.generated.get(timeMs) === p) this.generated.delete(timeMs);
    });
    return p;
  }

  /** Put an already known batch (recovered from a checkpoint) at `timeMs`. */
  protected setGenerated(timeMs: number, data: BatchData<T> | undefined): void {
    this.generated.set(timeMs, Promise.resolve(data));
  }

  /**
   * Spark's `slice(from, to)`: the batches of valid times in [fromMs, toMs] (both inclusive),
   * computing them if needed; times at or before zero time are skipped.
   */
  async slice(fromMs: number, toMs: number): Promise<BatchData<T>[]> {
    const out: BatchData<T>[] = [];
    for (let t = fromMs; t <= toMs; t += this.slideDuration) {
      if (this.zeroTime !== undefined && t <= this.zeroTime) continue;
      const d = await this.getOrCompute(t);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  /** Called when a batch at a checkpoint time is computed (state streams save their state here). */
  protected onCheckpointTime(_timeMs: number, _data: BatchData<T>): void {}

  /** Spark's `clearMetadata(time)`: forget batches older than `timeMs - rememberDuration`; recursive. */
  clearMetadata(timeMs: number): void {
    const remember = this.rememberDuration ?? this.slideDuration;
    for (const t of [...this.generated.keys()]) if (t <= timeMs - remember) this.generated.delete(t);
    for (const d of this.dependencies) d.clearMetadata(timeMs);
  }

  /**
   * What this stream saves in a checkpoint (JSON-able), or undefined for nothing. State streams
   * return their last checkpointed state; inputs their per-batch metadata (Spark's DStreamCheckpointData).
   */
  checkpointData(): unknown {
    return undefined;
  }

  /** Restore what `checkpointData()` saved (Spark's `restoreCheckpointData`). */
  restoreCheckpointData(_data: unknown): void {}
}
