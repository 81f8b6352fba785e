/**
 * ReceivedBlockTracker (Spark's ReceivedBlockTrackerSuite behaviours) on a real driver log: events
 * written before the state changes, allocation of every unallocated block to a batch, re-allocation
 * after recovery is a no-op, cleanup, recovery with and without a checkpoint, and the log files
 * the remaining state depends on are never deleted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileBasedWriteAheadLog,
  ManualClock,
  ReceivedBlockTracker,
  StreamBlockId,
  StreamingConf,
  decodeTrackerEvent,
  driverLogDirectory,
  readLogFile,
  type ReceivedBlockInfo,
} from '../../streaming-kafka/index.js';
import { memoryLogger, tempDir } from './helpers.js';

const conf = new StreamingConf({ 'spark.streaming.driver.writeAheadLog.rollingIntervalSecs': 1 });

function block(streamId: number, uniqueId: number, numRecords = 10, metadata: unknown = { n: uniqueId }): ReceivedBlockInfo {
  return {
    streamId,
    numRecords,
    metadata,
    blockId: new StreamBlockId(streamId, uniqueId),
    walRecordHandle: { path: `/data/receivedData/${streamId}/log-0-60000`, offset: uniqueId * 100, length: 90 },
    blockIdValid: true,
  };
}

function tracker(dir: string | undefined, clock = new ManualClock(0)) {
  const logger = memoryLogger();
  const t = new ReceivedBlockTracker({ conf, streamIds: [0, 1], clock, logger, checkpointDir: dir });
  return { t, logger, clock };
}

const names = (bs: ReceivedBlockInfo[]): string[] => bs.map((b) => b.blockId.name);

async function loggedEvents(dir: string): Promise<string[]> {
  const logDir = driverLogDirectory(dir);
  const out: string[] = [];
  for (const f of fs.readdirSync(logDir).sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]))) {
    for (const r of await readLogFile(path.join(logDir, f))) {
      const e = decodeTrackerEvent(r);
      out.push(
        e.kind === 'BlockAdditionEvent'
          ? `add ${e.receivedBlockInfo.blockId.name}`
          : e.kind === 'BatchAllocationEvent'
            ? `allocate ${e.time}: ${[...e.allocatedBlocks.streamIdToAllocatedBlocks].map(([id, bs]) => `${id}=[${names(bs).join(',')}]`).join(' ')}`
            : `cleanup ${e.times.join(',')}`,
      );
    }
  }
  return out;
}

describe('ReceivedBlockTracker', () => {
  it('allocates every unallocated block of every stream to the batch; re-allocating a batch is a no-op with Spark\'s log line', async () => {
    const { t, logger } = tracker(undefined);
    expect(t.isWriteAheadLogEnabled).toBe(false);
    expect(await t.addBlock(block(0, 1))).toBe(true);
    await t.addBlock(block(0, 2));
    await t.addBlock(block(1, 3));
    expect(t.hasUnallocatedReceivedBlocks()).toBe(true);
    expect(names(t.getUnallocatedBlocks(0))).toEqual(['input-0-1', 'input-0-2']);
    await t.allocateBlocksToBatch(1000);
    expect(t.hasUnallocatedReceivedBlocks()).toBe(false);
    expect(names(t.getBlocksOfBatchAndStream(1000, 0))).toEqual(['input-0-1', 'input-0-2']);
    expect(names(t.getBlocksOfBatchAndStream(1000, 1))).toEqual(['input-1-3']);
    expect([...t.getBlocksOfBatch(1000).keys()]).toEqual([0, 1]);
    await t.addBlock(block(0, 4));
    await t.allocateBlocksToBatch(1000);
    expect(logger.lines).toContain('INFO Possibly processed batch 1000 ms need to be processed again in WAL recovery');
    expect(names(t.getBlocksOfBatchAndStream(1000, 0))).toEqual(['input-0-1', 'input-0-2']);
    await t.allocateBlocksToBatch(2000);
    expect(names(t.getBlocksOfBatchAndStream(2000, 0))).toEqual(['input-0-4']);
    await t.allocateBlocksToBatch(3000);
    expect(t.getBlocksOfBatchAndStream(3000, 0)).toEqual([]);
    await t.cleanupOldBatches(2500);
    expect(t.allocatedBatchTimes()).toEqual([3000]);
    await t.stop();
  });

  it('writes each event to the driver log before changing state, and recovers the state from it', async () => {
    const dir = tempDir('rbt-');
    const { t, clock } = tracker(dir);
    expect(t.isWriteAheadLogEnabled).toBe(true);
    await t.addBlock(block(0, 1));
    await t.addBlock(block(0, 2));
    await t.addBlock(block(1, 3));
    clock.setTime(1000);
    await t.allocateBlocksToBatch(1000);
    await t.addBlock(block(0, 4));
    clock.setTime(2000);
    await t.allocateBlocksToBatch(2000);
    await t.addBlock(block(1, 5));
    expect(await loggedEvents(dir)).toEqual([
      'add input-0-1',
      'add input-0-2',
      'add input-1-3',
      'allocate 1000: 0=[input-0-1,input-0-2] 1=[input-1-3]',
      'add input-0-4',
      'allocate 2000: 0=[input-0-4] 1=[]',
      'add input-1-5',
    ]);
    clock.setTime(3000);
    await t.cleanupOldBatches(1500);
    await t.stop();
    // batch 1000 is forgotten and log-0-1000 (ending before 1500) deleted
    expect(fs.readdirSync(driverLogDirectory(dir))).toEqual(['log-2000-3000']);
    expect(await loggedEvents(dir)).toEqual(['allocate 2000: 0=[input-0-4] 1=[]', 'add input-1-5', 'cleanup 1000']);

    // restart from a checkpoint: allocated batches come back (their blocks marked invalid: read from the WAL), unallocated blocks too
    const r = tracker(dir, new ManualClock(5000));
    expect(await r.t.recoverPastEvents({ checkpointPresent: true })).toBe(3);
    expect(r.t.allocatedBatchTimes()).toEqual([2000]);
    const recovered = r.t.getBlocksOfBatchAndStream(2000, 0);
    expect(names(recovered)).toEqual(['input-0-4']);
    expect(recovered[0]).toEqual({ ...block(0, 4), blockIdValid: false });
    expect(names(r.t.getUnallocatedBlocks(1))).toEqual(['input-1-5']);
    expect(r.t.lastAllocatedBatch).toBe(2000);
    // a rescheduled batch keeps its blocks; the next one gets the unallocated ones
    await r.t.allocateBlocksToBatch(2000);
    expect(r.logger.lines).toContain('INFO Possibly processed batch 2000 ms need to be processed again in WAL recovery');
    await r.t.allocateBlocksToBatch(3000);
    expect(names(r.t.getBlocksOfBatchAndStream(3000, 1))).toEqual(['input-1-5']);
    await r.t.stop();

    // no checkpoint (the process died before the first one): every block not cleaned up goes to the first batch
    const f = tracker(dir, new ManualClock(0));
    await f.t.recoverPastEvents({ checkpointPresent: false });
    expect(f.t.allocatedBatchTimes()).toEqual([]);
    expect(names(f.t.getUnallocatedBlocks(0))).toEqual(['input-0-4']);
    expect(names(f.t.getUnallocatedBlocks(1))).toEqual(['input-1-5']);
    expect(f.logger.lines.some((l) => l.startsWith('WARN No checkpoint to recover from, but the received block metadata log'))).toBe(true);
    await f.t.allocateBlocksToBatch(1000);
    expect(names(f.t.getBlocksOfBatchAndStream(1000, 0))).toEqual(['input-0-4']);
    await f.t.stop();
  });

  it('a failed log write changes nothing: addBlock resolves false, allocation leaves the blocks unallocated', async () => {
    const dir = tempDir('rbt-fail-');
    const wal = new FileBasedWriteAheadLog(path.join(dir, 'log'), { logger: memoryLogger() });
    const logger = memoryLogger();
    const t = new ReceivedBlockTracker({ conf, streamIds: [0], clock: new ManualClock(0), logger, writeAheadLog: wal });
    expect(await t.addBlock(block(0, 1))).toBe(true);
    await wal.close(); // every later write fails
    expect(await t.addBlock(block(0, 2))).toBe(false);
    expect(logger.lines).toContain('ERROR Error adding block input-0-2');
    expect(names(t.getUnallocatedBlocks(0))).toEqual(['input-0-1']);
    await t.allocateBlocksToBatch(1000);
    expect(t.allocatedBatchTimes()).toEqual([]);
    expect(names(t.getUnallocatedBlocks(0))).toEqual(['input-0-1']);
    expect(logger.lines.some((l) => l.startsWith('WARN Exception thrown while writing record: BatchAllocationEvent to the WriteAheadLog'))).toBe(true);
  });

  it('cleanup deletes old driver log files, but not one holding an event the remaining state was built from', async () => {
    const dir = tempDir('rbt-clean-');
    const { t, clock } = tracker(dir);
    const logDir = driverLogDirectory(dir);
    await t.addBlock(block(0, 1)); // at 0: log-0-1000
    clock.setTime(5000);
    await t.allocateBlocksToBatch(5000); // log-5000-6000
    clock.setTime(10_000);
    await t.addBlock(block(0, 2)); // log-10000-11000, stays unallocated
    clock.setTime(20_000);
    await t.cleanupOldBatches(19_000); // forgets batch 5000; the cleanup event goes to log-20000-21000
    // files ending before 19000 go, except the one with the addition of the still unallocated block
    expect(fs.readdirSync(logDir).sort()).toEqual(['log-10000-11000', 'log-20000-21000']);
    clock.setTime(30_000);
    await t.allocateBlocksToBatch(30_000);
    clock.setTime(40_000);
    await t.cleanupOldBatches(25_000); // nothing to forget (no event), but the files before 25000 go
    expect(fs.readdirSync(logDir).sort()).toEqual(['log-30000-31000']);
    await t.stop();
    const r = tracker(dir, new ManualClock(50_000));
    await r.t.recoverPastEvents({ checkpointPresent: true });
    expect(names(r.t.getBlocksOfBatchAndStream(30_000, 0))).toEqual(['input-0-2']);
    await r.t.stop();
  });
});
