/**
 * updateStateByKey and mapWithState: Spark's semantics (update function called for every key with
 * state; None/undefined removes; mapWithState called only for keys with data; timeouts detected on
 * checkpointed batches, every 10 batches by default) and State's exact error messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { State, StateSpec, type StreamingContext } from '../../streaming-kafka/index.js';
import { TestInputStream, advanceBatches, collect, manualContext, sorted, tempDir } from './helpers.js';

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

function setup<T>(input: T[][]) {
  const { ssc, clock } = manualContext();
  current = ssc;
  ssc.checkpoint(tempDir());
  return { ssc, clock, stream: new TestInputStream<T>(ssc, input, 2) };
}

describe('updateStateByKey', () => {
  it('keeps running counts; the function sees every key with state, even without new values; undefined removes', async () => {
    const input = [['a', 'b', 'a'], ['a'], [], ['b', 'c'], ['c']];
    const { ssc, clock, stream } = setup(input);
    const calls: string[] = [];
    const state = collect(
      stream
        .map((w) => [w, 1] as [string, number])
        .updateStateByKey<string, number, number>((values, prev) => {
          calls.push(`${values.length}/${prev ?? '-'}`);
          const n = (prev ?? 0) + values.reduce((a, b) => a + b, 0);
          return n >= 4 ? undefined : n; // a key reaching 4 is removed
        }),
    );
    await ssc.start();
    await advanceBatches(ssc, clock, 5);
    expect(state.map(([, s]) => sorted(s))).toEqual([
      [['a', 2], ['b', 1]],
      [['a', 3], ['b', 1]],
      [['a', 3], ['b', 1]],
      [['a', 3], ['b', 2], ['c', 1]],
      [['a', 3], ['b', 2], ['c', 2]],
    ]);
    // batch 3 has no data: the function is still called for a and b with no values
    expect(calls.slice(4, 6).sort()).toEqual(['0/1', '0/3']);
  });

  it('removal by returning undefined', async () => {
    const { ssc, clock, stream } = setup([['x', 'x'], ['x', 'x'], ['x']]);
    const state = collect(stream.map((w) => [w, 1] as [string, number]).updateStateByKey<string, number, number>((vs, s) => ((s ?? 0) + vs.length >= 4 ? undefined : (s ?? 0) + vs.length)));
    await ssc.start();
    await advanceBatches(ssc, clock, 3);
    expect(state.map(([, s]) => s)).toEqual([[['x', 2]], [], [['x', 1]]]);
  });

  it('needs a checkpoint directory', async () => {
    const { ssc } = manualContext();
    current = ssc;
    new TestInputStream<[string, number]>(ssc, []).updateStateByKey<string, number, number>((v, s) => s).foreachRDD(() => {});
    await expect(ssc.start()).rejects.toThrow('requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().');
  });
});

const counter = (): StateSpec<string, number, number, string> =>
  StateSpec.function<string, number, number, string>((key, value, state) => {
  if (state.isTimingOut()) return `timeout:${key}:${state.get()}`;
  const c = (state.getOption() ?? 0) + (value ?? 0);
  state.update(c);
  return `${key}=${c}`;
});

describe('mapWithState', () => {
  it('calls the function per record of keys with data; stateSnapshots has every key', async () => {
    const { ssc, clock, stream } = setup<[string, number]>([[['a', 1], ['b', 1], ['a', 1]], [], [['b', 5]]]);
    const mapped = stream.mapWithState(counter());
    const out = collect(mapped);
    const snaps = collect(mapped.stateSnapshots());
    await ssc.start();
    await advanceBatches(ssc, clock, 3);
    expect(out.map(([, x]) => sorted(x))).toEqual([['a=1', 'a=2', 'b=1'], [], ['b=6']]);
    expect(snaps.map(([, x]) => sorted(x))).toEqual([
      [['a', 2], ['b', 1]],
      [['a', 2], ['b', 1]],
      [['a', 2], ['b', 6]],
    ]);
  });

  it('initialState, remove, and the function-with-time form (undefined = no output)', async () => {
    const { ssc, clock, stream } = setup<[string, number]>([[['a', 1], ['z', 0]], [['a', 1]]]);
    const spec = StateSpec.functionWithTime<string, number, number, string>((t, k, v, s) => {
      if (v === 0) {
        s.remove();
        return undefined;
      }
      s.update((s.getOption() ?? 0) + (v ?? 0));
      return `${t}:${k}=${s.get()}`;
    }).initialState([
      ['a', 10],
      ['z', 1],
    ]);
    const mapped = stream.mapWithState(spec);
    const out = collect(mapped);
    const snaps = collect(mapped.stateSnapshots());
    await ssc.start();
    await advanceBatches(ssc, clock, 2);
    expect(out.map(([, x]) => x)).toEqual([['1000:a=11'], ['2000:a=12']]);
    expect(snaps.map(([, x]) => x)).toEqual([[['a', 11]], [['a', 12]]]);
  });

  it('timeouts fire on checkpointed batches only: every 10 batches by default (Spark)', async () => {
    const input: [string, number][][] = [[['a', 1], ['b', 1]], [['a', 1]], [['a', 1]], [], [], [], [], [], [['c', 1]], [], []];
    const { ssc, clock, stream } = setup(input);
    const mapped = stream.mapWithState(counter().timeout(2000));
    const out = collect(mapped);
    const snaps = collect(mapped.stateSnapshots());
    await ssc.start();
    await advanceBatches(ssc, clock, 11);
    const byTime = new Map(out.map(([t, x]) => [t, sorted(x)]));
    expect(byTime.get(1000)).toEqual(['a=1', 'b=1']);
    expect([4000, 5000, 6000, 7000, 8000].map((t) => byTime.get(t))).toEqual([[], [], [], [], []]);
    expect(byTime.get(10_000)).toEqual(['timeout:a:3', 'timeout:b:1']);
    expect(sorted(new Map(snaps).get(9000)!)).toEqual([['a', 3], ['b', 1], ['c', 1]]);
    expect(new Map(snaps).get(10_000)).toEqual([['c', 1]]);
  });

  it('with checkpoint(2 s) on the mapped stream timeouts are detected every 2 batches', async () => {
    const input: [string, number][][] = [[['a', 1], ['b', 1]], [['a', 1]], [['a', 1]]];
    const { ssc, clock, stream } = setup(input);
    const spec = StateSpec.function<string, number, number, string>((k, v, s) => (s.isTimingOut() ? `timeout:${k}` : (s.update((s.getOption() ?? 0) + (v ?? 0)), `${k}=${s.get()}`))).timeout(2000);
    const out = collect(stream.mapWithState(spec).checkpoint(2000));
    await ssc.start();
    await advanceBatches(ssc, clock, 7);
    const byTime = new Map(out.map(([t, x]) => [t, x]));
    expect(byTime.get(4000)).toEqual(['timeout:b']); // b: updated at 1000 < 4000 - 2000
    expect(byTime.get(6000)).toEqual(['timeout:a']); // a: updated at 3000 < 6000 - 2000
    expect(byTime.get(5000)).toEqual([]);
  });
});

describe('State', () => {
  it("has Spark's error messages", () => {
    const s = new State<number>();
    s.wrap(false, undefined);
    expect(() => s.get()).toThrow('State is not set');
    expect(s.toString()).toBe('<state not set>');
    s.update(1);
    expect(s.get()).toBe(1);
    s.remove();
    expect(() => s.update(2)).toThrow('requirement failed: Cannot update the state after it has been removed');
    expect(() => s.remove()).toThrow('requirement failed: Cannot remove the state that has already been removed');
    s.wrapTimingOutState(5);
    expect(s.isTimingOut()).toBe(true);
    expect(() => s.update(2)).toThrow('requirement failed: Cannot update the state that is timing out');
    expect(() => s.remove()).toThrow('requirement failed: Cannot remove the state that is timing out');
    expect(() => new State<number>().get()).toThrow(expect.objectContaining({ name: 'NoSuchElementException' }));
  });
});
