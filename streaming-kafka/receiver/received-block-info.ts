import { StreamBlockId } from './stream-block-id.js';
import { isRecordHandle, type WriteAheadLogRecordHandle } from './wal/write-ahead-log.js';

/**
 * Spark's `ReceivedBlockInfo` (streaming/scheduler/ReceivedBlockInfo.scala): one stored block as the
 * ReceivedBlockTracker knows it.
 * - `streamId`: the receiver's input stream;
 * - `numRecords`: records in the block;
 * - `metadata`: what `storeBlock(items, metadata)` was given (undefined for blocks of `store(item)`);
 * - `blockId`: `input-<streamId>-<uniqueId>`;
 * - `walRecordHandle`: where the block is in the receiver write-ahead log (WAL enabled only);
 * - `blockIdValid`: false for blocks recovered from the tracker's log after a restart (Spark's
 *   `isBlockIdValid`/`setBlockIdInvalid`): their data is no longer in memory and is read from the WAL.
 */
export interface ReceivedBlockInfo {
  streamId: number;
  numRecords: number;
  metadata: unknown;
  blockId: StreamBlockId;
  walRecordHandle?: WriteAheadLogRecordHandle;
  blockIdValid?: boolean;
}

/** The serialisable form of a ReceivedBlockInfo (tracker log events). */
export interface ReceivedBlockInfoRecord {
  streamId: number;
  numRecords: number;
  metadata: unknown;
  blockId: [number, number];
  walRecordHandle: WriteAheadLogRecordHandle | null;
}

/** To the log form. */
export function blockInfoToRecord(b: ReceivedBlockInfo): ReceivedBlockInfoRecord {
  const h = b.walRecordHandle;
  return {
    streamId: b.streamId,
    numRecords: b.numRecords,
    metadata: b.metadata,
    blockId: [b.blockId.streamId, b.blockId.uniqueId],
    walRecordHandle: h ? { path: h.path, offset: h.offset, length: h.length } : null,
  };
}

/** From the log form; `blockIdValid` false (a recovered block). */
export function blockInfoFromRecord(r: ReceivedBlockInfoRecord): ReceivedBlockInfo {
  const info: ReceivedBlockInfo = {
    streamId: r.streamId,
    numRecords: r.numRecords,
    metadata: r.metadata,
    blockId: new StreamBlockId(r.blockId[0], r.blockId[1]),
    blockIdValid: false,
  };
  if (isRecordHandle(r.walRecordHandle)) info.walRecordHandle = r.walRecordHandle;
  return info;
}
