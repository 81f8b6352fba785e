import os from 'node:os';
import { SystemClock, type Clock } from '../util/clock.js';
import type { StreamingConf } from '../util/conf.js';
import { defaultLogger, type StreamingLogger } from '../util/logger.js';
import { BlockGenerator, type BlockGeneratorListener } from './block-generator.js';
import { BlockStoreException, ReceiverWriteAheadLogWithoutCheckpointException } from './errors.js';
import type { ReceivedBlockInfo } from './received-block-info.js';
import { BlockManagerBasedBlockHandler, WriteAheadLogBasedBlockHandler, type ReceivedBlockHandler } from './received-block-handler.js';
import type { ReceivedBlockStore } from './received-block-store.js';
import type { Receiver } from './receiver.js';
import { StreamBlockId } from './stream-block-id.js';
import { enableReceiverLog } from './wal/write-ahead-log-utils.js';

/**
 * Last `storeBlock` block id issued per stream id in this process: a relaunched supervisor continues
 * after it (Spark seeds each supervisor's counter with the wall time only, which a receiver storing
 * more than 1000 blocks/s would overtake).
 */
const lastIssuedBlockId = new Map<number, number>();

/** Spark's ReceiverSupervisor.ReceiverState. */
export type ReceiverState = 'Initialized' | 'Started' | 'Stopped';

