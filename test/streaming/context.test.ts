/**
 * StreamingContext lifecycle: states, Spark's error messages, awaitTermination, graceful and
 * immediate stop, failures reported to awaitTermination.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, StreamingContext } from '../../streaming-kafka/index.js';
import { TestInputStream, advanceBatches, manualContext, tempDir } from './helpers.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
});
function ctx(opts?: Parameters<typeof manualContext>[0]) {
  const r = manualContext(opts);
  contexts.push(r.ssc);
  return r;
}

describe('StreamingContext states and errors', () => {
  it('INITIALIZED -> ACTIVE -> STOPPED; start after stop fails', async () => {
    const { ssc } = ctx();
    ssc.queueStream<number>([]).foreachRDD(() => {});
    expect(ssc.getState()).toBe('INITIALIZED');
    await ssc.start();
    expect(ssc.getState()).toBe('ACTIVE');
    expect(StreamingContext.getActive()).toBe(ssc);
    await ssc.start(); // only warns
    await ssc.stop();
    expect(ssc.getState()).toBe('STOPPED');
    expect(StreamingContext.getActive()).toBeUndefined();
    await expect(ssc.start()).rejects.toThrow('StreamingContext has already been stopped');
    await ssc.stop(); // no-op
  });

  it('requires an output operation', async () => {
    const { ssc } = ctx();
    ssc.queueStream<number>([]).map((x) => x);
    await expect(ssc.start()).rejects.toThrow('requirement failed: No output operations registered, so nothing to execute');
    expect(ssc.getState()).toBe('STOPPED');
  });

  it('requires a batch duration', () => {
    expect(() => new StreamingContext({} as never)).toThrow('Batch duration for StreamingContext cannot be null');
  });

  it('refuses new DStreams after start and after stop', async () => {
    const { ssc } = ctx();
    const s = ssc.queueStream<number>([]);
    s.foreachRDD(() => {});
    await ssc.start();
    expect(() => s.map((x) => x)).toThrow('Adding new inputs, transformations, and output operations after starting a context is not supported');
    expect(() => ssc.queueStream([])).toThrow(expect.objectContaining({ name: 'IllegalStateException' }));
    expect(() => s.checkpoint(5000)).toThrow('Cannot change checkpoint interval of an DStream after streaming context has started');
    await ssc.stop();
    expect(() => s.filter(() => true)).toThrow('Adding new inputs, transformations, and output operations after stopping a context is not supported');
  });

  it('allows one active context per process', async () => {
    const a = ctx().ssc;
    a.queueStream<number>([]).foreachRDD(() => {});
    const b = ctx().ssc;
    b.queueStream<number>([]).foreachRDD(() => {});
    await a.start();
    await expect(b.start()).rejects.toThrow(/^Only one StreamingContext may be started in this JVM\. Currently running StreamingContext was started at\n.*context\.test\.ts/);
    await a.stop();
    await b.start();
    expect(b.getState()).toBe('ACTIVE');
  });

  it('stop before start warns and stops', async () => {
    const { ssc, logger } = ctx();
    await ssc.stop();
    expect(ssc.getState()).toBe('STOPPED');
    expect(logger.lines).toContain('WARN StreamingContext has not been started yet');
  });

  it('queueStream cannot be checkpointed (as in Spark)', async () => {
    const { ssc } = ctx();
    ssc.checkpoint(tempDir());
    ssc.queueStream<number>([]).foreachRDD(() => {});
    await expect(ssc.start()).rejects.toThrow("queueStream doesn't support checkpointing. Please don't use queueStream when checkpointing is enabled.");
  });

  it('checks DStream checkpoint intervals against the slide', async () => {
    const { ssc } = ctx();
    ssc.checkpoint(tempDir());
    new TestInputStream<number>(ssc, []).window(2000, 2000).checkpoint(3000).foreachRDD(() => {});
    await expect(ssc.start()).rejects.toThrow(
      'requirement failed: The checkpoint interval for WindowedDStream has been set to 3000 ms which not a multiple of its slide time (2000 ms). Please set it to a multiple of 2000 ms.',
    );
  });
});

describe('running and stopping', () => {
  it('first batch time is the next multiple of the interval after start; batch times follow on the clock', async () => {
    const { ssc, clock } = ctx({ startMs: 12_345 });
    const times: number[] = [];
    ssc.queueStream<number>([]).foreachRDD((_d, t) => void times.push(t));
    await ssc.start();
    clock.setTime(13_000);
    await ssc.scheduler.jobGenerator.waitForProcessed(13_000);
    await advanceBatches(ssc, clock, 2);
    expect(times).toEqual([13_000, 14_000, 15_000]);
  });

  it('awaitTermination: false on timeout, true once stopped', async () => {
    const { ssc } = ctx();
    ssc.queueStream<number>([]).foreachRDD(() => {});
    await ssc.start();
    expect(await ssc.awaitTermination(20)).toBe(false);
    const waiting = ssc.awaitTermination();
    await ssc.stop();
    expect(await waiting).toBe(true);
  });

  it('a failing output operation is reported to awaitTermination; the batch completes and later batches run', async () => {
    const { ssc, clock, logger } = ctx();
    const seen: number[] = [];
    ssc.queueStream<number>([[1], [2]]).foreachRDD((d) => {
      if (d.collect()[0] === 1) throw new Error('boom');
      seen.push(...d.collect());
    });
    await ssc.start();
    const waiting = ssc.awaitTermination();
    await advanceBatches(ssc, clock, 2);
    await expect(waiting).rejects.toThrow('boom');
    expect(seen).toEqual([2]);
    expect(logger.lines.some((l) => l.startsWith('ERROR Error running job streaming job 1000 ms.0'))).toBe(true);
  });

  it('graceful stop processes the generated batches; immediate stop drops queued ones', async () => {
    for (const graceful of [true, false]) {
      const { ssc, clock } = ctx();
      const done: number[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      ssc.queueStream<number>([]).foreachRDD(async (_d, t) => {
        if (t === 1000) await gate;
        done.push(t);
      });
      await ssc.start();
      clock.advance(3000); // batches 1000, 2000, 3000 generated; 1000 blocks
      await new Promise((r) => setTimeout(r, 20));
      const stopping = ssc.stop({ stopGracefully: graceful });
      release();
      await stopping;
      expect(done).toEqual(graceful ? [1000, 2000, 3000] : [1000]);
    }
  });
});

describe('ManualClock', () => {
  it('wakes waiters when advanced past their time', async () => {
    const c = new ManualClock(5);
    const w = c.waitTillTime(100);
    c.advance(50);
    let done = false;
    void w.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    c.advance(50);
    expect(await w).toBe(105);
  });
});
