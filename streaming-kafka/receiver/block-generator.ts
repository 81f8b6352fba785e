import { SystemClock, type Clock } from '../util/clock.js';
import type { StreamingConf } from '../util/conf.js';
import { defaultLogger, type StreamingLogger } from '../util/logger.js';
import { BlockGeneratorStateException, ReceiverConfigException } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import { StreamBlockId } from './stream-block-id.js';

/**
 * Spark's `BlockGeneratorListener`: the callbacks of a BlockGenerator.
 * - `onAddData(data, metadata)`: right after `addDataWithCallback` buffered `data` (for
 *   `addMultipleDataWithCallback`, `data` is the array of items added), synchronously and before
 *   any block is cut: no block generation can come between the buffering and the callback (Spark's
 *   "synchronized with the block generation"). Keep it fast.
 * - `onGenerateBlock(blockId)`: when the current buffer becomes block `blockId`, synchronously,
 *   after every onAddData of the data it holds and before any later addition (snapshot metadata
 *   such as offsets here).
 * - `onPushBlock(blockId, items)`: store the block (e.g. `receiver.storeBlock(items, metadata)`);
 *   blocks are pushed one at a time, in order; the next push waits for the returned promise.
 * - `onError(message, err)`: an error in the generator ("Error in block updating thread",
 *   "Error in block pushing thread"), e.g. a rejected onPushBlock.
 */
export interface BlockGeneratorListener<T> {
  onAddData(data: T, metadata: unknown): void;
  onGenerateBlock(blockId: StreamBlockId): void;
  onPushBlock(blockId: StreamBlockId, items: T[]): Promise<void>;
  onError(message: string, err: unknown): void;
}

/** Spark's BlockGenerator states, in order. */
export type BlockGeneratorState = 'Initialized' | 'Active' | 'StoppedAddingData' | 'StoppedGeneratingBlocks' | 'StoppedAll';

/** Options of a BlockGenerator (besides the conf). */
export interface BlockGeneratorOptions {
  /** Clock of the block timer (default SystemClock; the supervisor passes the context's clock). */
  clock?: Clock;
  logger?: StreamingLogger;
}

interface Block<T> {
  id: StreamBlockId;
  items: T[];
}

