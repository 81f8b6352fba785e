/**
 * Errors of the receiver framework (Spark's `streaming/receiver`, `ReceiverTracker`, write-ahead
 * logs). Each class has a stable `code` (`KTS_ERR_*`) for programs, and extends the Java/Spark class
 * Spark throws in the same situation (SparkException, IllegalArgumentException...), with Spark's
 * message where Spark has one.
 */
import { IllegalArgumentException, IllegalStateException, SparkException } from '../util/errors.js';

/**
 * A BlockGenerator used in the wrong state (Spark's SparkException). Messages (Spark's):
 * "Cannot add data as BlockGenerator has not been started or has been stopped",
 * "Cannot start BlockGenerator as its not in the Initialized state [state = <state>]".
 * Code `KTS_ERR_BLOCK_GENERATOR_STATE`.
 */
export class BlockGeneratorStateException extends SparkException {
  override name = 'BlockGeneratorStateException';
  readonly code = 'KTS_ERR_BLOCK_GENERATOR_STATE';
}

/**
 * A receiver setting out of range (Scala `require` → IllegalArgumentException), e.g.
 * "requirement failed: 'spark.streaming.blockInterval' should be a positive value".
 * Code `KTS_ERR_RECEIVER_CONFIG`.
 */
export class ReceiverConfigException extends IllegalArgumentException {
  override name = 'ReceiverConfigException';
  readonly code = 'KTS_ERR_RECEIVER_CONFIG';
}

/** Spark's message when the receiver write-ahead log is enabled without a checkpoint directory. */
export const WAL_WITHOUT_CHECKPOINT_MESSAGE =
  'Cannot enable receiver write-ahead log without checkpoint directory set. Please use streamingContext.checkpoint() to set the checkpoint directory. See documentation for more details.';

/**
 * `spark.streaming.receiver.writeAheadLog.enable=true` without `ssc.checkpoint(dir)`: thrown by
 * `StreamingContext.start()` (Spark's SparkException from ReceiverSupervisorImpl, message
 * {@link WAL_WITHOUT_CHECKPOINT_MESSAGE}). Code `KTS_ERR_RECEIVER_WAL_NO_CHECKPOINT`.
 */
export class ReceiverWriteAheadLogWithoutCheckpointException extends SparkException {
  override name = 'ReceiverWriteAheadLogWithoutCheckpointException';
  readonly code = 'KTS_ERR_RECEIVER_WAL_NO_CHECKPOINT';
  constructor() {
    super(WAL_WITHOUT_CHECKPOINT_MESSAGE);
  }
}

/**
 * Storing a block failed: the in-memory block store refused it (duplicate block id), or the
 * ReceivedBlockTracker could not record it (its metadata log write failed), e.g.
 * "Could not store input-0-1400 to block manager with storage level StorageLevel(...)".
 * Code `KTS_ERR_BLOCK_STORE`.
 */
export class BlockStoreException extends SparkException {
  override name = 'BlockStoreException';
  readonly code = 'KTS_ERR_BLOCK_STORE';
}

/**
 * The WAL-based handler did not store a block in memory and in the write-ahead log within
 * `spark.streaming.receiver.blockStoreTimeout` (Spark: Await.result's TimeoutException,
 * "Futures timed out after [30 seconds]"). Code `KTS_ERR_BLOCK_STORE_TIMEOUT`.
 */
export class BlockStoreTimeoutException extends SparkException {
  override name = 'BlockStoreTimeoutException';
  readonly code = 'KTS_ERR_BLOCK_STORE_TIMEOUT';
}

/**
 * A batch's block is neither in memory nor readable from the write-ahead log (Spark's BlockRDD
 * "Could not compute split, block <id> of RDD <n> not found", WriteAheadLogBackedBlockRDD
 * "Could not read data from write ahead log record <handle>"). Code `KTS_ERR_BLOCK_NOT_FOUND`.
 */
export class BlockNotFoundException extends SparkException {
  override name = 'BlockNotFoundException';
  readonly code = 'KTS_ERR_BLOCK_NOT_FOUND';
}

/** A value a block holds cannot be serialized for the write-ahead log (function, symbol, cycle...). Code `KTS_ERR_BLOCK_SERIALIZATION`. */
export class BlockSerializationException extends SparkException {
  override name = 'BlockSerializationException';
  readonly code = 'KTS_ERR_BLOCK_SERIALIZATION';
}

/** Base of the write-ahead log errors. Code `KTS_ERR_WAL` (subclasses have their own). */
export class WriteAheadLogException extends SparkException {
  override name = 'WriteAheadLogException';
  readonly code: string = 'KTS_ERR_WAL';
}

/**
 * A record read through its handle does not check out: wrong length, CRC-32C mismatch, or past
 * the end of the file ("Corrupt write ahead log record at <path>:<offset>: <reason>").
 * Code `KTS_ERR_WAL_CORRUPT_RECORD`.
 */
export class WriteAheadLogCorruptRecordException extends WriteAheadLogException {
  override name = 'WriteAheadLogCorruptRecordException';
  override readonly code = 'KTS_ERR_WAL_CORRUPT_RECORD';
}

/** write/read on a closed write-ahead log ("Write ahead log <dir> is closed"). Code `KTS_ERR_WAL_CLOSED`. */
export class WriteAheadLogClosedException extends WriteAheadLogException {
  override name = 'WriteAheadLogClosedException';
  override readonly code = 'KTS_ERR_WAL_CLOSED';
}

/**
 * `receiver.supervisor` before the receiver was started (Scala `assert` in Receiver.supervisor):
 * "assertion failed: A ReceiverSupervisor has not been attached to the receiver yet. Maybe you are
 * starting some computation in the receiver before the Receiver.onStart() has been called."
 * Code `KTS_ERR_RECEIVER_NOT_ATTACHED`.
 */
export class ReceiverNotAttachedException extends IllegalStateException {
  override name = 'ReceiverNotAttachedException';
  readonly code = 'KTS_ERR_RECEIVER_NOT_ATTACHED';
}

/**
 * The ReceiverTracker used in the wrong state ("ReceiverTracker already started", a receiver
 * object given to two streams...). Code `KTS_ERR_RECEIVER_TRACKER_STATE`.
 */
export class ReceiverTrackerStateException extends SparkException {
  override name = 'ReceiverTrackerStateException';
  readonly code = 'KTS_ERR_RECEIVER_TRACKER_STATE';
}

/**
 * `blockInfosOf(data)` on a batch that was not produced by a ReceiverInputDStream (e.g. one
 * derived by map): "<Class> cannot be cast to BlockBatchData ...". A TypeError, as
 * offsetRangesOf's ClassCastException. Code `KTS_ERR_NOT_BLOCK_BATCH`.
 */
export class NotABlockBatchException extends TypeError {
  override name = 'NotABlockBatchException';
  readonly code = 'KTS_ERR_NOT_BLOCK_BATCH';
}
