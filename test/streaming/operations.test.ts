/**
 * Basic DStream operations against Spark's documented results (BasicOperationsSuite-style inputs),
 * on a queueStream driven by a ManualClock; and print's exact format.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BatchData, type StreamingContext } from '../../streaming-kafka/index.js';
import { advanceBatches, collect, manualContext, sorted } from './helpers.js';

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

/** Run `build(stream)` over `batches` (queueStream, one batch each) and return each batch's output. */
async function run<T, U>(batches: (T[] | BatchData<T>)[], build: (s: import('../../streaming-kafka/index.js').DStream<T>) => import('../../streaming-kafka/index.js').DStream<U>, n = batches.length): Promise<U[][]> {
  const { ssc, clock } = manualContext();
  current = ssc;
  const out = collect(build(ssc.queueStream<T>(batches.slice())));
  await ssc.start();
  await advanceBatches(ssc, clock, n);
  expect(out.map(([t]) => t)).toEqual(Array.from({ length: n }, (_, i) => (i + 1) * 1000));
  await ssc.stop();
  return out.map(([, xs]) => xs);
}

describe('per-partition transformations', () => {
  it('map, flatMap, filter', async () => {
    expect(await run([[1, 2], [3], []], (s) => s.map((x) => x * 10))).toEqual([[10, 20], [30], []]);
    expect(await run([['a b', 'c'], ['d']], (s) => s.flatMap((l) => l.split(' ')))).toEqual([['a', 'b', 'c'], ['d']]);
    expect(await run([[1, 2, 3, 4]], (s) => s.filter((x) => x % 2 === 0))).toEqual([[2, 4]]);
  });

  it('mapPartitions runs once per partition and keeps the partitioning', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const parts: number[][][] = [];
    ssc.queueStream([new BatchData([[1, 2], [3], [4, 5, 6]])])
      .mapPartitions((p, i) => [p.reduce((a, b) => a + b, 0) * 100 + i])
      .foreachRDD((d) => void parts.push(d.partitions.map((p) => [...p])));
    await ssc.start();
    await advanceBatches(ssc, clock, 1);
    expect(parts).toEqual([[[300], [301], [1502]]]);
  });

  it('union and transform', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const a = ssc.queueStream([[1], [2]]);
    const b = ssc.queueStream([[10], [20]]);
    const u = collect(a.union(b));
    const t = collect(a.transform((d, time) => d.map((x) => x + time)));
    const uu = collect(ssc.union([a, b, a]));
    await ssc.start();
    await advanceBatches(ssc, clock, 2);
    expect(u.map(([, x]) => x)).toEqual([[1, 10], [2, 20]]);
    expect(t.map(([, x]) => x)).toEqual([[1001], [2002]]);
    expect(uu.map(([, x]) => x)).toEqual([[1, 10, 1], [2, 20, 2]]);
  });
});

describe('aggregations', () => {
  it('count emits 0 for an empty batch (Spark unions a 0)', async () => {
    expect(await run([[1, 2, 3], [], [4]], (s) => s.count())).toEqual([[3], [0], [1]]);
  });
  it('countByValue, reduce', async () => {
    const cbv = await run([['a', 'b', 'a'], []], (s) => s.countByValue());
    expect(sorted(cbv[0]!)).toEqual([['a', 2], ['b', 1]]);
    expect(cbv[1]).toEqual([]);
    expect(await run([[1, 2, 3], [], [10]], (s) => s.reduce((a, b) => a + b))).toEqual([[6], [], [10]]);
  });
  it('reduceByKey and groupByKey (Spark BasicOperationsSuite inputs)', async () => {
    const input: [string, number][][] = [[['a', 1], ['a', 1], ['b', 1]], [['', 1], ['', 1]], []];
    const r = await run(input, (s) => s.reduceByKey((a, b) => a + b));
    expect(r.map(sorted)).toEqual([[['a', 2], ['b', 1]], [['', 2]], []]);
    const g = await run(input, (s) => s.groupByKey());
    expect(g.map(sorted)).toEqual([[['a', [1, 1]], ['b', [1]]], [['', [1, 1]]], []]);
  });
  it('reduceByKey compares keys by value (tuples as keys) and honours numPartitions', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const parts: number[] = [];
    const out = collect(
      ssc
        .queueStream<[[string, number], number]>([[[['x', 1], 1], [['x', 1], 2], [['y', 1], 5]]])
        .reduceByKey((a, b) => a + b, 4)
        .transform((d) => (parts.push(d.numPartitions), d)),
    );
    await ssc.start();
    await advanceBatches(ssc, clock, 1);
    expect(sorted(out[0]![1])).toEqual([[['x', 1], 3], [['y', 1], 5]]);
    expect(parts).toEqual([4]);
  });
});

describe('print', () => {
  it("writes Spark's format: dashes, 'Time: <ms> ms', dashes, up to num elements, '...', blank line", async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    let text = '';
    const q: (number[] | [string, number][])[] = [Array.from({ length: 12 }, (_, i) => i), []];
    ssc.queueStream<number>(q as number[][]).print(10, (t) => (text += t));
    ssc.queueStream<[string, number]>([[['a', 1]]]).print(undefined, (t) => (text += t));
    await ssc.start();
    await advanceBatches(ssc, clock, 2);
    const dash = '-------------------------------------------';
    expect(text).toBe(
      `${dash}\nTime: 1000 ms\n${dash}\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n...\n\n` +
        `${dash}\nTime: 1000 ms\n${dash}\n(a,1)\n\n` +
        `${dash}\nTime: 2000 ms\n${dash}\n\n` +
        `${dash}\nTime: 2000 ms\n${dash}\n\n`,
    );
  });
  it('prints exactly num elements without "..." when there are exactly num', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    let text = '';
    ssc.queueStream([[1, 2, 3]]).print(3, (t) => (text += t));
    await ssc.start();
    await advanceBatches(ssc, clock, 1);
    expect(text.endsWith('\n1\n2\n3\n\n')).toBe(true);
    expect(text).not.toContain('...');
  });
});
