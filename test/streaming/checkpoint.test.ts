/**
 * Checkpoints (lmdb) and StreamingContext.getOrCreate recovery: input metadata (per-batch offset
 * ranges) and updateStateByKey state come from the checkpoint, the graph from `create`, and the
 * batches pending or missed during the downtime are rescheduled by Spark's rule:
 * (pending ∪ checkpointTime.until(restartTime, batch)).filter(< restartTime).distinct.sorted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointWriter, ManualClock, StreamingContext, readCheckpoint } from '../../streaming-kafka/index.js';
import { ArrayLogInputDStream, memoryLogger, tempDir, type Ranges } from './helpers.js';

const contexts: StreamingContext[] = [];
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
});

const logs = (): string[][] => [Array.from({ length: 60 }, (_, i) => `w${i % 3}`), Array.from({ length: 60 }, (_, i) => `w${i % 5}`)];

interface Run {
  ssc: StreamingContext;
  clock: ManualClock;
  logger: ReturnType<typeof memoryLogger>;
  /** batch time → [ranges of that batch, state after it] */
  outputs: Map<number, { ranges: Ranges; state: [string, number][] }>;
  gate?: { time: number; wait: Promise<void> };
}

/** The application: word counts with updateStateByKey over an ArrayLogInputDStream (2 per partition per batch). */
function create(dir: string, clock: ManualClock, run: Partial<Run>): StreamingContext {
  const logger = memoryLogger();
  const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger, stopOnShutdown: false });
  ssc.checkpoint(dir);
  const input = new ArrayLogInputDStream(ssc, logs(), 2);
  const state = input
    .map((w) => [w, 1] as [string, number])
    .updateStateByKey<string, number, number>((vs, s) => (s ?? 0) + vs.reduce((a, b) => a + b, 0))
    .checkpoint(2000);
  run.outputs = new Map();
  state.foreachRDD(async (d, t) => {
    if (run.gate?.time === t) await run.gate.wait;
    run.outputs!.set(t, { ranges: input.metadataFor(t)!, state: d.collect().sort() });
  });
  run.ssc = ssc;
  run.logger = logger;
  contexts.push(ssc);
  return ssc;
}

async function step(r: Run, toMs: number): Promise<void> {
  while (r.clock.getTimeMillis() < toMs) {
    r.clock.setTime((Math.floor(r.clock.getTimeMillis() / 1000) + 1) * 1000);
    await r.ssc.scheduler.jobGenerator.waitForProcessed(r.clock.getTimeMillis());
  }
}

/** Word counts of the first `perPartition` records of each partition. */
function expectedCounts(perPartition: number): [string, number][] {
  const m = new Map<string, number>();
  for (const log of logs()) for (const w of log.slice(0, perPartition)) m.set(w, (m.get(w) ?? 0) + 1);
  return [...m].sort();
}

