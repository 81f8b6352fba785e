import fs from 'node:fs';
import '../dstream/operations.js';
import '../dstream/pair-operations.js';
import '../dstream/state-operations.js';
import '../dstream/output-operations.js';
import type { CheckpointRecord } from '../checkpoint/checkpoint.js';
import { CheckpointWriter, readCheckpoint } from '../checkpoint/checkpoint-store.js';
import type { DStream } from '../dstream/dstream.js';
import { QueueInputDStream } from '../dstream/queue-input-dstream.js';
import { PluggableInputDStream, type ReceiverInputDStream } from '../dstream/receiver-input-dstream.js';
import type { Receiver } from '../receiver/receiver.js';
import { TransformedDStream, UnionDStream } from '../dstream/derived-dstream.js';
import { DStreamGraph } from '../graph/dstream-graph.js';
import type { BatchData } from '../rdd/batch-data.js';
import { JobScheduler } from '../scheduler/job-scheduler.js';
import type { StreamingListener } from '../scheduler/streaming-listener.js';
import type { StreamingUI } from '../ui/streaming-ui.js';
import { SystemClock, type Clock } from '../util/clock.js';
import { StreamingConf } from '../util/conf.js';
import { IllegalArgumentException, IllegalStateException, SparkException } from '../util/errors.js';
import { defaultLogger, type StreamingLogger } from '../util/logger.js';
import { fmtMs } from '../util/time.js';

/** Spark's `StreamingContextState`. */
export type StreamingContextState = 'INITIALIZED' | 'ACTIVE' | 'STOPPED';

/** Options of `new StreamingContext(...)`. */
export interface StreamingContextOptions {
  /** Batch interval, ms (Spark's batchDuration). Required, a positive integer. */
  batchDurationMs: number;
  /** Spark conf pairs (`spark.streaming.*` keys, see util/conf.ts; `spark.ui.*` keys of the status server, see ui/streaming-ui.ts). */
  conf?: Record<string, string | number | boolean | undefined>;
  /** Clock for batch times and BatchInfo times (Spark's spark.streaming.clock); default SystemClock. Tests pass a ManualClock. */
  clock?: Clock;
  appName?: string;
  logger?: StreamingLogger;
  /** Stop the context on SIGTERM (Spark's shutdown hook; graceful per `spark.streaming.stopGracefullyOnShutdown`). Default true. */
  stopOnShutdown?: boolean;
}

/** Options of `stop`. */
export interface StopOptions {
  /** Process every generated batch before stopping (Spark's stopGracefully). Default false. */
  stopGracefully?: boolean;
  /** Same as stopGracefully. */
  graceful?: boolean;
}

let activeContext: StreamingContext | undefined;

/**
 * Spark's `StreamingContext` (streaming/StreamingContext.scala): the entry point. Build the graph
 * (input streams, transformations, at least one output operation), optionally `checkpoint(dir)`,
 * then `await start()`; batches run every `batchDurationMs` on the clock, strictly one after another.
 * States INITIALIZED → ACTIVE → STOPPED; one ACTIVE context per process.
 *
 * Errors (Spark's texts): constructor without batch duration → "Batch duration for StreamingContext cannot be null";
 * start with no output operation → "requirement failed: No output operations registered, so nothing to execute";
 * start while another context is active → "Only one StreamingContext may be started in this JVM. Currently running StreamingContext was started at<site>";
 * start after stop → IllegalStateException("StreamingContext has already been stopped");
 * new DStreams after start → IllegalStateException("Adding new inputs, transformations, and output operations after starting a context is not supported").
 *
 * Recovery: `StreamingContext.getOrCreate(dir, create)` — see there; functions cannot be serialised
 * in JavaScript, so the graph is always rebuilt by `create`, and only data comes from the checkpoint.
 */
export class StreamingContext {
  readonly batchDurationMs: number;
  readonly conf: StreamingConf;
  readonly clock: Clock;
  readonly appName: string | undefined;
  readonly logger: StreamingLogger;
  readonly graph: DStreamGraph;
  readonly scheduler: JobScheduler;
  /** Set by `checkpoint(dir)`. */
  checkpointDir: string | undefined;
  /** The checkpoint this context was recovered from (getOrCreate). */
  recoveredCheckpoint: CheckpointRecord | undefined;
  /** Writer of `checkpointDir`, open while ACTIVE. */
  checkpointWriter: CheckpointWriter | undefined;
  /** The status server (ui/streaming-ui.ts), running while ACTIVE when `spark.ui.enabled=true`. */
  ui: StreamingUI | undefined;
  private state: StreamingContextState = 'INITIALIZED';
  private startSite = '';
  private readonly stopOnShutdown: boolean;
  private shutdownHook: (() => void) | undefined;
  private termination: { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void };
  private error: unknown;
  private checkpointIntervalMs: number | undefined;

