import { blockInfoFromRecord, blockInfoToRecord, type ReceivedBlockInfo, type ReceivedBlockInfoRecord } from '../receiver/received-block-info.js';
import { deserializeValue, serializeValue } from '../receiver/serializer.js';
import type { FileBasedWriteAheadLog } from '../receiver/wal/file-based-write-ahead-log.js';
import { createLogForDriver } from '../receiver/wal/write-ahead-log-utils.js';
import { SystemClock, type Clock } from '../util/clock.js';
import type { StreamingConf } from '../util/conf.js';
import { defaultLogger, type StreamingLogger } from '../util/logger.js';
import { fmtMs } from '../util/time.js';

/** Spark's `AllocatedBlocks`: the blocks of every receiver stream given to one batch. */
export class AllocatedBlocks {
  constructor(readonly streamIdToAllocatedBlocks: Map<number, ReceivedBlockInfo[]>) {}
  /** The blocks of stream `streamId` (empty when none). */
  getBlocksOfStream(streamId: number): ReceivedBlockInfo[] {
    return this.streamIdToAllocatedBlocks.get(streamId) ?? [];
  }
}

/** Spark's `ReceivedBlockTrackerLogEvent`s, as written to the driver's log. */
export type ReceivedBlockTrackerLogEvent =
  | { kind: 'BlockAdditionEvent'; receivedBlockInfo: ReceivedBlockInfo }
  | { kind: 'BatchAllocationEvent'; time: number; allocatedBlocks: AllocatedBlocks }
  | { kind: 'BatchCleanupEvent'; times: number[] };

type EventRecord = ['BlockAdditionEvent', ReceivedBlockInfoRecord] | ['BatchAllocationEvent', number, [number, ReceivedBlockInfoRecord[]][]] | ['BatchCleanupEvent', number[]];

/** Encode an event for the log (receiver/serializer.ts form of a small tuple). */
export function encodeTrackerEvent(e: ReceivedBlockTrackerLogEvent): Buffer {
  let r: EventRecord;
  switch (e.kind) {
    case 'BlockAdditionEvent':
      r = ['BlockAdditionEvent', blockInfoToRecord(e.receivedBlockInfo)];
      break;
    case 'BatchAllocationEvent':
      r = ['BatchAllocationEvent', e.time, [...e.allocatedBlocks.streamIdToAllocatedBlocks].map(([id, bs]) => [id, bs.map(blockInfoToRecord)] as [number, ReceivedBlockInfoRecord[]])];
      break;
    case 'BatchCleanupEvent':
      r = ['BatchCleanupEvent', e.times];
      break;
  }
  return serializeValue(r);
}

/** Decode a logged event (recovered blocks are marked `blockIdValid: false`). */
export function decodeTrackerEvent(buf: Buffer): ReceivedBlockTrackerLogEvent {
  const r = deserializeValue(buf) as EventRecord;
  switch (r[0]) {
    case 'BlockAdditionEvent':
      return { kind: 'BlockAdditionEvent', receivedBlockInfo: blockInfoFromRecord(r[1]) };
    case 'BatchAllocationEvent':
      return { kind: 'BatchAllocationEvent', time: r[1], allocatedBlocks: new AllocatedBlocks(new Map(r[2].map(([id, bs]) => [id, bs.map(blockInfoFromRecord)]))) };
    case 'BatchCleanupEvent':
      return { kind: 'BatchCleanupEvent', times: r[1] };
    default:
      throw new Error(`Unknown ReceivedBlockTracker log event ${JSON.stringify((r as unknown[])[0])}`);
  }
}

/** Options of a ReceivedBlockTracker. */
export interface ReceivedBlockTrackerOptions {
  conf: StreamingConf;
  /** The receiver input streams' ids. */
  streamIds: number[];
  /** Clock of the log record times (the context's). */
  clock?: Clock;
  logger?: StreamingLogger;
  /**
   * Log the events to `<checkpointDir>/receivedBlockMetadata/` (spark.streaming.driver.writeAheadLog.*).
   * The ReceiverTracker passes it when the receiver WAL is enabled and a checkpoint directory is set.
   */
  checkpointDir?: string;
  /** A log to use instead (tests). */
  writeAheadLog?: FileBasedWriteAheadLog;
}