/** Stack text of an error (Spark's Throwables.getStackTraceAsString), '' for none. */
export function errorString(err: unknown): string {
  if (err === undefined || err === null) return '';
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Spark's `ReceiverSupervisor` (streaming/receiver/ReceiverSupervisor.scala): runs one Receiver —
 * start, stop, restart with delay — and gives it the ways to store data. States Initialized →
 * Started ⇄ Stopped (restart). `start()` calls onStart (start the block generators) then
 * startReceiver (register with the tracker, state Started, `receiver.onStart()`; an error there stops
 * the supervisor: "Error starting receiver <id>"). `stop(message, err)` stops the receiver
 * (`receiver.onStop()`, deregister), then onStop (drain the block generators, close the WAL), and ends
 * `awaitTermination()` (rejected with `err` when given). `restartReceiver(message, err, delayMs)`:
 * stopReceiver("Restarting receiver with delay <d>ms: <message>"), wait, startReceiver — cancelled
 * by stop(). start/stop/restart steps are serialised.
 */
export abstract class ReceiverSupervisor {
  /** `spark.streaming.receiverRestartDelay`, ms (2000). */
  readonly defaultRestartDelayMs: number;
  protected receiverState: ReceiverState = 'Initialized';
  /** The error given to stop(), if any. */
  protected stoppingError: unknown;
  /** The context's logger (receivers log through it). */
  readonly logger: StreamingLogger;
  private lock: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private readonly restartAbort = new AbortController();
  private readonly terminated: Promise<void>;
  private resolveTerminated!: () => void;

  constructor(
    readonly receiver: Receiver<unknown>,
    conf: StreamingConf,
    logger: StreamingLogger = defaultLogger,
  ) {
    this.defaultRestartDelayMs = conf.getNumber('spark.streaming.receiverRestartDelay', 2000);
    this.logger = logger;
    this.terminated = new Promise<void>((resolve) => (this.resolveTerminated = resolve));
    receiver.attachSupervisor(this);
  }

  /** The receiver's stream id. */
  get streamId(): number {
    return this.receiver.streamId;
  }

  /** Spark's `pushSingle`: one record into the default BlockGenerator. */
  abstract pushSingle(item: unknown): Promise<void>;
  /** Spark's `pushArrayBuffer(buffer, metadata, blockId)`: store a block and report it; resolves when done. */
  abstract pushArrayBuffer(items: readonly unknown[], metadata?: unknown, blockId?: StreamBlockId): Promise<void>;
  /** Spark's `reportError`. */
  abstract reportError(message: string, err?: unknown): void;
  /** Spark's `createBlockGenerator(listener)`: a BlockGenerator with this receiver's rate limits. */
  abstract createBlockGenerator<T>(listener: BlockGeneratorListener<T>): BlockGenerator<T>;

  /** Called by start() before the receiver starts. */
  protected onStart(): void | Promise<void> {}
  /** Called by stop() after the receiver stopped. */
  protected onStop(_message: string, _error: unknown): void | Promise<void> {}
  /** Register with the tracker; false = refused. */
  protected onReceiverStart(): boolean {
    return true;
  }
  /** Deregister from the tracker. */
  protected onReceiverStop(_message: string, _error: unknown): void {}

  private withLock<R>(fn: () => Promise<R>): Promise<R> {
    const p = this.lock.then(fn);
    this.lock = p.catch(() => undefined);
    return p;
  }

  /** Spark's `start()`: onStart, then startReceiver. Resolves when the receiver's onStart settled. */
  async start(): Promise<void> {
    await this.onStart();
    await this.startReceiver();
  }

  /**
   * Spark's `stop(message, error)`: stop the receiver, then the supervisor (generators drained,
   * WAL closed); resolves when done. Later calls return the same promise.
   */
  stop(message: string, error?: unknown): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stoppingError = error;
    this.restartAbort.abort();
    this.stopping = (async () => {
      try {
        await this.stopReceiver(message, error);
        await this.onStop(message, error);
      } catch (err) {
        this.logger.error(`Error stopping supervisor of receiver ${this.streamId}: ${errorString(err)}`);
      } finally {
        this.resolveTerminated();
      }
    })();
    return this.stopping;
  }

  /** Spark's `startReceiver()`: register, state Started, `receiver.onStart()`; errors stop the supervisor. */
  startReceiver(): Promise<void> {
    return this.withLock(async () => {
      if (this.stopping) return;
      try {
        if (this.onReceiverStart()) {
          this.logger.info(`Starting receiver ${this.streamId}`);
          this.receiverState = 'Started';
          await this.receiver.onStart();
          this.logger.info(`Called receiver ${this.streamId} onStart`);
        } else {
          void this.stop(`Registered unsuccessfully because Driver refused to start receiver ${this.streamId}`);
        }
      } catch (err) {
        void this.stop(`Error starting receiver ${this.streamId}`, err);
      }
    });
  }

  /** Spark's `stopReceiver(message, error)`: state Stopped, `receiver.onStop()`, deregister (reported with `error`). */
  stopReceiver(message: string, error?: unknown): Promise<void> {
    return this.withLock(async () => {
      this.logger.info(`Stopping receiver with message: ${message}: ${error === undefined ? '' : String(error)}`);
      switch (this.receiverState) {
        case 'Initialized':
          this.logger.warn('Skip stopping receiver because it has not yet stared');
          return;
        case 'Stopped':
          this.logger.warn('Receiver has been stopped');
          return;
        case 'Started':
          break;
      }
      this.receiverState = 'Stopped';
      try {
        await this.receiver.onStop();
        this.logger.info('Called receiver onStop');
      } catch (err) {
        this.logger.error(`Error stopping receiver ${this.streamId} ${errorString(err)}`);
      }
      this.onReceiverStop(message, error);
    });
  }

  /**
   * Spark's `restartReceiver(message, error, delay)`: see the class comment. `delayMs` defaults to
   * `spark.streaming.receiverRestartDelay`. Resolves when the receiver started again (or the restart
   * was cancelled by stop()).
   */
  async restartReceiver(message: string, error?: unknown, delayMs: number = this.defaultRestartDelayMs): Promise<void> {
    if (this.stopping) return;
    this.logger.warn(`Restarting receiver with delay ${delayMs} ms: ${message}${error === undefined ? '' : `: ${errorString(error)}`}`);
    await this.stopReceiver(`Restarting receiver with delay ${delayMs}ms: ${message}`, error);
    const signal = this.restartAbort.signal;
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const t = setTimeout(done, delayMs);
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    if (signal.aborted) return;
    this.logger.info('Starting receiver again');
    await this.startReceiver();
    this.logger.info('Receiver started again');
  }

  /** Spark's `isReceiverStarted()`. */
  isReceiverStarted(): boolean {
    return this.receiverState === 'Started';
  }

  /** Spark's `isReceiverStopped()`. */
  isReceiverStopped(): boolean {
    return this.receiverState === 'Stopped';
  }

  /** True once stop() was called. */
  isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Spark's `awaitTermination()`: resolves when stopped; rejects with the error given to stop(). */
  async awaitTermination(): Promise<void> {
    await this.terminated;
    if (this.stoppingError !== undefined && this.stoppingError !== null) throw this.stoppingError;
  }
}

