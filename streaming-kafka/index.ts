/**
 * streaming-kafka: a Spark-Streaming-style micro-batch layer (Spark's DStream API) for kafka-ts.
 * Entry point: StreamingContext. See streaming-kafka/README.md.
 */
export { StreamingContext, type StreamingContextOptions, type StreamingContextState, type StopOptions } from './context/streaming-context.js';
export { DStream, type Job } from './dstream/dstream.js';
export { InputDStream, ReplayableInputDStream } from './dstream/input-dstream.js';
export { QueueInputDStream } from './dstream/queue-input-dstream.js';
export { MapWithStateDStream } from './dstream/map-with-state-dstream.js';
export type { UpdateFunc } from './dstream/state-dstream.js';
export { formatElement } from './dstream/output-operations.js';
export { BatchData } from './rdd/batch-data.js';
export { State } from './state/state.js';
export { StateSpec, type MappingFunctionWithTime } from './state/state-spec.js';
export { BatchInfo, type StreamInputInfo, type OutputOperationInfo } from './scheduler/batch-info.js';
export type { StreamingListener, ReceiverInfo } from './scheduler/streaming-listener.js';
export type { CheckpointRecord } from './checkpoint/checkpoint.js';
export { readCheckpoint, CheckpointWriter } from './checkpoint/checkpoint-store.js';
export { ManualClock, SystemClock, type Clock } from './util/clock.js';
export { StreamingConf, STREAMING_CONF_DEFAULTS } from './util/conf.js';
export type { StreamingLogger } from './util/logger.js';
export {
  SparkException,
  IllegalStateException,
  IllegalArgumentException,
  NoSuchElementException,
  UnsupportedOperationException,
} from './util/errors.js';
export { PIDRateEstimator, createRateEstimator, type RateEstimator } from './scheduler/rate/pid-rate-estimator.js';
export { RateController } from './scheduler/rate/rate-controller.js';
export { TransactionalLmdbSink, type SinkTransaction } from './sinks/transactional-lmdb-sink.js';
export { writeBatchFile } from './sinks/idempotent-file-sink.js';

export { StreamingUI } from './ui/streaming-ui.js';
export { StreamingProgressListener } from './ui/streaming-progress.js';
export * from './zk/index.js';
export * from './receiver/index.js';