/**
 * Spark's `ReceivedBlockTracker` (streaming/scheduler/ReceivedBlockTracker.scala): the driver's
 * record of the blocks the receivers stored — unallocated blocks per stream, and the blocks
 * allocated to each batch — with every change written first to a write-ahead log (when enabled:
 * `BlockAdditionEvent`, `BatchAllocationEvent`, `BatchCleanupEvent`), so that the state can be
 * rebuilt after a crash (`recoverPastEvents`). Operations are serialised: the log order is the
 * order of the state changes.
 *
 * - `addBlock(info)`: log, then queue the block as unallocated. Resolves false if the log write failed.
 * - `allocateBlocksToBatch(t)`: for t after the last allocated batch, every unallocated block of every
 *   stream goes to batch t (logged first); for an already allocated t (a batch rerun after recovery)
 *   it logs "Possibly processed batch <t> ms need to be processed again in WAL recovery" and changes nothing.
 * - `cleanupOldBatches(threshold)`: forget the batches before `threshold` (logged), then delete the
 *   log files that end before it — but never a file that holds an event the remaining state was
 *   built from (an unallocated block's addition, a remaining batch's allocation).
 * Times are ms on the context's clock.
 */
export class ReceivedBlockTracker {
  private readonly streamIds: number[];
  private readonly unallocated = new Map<number, ReceivedBlockInfo[]>();
  private readonly timeToAllocatedBlocks = new Map<number, AllocatedBlocks>();
  private lastAllocatedBatchTime: number | undefined;
  private readonly log: FileBasedWriteAheadLog | undefined;
  private readonly clock: Clock;
  private readonly logger: StreamingLogger;
  /** Log record time of the event each piece of state comes from (−Infinity: recovered, unknown). */
  private readonly blockLogTime = new Map<string, number>();
  private readonly batchLogTime = new Map<number, number>();
  private lock: Promise<unknown> = Promise.resolve();

  constructor(options: ReceivedBlockTrackerOptions) {
    this.streamIds = [...options.streamIds];
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? defaultLogger;
    this.log = options.writeAheadLog ?? (options.checkpointDir !== undefined ? createLogForDriver(options.conf, options.checkpointDir, this.logger) : undefined);
    for (const id of this.streamIds) this.unallocated.set(id, []);
  }

  /** Spark's isWriteAheadLogEnabled. */
  get isWriteAheadLogEnabled(): boolean {
    return this.log !== undefined;
  }

  private withLock<R>(fn: () => Promise<R> | R): Promise<R> {
    const p = this.lock.then(fn);
    this.lock = p.catch(() => undefined);
    return p;
  }

  private queueOf(streamId: number): ReceivedBlockInfo[] {
    let q = this.unallocated.get(streamId);
    if (!q) this.unallocated.set(streamId, (q = []));
    return q;
  }

  /** Write `event` (when logging); resolves with the record time, or undefined when the write failed. */
  private async writeToLog(event: ReceivedBlockTrackerLogEvent): Promise<number | undefined> {
    const now = this.clock.getTimeMillis();
    if (!this.log) return now;
    try {
      await this.log.write(encodeTrackerEvent(event), now);
      return now;
    } catch (err) {
      this.logger.warn(`Exception thrown while writing record: ${event.kind} to the WriteAheadLog: ${String(err)}`);
      return undefined;
    }
  }

  /** Spark's `addBlock`: log a BlockAdditionEvent, then queue the block. Resolves true when recorded. */
  addBlock(info: ReceivedBlockInfo): Promise<boolean> {
    return this.withLock(async () => {
      const t = await this.writeToLog({ kind: 'BlockAdditionEvent', receivedBlockInfo: info });
      if (t === undefined) {
        this.logger.error(`Error adding block ${info.blockId.name}`);
        return false;
      }
      this.queueOf(info.streamId).push(info);
      this.blockLogTime.set(info.blockId.name, t);
      return true;
    });
  }

