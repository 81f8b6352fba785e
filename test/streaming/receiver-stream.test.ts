/**
 * Receivers run by a StreamingContext (ssc.receiverStream): data stored with storeBlock and store
 * reaches the batches as blocks; StreamingListener receiver events and the progress listener's
 * receivers; reportError, restart with the restart delay, relaunch after a stop or a failed start;
 * Spark's WAL-without-checkpoint error; the WAL path with storage-level warnings and recovery from
 * the receiver WAL after a restart (getOrCreate); graceful stop; backpressure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BatchData,
  BlockSerializationException,
  ManualClock,
  NotABlockBatchException,
  ReceiverNotAttachedException,
  Receiver,
  ReceiverRateController,
  ReceiverWriteAheadLogWithoutCheckpointException,
  StreamingContext,
  StreamingProgressListener,
  blockInfosOf,
  type BatchInfo,
  type ReceivedBlockInfo,
} from '../../streaming-kafka/index.js';
import { advanceBatches, collect, manualContext, memoryLogger, tempDir } from './helpers.js';
import { RecordingListener, TestReceiver, receiverRecorder, sleep, until } from './receiver-helpers.js';

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe('ReceiverInputDStream', () => {
  it('batches hold the blocks stored since the previous batch (storeBlock and store), one partition per block', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const r = new TestReceiver<number>();
    const stream = ssc.receiverStream(r);
    const batches: [number, number[][], ReceivedBlockInfo[]][] = [];
    stream.foreachRDD((data, t) => {
      batches.push([t, data.partitions.map((p) => [...p]), blockInfosOf(data)]);
    });
    const mapped = collect(stream.map((x) => x * 10));
    const infos: BatchInfo[] = [];
    ssc.addStreamingListener({ onBatchCompleted: (e) => void infos.push(e.batchInfo) });
    expect(r.streamId).toBe(stream.id);
    await ssc.start();
    expect(r.starts).toBe(1);
    expect(r.isStarted()).toBe(true);

    await r.storeBlock([1, 2, 3], { from: 0 });
    await r.storeBlock([4], { from: 3 });
    await advanceBatches(ssc, clock, 1);
    // store(item): the default BlockGenerator cuts a block at the next 200 ms tick
    await r.store(5);
    await r.store(6);
    clock.setTime(1800);
    const tracker = ssc.scheduler.receiverTracker!;
    await until(() => tracker.hasUnallocatedBlocks());
    clock.setTime(2000);
    await ssc.scheduler.jobGenerator.waitForProcessed(2000);

    expect(batches.map(([t, parts]) => [t, parts])).toEqual([
      [1000, [[1, 2, 3], [4]]],
      [2000, [[5, 6]]],
    ]);
    const [b1, b2] = batches[0]![2];
    expect(b1).toMatchObject({ streamId: 0, numRecords: 3, metadata: { from: 0 }, blockIdValid: true });
    expect(b2!.blockId.uniqueId).toBe(b1!.blockId.uniqueId + 1); // storeBlock ids: the supervisor's counter
    expect(b1!.walRecordHandle).toBeUndefined();
    expect(batches[1]![2].map((b) => [b.blockId.name, b.metadata])).toEqual([['input-0-1000', undefined]]);
    expect(mapped).toEqual([
      [1000, [10, 20, 30, 40]],
      [2000, [50, 60]],
    ]);
    expect(infos[0]!.numRecords).toBe(4);
    expect((infos[0]!.streamIdToInputInfo.get(0)!.metadata['blocks'] as unknown[]).length).toBe(2);
    expect(() => blockInfosOf(BatchData.of([1]))).toThrow(NotABlockBatchException);
    expect(() => blockInfosOf(BatchData.of([1]))).toThrow('BatchData cannot be cast to BlockBatchData');

    // blocks leave memory when their batch is forgotten (remember = one batch)
    await advanceBatches(ssc, clock, 1);
    expect(tracker.blockStore.size).toBe(0);
    await ssc.stop();
    expect(r.stops).toBe(1);
    expect(r.isStopped()).toBe(true);
  });

  it('posts onReceiverStarted/Error/Stopped; the progress listener shows the receivers; reportError; restart after the restart delay', async () => {
    const { ssc, clock } = manualContext({ conf: { 'spark.streaming.receiverRestartDelay': 300 } });
    current = ssc;
    const r = new TestReceiver<string>();
    ssc.receiverStream(r).foreachRDD(() => {});
    const rec = receiverRecorder();
    ssc.addStreamingListener(rec);
    const progress = new StreamingProgressListener(ssc, 'app-1');
    ssc.addStreamingListener(progress);
    await ssc.start();
    expect(rec.events).toEqual(['started 0 active']);
    expect(rec.infos[0]).toEqual({ streamId: 0, name: 'TestReceiver-0', active: true, location: os.hostname(), executorId: 'driver', lastErrorMessage: '', lastError: '', lastErrorTime: -1 });

    await r.storeBlock(['a', 'b', 'c']);
    await advanceBatches(ssc, clock, 2);
    expect(progress.status().receivers).toEqual([
      { streamId: 0, streamName: 'TestReceiver-0', active: true, location: os.hostname(), avgEventRate: 1.5, lastError: null, lastErrorTime: null },
    ]);

    r.reportError('fetch failed', new Error('ECONNRESET'));
    expect(rec.events[1]).toBe('error 0 active fetch failed');
    expect(rec.infos[1]!.lastError).toMatch(/^Error: ECONNRESET\n/);
    expect(rec.infos[1]!.lastErrorTime).toBe(2000);
    expect(progress.receivers.get(0)).toMatchObject({ active: true, lastError: 'fetch failed - Error: ECONNRESET', lastErrorTime: 2000 });

    const t0 = Date.now();
    r.restart('reconnect', new Error('lost'));
    await until(() => r.starts === 2, 3000, 'the restart');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r.stops).toBe(1);
    expect(rec.events.slice(2)).toEqual(['stopped 0 inactive Restarting receiver with delay 300ms: reconnect', 'started 0 active']);
    expect(rec.infos[2]!.lastError).toMatch(/^Error: lost/);

    const t1 = Date.now();
    r.restart('quick', undefined, 20);
    await until(() => r.starts === 3, 3000, 'the quick restart');
    expect(Date.now() - t1).toBeLessThan(280);
    expect(rec.infos[4]).toMatchObject({ active: false, lastErrorMessage: 'Restarting receiver with delay 20ms: quick', lastError: '', lastErrorTime: -1 });

    await ssc.stop();
    expect(rec.events.at(-1)).toBe('stopped 0 inactive Stopped by driver');
    expect(r.stops).toBe(3);
    expect(progress.status().receivers[0]).toMatchObject({ active: false, lastError: 'Stopped by driver', lastErrorTime: null });
  });

  it('a receiver that fails in onStart or stops itself is launched again after the restart delay', async () => {
    const { ssc, clock, logger } = manualContext({ conf: { 'spark.streaming.receiverRestartDelay': 50 } });
    current = ssc;
    const r = new TestReceiver<number>();
    r.failStarts = 1;
    const out = collect(ssc.receiverStream(r));
    const rec = receiverRecorder();
    ssc.addStreamingListener(rec);
    await ssc.start();
    await until(() => r.starts === 2, 3000, 'the relaunch');
    await until(() => rec.events.length === 3);
    expect(rec.events).toEqual(['started 0 active', 'stopped 0 inactive Error starting receiver 0', 'started 0 active']);
    expect(rec.infos[1]!.lastError).toMatch(/^Error: cannot connect/);
    expect(logger.lines.some((l) => l.startsWith('ERROR Receiver has been stopped. Try to restart it.: Error: cannot connect'))).toBe(true);
    expect(logger.lines).toContain('INFO Restarting Receiver 0');

    r.stop('done with this connection');
    await until(() => r.starts === 3, 3000, 'the second relaunch');
    expect(rec.events.slice(3)).toEqual(['stopped 0 inactive done with this connection', 'started 0 active']);
    await r.storeBlock([7, 8]);
    await advanceBatches(ssc, clock, 1);
    expect(out).toEqual([[1000, [7, 8]]]);
  });

  it('a receiver outside a running stream has no supervisor; a block that cannot be stored rejects storeBlock and is not tracked', async () => {
    const lone = new TestReceiver<number>();
    expect(lone.streamId).toBe(-1);
    expect(() => lone.supervisor).toThrow(ReceiverNotAttachedException);
    expect(() => lone.isStopped()).toThrow(
      'assertion failed: A ReceiverSupervisor has not been attached to the receiver yet. Maybe you are starting some computation in the receiver before the Receiver.onStart() has been called.',
    );

    const dir = tempDir('receiver-reject-');
    const { ssc } = manualContext({ conf: { 'spark.streaming.receiver.writeAheadLog.enable': true } });
    current = ssc;
    ssc.checkpoint(dir);
    const r = new TestReceiver<unknown>();
    ssc.receiverStream(r).foreachRDD(() => {});
    await ssc.start();
    await expect(r.storeBlock([1, () => 2])).rejects.toThrow(BlockSerializationException);
    const tracker = ssc.scheduler.receiverTracker!;
    expect(tracker.hasUnallocatedBlocks()).toBe(false);
    expect(tracker.blockStore.size).toBe(0);
    await r.storeBlock([1, 2]);
    expect(tracker.receivedBlockTracker.getUnallocatedBlocks(0).map((b) => b.numRecords)).toEqual([2]);
  });

  it("refuses to start with the receiver WAL on and no checkpoint directory (Spark's message)", async () => {
    const { ssc } = manualContext({ conf: { 'spark.streaming.receiver.writeAheadLog.enable': true } });
    current = ssc;
    ssc.receiverStream(new TestReceiver()).foreachRDD(() => {});
    const err = await ssc.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReceiverWriteAheadLogWithoutCheckpointException);
    expect((err as Error).message).toBe(
      'Cannot enable receiver write-ahead log without checkpoint directory set. Please use streamingContext.checkpoint() to set the checkpoint directory. See documentation for more details.',
    );
    expect((err as ReceiverWriteAheadLogWithoutCheckpointException).code).toBe('KTS_ERR_RECEIVER_WAL_NO_CHECKPOINT');
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('with the WAL: blocks and metadata are logged; after a restart (getOrCreate) the rerun batches and the unallocated blocks are read back from the WAL', async () => {
    const dir = tempDir('receiver-wal-e2e-');
    const conf = {
      'spark.streaming.receiver.writeAheadLog.enable': true,
      'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs': 1,
      'spark.streaming.driver.writeAheadLog.rollingIntervalSecs': 1,
    };
    const out: [number, string[], (boolean | undefined)[]][] = [];
    const receivers: TestReceiver<string>[] = [];
    let gate: Promise<void> | undefined;
    const build = (clock: ManualClock, logger: ReturnType<typeof memoryLogger>) => (): StreamingContext => {
      const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger, conf, stopOnShutdown: false });
      ssc.checkpoint(dir);
      const r = new TestReceiver<string>();
      receivers.push(r);
      ssc.receiverStream(r).foreachRDD(async (d, t) => {
        if (t === 2000 && gate) await gate;
        out.push([t, d.collect(), blockInfosOf(d).map((b) => b.blockIdValid)]);
      });
      return ssc;
    };

    // run 1
    const clock1 = new ManualClock(0);
    const logger1 = memoryLogger();
    const ssc1 = await StreamingContext.getOrCreate(dir, build(clock1, logger1));
    current = ssc1;
    await ssc1.start();
    expect(logger1.lines).toContain('WARN Storage level replication 2 is unnecessary when write ahead log is enabled, change to replication 1');
    expect(logger1.lines).toContain(
      'WARN User defined storage level StorageLevel(disk, memory, 2 replicas) is changed to effective storage level StorageLevel(disk, memory, 1 replicas) when write ahead log is enabled',
    );
    const r1 = receivers[0]!;
    await r1.storeBlock(['a', 'b']);
    await advanceBatches(ssc1, clock1, 1);
    expect(fs.readdirSync(path.join(dir, 'receivedData', '0'))).toEqual(['log-0-1000']);
    expect(fs.readdirSync(path.join(dir, 'receivedBlockMetadata')).length).toBeGreaterThan(0);
    await r1.storeBlock(['c']);
    let release!: () => void;
    gate = new Promise((res) => (release = res));
    clock1.setTime(2000); // batch 2000 runs and is held
    await r1.storeBlock(['d']);
    clock1.setTime(3000); // batch 3000: generated (blocks allocated, checkpointed), queued behind 2000
    await until(() => ssc1.scheduler.jobGenerator.lastGeneratedBatch === 3000);
    await r1.storeBlock(['e']); // never allocated
    const stopping = ssc1.stop(); // not graceful: batch 3000 is dropped
    await sleep(20);
    release();
    await stopping;
    expect(out).toEqual([
      [1000, ['a', 'b'], [true]],
      [2000, ['c'], [true]],
    ]);

    // run 2: recovers from the checkpoint of batch 2000's completion (pending: 3000): batches 2000 (the
    // checkpoint's own, at-least-once) and 3000 are rerun with their blocks read from the WAL; 'e' goes to the next batch
    gate = undefined;
    const clock2 = new ManualClock(3500);
    const logger2 = memoryLogger();
    const ssc2 = await StreamingContext.getOrCreate(dir, build(clock2, logger2));
    current = ssc2;
    await ssc2.start();
    await ssc2.scheduler.jobGenerator.waitForProcessed(3000);
    expect(logger2.lines).toContain('INFO Batches to reschedule (2 batches): 2000 ms, 3000 ms');
    expect(logger2.lines).toContain('INFO Possibly processed batch 2000 ms need to be processed again in WAL recovery');
    expect(logger2.lines).toContain('INFO Possibly processed batch 3000 ms need to be processed again in WAL recovery');
    clock2.setTime(4000);
    await ssc2.scheduler.jobGenerator.waitForProcessed(4000);
    await receivers[1]!.storeBlock(['f']);
    await advanceBatches(ssc2, clock2, 4);
    expect(out.slice(2)).toEqual([
      [2000, ['c'], [false]],
      [3000, ['d'], [false]],
      [4000, ['e'], [false]],
      [5000, ['f'], [true]],
      [6000, [], []],
      [7000, [], []],
      [8000, [], []],
    ]);
    // old receiver log files were cleaned; the file being written stays
    expect(fs.readdirSync(path.join(dir, 'receivedData', '0'))).toEqual(['log-4000-5000']);
    await ssc2.stop();
  });

  it('graceful stop: the receivers stop first, then every record they accepted is processed', async () => {
    const logger = memoryLogger();
    const ssc = new StreamingContext({ batchDurationMs: 100, logger, conf: { 'spark.streaming.blockInterval': 20 }, stopOnShutdown: false });
    current = ssc;
    class CountingReceiver extends Receiver<number> {
      accepted = 0;
      onStart(): void {
        void this.loop();
      }
      private async loop(): Promise<void> {
        for (let i = 0; !this.isStopped(); i++) {
          try {
            await this.store(i);
          } catch {
            return;
          }
          this.accepted = i + 1;
          if (i % 50 === 49) await new Promise((r) => setImmediate(r));
        }
      }
      onStop(): void {}
    }
    const r = new CountingReceiver();
    const seen: number[] = [];
    ssc.receiverStream(r).foreachRDD((d) => {
      for (const p of d.partitions) for (const x of p) seen.push(x);
    });
    await ssc.start();
    await sleep(300);
    await ssc.stop({ stopGracefully: true });
    expect(r.accepted).toBeGreaterThan(1000);
    expect(seen.length).toBe(r.accepted);
    let inOrder = true;
    for (let i = 0; i < seen.length; i++) if (seen[i] !== i) inOrder = false;
    expect(inOrder).toBe(true);
    expect(logger.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  });

  it('backpressure: the PID estimate is published to the receiver’s block generators, capped by maxRate', async () => {
    const { ssc, clock } = manualContext({ conf: { 'spark.streaming.backpressure.enabled': true, 'spark.streaming.receiver.maxRate': 1500 } });
    current = ssc;
    const r = new TestReceiver<number>();
    const stream = ssc.receiverStream(r);
    expect(stream.rateController).toBeInstanceOf(ReceiverRateController);
    stream.foreachRDD(() => clock.advance(500)); // every batch takes 500 ms
    await ssc.start();
    const sup = ssc.scheduler.receiverTracker!.supervisorOf(stream.id)!;
    expect(sup.currentRateLimits()).toEqual([1500]);
    await r.storeBlock(Array.from({ length: 1000 }, (_, i) => i));
    clock.setTime(1000);
    await ssc.scheduler.jobGenerator.waitForProcessed(1000); // seeds the estimator: 2000 records/s
    await r.storeBlock(Array.from({ length: 400 }, (_, i) => i));
    clock.setTime(2000);
    await ssc.scheduler.jobGenerator.waitForProcessed(2000); // 800 records/s → rate 800
    expect(stream.rateController!.getLatestRate()).toBe(800);
    expect(sup.currentRateLimits()).toEqual([800]);
    const g = sup.createBlockGenerator(new RecordingListener<number>());
    expect(g.getCurrentLimit()).toBe(800);
  });
});