describe('checkpoints', () => {
  it('writes pending times, input metadata and state to lmdb; keeps the newest 10', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const r = { clock } as Run;
    create(dir, clock, r);
    await r.ssc.start();
    await step(r, 13_000);
    await r.ssc.stop();
    const cp = (await readCheckpoint(dir))!;
    expect(cp.checkpointTime).toBe(13_000);
    expect(cp.pendingTimes).toEqual([]);
    expect(cp.zeroTime).toBe(0);
    expect(cp.graphSignature).toEqual(['ArrayLogInputDStream', 'MappedDStream', 'StateDStream', 'ForEachDStream']);
    const input = cp.streams.find((s) => s.className === 'ArrayLogInputDStream')!.data as { batches: [number, Ranges][] };
    expect(input.batches.at(-1)).toEqual([13_000, [{ partition: 0, fromOffset: 24, untilOffset: 26 }, { partition: 1, fromOffset: 24, untilOffset: 26 }]]);
    const state = cp.streams.find((s) => s.className === 'StateDStream')!.data as { time: number; partitions: [string, number][][] };
    expect(state.time).toBe(12_000);
    expect(state.partitions.flat().sort()).toEqual(expectedCounts(24));
    const { open } = await import('lmdb');
    const db = open<string, number>({ path: path.join(dir, 'checkpoint.lmdb'), encoding: 'string', readOnly: true });
    expect([...db.getKeys()].length).toBe(10);
    await db.close();
  });

  it('getOrCreate without a checkpoint calls create; with an unreadable one fails with Spark\'s message', async () => {
    const dir = tempDir();
    const clock = new ManualClock();
    const r = {} as Run;
    const ssc = await StreamingContext.getOrCreate(dir, () => create(dir, clock, r));
    expect(ssc.recoveredCheckpoint).toBeUndefined();
    const bad = tempDir();
    const w = new CheckpointWriter(bad);
    await w.write({ version: 2 } as never);
    await w.close();
    await expect(StreamingContext.getOrCreate(bad, () => create(bad, clock, {}))).rejects.toThrow(`Failed to read checkpoint from directory ${bad}`);
    expect((await StreamingContext.getOrCreate(bad, () => create(bad, clock, {}), { createOnError: true })).recoveredCheckpoint).toBeUndefined();
  });

  it('recovers after a crash: pending and down-time batches rescheduled, state and offsets from the checkpoint', async () => {
    // reference: an uninterrupted run to 12 s
    const refDir = tempDir();
    const ref = { clock: new ManualClock() } as Run;
    create(refDir, ref.clock, ref);
    await ref.ssc.start();
    await step(ref, 12_000);
    await ref.ssc.stop();

    // run 1: batch 6000 hangs in its output; the process "dies" with the checkpoint as it is then
    const dir = tempDir();
    let release!: () => void;
    const r1 = { clock: new ManualClock(), gate: { time: 6000, wait: new Promise<void>((res) => (release = res)) } } as Run;
    create(dir, r1.clock, r1);
    await r1.ssc.start();
    await step(r1, 5000);
    r1.clock.advance(1000);
    while (!r1.logger.lines.includes('INFO Added jobs for time 6000 ms')) await new Promise((res) => setTimeout(res, 2));
    const atCrash = (await readCheckpoint(dir))!;
    const crashDir = tempDir();
    const w = new CheckpointWriter(crashDir);
    await w.write(atCrash);
    await w.close();
    release();
    await r1.ssc.stop();
    expect(atCrash.checkpointTime).toBe(6000);
    expect(atCrash.pendingTimes).toEqual([6000]);

    // run 2: restarted at 9.5 s on the crash-time checkpoint
    const r2 = { clock: new ManualClock(9500) } as Run;
    const ssc2 = await StreamingContext.getOrCreate(crashDir, () => create(crashDir, r2.clock, r2));
    expect(ssc2.recoveredCheckpoint?.checkpointTime).toBe(6000);
    await ssc2.start();
    await ssc2.scheduler.jobGenerator.waitForProcessed(9000);
    expect(r2.logger.lines).toContain('INFO Batches during down time (4 batches): 6000 ms, 7000 ms, 8000 ms, 9000 ms');
    expect(r2.logger.lines).toContain('INFO Batches pending processing (1 batches): 6000 ms');
    expect(r2.logger.lines).toContain('INFO Batches to reschedule (4 batches): 6000 ms, 7000 ms, 8000 ms, 9000 ms');
    expect(r2.logger.lines).toContain('INFO Restarted JobGenerator at 10000 ms');
    await step(r2, 12_000);
    // every batch from 6000 on: same offset ranges and same state as the uninterrupted run
    expect([...r2.outputs.keys()]).toEqual([6000, 7000, 8000, 9000, 10_000, 11_000, 12_000]);
    for (const t of r2.outputs.keys()) expect(r2.outputs.get(t)).toEqual(ref.outputs.get(t));
    expect(r2.outputs.get(6000)!.ranges).toEqual(r1.outputs.get(6000)!.ranges); // batch 6000 re-read its checkpointed ranges
    expect(r2.outputs.get(12_000)!.state).toEqual(expectedCounts(24));
  });

  it('after a clean stop the checkpoint time itself is rerun (Spark: down times start at the checkpoint time)', async () => {
    const dir = tempDir();
    const r1 = { clock: new ManualClock() } as Run;
    create(dir, r1.clock, r1);
    await r1.ssc.start();
    await step(r1, 5000);
    await r1.ssc.stop();
    const r2 = { clock: new ManualClock(7200) } as Run;
    const ssc2 = await StreamingContext.getOrCreate(dir, () => create(dir, r2.clock, r2));
    await ssc2.start();
    await ssc2.scheduler.jobGenerator.waitForProcessed(7000);
    expect(r2.logger.lines).toContain('INFO Batches to reschedule (3 batches): 5000 ms, 6000 ms, 7000 ms');
    expect(r2.outputs.get(5000)).toEqual(r1.outputs.get(5000));
    expect(r2.outputs.get(7000)!.state).toEqual(expectedCounts(14));
  });

  it('refuses a checkpoint written by a different graph', async () => {
    const dir = tempDir();
    const r1 = { clock: new ManualClock() } as Run;
    create(dir, r1.clock, r1);
    await r1.ssc.start();
    await step(r1, 1000);
    await r1.ssc.stop();
    await expect(
      StreamingContext.getOrCreate(dir, () => {
        const ssc = new StreamingContext({ batchDurationMs: 1000, clock: new ManualClock(), stopOnShutdown: false });
        new ArrayLogInputDStream(ssc, logs()).foreachRDD(() => {});
        return ssc;
      }),
    ).rejects.toThrow(/does not match the checkpoint/);
    expect(fs.existsSync(path.join(dir, 'checkpoint.lmdb'))).toBe(true);
  });

  it('default state checkpoint interval: smallest multiple of the slide >= 10 s; mapWithState 10 x slide', async () => {
    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchDurationMs: 3000, clock, stopOnShutdown: false });
    contexts.push(ssc);
    ssc.checkpoint(tempDir());
    const input = new ArrayLogInputDStream(ssc, logs());
    const pairs = input.map((w) => [w, 1] as [string, number]);
    const st = pairs.updateStateByKey<string, number, number>((v, s) => s);
    const win = pairs.reduceByKeyAndWindow((a, b) => a + b, (a, b) => a - b, 6000);
    const { StateSpec } = await import('../../streaming-kafka/index.js');
    const mws = pairs.mapWithState(StateSpec.function<string, number, number, number>(() => 0));
    for (const s of [st, win, mws]) s.foreachRDD(() => {});
    await ssc.start();
    expect(st.checkpointDuration).toBe(12_000);
    expect(win.checkpointDuration).toBe(12_000);
    expect(mws.internal.checkpointDuration).toBe(30_000);
    expect(input.rememberDuration).toBeGreaterThanOrEqual(60_000);
  });
});
