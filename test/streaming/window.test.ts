/**
 * Window operations against Spark's WindowOperationsSuite-style inputs (batch 1 s, window 2 s,
 * slide 1 s unless said), incremental reduce with an inverse function (zero entries kept unless
 * filtered, as Spark documents), and Spark's duration-multiple error messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DStream, StreamingContext } from '../../streaming-kafka/index.js';
import { TestInputStream, advanceBatches, collect, manualContext, sorted, tempDir } from './helpers.js';

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function run<T, U>(batches: T[][], build: (s: DStream<T>) => DStream<U>, n = batches.length, checkpoint = false): Promise<[number, U[]][]> {
  const { ssc, clock } = manualContext();
  current = ssc;
  if (checkpoint) ssc.checkpoint(tempDir());
  const out = collect(build(checkpoint ? new TestInputStream<T>(ssc, batches) : ssc.queueStream<T>(batches.slice())));
  await ssc.start();
  await advanceBatches(ssc, clock, n);
  await ssc.stop();
  return out.map(([t, xs]) => [t, sorted(xs)]);
}

const kv = (k: string, v: number): [string, number] => [k, v];
// Spark's "key already in window and new value added into window" input
const pairInput: [string, number][][] = [[kv('a', 1)], [kv('a', 1)], [kv('a', 1), kv('b', 1)], [kv('a', 1), kv('b', 1)], [kv('b', 1)], [], []];

describe('window', () => {
  it('window(2 s, 1 s) unions the parent batches in (t - 2 s, t]', async () => {
    const out = await run([[1], [2], [3], [4], [5], [6]], (s) => s.window(2000, 1000));
    expect(out.map(([, x]) => x)).toEqual([[1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
  });
  it('window(3 s, 2 s) emits every 2 s', async () => {
    const out = await run([[1], [2], [3], [4], [5], [6]], (s) => s.window(3000, 2000));
    expect(out).toEqual([
      [2000, [1, 2]],
      [4000, [2, 3, 4]],
      [6000, [4, 5, 6]],
    ]);
  });
  it("rejects durations that are not multiples of the parent's slide, with Spark's messages", () => {
    const { ssc } = manualContext();
    const s = ssc.queueStream<number>([]);
    expect(() => s.window(1500, 1000)).toThrow('The window duration of windowed DStream (1500 ms) must be a multiple of the slide duration of parent DStream (1000 ms)');
    expect(() => s.window(2000, 1500)).toThrow('The slide duration of windowed DStream (1500 ms) must be a multiple of the slide duration of parent DStream (1000 ms)');
    const w = s.window(3000, 3000);
    expect(() => w.window(9000, 1000)).toThrow('The slide duration of windowed DStream (1000 ms) must be a multiple of the slide duration of parent DStream (3000 ms)');
    const p = s.map((x) => [x, x] as [number, number]);
    expect(() => p.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 2500, 1000)).toThrow(
      'requirement failed: The window duration of ReducedWindowedDStream (2500 ms) must be multiple of the slide duration of parent DStream (1000 ms)',
    );
    expect(() => p.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 2000, 500)).toThrow(
      'requirement failed: The slide duration of ReducedWindowedDStream (500 ms) must be multiple of the slide duration of parent DStream (1000 ms)',
    );
  });
});

describe('reduceByKeyAndWindow', () => {
  it('without inverse = window + reduceByKey (keys leaving the window disappear)', async () => {
    const out = await run(pairInput, (s) => s.reduceByKeyAndWindow((a, b) => a + b, 2000, 1000));
    expect(out.map(([, x]) => x)).toEqual([[kv('a', 1)], [kv('a', 2)], [kv('a', 2), kv('b', 1)], [kv('a', 2), kv('b', 2)], [kv('a', 1), kv('b', 2)], [kv('b', 1)], []]);
  });
  it('with inverse: incremental, keys going back to zero are kept (Spark documents filtering them)', async () => {
    const out = await run(pairInput, (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 2000, 1000), pairInput.length, true);
    expect(out.map(([, x]) => x)).toEqual([
      [kv('a', 1)],
      [kv('a', 2)],
      [kv('a', 2), kv('b', 1)],
      [kv('a', 2), kv('b', 2)],
      [kv('a', 1), kv('b', 2)],
      [kv('a', 0), kv('b', 1)],
      [kv('a', 0), kv('b', 0)],
    ]);
  });
  it('with inverse and a filter function, and a slide of 2 batches', async () => {
    const input: [string, number][][] = [[kv('a', 1)], [kv('a', 1)], [kv('b', 1)], [kv('b', 1)], [], [], [kv('a', 5)], []];
    const out = await run(input, (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 4000, 2000, 2, ([, v]) => v !== 0), input.length, true);
    expect(out).toEqual([
      [2000, [kv('a', 2)]],
      [4000, [kv('a', 2), kv('b', 2)]],
      [6000, [kv('b', 2)]],
      [8000, [kv('a', 5)]],
    ]);
  });
  it('the incremental result equals the recomputed one on a longer random-ish input', async () => {
    const input: [string, number][][] = Array.from({ length: 15 }, (_, i) => Array.from({ length: (i * 7) % 5 }, (_, j) => kv('k' + ((i + j) % 3), j + 1)));
    const inc = await run(input, (s) => s.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 3000, 1000, undefined, ([, v]) => v !== 0), input.length, true);
    const full = await run(input, (s) => s.reduceByKeyAndWindow((a, b) => a + b, 3000, 1000));
    expect(inc).toEqual(full);
  });
  it('requires a checkpoint directory (must-checkpoint stream)', async () => {
    const { ssc } = manualContext();
    current = ssc;
    ssc.queueStream<[string, number]>([])
      .reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 2000)
      .foreachRDD(() => {});
    await expect(ssc.start()).rejects.toThrow('requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().');
    expect(ssc.getState()).toBe('STOPPED');
  });
});

describe('counting windows', () => {
  const input = [[1], [1], [1, 2], [0], [], []];
  it('countByWindow(2 s, 1 s) (incremental, emits 0 for an empty window)', async () => {
    const out = await run(input, (s) => s.countByWindow(2000, 1000), input.length, true);
    expect(out.map(([, x]) => x)).toEqual([[1], [2], [3], [3], [1], [0]]);
  });
  it('countByValueAndWindow(2 s, 1 s) drops zero counts', async () => {
    const out = await run(input, (s) => s.countByValueAndWindow(2000, 1000), input.length, true);
    expect(out.map(([, x]) => x)).toEqual([[[1, 1]], [[1, 2]], [[1, 2], [2, 1]], sorted([[0, 1], [1, 1], [2, 1]]), [[0, 1]], []]);
  });
  it('reduceByWindow with and without inverse', async () => {
    const nums = [[1, 2], [3], [], [4], [5, 6]];
    const plain = await run(nums, (s) => s.reduceByWindow((a, b) => a + b, 2000, 1000));
    expect(plain.map(([, x]) => x)).toEqual([[3], [6], [3], [4], [15]]);
    const inc = await run(nums, (s) => s.reduceByWindow((a, b) => a + b, (a, b) => a - b, 2000, 1000), nums.length, true);
    expect(inc.map(([, x]) => x)).toEqual([[3], [6], [3], [4], [15]]);
  });
});
