/**
 * BlockGenerator and RateLimiter (Spark's BlockGeneratorSuite / RateLimiterSuite behaviours): block
 * intervals and ids on a ManualClock, callback order, states and Spark's messages, the block queue
 * as backpressure, drain on stop, maxRate on wall time, updateRate rules.
 */
import { describe, expect, it } from 'vitest';
import { BlockGenerator, BlockGeneratorStateException, ManualClock, RateLimiter, ReceiverConfigException, StreamingConf } from '../../streaming-kafka/index.js';
import { memoryLogger } from './helpers.js';
import { RecordingListener, sleep, until } from './receiver-helpers.js';

function generator<T>(conf: Record<string, string | number> = {}, clock = new ManualClock(1000)) {
  const listener = new RecordingListener<T>();
  const logger = memoryLogger();
  const g = new BlockGenerator<T>(listener, 7, new StreamingConf(conf), { clock, logger });
  return { g, listener, clock, logger };
}

describe('BlockGenerator', () => {
  it('cuts the buffer every block interval into input-<id>-<tick − interval>; no block for an empty interval; stop cuts the last one', async () => {
    const { g, listener, clock } = generator<number>();
    expect(g.blockIntervalMs).toBe(200);
    expect(g.blockQueueSize).toBe(10);
    g.start();
    await g.addData(1);
    await g.addData(2);
    clock.setTime(1200);
    await until(() => listener.pushed.length === 1);
    await g.addData(3);
    clock.setTime(1400);
    await until(() => listener.pushed.length === 2);
    clock.setTime(1600); // nothing added: no block
    await sleep(20);
    await g.addData(4);
    await g.stop();
    expect(listener.pushed).toEqual([
      ['input-7-1000', [1, 2]],
      ['input-7-1200', [3]],
      ['input-7-1600', [4]],
    ]);
    expect(g.isStopped()).toBe(true);
    expect(g.isActive()).toBe(false);
  });

  it('calls onAddData with the metadata in order, before the block is generated; addMultipleDataWithCallback keeps the items in one block', async () => {
    const { g, listener, clock } = generator<string>({ 'spark.streaming.blockInterval': '1s' });
    expect(g.blockIntervalMs).toBe(1000);
    g.start();
    await g.addDataWithCallback('a', { offset: 1 });
    await g.addDataWithCallback('b', { offset: 2 });
    clock.setTime(2000);
    await until(() => listener.pushed.length === 1);
    await g.addMultipleDataWithCallback(['c', 'd', 'e'], { offset: 5 });
    await g.stop();
    expect(listener.events).toEqual([
      'add "a" {"offset":1}',
      'add "b" {"offset":2}',
      'generate input-7-1000',
      'push input-7-1000',
      'add ["c","d","e"] {"offset":5}',
      'generate input-7-2000',
      'push input-7-2000',
    ]);
  });

  it("states and Spark's messages", async () => {
    expect(() => generator({ 'spark.streaming.blockInterval': 0 })).toThrow(ReceiverConfigException);
    expect(() => generator({ 'spark.streaming.blockInterval': -5 })).toThrow("requirement failed: 'spark.streaming.blockInterval' should be a positive value");
    const { g, logger } = generator<number>();
    expect(g.getState()).toBe('Initialized');
    await expect(g.addData(1)).rejects.toThrow(new BlockGeneratorStateException('Cannot add data as BlockGenerator has not been started or has been stopped'));
    await g.stop();
    expect(logger.lines).toContain('WARN Cannot stop BlockGenerator as its not in the Active state [state = Initialized]');
    g.start();
    expect(() => g.start()).toThrow('Cannot start BlockGenerator as its not in the Initialized state [state = Active]');
    await g.stop();
    expect(g.getState()).toBe('StoppedAll');
    const err = await g.addDataWithCallback(1, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockGeneratorStateException);
    expect((err as BlockGeneratorStateException).code).toBe('KTS_ERR_BLOCK_GENERATOR_STATE');
    expect(() => g.start()).toThrow('[state = StoppedAll]');
  });

  it('backpressure: with the block queue full, adding data waits until a block is pushed; blocks stay in order', async () => {
    const { g, listener, clock } = generator<string>({ 'spark.streaming.blockQueueSize': 2 });
    listener.close();
    g.start();
    // block A is taken by the pusher (held at the gate), B and C fill the queue
    for (const [item, t] of [['a', 1200], ['b', 1400], ['c', 1600]] as const) {
      await g.addData(item);
      clock.setTime(t);
      await until(() => g.bufferedRecords === 0);
    }
    await until(() => g.queuedBlocks === 2);
    let added = false;
    const pending = g.addData('d').then(() => (added = true));
    await sleep(50);
    expect(added).toBe(false); // waits: the queue is full
    listener.open();
    await pending;
    expect(added).toBe(true);
    await g.stop();
    expect(listener.pushed).toEqual([
      ['input-7-1000', ['a']],
      ['input-7-1200', ['b']],
      ['input-7-1400', ['c']],
      ['input-7-1600', ['d']],
    ]);
  });

  it('stop drains: it resolves only after every queued block was pushed', async () => {
    const { g, listener, clock } = generator<number>();
    listener.close();
    g.start();
    for (let i = 0; i < 5; i++) {
      await g.addData(i);
      clock.advance(200);
      await until(() => g.bufferedRecords === 0);
    }
    await g.addData(99);
    let stopped = false;
    const stopping = g.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false);
    expect(g.getState()).toBe('StoppedGeneratingBlocks');
    listener.open();
    await stopping;
    expect(listener.pushed.map(([, items]) => items).flat()).toEqual([0, 1, 2, 3, 4, 99]);
  });

  it('a failed push is reported ("Error in block pushing thread") and the next blocks are still pushed', async () => {
    const { g, listener, clock } = generator<number>();
    listener.failPush = (id) => id.uniqueId === 1000;
    g.start();
    await g.addData(1);
    clock.setTime(1200);
    await until(() => listener.errors.length === 1);
    await g.addData(2);
    await g.stop();
    expect(listener.errors[0]).toMatch(/^Error in block pushing thread: Error: cannot store input-7-1000/);
    expect(listener.pushed).toEqual([['input-7-1200', [2]]]);
  });

  it('maxRate limits records per second (wall time), without a timer per record', async () => {
    const { g, listener } = generator<number>({ 'spark.streaming.receiver.maxRate': 1000, 'spark.streaming.blockInterval': 50 }, undefined);
    g.start();
    const t0 = Date.now();
    for (let i = 0; i < 1200; i++) await g.addData(i);
    const elapsed = Date.now() - t0;
    await g.stop();
    expect(elapsed).toBeGreaterThanOrEqual(1000); // 1200 records at 1000/s, no saved burst at first
    expect(elapsed).toBeLessThan(3000);
    expect(listener.pushed.flatMap(([, items]) => items)).toHaveLength(1200);
  });
});

