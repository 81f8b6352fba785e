/**
 * Fusion of narrow transformations (Spark's pipelining within a stage): a chain map/flatMap/filter/
 * mapValues → reduceByKey runs as one pass per partition, with the same results (values and
 * partitioning) as the materialised form, each user function called exactly once per element, and
 * streams with more than one consumer (or windowed, or remembered) still materialised once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BatchData, type StreamingContext } from '../../streaming-kafka/index.js';
import { filterStage, flatMapStage, mapStage, PipelinedBatchData } from '../../streaming-kafka/rdd/batch-data.js';
import { advanceBatches, collect, manualContext, sorted } from './helpers.js';

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

const LINES = [new BatchData([['a b a', 'c'], ['b b', ''], ['c a d']]), new BatchData([['d'], [], ['a a']])];

/** Counts of calls per function name. */
function counter(): { calls: Record<string, number>; count: <A extends unknown[], R>(name: string, f: (...a: A) => R) => (...a: A) => R } {
  const calls: Record<string, number> = {};
  return {
    calls,
    count: (name, f) =>
      (...a) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return f(...a);
      },
  };
}

describe('fused narrow transformations', () => {
  it('flatMap → filter → map → reduceByKey: same partitions as the materialised form, each function once per element', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const { calls, count } = counter();
    const parts: [string, number][][][] = [];
    const words = ssc.queueStream<string>(LINES.slice()).flatMap(count('flatMap', (l: string) => l.split(' ')));
    const pairs = words.filter(count('filter', (w: string) => w !== '')).map(count('map', (w: string) => [w, 1] as [string, number]));
    const counts = pairs.reduceByKey(count('reduce', (a: number, b: number) => a + b));
    counts.foreachRDD((d) => void parts.push(d.partitions.map((p) => [...p])));
    /** Batches a stream memoised (fused streams keep none). */
    const memoised = (s: object): number => (s as unknown as { generated: Map<number, unknown> }).generated.size;
    await ssc.start();
    await advanceBatches(ssc, clock, 2);
    // the eager BatchData operations give the reference partitioning
    const expected = LINES.map((d) =>
      d
        .flatMap((l) => l.split(' '))
        .filter((w) => w !== '')
        .map((w) => [w, 1] as [string, number])
        .reduceByKey((a, b) => a + b)
        .partitions.map((p) => [...p]),
    );
    expect(parts).toEqual(expected);
    expect(sorted(parts[0]!.flat())).toEqual([['a', 3], ['b', 3], ['c', 2], ['d', 1]]);
    // lines: 5 + 2; words (with the empty one): 10 + 3; kept: 9 + 3
    expect(calls).toEqual({ flatMap: 7, filter: 13, map: 12, reduce: expect.any(Number) });
    expect([memoised(words), memoised(pairs), memoised(counts)]).toEqual([0, 0, 1]);
  });

  it('a stream with two consumers is computed once per batch (not fused twice)', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const { calls, count } = counter();
    const words = ssc.queueStream<string>(LINES.slice()).flatMap(count('flatMap', (l: string) => l.split(' ').filter((w) => w)));
    const counts = collect(words.map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b));
    const n = collect(words.count());
    await ssc.start();
    await advanceBatches(ssc, clock, 2);
    expect(calls.flatMap).toBe(7);
    expect((words as unknown as { generated: Map<number, unknown> }).generated.size).toBeGreaterThan(0); // materialised, shared
    expect(sorted(counts[0]![1])).toEqual([['a', 3], ['b', 3], ['c', 2], ['d', 1]]);
    expect(n.map(([, x]) => x)).toEqual([[9], [3]]);
  });

  it('mapValues fuses into reduceByKey; windows over a mapped stream see each batch once', async () => {
    const { ssc, clock } = manualContext();
    current = ssc;
    const { calls, count } = counter();
    const pairs = ssc.queueStream<[string, number]>([[['a', 1], ['b', 2], ['a', 3]], [['b', 4]], [['a', 5]]]);
    const sums = collect(pairs.mapValues(count('mapValues', (v: number) => v * 10)).reduceByKey((a, b) => a + b));
    const win = collect(pairs.map(count('map', (kv: [string, number]) => kv[1])).window(2000, 1000).reduce((a, b) => a + b));
    await ssc.start();
    await advanceBatches(ssc, clock, 3);
    expect(sums.map(([, x]) => sorted(x))).toEqual([[['a', 40], ['b', 20]], [['b', 40]], [['a', 50]]]);
    expect(win.map(([, x]) => x)).toEqual([[6], [10], [9]]);
    expect(calls).toEqual({ mapValues: 5, map: 5 });
  });
});

describe('PipelinedBatchData', () => {
  it('materialises once (cached) when its partitions are read; combineByKey matches BatchData', () => {
    let n = 0;
    const src = new BatchData([[1, 2, 3], [4], []]);
    const p = PipelinedBatchData.chain<number, number>(
      PipelinedBatchData.chain<number, number>(src, mapStage((x: number) => (n++, x * 2))),
      filterStage((x: number) => x !== 4),
    );
    expect(p.numPartitions).toBe(3);
    expect(p.partitions).toEqual([[2, 6], [8], []]);
    expect(p.collect()).toEqual([2, 6, 8]);
    expect(n).toBe(4);
    const pairs = PipelinedBatchData.chain<string, [string, number]>(
      PipelinedBatchData.chain<string, string>(new BatchData([['x y', 'y'], ['z x']]), flatMapStage((l: string) => l.split(' '))),
      mapStage((w: string) => [w, 1]),
    );
    const eager = new BatchData([['x y', 'y'], ['z x']]).flatMap((l) => l.split(' ')).map((w) => [w, 1] as [string, number]);
    expect(pairs.groupByKey(2).partitions).toEqual(eager.groupByKey(2).partitions);
  });
});
