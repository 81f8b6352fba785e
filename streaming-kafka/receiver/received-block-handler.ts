import { SystemClock, type Clock } from '../util/clock.js';
import type { StreamingConf } from '../util/conf.js';
import { defaultLogger, type StreamingLogger } from '../util/logger.js';
import { BlockStoreException, BlockStoreTimeoutException } from './errors.js';
import type { ReceivedBlockStore } from './received-block-store.js';
import { serializeBlock } from './serializer.js';
import { describeStorageLevel, effectiveStorageLevelWithWal, type StorageLevel } from './storage-level.js';
import type { StreamBlockId } from './stream-block-id.js';
import type { FileBasedWriteAheadLog } from './wal/file-based-write-ahead-log.js';
import { createLogForReceiver } from './wal/write-ahead-log-utils.js';
import type { WriteAheadLogRecordHandle } from './wal/write-ahead-log.js';

/** Spark's `ReceivedBlockStoreResult`: the block id, its record count, and its WAL handle when written to one. */
export interface ReceivedBlockStoreResult {
  blockId: StreamBlockId;
  numRecords: number;
  walRecordHandle?: WriteAheadLogRecordHandle;
}

/** Spark's `ReceivedBlockHandler`: stores the blocks of one receiver. */
export interface ReceivedBlockHandler {
  /** Store block `blockId` holding `items`. */
  storeBlock(blockId: StreamBlockId, items: readonly unknown[]): Promise<ReceivedBlockStoreResult>;
  /** Delete stored data older than `thresholdTimeMs` (WAL files). */
  cleanupOldBlocks(thresholdTimeMs: number): Promise<void>;
  /** Release resources (close the WAL). */
  stop(): Promise<void>;
}

/**
 * Spark's `BlockManagerBasedBlockHandler`: the block goes into the in-memory block store only
 * (lost if the process dies; without the WAL, Spark's guarantee is at-most-once for driver failures).
 * Errors: BlockStoreException "Could not store <id> to block manager with storage level <level>: <reason>".
 */
export class BlockManagerBasedBlockHandler implements ReceivedBlockHandler {
  constructor(
    private readonly store: ReceivedBlockStore,
    readonly storageLevel: StorageLevel,
  ) {}

  async storeBlock(blockId: StreamBlockId, items: readonly unknown[]): Promise<ReceivedBlockStoreResult> {
    try {
      this.store.put(blockId, items);
    } catch (err) {
      throw new BlockStoreException(`Could not store ${blockId.name} to block manager with storage level ${describeStorageLevel(this.storageLevel)}: ${String(err)}`, { cause: err });
    }
    return { blockId, numRecords: items.length };
  }

  /** Nothing to do: blocks leave memory when their batches are forgotten. */
  async cleanupOldBlocks(_thresholdTimeMs: number): Promise<void> {}

  async stop(): Promise<void> {}
}

/** Options of the WAL-based handler. */
export interface WriteAheadLogBasedBlockHandlerOptions {
  /** Clock of the record times (the context's clock), default SystemClock. */
  clock?: Clock;
  logger?: StreamingLogger;
  /** A log to use instead of creating `<checkpointDir>/receivedData/<streamId>` (tests). */
  writeAheadLog?: FileBasedWriteAheadLog;
}

/**
 * Spark's `WriteAheadLogBasedBlockHandler`: the block is serialized once (receiver/serializer.ts),
 * then stored in the in-memory block store and written to the receiver's write-ahead log
 * `<checkpointDir>/receivedData/<streamId>/` in parallel; `storeBlock` resolves with the WAL
 * handle when both are done, or rejects with BlockStoreTimeoutException ("Futures timed out after
 * [<n> seconds]") after `spark.streaming.receiver.blockStoreTimeout` (30 s), or with the store's or
 * the log's error. The storage level is changed to its serialized, 1-replica form with Spark's
 * warnings (see effectiveStorageLevelWithWal). `cleanupOldBlocks(t)` deletes the WAL files that end
 * before t.
 */
export class WriteAheadLogBasedBlockHandler implements ReceivedBlockHandler {
  /** `spark.streaming.receiver.blockStoreTimeout`, ms. */
  readonly blockStoreTimeoutMs: number;
  readonly writeAheadLog: FileBasedWriteAheadLog;
  /** The serialized, 1-replica level actually used (Spark's effectiveStorageLevel). */
  readonly effectiveStorageLevel: string;
  private readonly clock: Clock;

  constructor(
    private readonly store: ReceivedBlockStore,
    readonly streamId: number,
    readonly storageLevel: StorageLevel,
    conf: StreamingConf,
    checkpointDir: string,
    options: WriteAheadLogBasedBlockHandlerOptions = {},
  ) {
    const logger = options.logger ?? defaultLogger;
    this.blockStoreTimeoutMs = conf.getNumber('spark.streaming.receiver.blockStoreTimeout', 30) * 1000;
    const eff = effectiveStorageLevelWithWal(storageLevel);
    for (const w of eff.warnings) logger.warn(w);
    this.effectiveStorageLevel = eff.name ?? describeStorageLevel(eff.flags);
    this.clock = options.clock ?? new SystemClock();
    this.writeAheadLog = options.writeAheadLog ?? createLogForReceiver(conf, checkpointDir, streamId, logger);
  }

  async storeBlock(blockId: StreamBlockId, items: readonly unknown[]): Promise<ReceivedBlockStoreResult> {
    const serialized = serializeBlock(items);
    const inMemory = Promise.resolve().then(() => {
      try {
        this.store.put(blockId, items);
      } catch (err) {
        throw new BlockStoreException(`Could not store ${blockId.name} to block manager with storage level ${this.effectiveStorageLevel}: ${String(err)}`, { cause: err });
      }
    });
    const inLog = this.writeAheadLog.write(serialized, this.clock.getTimeMillis());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BlockStoreTimeoutException(`Futures timed out after [${this.blockStoreTimeoutMs / 1000} seconds]`)), this.blockStoreTimeoutMs);
    });
    try {
      const [, handle] = await Promise.race([Promise.all([inMemory, inLog]), timeout]);
      return { blockId, numRecords: items.length, walRecordHandle: handle };
    } catch (err) {
      // a block that is not in the log is not reported: do not leave it in memory either
      inMemory.then(() => this.store.remove(blockId), () => undefined);
      inLog.catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async cleanupOldBlocks(thresholdTimeMs: number): Promise<void> {
    await this.writeAheadLog.clean(thresholdTimeMs, false);
  }

  async stop(): Promise<void> {
    await this.writeAheadLog.close();
  }
}