/** What a supervisor reports to (the ReceiverTracker's endpoint, Spark's RPC messages). */
export interface ReceiverTrackerEndpoint {
  /** RegisterReceiver: false = refused (the tracker is stopping). */
  registerReceiver(streamId: number, typ: string, host: string, supervisor: ReceiverSupervisor): boolean;
  /** DeregisterReceiver (error: stack text or ''). */
  deregisterReceiver(streamId: number, message: string, error: string): void;
  /** AddBlock: true when recorded (durably, with the WAL). */
  addBlock(info: ReceivedBlockInfo): Promise<boolean>;
  /** ReportError. */
  reportError(streamId: number, message: string, error: string): void;
}

/** What a ReceiverSupervisorImpl needs from its context. */
export interface ReceiverSupervisorContext {
  conf: StreamingConf;
  /** Clock of block times and WAL record times (the StreamingContext's). */
  clock?: Clock;
  logger?: StreamingLogger;
  /** The checkpoint directory (required with the receiver WAL). */
  checkpointDir?: string;
  /** The in-memory block store shared with the driver side. */
  blockStore: ReceivedBlockStore;
}

/**
 * Spark's `ReceiverSupervisorImpl`: the supervisor with a ReceivedBlockHandler (WAL-based when
 * `spark.streaming.receiver.writeAheadLog.enable`, else in memory), a default BlockGenerator for
 * `store(item)`, the generators the receiver creates (all rate limited, all given backpressure rate
 * updates), and the tracker endpoint (register/deregister, AddBlock, errors).
 * Block ids of `storeBlock` come from a counter started at the wall time (ms) of creation (and
 * never below an id this process already issued for the stream).
 * Errors (constructor): ReceiverWriteAheadLogWithoutCheckpointException (Spark's message 11).
 */
export class ReceiverSupervisorImpl extends ReceiverSupervisor {
  readonly receivedBlockHandler: ReceivedBlockHandler;
  private readonly conf: StreamingConf;
  private readonly clock: Clock;
  private readonly blockStore: ReceivedBlockStore;
  private readonly registeredBlockGenerators: BlockGenerator<unknown>[] = [];
  private readonly defaultBlockGenerator: BlockGenerator<unknown>;
  private newBlockId = Date.now();
  /** Latest backpressure rate (records/s) published to this receiver, applied to new generators too. */
  private latestRate: number | undefined;

  constructor(
    receiver: Receiver<unknown>,
    private readonly tracker: ReceiverTrackerEndpoint,
    ctx: ReceiverSupervisorContext,
  ) {
    super(receiver, ctx.conf, ctx.logger);
    this.conf = ctx.conf;
    this.clock = ctx.clock ?? new SystemClock();
    this.blockStore = ctx.blockStore;
    if (enableReceiverLog(ctx.conf)) {
      if (ctx.checkpointDir === undefined) throw new ReceiverWriteAheadLogWithoutCheckpointException();
      this.receivedBlockHandler = new WriteAheadLogBasedBlockHandler(ctx.blockStore, receiver.streamId, receiver.storageLevel, ctx.conf, ctx.checkpointDir, { clock: this.clock, logger: this.logger });
    } else {
      this.receivedBlockHandler = new BlockManagerBasedBlockHandler(ctx.blockStore, receiver.storageLevel);
    }
    this.defaultBlockGenerator = this.createBlockGenerator<unknown>({
      onAddData: () => {},
      onGenerateBlock: () => {},
      onError: (message, err) => this.reportError(message, err),
      onPushBlock: (blockId, items) => this.pushArrayBuffer(items, undefined, blockId),
    });
  }

  pushSingle(item: unknown): Promise<void> {
    return this.defaultBlockGenerator.addData(item);
  }

  pushArrayBuffer(items: readonly unknown[], metadata?: unknown, blockId?: StreamBlockId): Promise<void> {
    return this.pushAndReportBlock(items, metadata, blockId);
  }

