import { BatchData } from '../rdd/batch-data.js';
import { NotABlockBatchException } from './errors.js';
import type { ReceivedBlockInfo } from './received-block-info.js';

/**
 * Spark's `BlockRDD` / `WriteAheadLogBackedBlockRDD`: the batch of a ReceiverInputDStream, one
 * partition per received block (in the order the blocks were reported), with the blocks'
 * ReceivedBlockInfos (`blockInfos[i]` describes partition i: id, record count, the metadata given
 * to storeBlock, WAL handle).
 */
export class BlockBatchData<T> extends BatchData<T> {
  constructor(
    partitions: readonly (readonly T[])[],
    readonly blockInfos: ReceivedBlockInfo[],
  ) {
    super(partitions);
  }
}

/**
 * The ReceivedBlockInfos of a batch produced directly by a ReceiverInputDStream (like
 * `offsetRangesOf` for the Direct stream: call it in the first method on the stream, e.g.
 * `stream.foreachRDD((data) => blockInfosOf(data))`; a batch derived by map/filter/... has lost them).
 * Errors: NotABlockBatchException (a TypeError, code KTS_ERR_NOT_BLOCK_BATCH):
 * "<Class> cannot be cast to BlockBatchData: blockInfosOf works only on the batches a
 * ReceiverInputDStream produces (the first method called on the stream)".
 */
export function blockInfosOf(data: BatchData<unknown>): ReceivedBlockInfo[] {
  if (!(data instanceof BlockBatchData)) {
    const name = (data as { constructor?: { name?: string } } | null | undefined)?.constructor?.name ?? typeof data;
    throw new NotABlockBatchException(`${name} cannot be cast to BlockBatchData: blockInfosOf works only on the batches a ReceiverInputDStream produces (the first method called on the stream)`);
  }
  return data.blockInfos;
}
