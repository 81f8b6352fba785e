/**
 * Spark's `WriteAheadLogUtils` (streaming/util/WriteAheadLogUtils.scala): the conf keys of the two
 * write-ahead logs and where they live in the checkpoint directory (Spark's layout):
 * - receiver data: `<checkpointDir>/receivedData/<streamId>/` — `spark.streaming.receiver.writeAheadLog.*`;
 * - driver block metadata (ReceivedBlockTracker events): `<checkpointDir>/receivedBlockMetadata/` —
 *   `spark.streaming.driver.writeAheadLog.*`.
 * Keys (defaults): `enable` (false, receiver only), `rollingIntervalSecs` (60), `maxFailures` (3),
 * `closeFileAfterWrite` (false), and the kafka-ts key `fsync` (true). Spark's custom log `class`
 * and the driver's `allowBatching`/`batchingTimeout` are not implemented.
 */
import path from 'node:path';
import type { StreamingConf } from '../../util/conf.js';
import type { StreamingLogger } from '../../util/logger.js';
import { FileBasedWriteAheadLog } from './file-based-write-ahead-log.js';

/** Spark's `enableReceiverLog(conf)`: `spark.streaming.receiver.writeAheadLog.enable`. */
export function enableReceiverLog(conf: StreamingConf): boolean {
  return conf.getBoolean('spark.streaming.receiver.writeAheadLog.enable', false);
}

/** `<checkpointDir>/receivedData/<streamId>` (Spark's WriteAheadLogBasedBlockHandler.checkpointDirToLogDir). */
export function receiverLogDirectory(checkpointDir: string, streamId: number): string {
  return path.join(checkpointDir, 'receivedData', String(streamId));
}

/** `<checkpointDir>/receivedBlockMetadata` (Spark's ReceivedBlockTracker.checkpointDirToLogDir). */
export function driverLogDirectory(checkpointDir: string): string {
  return path.join(checkpointDir, 'receivedBlockMetadata');
}

function createLog(conf: StreamingConf, prefix: string, dir: string, logger: StreamingLogger | undefined): FileBasedWriteAheadLog {
  return new FileBasedWriteAheadLog(dir, {
    rollingIntervalSecs: conf.getNumber(`${prefix}.rollingIntervalSecs`, 60),
    maxFailures: conf.getNumber(`${prefix}.maxFailures`, 3),
    closeFileAfterWrite: conf.getBoolean(`${prefix}.closeFileAfterWrite`, false),
    fsync: conf.getBoolean(`${prefix}.fsync`, true),
    logger,
  });
}

/** Spark's `createLogForReceiver`: the receiver data log of stream `streamId`. */
export function createLogForReceiver(conf: StreamingConf, checkpointDir: string, streamId: number, logger?: StreamingLogger): FileBasedWriteAheadLog {
  return createLog(conf, 'spark.streaming.receiver.writeAheadLog', receiverLogDirectory(checkpointDir, streamId), logger);
}

/** Spark's `createLogForDriver`: the ReceivedBlockTracker's metadata log. */
export function createLogForDriver(conf: StreamingConf, checkpointDir: string, logger?: StreamingLogger): FileBasedWriteAheadLog {
  return createLog(conf, 'spark.streaming.driver.writeAheadLog', driverLogDirectory(checkpointDir), logger);
}
