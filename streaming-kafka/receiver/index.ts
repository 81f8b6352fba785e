/**
 * The receiver framework (Spark Streaming's `streaming/receiver` and the receiver parts of
 * `streaming/scheduler`, `streaming/util`): Receiver, ReceiverSupervisor, BlockGenerator,
 * RateLimiter, ReceivedBlockHandlers, the write-ahead log, ReceivedBlockTracker, ReceiverTracker,
 * ReceiverInputDStream. See streaming-kafka/README.md, "Receivers".
 */
export { Receiver, type StorageLevel } from './receiver.js';
export {
  DEFAULT_RECEIVER_STORAGE_LEVEL,
  describeStorageLevel,
  effectiveStorageLevelWithWal,
  isStorageLevel,
  storageLevelFlags,
  storageLevelOf,
  type StorageLevelFlags,
} from './storage-level.js';
export { ReceiverSupervisor, ReceiverSupervisorImpl, errorString, type ReceiverState, type ReceiverSupervisorContext, type ReceiverTrackerEndpoint } from './receiver-supervisor.js';
export { BlockGenerator, type BlockGeneratorListener, type BlockGeneratorOptions, type BlockGeneratorState } from './block-generator.js';
export { RateLimiter } from './rate-limiter.js';
export { StreamBlockId } from './stream-block-id.js';
export { blockInfoFromRecord, blockInfoToRecord, type ReceivedBlockInfo, type ReceivedBlockInfoRecord } from './received-block-info.js';
export { ReceivedBlockStore } from './received-block-store.js';
export {
  BlockManagerBasedBlockHandler,
  WriteAheadLogBasedBlockHandler,
  type ReceivedBlockHandler,
  type ReceivedBlockStoreResult,
  type WriteAheadLogBasedBlockHandlerOptions,
} from './received-block-handler.js';
export { BlockBatchData, blockInfosOf } from './block-batch-data.js';
export { serializeBlock, deserializeBlock, serializeValue, deserializeValue } from './serializer.js';
export { FileBasedWriteAheadLog, readLogFile, logFileTimes, timeToLogFile, LOG_FILE_REGEX, RECORD_HEADER_BYTES, type FileBasedWriteAheadLogOptions } from './wal/file-based-write-ahead-log.js';
export { isRecordHandle, type WriteAheadLog, type WriteAheadLogRecordHandle } from './wal/write-ahead-log.js';
export { createLogForDriver, createLogForReceiver, driverLogDirectory, enableReceiverLog, receiverLogDirectory } from './wal/write-ahead-log-utils.js';
export {
  BlockGeneratorStateException,
  BlockNotFoundException,
  BlockSerializationException,
  BlockStoreException,
  BlockStoreTimeoutException,
  NotABlockBatchException,
  ReceiverConfigException,
  ReceiverNotAttachedException,
  ReceiverTrackerStateException,
  ReceiverWriteAheadLogWithoutCheckpointException,
  WAL_WITHOUT_CHECKPOINT_MESSAGE,
  WriteAheadLogClosedException,
  WriteAheadLogCorruptRecordException,
  WriteAheadLogException,
} from './errors.js';
export { ReceiverInputDStream, PluggableInputDStream, ReceiverRateController } from '../dstream/receiver-input-dstream.js';
export { ReceivedBlockTracker, AllocatedBlocks, encodeTrackerEvent, decodeTrackerEvent, type ReceivedBlockTrackerLogEvent, type ReceivedBlockTrackerOptions } from '../scheduler/received-block-tracker.js';
export { ReceiverTracker } from '../scheduler/receiver-tracker.js';
export type { ReceiverInfo } from '../scheduler/streaming-listener.js';
