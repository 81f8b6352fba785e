/**
 * Exactly-once under crashes with the transactional lmdb sink: the transactional-word-count example
 * (Direct stream word count; results, per-batch offset ranges and stored ends in one lmdb
 * transaction; restart from the sink's stored offsets, no checkpoint) as a child process over
 * 210,000 records in 3 partitions on the real broker, killed with SIGKILL at random moments 10 times
 * and restarted each time with the same arguments, then run to the end and stopped with SIGTERM.
 * The ranges stored by the batches must tile every partition (no gap, no overlap) and end at the
 * stored ends, and the stored totals must equal the exact word counts of the input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { TransactionalLmdbSink } from '../../streaming-kafka/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { prng } from '../helpers/prng.js';
import { kafkajs } from '../client/consumer-helpers.js';
import { tempDir } from './helpers.js';
import { produceWordLines } from './word-input.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PARTITIONS = 3;
const PER_PARTITION = 70_000;
const KILLS = 10;
const VOCAB = Array.from({ length: 40 }, (_, i) => `v${i.toString(36)}`);

let broker: TestBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await startBroker();
  kafka = kafkajs(broker.bootstrap);
});
afterAll(async () => {
  await broker?.stop();
});

type StoredRange = { topic: string; partition: number; fromOffset: number; untilOffset: number };

/** A running child: its stdout "committed <t> <topic>-<p>=<end>..." lines and its exit. */
function run(args: string[]): { child: ChildProcess; commits: () => number; ends: () => Map<string, number>; stderr: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let commits = 0;
  let ends = new Map<string, number>();
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const m = /^committed \d+((?: \S+=\d+)*)$/.exec(line);
      if (!m) continue;
      commits++;
      ends = new Map(m[1]!.trim().split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.lastIndexOf('=')), Number(kv.slice(kv.lastIndexOf('=') + 1))]));
    }
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, commits: () => commits, ends: () => ends, stderr: () => err, exit };
}

describe('transactional-word-count (TransactionalLmdbSink) under kill -9', () => {
  it('10 SIGKILLs at random moments, restarts from the stored offsets: every record counted exactly once', async () => {
    const topic = 'txn-crash';
    const rnd = prng(66);
    const expected = await produceWordLines(kafka, topic, { partitions: PARTITIONS, perPartition: PER_PARTITION, rnd, vocab: VOCAB });

    const script = bundleChildScript(path.join(HERE, '../../streaming-kafka/examples/transactional-word-count.ts'));
    const sinkPath = path.join(tempDir('txn-crash-'), 'results.lmdb');
    const args = [script, '--bootstrap-server', broker.bootstrap, '--group', 'txn-wc', '--topics', topic, '--batch-interval-ms', '100', '--sink', sinkPath, '--max-rate-per-partition', '15000'];

    const stderrs: string[] = [];
    let committedBeforeLastRun = 0;
    const total = (ends: Map<string, number>) => [...ends.values()].reduce((a, b) => a + b, 0);
    /** Records stored (per the child's last line) when each SIGKILL was sent. */
    const storedAtKill: number[] = [];
    for (let kills = 0; kills < KILLS; kills++) {
      const r = run(args);
      // kill while it works: after it committed at least one batch, at a random moment
      const t1 = Date.now();
      while (r.commits() === 0 && Date.now() - t1 < 20_000) await new Promise((res) => setTimeout(res, 5));
      expect(r.commits()).toBeGreaterThan(0);
      await new Promise((res) => setTimeout(res, Math.floor(rnd() * 300)));
      r.child.kill('SIGKILL');
      storedAtKill.push(total(r.ends()));
      const { signal } = await r.exit;
      expect(signal).toBe('SIGKILL');
      committedBeforeLastRun += r.commits();
      stderrs.push(r.stderr());
    }

    // Every kill came while records were still to be read, each after more progress than the one before.
    expect(storedAtKill[KILLS - 1]).toBeLessThan(PARTITIONS * PER_PARTITION);
    for (let i = 1; i < KILLS; i++) expect(storedAtKill[i]).toBeGreaterThan(storedAtKill[i - 1]!);
    // The last run: until every partition's stored end is at the end of the input, then SIGTERM (graceful stop).
    const last = run(args);
    const t0 = Date.now();
    const done = () => [...Array(PARTITIONS).keys()].every((p) => (last.ends().get(`${topic}-${p}`) ?? 0) >= PER_PARTITION);
    while (!done() && Date.now() - t0 < 60_000) await new Promise((res) => setTimeout(res, 20));
    last.child.kill('SIGTERM');
    const { signal } = await last.exit;
    stderrs.push(last.stderr());
    expect(signal).toBe('SIGTERM'); // the shutdown hook stops the context, then re-raises SIGTERM
    expect(last.commits()).toBeGreaterThan(0);
    // No batch was refused by the sink's check (stored end == next start) and none failed.
    for (const e of stderrs) expect(e).not.toMatch(/ERROR|Offset mismatch/);

    const sink = new TransactionalLmdbSink(sinkPath);
    try {
      expect(sink.storedOffsets()).toEqual(new Map([...Array(PARTITIONS).keys()].map((p) => [`${topic}-${p}`, PER_PARTITION])));
      const results = sink.results();
      const batches = [...results].filter(([k]) => k.startsWith('batch/'));
      // More batches were committed than the last run alone wrote: the killed runs' commits survived.
      expect(batches.length).toBeGreaterThan(last.commits());
      expect(committedBeforeLastRun).toBeGreaterThan(0);
      const ranges = batches.flatMap(([, v]) => v as StoredRange[]);
      for (let p = 0; p < PARTITIONS; p++) {
        const mine = ranges.filter((r) => r.topic === topic && r.partition === p).sort((a, b) => a.fromOffset - b.fromOffset);
        let next = 0;
        for (const r of mine) {
          expect(r.fromOffset).toBe(next); // no gap, no overlap
          expect(r.untilOffset).toBeGreaterThan(r.fromOffset);
          next = r.untilOffset;
        }
        expect(next).toBe(PER_PARTITION);
      }
      const totals = new Map([...results].filter(([k]) => k.startsWith('count/')).map(([k, v]) => [k.slice('count/'.length), v as number]));
      expect(new Map([...totals].sort())).toEqual(new Map([...expected].sort()));
    } finally {
      await sink.close();
    }
  }, 180_000);
});
