/**
 * The broker's storage engine: partition logs of append-only segment files with sparse offset and
 * time indexes, seven-day retention and crash recovery, in the shape of Apache Kafka's storage layer.
 * See broker/README.md ("Storage") for the files on disk and the durability rules.
 */
export * from './log-config.js';
export * from './log-files.js';
export type { LogLogger } from './logger.js';
export { SILENT_LOGGER } from './logger.js';
export { type Time, SystemTime } from './time.js';
export { OffsetIndex, type OffsetPosition } from './offset-index.js';
export { TimeIndex, type TimestampOffset } from './time-index.js';
export { LogSegment, type BatchLocation } from './log-segment.js';
export { lockLogDir, LogDirLockedError, LOCK_FILE, type LogDirLock } from './log-dir-lock.js';
export { LogDirStore, LOG_DIR_STORE_NAME, type PartitionState, type SegmentChecksum } from './log-dir-store.js';
export { loadLog, type LoadedLog } from './log-loader.js';
export * from './unified-log.js';
export { LogManager, type LogManagerOptions, type StartupReport } from './log-manager.js';
