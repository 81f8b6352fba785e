/**
 * StreamingListener events and BatchInfo: order of events, numRecords, and the delays measured on
 * the context's clock (a ManualClock advanced inside the output operations gives exact values).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BatchData, type BatchInfo, type StreamingContext, type StreamingListener } from '../../streaming-kafka/index.js';
import { advanceBatches, manualContext } from './helpers.js';

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

function recorder(): StreamingListener & { events: string[]; completed: BatchInfo[] } {
  const events: string[] = [];
  const completed: BatchInfo[] = [];
  return {
    events,
    completed,
    onStreamingStarted: (e) => void events.push(`started@${e.time}`),
    onBatchSubmitted: (e) => void events.push(`submitted ${e.batchInfo.batchTime}`),
    onBatchStarted: (e) => void events.push(`batchStarted ${e.batchInfo.batchTime}`),
    onOutputOperationStarted: (e) => void events.push(`opStarted ${e.outputOperationInfo.batchTime}.${e.outputOperationInfo.id} ${e.outputOperationInfo.name}`),
    onOutputOperationCompleted: (e) => void events.push(`opCompleted ${e.outputOperationInfo.batchTime}.${e.outputOperationInfo.id}${e.outputOperationInfo.failureReason ? ' failed' : ''}`),
    onBatchCompleted: (e) => {
      events.push(`completed ${e.batchInfo.batchTime}`);
      completed.push(e.batchInfo);
    },
  };
}

describe('StreamingListener', () => {
  it('posts submitted, started, output operation started/completed (in registration order), completed', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const rec = recorder();
    ssc.addStreamingListener(rec);
    const s = ssc.queueStream([new BatchData([[1, 2], [3]])]);
    s.foreachRDD(() => {});
    s.print(10, () => {});
    await ssc.start();
    await advanceBatches(ssc, clock, 1);
    expect(rec.events).toEqual([
      'started@0',
      'submitted 1000',
      'batchStarted 1000',
      'opStarted 1000.0 foreachRDD',
      'opCompleted 1000.0',
      'opStarted 1000.1 print',
      'opCompleted 1000.1',
      'completed 1000',
    ]);
    const info = rec.completed[0]!;
    expect(info.numRecords).toBe(3);
    expect([...info.streamIdToInputInfo.values()]).toEqual([{ inputStreamId: 0, numRecords: 3, metadata: {} }]);
    expect(info.outputOperationInfos.size).toBe(2);
  });

  it('BatchInfo delays: processing time measured on the clock; a slow batch delays the next one (scheduling delay)', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const rec = recorder();
    ssc.addStreamingListener(rec);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    ssc.queueStream<number>([[1], [2, 3]]).foreachRDD(async (_d, t) => {
      if (t === 1000) {
        await gate; // the clock moves while batch 1000 runs
      } else clock.advance(300); // batch 2000 takes 300 ms
    });
    await ssc.start();
    clock.advance(1000); // batch 1000 submitted at 1000, starts at once
    await new Promise((r) => setTimeout(r, 10));
    clock.advance(1000); // batch 2000 submitted at 2000, waits for batch 1000
    await new Promise((r) => setTimeout(r, 10));
    clock.advance(500); // 2500
    release(); // batch 1000 ends at 2500; batch 2000 starts at 2500, ends at 2800
    await ssc.scheduler.jobGenerator.waitForProcessed(2000);
    const [b1, b2] = rec.completed;
    expect([b1!.batchTime, b1!.submissionTime, b1!.processingStartTime, b1!.processingEndTime]).toEqual([1000, 1000, 1000, 2500]);
    expect([b1!.schedulingDelay, b1!.processingDelay, b1!.totalDelay, b1!.numRecords]).toEqual([0, 1500, 1500, 1]);
    expect([b2!.batchTime, b2!.submissionTime, b2!.processingStartTime, b2!.processingEndTime]).toEqual([2000, 2000, 2500, 2800]);
    expect([b2!.schedulingDelay, b2!.processingDelay, b2!.totalDelay, b2!.numRecords]).toEqual([500, 300, 800, 2]);
  });

  it('a failed output operation carries its failureReason; listener exceptions are ignored', async () => {
    const { ssc, clock, logger } = manualContext();
    current = ssc;
    const rec = recorder();
    ssc.addStreamingListener({ onBatchCompleted: () => { throw new Error('listener bug'); } });
    ssc.addStreamingListener(rec);
    ssc.queueStream<number>([[1]]).foreachRDD(() => {
      throw new Error('output failed');
    });
    void ssc.awaitTermination().catch(() => undefined);
    await ssc.start();
    await advanceBatches(ssc, clock, 1);
    expect(rec.events).toContain('opCompleted 1000.0 failed');
    expect(rec.completed[0]!.outputOperationInfos.get(0)!.failureReason).toContain('output failed');
    expect(logger.lines.some((l) => l.includes('listener bug'))).toBe(true);
  });
});
