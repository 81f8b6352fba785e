import type { CheckpointRecord } from '../checkpoint/checkpoint.js';
import type { DStream, Job } from '../dstream/dstream.js';
import type { ForEachDStream } from '../dstream/foreach-dstream.js';
import type { InputDStream } from '../dstream/input-dstream.js';
import { SparkException, requireArg } from '../util/errors.js';

/**
 * Spark's `DStreamGraph`: the input streams, every stream (by id, for checkpoint matching) and the
 * output streams of one StreamingContext; zero time (= start time − batch interval, ms); starts,
 * generates jobs, clears metadata and collects/restores checkpoint data for all streams.
 */
export class DStreamGraph {
  readonly inputStreams: InputDStream<unknown>[] = [];
  readonly outputStreams: ForEachDStream<unknown>[] = [];
  readonly streams: DStream<unknown>[] = [];
  /** ms; set by start/restart. */
  zeroTime: number | undefined;
  /** Graph-level remember duration (StreamingContext.remember), ms. */
  rememberDuration: number | undefined;

  constructor(readonly batchDurationMs: number) {}

  nextStreamId(): number {
    return this.streams.length;
  }
  registerStream(s: DStream<unknown>): void {
    this.streams.push(s);
  }
  addInputStream(s: InputDStream<unknown>): void {
    this.inputStreams.push(s);
  }
  addOutputStream(s: ForEachDStream<unknown>): void {
    this.outputStreams.push(s);
  }

  /**
   * Spark's `DStreamGraph.validate`. Errors: "requirement failed: Batch duration has not been set",
   * "requirement failed: No output operations registered, so nothing to execute".
   */
  validate(): void {
    requireArg(this.batchDurationMs !== undefined && this.batchDurationMs !== null, 'Batch duration has not been set');
    requireArg(this.outputStreams.length > 0, 'No output operations registered, so nothing to execute');
  }

  /** Initialise every stream at `zeroTimeMs` (remember durations, checkpoint intervals, start checks). */
  initialize(zeroTimeMs: number): void {
    if (this.zeroTime !== undefined) throw new SparkException('DStream graph computation already started');
    this.zeroTime = zeroTimeMs;
    for (const o of this.outputStreams) o.initialize(zeroTimeMs);
    for (const o of this.outputStreams) o.remember(this.rememberDuration);
    for (const o of this.outputStreams) o.validateAtStart();
  }

  /** Spark's `DStreamGraph.start(time)`: open the inputs (initialize() must have run). */
  async start(zeroTimeMs: number): Promise<void> {
    if (this.zeroTime === undefined) this.initialize(zeroTimeMs);
    for (const i of this.inputStreams) await i.start();
  }

  /** Spark's `restart` after `restoreCheckpointData`: restore every stream's data, open inputs. */
  async restart(cp: CheckpointRecord): Promise<void> {
    if (this.zeroTime === undefined) this.initialize(cp.zeroTime);
    for (const s of cp.streams) this.streams[s.id]?.restoreCheckpointData(s.data);
    for (const i of this.inputStreams) await i.start();
  }

  /** Let every input stream prepare its batch at `timeMs` (decide and report what the batch holds). */
  async generateInputs(timeMs: number): Promise<void> {
    for (const i of this.inputStreams) await i.prepareBatch(timeMs);
  }

  /** One job per output stream with a batch at `timeMs`, in registration order. */
  generateJobs(timeMs: number): Job[] {
    const jobs: Job[] = [];
    this.outputStreams.forEach((o, i) => {
      const j = o.generateJob(timeMs, i);
      if (j) jobs.push(j);
    });
    return jobs;
  }

  clearMetadata(timeMs: number): void {
    for (const o of this.outputStreams) o.clearMetadata(timeMs);
  }

  /** Largest remember duration of the inputs, ms. */
  maxInputRememberDuration(): number {
    return Math.max(this.batchDurationMs, ...this.inputStreams.map((i) => i.rememberDuration ?? 0));
  }

  /** Class names by stream id: a recovered checkpoint must have been written by the same graph. */
  signature(): string[] {
    return this.streams.map((s) => s.className);
  }

  /** `[ { id, className, data } ]` for every stream with checkpoint data. */
  checkpointData(): { id: number; className: string; data: unknown }[] {
    const out: { id: number; className: string; data: unknown }[] = [];
    for (const s of this.streams) {
      const data = s.checkpointData();
      if (data !== undefined) out.push({ id: s.id, className: s.className, data });
    }
    return out;
  }

  async stopInputs(): Promise<void> {
    for (const i of this.inputStreams) await i.stop();
  }
}