const NOT_ACTIVE = 'Cannot add data as BlockGenerator has not been started or has been stopped';
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Spark's `BlockGenerator` (streaming/receiver/BlockGenerator.scala): buffers the records a
 * receiver adds and every `spark.streaming.blockInterval` (200 ms; "'spark.streaming.blockInterval'
 * should be a positive value" otherwise) cuts the buffer into a block `input-<receiverId>-<t − interval>`
 * (t = the tick time on the clock; empty buffers make no block), queues it (at most
 * `spark.streaming.blockQueueSize` = 10 blocks), and pushes the queued blocks one by one, in
 * order, to `listener.onPushBlock`.
 *
 * Rate limit: every added record first passes the generator's RateLimiter
 * (`spark.streaming.receiver.maxRate`, backpressure via `updateRate`). Backpressure: while the block
 * queue is full (pushing is slower than receiving), the block timer waits for room, and
 * `addData*` wait too — the receiver's fetch loop is held back instead of buffering without bound.
 *
 * States Initialized → Active (start) → StoppedAddingData → StoppedGeneratingBlocks → StoppedAll (stop).
 * `stop()` drains: after it resolves, every record added before it was pushed (the last, partial
 * buffer is cut at once as the block of the current interval — Spark waits for the next tick — and
 * the queue is pushed out).
 *
 * Errors: `BlockGeneratorStateException` (SparkException) "Cannot add data as BlockGenerator has not
 * been started or has been stopped" from addData*, and "Cannot start BlockGenerator as its not in the
 * Initialized state [state = <s>]" from a second start(); ReceiverConfigException for the interval.
 *
 * Create generators with `ReceiverSupervisor.createBlockGenerator(listener)` (which applies the
 * receiver's rate limits to them), not directly.
 */
export class BlockGenerator<T> {
  /** `spark.streaming.blockInterval`, ms. */
  readonly blockIntervalMs: number;
  /** `spark.streaming.blockQueueSize`. */
  readonly blockQueueSize: number;
  private readonly rateLimiter: RateLimiter;
  private readonly clock: Clock;
  private readonly logger: StreamingLogger;
  private state: BlockGeneratorState = 'Initialized';
  private currentBuffer: T[] = [];
  private readonly queue: Block<T>[] = [];
  /** Waiters for room in the queue (timer and adders). */
  private spaceWaiters: (() => void)[] = [];
  /** Waiter of the pushing loop for a block (or for the end of generation). */
  private blockWaiter: (() => void) | undefined;
  private nextTickTime = -1;
  private readonly abort = new AbortController();
  private timerLoop: Promise<void> = Promise.resolve();
  private pushLoop: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly listener: BlockGeneratorListener<T>,
    /** The receiver's stream id (block ids `input-<receiverId>-<n>`). */
    readonly receiverId: number,
    conf: StreamingConf,
    options: BlockGeneratorOptions = {},
  ) {
    this.blockIntervalMs = conf.getTimeAsMs('spark.streaming.blockInterval', 200);
    if (!(this.blockIntervalMs > 0)) throw new ReceiverConfigException("requirement failed: 'spark.streaming.blockInterval' should be a positive value");
    this.blockQueueSize = Math.max(1, Math.trunc(conf.getNumber('spark.streaming.blockQueueSize', 10)));
    this.rateLimiter = new RateLimiter(conf);
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? defaultLogger;
  }

  /** Current state. */
  getState(): BlockGeneratorState {
    return this.state;
  }

  /**
   * Start the block timer (first tick at the next multiple of the interval on the clock) and the
   * pushing loop. Errors: BlockGeneratorStateException unless Initialized.
   */
  start(): void {
    if (this.state !== 'Initialized') throw new BlockGeneratorStateException(`Cannot start BlockGenerator as its not in the Initialized state [state = ${this.state}]`);
    this.state = 'Active';
    this.nextTickTime = (Math.floor(this.clock.getTimeMillis() / this.blockIntervalMs) + 1) * this.blockIntervalMs;
    this.timerLoop = this.runTimer();
    this.pushLoop = this.keepPushingBlocks();
    this.logger.info('Started BlockGenerator');
  }

  /**
   * Stop in order: stop adding data, cut the current buffer into a last block, stop generating,
   * push out every queued block; resolves when all is pushed (state StoppedAll). Not Active: warns
   * "Cannot stop BlockGenerator as its not in the Active state [state = <s>]" (and waits for a stop in progress).
   */
  stop(): Promise<void> {
    if (this.state !== 'Active') {
      if (this.stopping) return this.stopping;
      this.logger.warn(`Cannot stop BlockGenerator as its not in the Active state [state = ${this.state}]`);
      return Promise.resolve();
    }
    this.state = 'StoppedAddingData';
    this.stopping = this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.logger.info('Stopping BlockGenerator');
    this.abort.abort();
    await this.timerLoop;
    // the data added since the last tick: the block of the current interval
    await this.updateCurrentBuffer(this.nextTickTime);
    this.state = 'StoppedGeneratingBlocks';
    this.wakePusher();
    this.logger.info('Waiting for block pushing thread to terminate');
    await this.pushLoop;
    this.state = 'StoppedAll';
    // adders still waiting for room give up (they will see the state)
    this.wakeSpace();
    this.logger.info('Stopped BlockGenerator');
  }

  /**
   * Spark's `addData(data)`: buffer one record (rate limited; waits while the block queue is full).
   * Rejects with BlockGeneratorStateException unless Active (checked again after any wait).
   */
  addData(item: T): Promise<void> {
    return this.add(item, false, undefined);
  }

  /**
   * Spark's `addDataWithCallback(data, metadata)`: buffer one record, then call
   * `listener.onAddData(item, metadata)` in the same synchronous step.
   */
  addDataWithCallback(item: T, metadata: unknown): Promise<void> {
    return this.add(item, true, metadata);
  }

  private add(item: T, callback: boolean, metadata: unknown): Promise<void> {
    if (this.state !== 'Active') return Promise.reject(new BlockGeneratorStateException(NOT_ACTIVE));
    const w = this.rateLimiter.waitToPush();
    if (w === undefined && this.queue.length < this.blockQueueSize) {
      // fast path: no wait, so no other step can come between the state check and the buffering
      this.currentBuffer.push(item);
      if (callback) this.listener.onAddData(item, metadata);
      return RESOLVED;
    }
    return this.addAfterWait(item, w, callback, metadata);
  }

  private async addAfterWait(item: T, w: Promise<void> | undefined, callback: boolean, metadata: unknown): Promise<void> {
    if (w) await w;
    while (this.state === 'Active' && this.queue.length >= this.blockQueueSize) await this.roomInQueue();
    // checked in the same synchronous step as the buffering
    if (this.state !== 'Active') throw new BlockGeneratorStateException(NOT_ACTIVE);
    this.currentBuffer.push(item);
    if (callback) this.listener.onAddData(item, metadata);
  }

  /**
   * Spark's `addMultipleDataWithCallback(iterator, metadata)`: every item passes the rate limiter,
   * then all are buffered at once (they end up in the same block) and `listener.onAddData(items, metadata)`
   * is called with the array.
   */
  async addMultipleDataWithCallback(items: T[], metadata: unknown): Promise<void> {
    if (this.state !== 'Active') throw new BlockGeneratorStateException(NOT_ACTIVE);
    for (let i = 0; i < items.length; i++) {
      const w = this.rateLimiter.waitToPush();
      if (w) await w;
    }
    while (this.state === 'Active' && this.queue.length >= this.blockQueueSize) await this.roomInQueue();
    if (this.state !== 'Active') throw new BlockGeneratorStateException(NOT_ACTIVE);
    for (const it of items) this.currentBuffer.push(it);
    this.listener.onAddData(items as unknown as T, metadata);
  }

  /** Resolves at the next change of the block queue (a block taken for pushing) or at stop. */
  private roomInQueue(): Promise<void> {
    return new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Spark's `isActive()`. */
  isActive(): boolean {
    return this.state === 'Active';
  }

  /** Spark's `isStopped()`: true once everything was pushed after stop (StoppedAll). */
  isStopped(): boolean {
    return this.state === 'StoppedAll';
  }

  /** Records/s allowed now (Infinity = unlimited). */
  getCurrentLimit(): number {
    return this.rateLimiter.getCurrentLimit();
  }

  /** Spark's `updateRate(newRate)`: records/s, ignored when ≤ 0, capped by `spark.streaming.receiver.maxRate`. */
  updateRate(newRate: number): void {
    this.rateLimiter.updateRate(newRate);
  }

  /** Records buffered for the current block (for tests and metrics). */
  get bufferedRecords(): number {
    return this.currentBuffer.length;
  }
  /** Blocks waiting to be pushed. */
  get queuedBlocks(): number {
    return this.queue.length;
  }

  private async runTimer(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      await this.clock.waitTillTime(this.nextTickTime, signal);
      if (signal.aborted) return;
      await this.updateCurrentBuffer(this.nextTickTime);
      this.nextTickTime += this.blockIntervalMs;
    }
  }

  /** Spark's `updateCurrentBuffer(time)`: the buffer becomes block `input-<id>-<time − interval>`; waits for queue room. */
  private async updateCurrentBuffer(time: number): Promise<void> {
    try {
      if (this.currentBuffer.length === 0) return;
      const items = this.currentBuffer;
      this.currentBuffer = [];
      const id = new StreamBlockId(this.receiverId, time - this.blockIntervalMs);
      this.listener.onGenerateBlock(id);
      while (this.queue.length >= this.blockQueueSize) await this.roomInQueue();
      this.queue.push({ id, items });
      this.wakePusher();
    } catch (err) {
      this.reportError('Error in block updating thread', err);
    }
  }

  /** Spark's `keepPushingBlocks`: push queued blocks in order until generation stopped, then drain. */
  private async keepPushingBlocks(): Promise<void> {
    this.logger.info('Started block pushing thread');
    for (;;) {
      const block = this.queue.shift();
      if (block) {
        this.wakeSpace();
        await this.pushBlock(block);
        continue;
      }
      if (this.state === 'StoppedGeneratingBlocks' || this.state === 'StoppedAll') break;
      await new Promise<void>((resolve) => (this.blockWaiter = resolve));
    }
    this.logger.info('Stopped block pushing thread');
  }

  private async pushBlock(block: Block<T>): Promise<void> {
    try {
      await this.listener.onPushBlock(block.id, block.items);
      this.logger.info(`Pushed block ${block.id.name}`);
    } catch (err) {
      // Spark's pushing thread ends on an error (its later blocks are never pushed); here the error
      // is reported and the next blocks are still pushed.
      this.reportError('Error in block pushing thread', err);
    }
  }

  private reportError(message: string, err: unknown): void {
    this.logger.error(`${message}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    try {
      this.listener.onError(message, err);
    } catch (e) {
      this.logger.warn(`BlockGeneratorListener.onError threw: ${String(e)}`);
    }
  }

  private wakePusher(): void {
    const w = this.blockWaiter;
    this.blockWaiter = undefined;
    w?.();
  }

  private wakeSpace(): void {
    const ws = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of ws) w();
  }
}