  constructor(options: StreamingContextOptions) {
    if (options?.batchDurationMs === undefined || options.batchDurationMs === null) throw new SparkException('Batch duration for StreamingContext cannot be null');
    if (!Number.isInteger(options.batchDurationMs) || options.batchDurationMs <= 0) throw new IllegalArgumentException(`requirement failed: Batch duration must be a positive number of ms, got ${options.batchDurationMs}`);
    this.batchDurationMs = options.batchDurationMs;
    this.conf = new StreamingConf(options.conf);
    this.clock = options.clock ?? new SystemClock();
    this.appName = options.appName;
    this.logger = options.logger ?? defaultLogger;
    this.stopOnShutdown = options.stopOnShutdown ?? true;
    this.graph = new DStreamGraph(this.batchDurationMs);
    this.scheduler = new JobScheduler(this);
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => undefined);
    this.termination = { promise, resolve, reject };
  }

  /** The active context of this process, if any (Spark's StreamingContext.getActive). */
  static getActive(): StreamingContext | undefined {
    return activeContext;
  }

  /**
   * Spark's `StreamingContext.getOrCreate(checkpointPath, creatingFunc, createOnError = false)`.
   * With a checkpoint in `checkpointDir`: calls `create()` to rebuild the graph (JavaScript functions
   * cannot be serialised, so the same code must build the same graph), checks that the rebuilt graph
   * has the same streams, and restores into it the checkpoint's data (input metadata such as offset
   * ranges, updateStateByKey/mapWithState state, pending batches); on `start()` the batches pending
   * or missed during the downtime are rescheduled as Spark's JobGenerator.restart does. Without a
   * checkpoint: `create()` as is. `create` should call `ssc.checkpoint(checkpointDir)` (it is set
   * for it when recovering).
   * Errors: `SparkException("Failed to read checkpoint from directory <dir>")` (unless createOnError);
   * SparkException when the rebuilt graph differs from the checkpointed one or the batch interval changed.
   */
  static async getOrCreate(checkpointDir: string, create: () => StreamingContext | Promise<StreamingContext>, options: { createOnError?: boolean } = {}): Promise<StreamingContext> {
    const cp = await readCheckpoint(checkpointDir, { ignoreReadError: options.createOnError, warn: (m) => defaultLogger.warn(m) });
    const ssc = await create();
    if (!cp) return ssc;
    if (cp.batchDurationMs !== ssc.batchDurationMs) {
      throw new SparkException(`The checkpoint in ${checkpointDir} was written with batch duration ${fmtMs(cp.batchDurationMs)}, but the context created has ${fmtMs(ssc.batchDurationMs)}`);
    }
    const sig = ssc.graph.signature();
    if (JSON.stringify(sig) !== JSON.stringify(cp.graphSignature)) {
      throw new SparkException(
        `The DStream graph built by the creating function does not match the checkpoint in ${checkpointDir} (checkpoint: [${cp.graphSignature.join(', ')}], created: [${sig.join(', ')}]); the graph must be built by the same code`,
      );
    }
    if (ssc.checkpointDir === undefined) ssc.checkpoint(checkpointDir);
    ssc.checkpointIntervalMs ??= cp.checkpointDurationMs;
    ssc.recoveredCheckpoint = cp;
    ssc.logger.info(`Recovered checkpoint for time ${fmtMs(cp.checkpointTime)} from ${checkpointDir}`);
    return ssc;
  }

  /** Current state (Spark's getState). */
  getState(): StreamingContextState {
    return this.state;
  }

  /**
   * Spark's `checkpoint(directory)`: enable checkpointing into `dir` (created if missing), every
   * `checkpointDurationMs` (default the batch interval).
   */
  checkpoint(dir: string, intervalMs?: number): void {
    fs.mkdirSync(dir, { recursive: true });
    this.checkpointDir = dir;
    if (intervalMs !== undefined) this.checkpointIntervalMs = intervalMs;
  }

  /** Graph checkpoint interval, ms (default the batch interval). */
  get checkpointDurationMs(): number {
    return this.checkpointIntervalMs ?? this.batchDurationMs;
  }

  /** Spark's `remember(duration)`: keep every stream's batches at least `ms`. */
  remember(ms: number): void {
    this.graph.rememberDuration = ms;
  }

  /** Spark's default partition count: `spark.default.parallelism`, else the largest of `counts` (at least 1). */
  defaultParallelism(...counts: number[]): number {
    return this.conf.getNumber('spark.default.parallelism') ?? Math.max(1, ...counts);
  }

  /**
   * Spark's `queueStream(queue, oneAtATime = true, defaultRDD)`: a test input; see QueueInputDStream.
   * Not checkpointable.
   */
  queueStream<T>(queue: (BatchData<T> | T[])[], oneAtATime = true, defaultData?: BatchData<T>): QueueInputDStream<T> {
    return new QueueInputDStream(this, queue, oneAtATime, defaultData);
  }

  /**
   * Spark's `receiverStream(receiver)`: an input stream fed by a custom Receiver (a
   * PluggableInputDStream). The receiver runs from start() to stop() (see ReceiverTracker); each
   * batch holds the blocks it stored since the previous batch. Give each stream its own receiver object.
   */
  receiverStream<T>(receiver: Receiver<T>): ReceiverInputDStream<T> {
    return new PluggableInputDStream<T>(this, receiver);
  }

  /** Spark's `ssc.union(streams)`. */
  union<T>(streams: DStream<T>[]): DStream<T> {
    return new UnionDStream(streams);
  }

  /** Spark's `ssc.transform(streams, fn)`: `fn(batches, timeMs)` over several streams. */
  transform<U>(streams: DStream<unknown>[], fn: (data: BatchData<unknown>[], timeMs: number) => BatchData<U> | Promise<BatchData<U>>): DStream<U> {
    return new TransformedDStream<U>(streams, fn);
  }

  /** Spark's `addStreamingListener`. */
  addStreamingListener(listener: StreamingListener): void {
    this.scheduler.listenerBus.add(listener);
  }
  removeStreamingListener(listener: StreamingListener): void {
    this.scheduler.listenerBus.remove(listener);
  }

  /**
   * Spark's `start()`. INITIALIZED: validate, initialise the graph, open inputs, start the batch timer
   * (or reschedule recovered batches), post onStreamingStarted; ACTIVE: warns "StreamingContext has already been started".
   * Errors: see the class doc; on any error the context is marked STOPPED ("Error starting the context, marking it as stopped").
   */
  async start(): Promise<void> {
    if (this.state === 'ACTIVE') {
      this.logger.warn('StreamingContext has already been started');
      return;
    }
    if (this.state === 'STOPPED') throw new IllegalStateException('StreamingContext has already been stopped');
    if (activeContext !== undefined) {
      throw new IllegalStateException(`Only one StreamingContext may be started in this JVM. Currently running StreamingContext was started at${activeContext.startSite}`);
    }
    try {
      this.validate();
      this.startSite = callSite();
      this.state = 'ACTIVE';
      activeContext = this;
      if (this.checkpointDir !== undefined) this.checkpointWriter = new CheckpointWriter(this.checkpointDir);
      for (const i of this.graph.inputStreams) if (i.rateController) this.addStreamingListener(i.rateController);
      // spark.ui.enabled: the status server (and dashboard registration); loaded only when asked for
      if (this.conf.getBoolean('spark.ui.enabled', false)) this.ui = await (await import('../ui/streaming-ui.js')).StreamingUI.start(this);
      await this.scheduler.start();
    } catch (err) {
      this.logger.error(`Error starting the context, marking it as stopped: ${String(err)}`);
      this.state = 'STOPPED';
      if (activeContext === this) activeContext = undefined;
      await this.ui?.stop();
      await this.checkpointWriter?.close();
      throw err;
    }
    if (this.stopOnShutdown) this.installShutdownHook();
    this.scheduler.listenerBus.post('onStreamingStarted', { time: this.clock.getTimeMillis() });
    this.logger.info('StreamingContext started');
  }

  /** Spark's `validate()` (graph, checkpointability). */
  private validate(): void {
    this.graph.validate();
    if (this.checkpointDir !== undefined) {
      for (const i of this.graph.inputStreams) {
        const reason = i.notCheckpointableReason;
        if (reason !== undefined) throw new SparkException(`DStream checkpointing has been enabled but the DStreams with their functions are not serializable\n${reason}`);
      }
    }
    // initialise streams now, so that start-time checks (checkpoint directory, intervals) fail start()
    const restoring = this.recoveredCheckpoint;
    const zero = restoring ? restoring.zeroTime : (Math.floor(this.clock.getTimeMillis() / this.batchDurationMs) + 1) * this.batchDurationMs - this.batchDurationMs;
    this.graph.initialize(zero);
  }

  /**
   * Spark's `awaitTerminationOrTimeout(timeout)` / `awaitTermination()`: resolves true when the
   * context stopped, false when `timeoutMs` passed first (wall time). Rejects with the first error
   * reported by a batch (a failed output operation or job generation), as Spark rethrows it.
   */
  async awaitTermination(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs === undefined) {
      await this.termination.promise;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.termination.promise.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Spark's `awaitTerminationOrTimeout(timeout)`, ms. */
  awaitTerminationOrTimeout(timeoutMs: number): Promise<boolean> {
    return this.awaitTermination(timeoutMs);
  }

  /** @internal Report an error to awaitTermination (Spark's JobScheduler.reportError) and log it. */
  reportError(msg: string, err: unknown): void {
    this.logger.error(`${msg}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (this.error === undefined) {
      this.error = err;
      this.termination.reject(err);
    }
  }

  /**
   * Spark's `stop(stopSparkContext, stopGracefully)`. INITIALIZED: warns "StreamingContext has not
   * been started yet" and becomes STOPPED; STOPPED: no-op. ACTIVE: stop the scheduler — first the
   * receivers (their buffered data is stored), then batch generation (gracefully = allocate every
   * received block and process every generated batch first, bounded by
   * spark.streaming.gracefulStopTimeout) — close the inputs and the checkpoint writer;
   * awaitTermination then resolves.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const graceful = options.stopGracefully ?? options.graceful ?? false;
    if (this.state === 'INITIALIZED') {
      this.logger.warn('StreamingContext has not been started yet');
      this.state = 'STOPPED';
      this.termination.resolve();
      return;
    }
    if (this.state === 'STOPPED') {
      this.logger.info('StreamingContext has already been stopped');
      return;
    }
    this.state = 'STOPPED';
    this.removeShutdownHook();
    try {
      await this.scheduler.stop(graceful);
      await this.graph.stopInputs();
      await this.checkpointWriter?.close();
    } finally {
      await this.ui?.stop().catch((e) => this.logger.warn(`Stopping the UI failed: ${String(e)}`));
      if (activeContext === this) activeContext = undefined;
      this.logger.info(`StreamingContext stopped successfully`);
      this.termination.resolve();
    }
  }

  /** @internal Build the checkpoint record for batch `timeMs`. */
  buildCheckpoint(timeMs: number, pendingTimes: number[]): CheckpointRecord {
    return {
      version: 1,
      appName: this.appName,
      checkpointTime: timeMs,
      batchDurationMs: this.batchDurationMs,
      checkpointDurationMs: this.checkpointDurationMs,
      zeroTime: this.graph.zeroTime!,
      pendingTimes: [...new Set(pendingTimes)].sort((a, b) => a - b),
      streams: this.graph.checkpointData(),
      graphSignature: this.graph.signature(),
      conf: this.conf.getAll(),
    };
  }

  /** SIGTERM → stop (gracefully per spark.streaming.stopGracefullyOnShutdown), then re-raise SIGTERM so the process ends as it would have. */
  private installShutdownHook(): void {
    const hook = (): void => {
      this.removeShutdownHook();
      const graceful = this.conf.getBoolean('spark.streaming.stopGracefullyOnShutdown', false);
      this.logger.info(`Invoking stop(stopGracefully=${graceful}) from shutdown hook`);
      void this.stop({ stopGracefully: graceful }).finally(() => {
        // after awaitTermination's callers ran: end the process as SIGTERM would have
        setImmediate(() => {
          if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
        });
      });
    };
    this.shutdownHook = hook;
    process.on('SIGTERM', hook);
  }
  private removeShutdownHook(): void {
    if (this.shutdownHook) process.off('SIGTERM', this.shutdownHook);
    this.shutdownHook = undefined;
  }
}

/** The user's call site of start() (Spark prints it in the one-active-context error). */
function callSite(): string {
  const lines = (new Error().stack ?? '').split('\n').slice(1);
  const user = lines.find((l) => !l.includes('/streaming-kafka/') && !l.includes('node:internal'));
  return `\n${(user ?? lines[0] ?? '').trim()}`;
}