  /** Spark's `allocateBlocksToBatch(batchTime)`: see the class comment. */
  allocateBlocksToBatch(batchTimeMs: number): Promise<void> {
    return this.withLock(async () => {
      if (this.lastAllocatedBatchTime === undefined || batchTimeMs > this.lastAllocatedBatchTime) {
        const streamIdToBlocks = new Map<number, ReceivedBlockInfo[]>();
        for (const id of new Set([...this.streamIds, ...this.unallocated.keys()])) streamIdToBlocks.set(id, this.queueOf(id).slice());
        const allocated = new AllocatedBlocks(streamIdToBlocks);
        const t = await this.writeToLog({ kind: 'BatchAllocationEvent', time: batchTimeMs, allocatedBlocks: allocated });
        if (t !== undefined) {
          for (const [id, blocks] of streamIdToBlocks) {
            const q = this.queueOf(id);
            q.splice(0, blocks.length);
            for (const b of blocks) this.blockLogTime.delete(b.blockId.name);
          }
          this.timeToAllocatedBlocks.set(batchTimeMs, allocated);
          this.batchLogTime.set(batchTimeMs, t);
          this.lastAllocatedBatchTime = batchTimeMs;
          return;
        }
      }
      this.logger.info(`Possibly processed batch ${fmtMs(batchTimeMs)} need to be processed again in WAL recovery`);
    });
  }

  /** Spark's `getBlocksOfBatch`: stream id → blocks of batch `batchTimeMs` (empty map when none). */
  getBlocksOfBatch(batchTimeMs: number): Map<number, ReceivedBlockInfo[]> {
    return new Map(this.timeToAllocatedBlocks.get(batchTimeMs)?.streamIdToAllocatedBlocks ?? []);
  }

  /** Spark's `getBlocksOfBatchAndStream`. */
  getBlocksOfBatchAndStream(batchTimeMs: number, streamId: number): ReceivedBlockInfo[] {
    return [...(this.timeToAllocatedBlocks.get(batchTimeMs)?.getBlocksOfStream(streamId) ?? [])];
  }

  /** Spark's `hasUnallocatedReceivedBlocks`. */
  hasUnallocatedReceivedBlocks(): boolean {
    for (const q of this.unallocated.values()) if (q.length > 0) return true;
    return false;
  }

  /** Spark's `getUnallocatedBlocks(streamId)`. */
  getUnallocatedBlocks(streamId: number): ReceivedBlockInfo[] {
    return [...(this.unallocated.get(streamId) ?? [])];
  }

  /** Batch times with allocated blocks still remembered, ascending. */
  allocatedBatchTimes(): number[] {
    return [...this.timeToAllocatedBlocks.keys()].sort((a, b) => a - b);
  }

  /** The last batch time blocks were allocated to (undefined before the first). */
  get lastAllocatedBatch(): number | undefined {
    return this.lastAllocatedBatchTime;
  }

  /** Every block still tracked: unallocated ones and those of remembered batches. */
  liveBlocks(): ReceivedBlockInfo[] {
    const out: ReceivedBlockInfo[] = [];
    for (const q of this.unallocated.values()) out.push(...q);
    for (const a of this.timeToAllocatedBlocks.values()) for (const bs of a.streamIdToAllocatedBlocks.values()) out.push(...bs);
    return out;
  }

  /**
   * Spark's `cleanupOldBatches(cleanupThreshTime, waitForCompletion)`: forget the batches before
   * `thresholdMs` (a BatchCleanupEvent is logged first; nothing is logged when there are none), then
   * clean the driver log (files ending before the threshold, except those still needed; see the class comment).
   */
  cleanupOldBatches(thresholdMs: number, waitForCompletion = false): Promise<void> {
    return this.withLock(async () => {
      const times = [...this.timeToAllocatedBlocks.keys()].filter((t) => t < thresholdMs).sort((a, b) => a - b);
      if (times.length > 0) {
        this.logger.info(`Deleting batches: ${times.map(fmtMs).join(' ')}`);
        if ((await this.writeToLog({ kind: 'BatchCleanupEvent', times })) === undefined) {
          this.logger.warn('Failed to acknowledge batch clean up in the Write Ahead Log.');
          return;
        }
        for (const t of times) {
          this.timeToAllocatedBlocks.delete(t);
          this.batchLogTime.delete(t);
        }
      }
      if (this.log) {
        let safe = thresholdMs;
        for (const t of this.blockLogTime.values()) safe = Math.min(safe, t);
        for (const t of this.batchLogTime.values()) safe = Math.min(safe, t);
        if (safe > -Infinity) await this.log.clean(safe, waitForCompletion);
      }
    });
  }

