import type { StreamingContext } from '../context/streaming-context.js';
import { BlockBatchData, blockInfosOf } from '../receiver/block-batch-data.js';
import { BlockNotFoundException } from '../receiver/errors.js';
import type { ReceivedBlockInfo } from '../receiver/received-block-info.js';
import type { Receiver } from '../receiver/receiver.js';
import { deserializeBlock } from '../receiver/serializer.js';
import { FileBasedWriteAheadLog } from '../receiver/wal/file-based-write-ahead-log.js';
import { enableReceiverLog } from '../receiver/wal/write-ahead-log-utils.js';
import { createRateEstimator, type RateEstimator } from '../scheduler/rate/pid-rate-estimator.js';
import { RateController } from '../scheduler/rate/rate-controller.js';
import { InputDStream } from './input-dstream.js';

export { BlockBatchData, blockInfosOf };
export type { ReceivedBlockInfo };

/**
 * Spark's `ReceiverInputDStream.ReceiverRateController`: the PID estimate of the stream's rate
 * (same estimator as the Direct stream) is published to the stream's receiver: every
 * BlockGenerator of its supervisor gets `updateRate(rate)` (capped by `spark.streaming.receiver.maxRate`).
 */
export class ReceiverRateController extends RateController {
  constructor(
    streamId: number,
    estimator: RateEstimator,
    private readonly ssc: StreamingContext,
  ) {
    super(streamId, estimator);
  }

  protected override publish(rate: number): void {
    this.ssc.scheduler.receiverTracker?.sendRateUpdate(this.streamId, rate);
  }
}

/**
 * Spark's `ReceiverInputDStream` (streaming/dstream/ReceiverInputDStream.scala): an input stream fed
 * by a Receiver that the ReceiverTracker runs from `ssc.start()` to `ssc.stop()` (start()/stop() of
 * the stream do nothing). Subclasses implement `getReceiver()` (called once, at start; the receiver
 * is attached to this stream's id).
 *
 * Batch t (computed when the batch is generated) holds the blocks the ReceivedBlockTracker
 * allocated to t for this stream — all blocks stored since the previous batch — as a BlockBatchData
 * (one partition per block; `blockInfosOf(data)` gives their ReceivedBlockInfos). Its input info
 * (BatchInfo.streamIdToInputInfo) is `{ numRecords: Σ block records, metadata: { blocks: ReceivedBlockInfo[] } }`.
 * Block data comes from memory, or from the receiver write-ahead log when every block has a WAL
 * handle and the block is not in memory (recovered after a restart) — Spark's
 * WriteAheadLogBackedBlockRDD; otherwise (no WAL) blocks missing from memory are dropped with
 * Spark's warning "Some blocks could not be recovered as they were not found in memory. To prevent
 * such data loss, enable Write Ahead Log (see programming guide for more details.". Errors:
 * BlockNotFoundException ("Could not read data from write ahead log record <handle>") when a WAL
 * record cannot be read (the batch's generation fails).
 *
 * Blocks leave memory when their batch is forgotten (clearMetadata, after the remember duration).
 * Backpressure (`spark.streaming.backpressure.enabled`): a ReceiverRateController.
 */
export abstract class ReceiverInputDStream<T> extends InputDStream<T> {
  /** Blocks of the batches computed and not yet forgotten, by batch time (to free the block store). */
  private readonly batchBlocks = new Map<number, ReceivedBlockInfo[]>();

  constructor(ssc: StreamingContext) {
    super(ssc);
    if (RateController.isBackPressureEnabled(ssc.conf)) this.rateController = new ReceiverRateController(this.id, createRateEstimator(ssc.conf, ssc.batchDurationMs), ssc);
  }

  /** Spark's `getReceiver()`: the receiver that feeds this stream. */
  abstract getReceiver(): Receiver<T>;

  override async compute(timeMs: number): Promise<BlockBatchData<T>> {
    const tracker = this.ssc.scheduler.receiverTracker;
    const infos = tracker ? tracker.getBlocksOfBatchAndStream(timeMs, this.id) : [];
    this.reportInputInfo(
      timeMs,
      infos.reduce((n, b) => n + b.numRecords, 0),
      { blocks: infos },
    );
    const data = await this.createBlockBatchData(infos);
    if (data.blockInfos.length > 0) this.batchBlocks.set(timeMs, data.blockInfos);
    return data;
  }

  /** Spark's `createBlockRDD(time, blockInfos)`. */
  private async createBlockBatchData(infos: ReceivedBlockInfo[]): Promise<BlockBatchData<T>> {
    if (infos.length === 0) return new BlockBatchData<T>([], []);
    const store = this.ssc.scheduler.receiverTracker!.blockStore;
    if (infos.every((b) => b.walRecordHandle !== undefined)) {
      const parts = await Promise.all(
        infos.map(async (b): Promise<readonly T[]> => {
          if (b.blockIdValid !== false) {
            const inMemory = store.get<T>(b.blockId);
            if (inMemory) return inMemory;
          }
          const h = b.walRecordHandle!;
          try {
            return deserializeBlock(await FileBasedWriteAheadLog.readRecord(h)) as T[];
          } catch (err) {
            throw new BlockNotFoundException(`Could not read data from write ahead log record ${JSON.stringify(h)} (block ${b.blockId.name}): ${String(err)}`, { cause: err });
          }
        }),
      );
      return new BlockBatchData<T>(parts, infos);
    }
    if (infos.some((b) => b.walRecordHandle !== undefined)) {
      if (enableReceiverLog(this.ssc.conf)) this.ssc.logger.error('Some blocks do not have Write Ahead Log information; this is unexpected and data may not be recoverable after driver failures');
      else this.ssc.logger.warn('Some blocks have Write Ahead Log information; this is unexpected');
    }
    const valid = infos.filter((b) => b.blockIdValid !== false && store.contains(b.blockId));
    if (valid.length !== infos.length) {
      this.ssc.logger.warn('Some blocks could not be recovered as they were not found in memory. To prevent such data loss, enable Write Ahead Log (see programming guide for more details.');
    }
    return new BlockBatchData<T>(
      valid.map((b) => store.get<T>(b.blockId)!),
      valid,
    );
  }

  /** Forget old batches, and remove their blocks from the block store (Spark's BlockRDD.removeBlocks). */
  override clearMetadata(timeMs: number): void {
    super.clearMetadata(timeMs);
    const remember = this.rememberDuration ?? this.slideDuration;
    const store = this.ssc.scheduler.receiverTracker?.blockStore;
    for (const [t, infos] of [...this.batchBlocks]) {
      if (t > timeMs - remember) continue;
      this.batchBlocks.delete(t);
      if (store) for (const b of infos) if (b.blockIdValid !== false) store.remove(b.blockId);
    }
  }
}

/**
 * Spark's `PluggableInputDStream`: the stream of `ssc.receiverStream(receiver)`, fed by the given
 * receiver. Name "Pluggable stream [<id>]".
 */
export class PluggableInputDStream<T> extends ReceiverInputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly receiver: Receiver<T>,
  ) {
    super(ssc);
    receiver.setReceiverId(this.id);
  }

  getReceiver(): Receiver<T> {
    return this.receiver;
  }
}