describe('RateLimiter', () => {
  it('initial rate = min(backpressure.initialRate, maxRate); updateRate ignores ≤ 0 and caps at maxRate', () => {
    const unlimited = new RateLimiter(new StreamingConf());
    expect(unlimited.getCurrentLimit()).toBe(Infinity);
    expect(unlimited.waitToPush()).toBeUndefined();
    unlimited.updateRate(300);
    expect(unlimited.getCurrentLimit()).toBe(300);

    const capped = new RateLimiter(new StreamingConf({ 'spark.streaming.receiver.maxRate': 2000 }));
    expect(capped.getCurrentLimit()).toBe(2000);
    capped.updateRate(500);
    expect(capped.getCurrentLimit()).toBe(500);
    capped.updateRate(5000);
    expect(capped.getCurrentLimit()).toBe(2000);
    capped.updateRate(0);
    capped.updateRate(-1);
    expect(capped.getCurrentLimit()).toBe(2000);

    const initial = new RateLimiter(new StreamingConf({ 'spark.streaming.receiver.maxRate': 2000, 'spark.streaming.backpressure.initialRate': 100 }));
    expect(initial.getCurrentLimit()).toBe(100);
    const initialAboveMax = new RateLimiter(new StreamingConf({ 'spark.streaming.receiver.maxRate': 50, 'spark.streaming.backpressure.initialRate': 100 }));
    expect(initialAboveMax.getCurrentLimit()).toBe(50);
  });

  it('a rate lowered by updateRate slows the records down', async () => {
    const r = new RateLimiter(new StreamingConf());
    r.updateRate(200);
    const t0 = Date.now();
    // the first second's burst allowance (Guava: a rate set from unlimited starts with full permits)
    for (let i = 0; i < 200; i++) await r.waitToPush();
    const burst = Date.now() - t0;
    for (let i = 0; i < 60; i++) await r.waitToPush();
    const slow = Date.now() - t0 - burst;
    expect(burst).toBeLessThan(500); // without the saved permits, 200 records at 200/s would take 1 s
    expect(slow).toBeGreaterThanOrEqual(250); // 60 records at 200/s ≈ 300 ms
  });
});