  /**
   * Spark's `recoverPastEvents`: replay the log (additions queue blocks, allocations move them to
   * their batch, cleanups forget batches); recovered blocks get `blockIdValid: false` (their data is
   * read from the receiver WAL). With `checkpointPresent: false` (no checkpoint: the process died
   * before the first one was written, or the checkpoint is gone), no batch will be rescheduled, so
   * every recovered block — allocated or not — goes back to the unallocated queues, for the first
   * batch (at-least-once). No-op without a log. Resolves with the number of events replayed.
   */
  recoverPastEvents(options: { checkpointPresent: boolean } = { checkpointPresent: true }): Promise<number> {
    return this.withLock(async () => {
      if (!this.log) return 0;
      this.logger.info(`Recovering from write ahead logs in ${this.log.logDirectory}`);
      const records = await this.log.readAll();
      let n = 0;
      for (const rec of records) {
        let e: ReceivedBlockTrackerLogEvent;
        try {
          e = decodeTrackerEvent(rec);
        } catch (err) {
          this.logger.warn(`Skipping an unreadable ReceivedBlockTracker log record: ${String(err)}`);
          continue;
        }
        n++;
        switch (e.kind) {
          case 'BlockAdditionEvent':
            this.queueOf(e.receivedBlockInfo.streamId).push(e.receivedBlockInfo);
            this.blockLogTime.set(e.receivedBlockInfo.blockId.name, -Infinity);
            break;
          case 'BatchAllocationEvent': {
            // the allocated blocks leave the queues (Spark: dequeueAll of the allocated ones)
            for (const [id, blocks] of e.allocatedBlocks.streamIdToAllocatedBlocks) {
              const names = new Set(blocks.map((b) => b.blockId.name));
              const q = this.queueOf(id);
              const rest = q.filter((b) => !names.has(b.blockId.name));
              q.splice(0, q.length, ...rest);
              for (const name of names) this.blockLogTime.delete(name);
            }
            this.timeToAllocatedBlocks.set(e.time, e.allocatedBlocks);
            this.batchLogTime.set(e.time, -Infinity);
            this.lastAllocatedBatchTime = Math.max(this.lastAllocatedBatchTime ?? -Infinity, e.time);
            break;
          }
          case 'BatchCleanupEvent':
            for (const t of e.times) {
              this.timeToAllocatedBlocks.delete(t);
              this.batchLogTime.delete(t);
            }
            break;
        }
      }
      if (!options.checkpointPresent) {
        const seen = new Set<string>();
        const requeued = new Map<number, ReceivedBlockInfo[]>();
        const times = this.allocatedBatchTimes();
        for (const t of times) {
          for (const [id, bs] of this.timeToAllocatedBlocks.get(t)!.streamIdToAllocatedBlocks) {
            for (const b of bs) {
              if (seen.has(b.blockId.name)) continue;
              seen.add(b.blockId.name);
              if (!requeued.has(id)) requeued.set(id, []);
              requeued.get(id)!.push(b);
              this.blockLogTime.set(b.blockId.name, -Infinity);
            }
          }
        }
        for (const [id, q] of this.unallocated) {
          const mine = (requeued.get(id) ?? []).concat(q.filter((b) => !seen.has(b.blockId.name)));
          q.splice(0, q.length, ...mine);
          requeued.delete(id);
        }
        for (const [id, bs] of requeued) this.queueOf(id).push(...bs);
        this.timeToAllocatedBlocks.clear();
        this.batchLogTime.clear();
        this.lastAllocatedBatchTime = undefined;
        const count = [...this.unallocated.values()].reduce((s, q) => s + q.length, 0);
        if (count > 0) this.logger.warn(`No checkpoint to recover from, but the received block metadata log in ${this.log.logDirectory} holds ${count} blocks (of batches ${times.map(fmtMs).join(', ') || 'none'} and unallocated ones): they go to the first batch`);
      }
      return n;
    });
  }

  /** Spark's `stop()`: wait for the operations in progress, close the log. */
  stop(): Promise<void> {
    return this.withLock(async () => {
      await this.log?.close();
    });
  }
}