  /**
   * Spark's `pushAndReportBlock`: store the block with the handler, then report its
   * ReceivedBlockInfo to the tracker (AddBlock). Rejects when storing fails or the tracker could
   * not record it (BlockStoreException "Could not report block <id> to the ReceivedBlockTracker").
   */
  async pushAndReportBlock(items: readonly unknown[], metadata: unknown, blockIdOption: StreamBlockId | undefined): Promise<void> {
    const blockId = blockIdOption ?? this.nextBlockId();
    const result = await this.receivedBlockHandler.storeBlock(blockId, items);
    const info: ReceivedBlockInfo = { streamId: this.streamId, numRecords: result.numRecords, metadata, blockId, blockIdValid: true };
    if (result.walRecordHandle) info.walRecordHandle = result.walRecordHandle;
    let ok = false;
    let cause: unknown;
    try {
      ok = await this.tracker.addBlock(info);
    } catch (err) {
      cause = err;
    }
    if (!ok) {
      this.blockStore.remove(blockId);
      throw new BlockStoreException(`Could not report block ${blockId.name} to the ReceivedBlockTracker`, cause === undefined ? undefined : { cause });
    }
  }

  reportError(message: string, err?: unknown): void {
    this.tracker.reportError(this.streamId, message, errorString(err));
    this.logger.warn(`Reported error ${message} - ${err === undefined ? '' : String(err)}`);
  }

  createBlockGenerator<T>(listener: BlockGeneratorListener<T>): BlockGenerator<T> {
    // forget the generators that have stopped
    for (let i = this.registeredBlockGenerators.length - 1; i >= 0; i--) if (this.registeredBlockGenerators[i]!.isStopped()) this.registeredBlockGenerators.splice(i, 1);
    const g = new BlockGenerator<T>(listener, this.streamId, this.conf, { clock: this.clock, logger: this.logger });
    if (this.latestRate !== undefined) g.updateRate(this.latestRate);
    this.registeredBlockGenerators.push(g as BlockGenerator<unknown>);
    return g;
  }

  /** Spark's UpdateRateLimit: the backpressure rate (records/s) for every generator of this receiver. */
  updateRate(newRate: number): void {
    if (!(newRate > 0)) return;
    this.latestRate = newRate;
    for (const g of this.registeredBlockGenerators) g.updateRate(newRate);
  }

  /** The rate limits of this receiver's generators (records/s; Infinity = none). */
  currentRateLimits(): number[] {
    return this.registeredBlockGenerators.map((g) => g.getCurrentLimit());
  }

  /** Spark's CleanupOldBlocks: delete WAL files ending before `thresholdTimeMs`. */
  async cleanupOldBlocks(thresholdTimeMs: number): Promise<void> {
    await this.receivedBlockHandler.cleanupOldBlocks(thresholdTimeMs);
  }

  protected override onStart(): void {
    for (const g of this.registeredBlockGenerators) if (g.getState() === 'Initialized') g.start();
  }

  /** Drain every generator (their blocks are stored and reported), then close the handler (WAL). */
  protected override async onStop(): Promise<void> {
    for (const g of [...this.registeredBlockGenerators]) {
      const state = g.getState();
      // Active ones are stopped here; ones the receiver is stopping are waited for
      if (state !== 'Initialized' && state !== 'StoppedAll') await g.stop();
    }
    await this.receivedBlockHandler.stop();
  }

  protected override onReceiverStart(): boolean {
    return this.tracker.registerReceiver(this.streamId, this.receiver.constructor.name, os.hostname(), this);
  }

  protected override onReceiverStop(message: string, error: unknown): void {
    this.logger.info(`Deregistering receiver ${this.streamId}`);
    this.tracker.deregisterReceiver(this.streamId, message, errorString(error));
    this.logger.info(`Stopped receiver ${this.streamId}`);
  }

  private nextBlockId(): StreamBlockId {
    const id = Math.max(this.newBlockId, (lastIssuedBlockId.get(this.streamId) ?? -Infinity) + 1);
    this.newBlockId = id + 1;
    lastIssuedBlockId.set(this.streamId, id);
    return new StreamBlockId(this.streamId, id);
  }
}
