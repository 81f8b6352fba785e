/**
 * Exactly-once under crashes: the direct-kafka-word-count example as a child process over 210,000
 * records in 3 partitions on the real broker, killed with SIGKILL at random moments 10 times and
 * restarted each time with the same arguments, then run to the end and stopped with SIGTERM.
 * The batch files' offset ranges must tile every partition (no gap, no overlap) and their counts
 * must add up to the exact word counts of the input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { prng } from '../helpers/prng.js';
import { kafkajs } from '../client/consumer-helpers.js';
import { tempDir } from './helpers.js';
import { produceWordLines } from './word-input.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PARTITIONS = 3;
const PER_PARTITION = 70_000;
const VOCAB = Array.from({ length: 40 }, (_, i) => `w${i.toString(36)}`);

let broker: TestBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await startBroker();
  kafka = kafkajs(broker.bootstrap);
});
afterAll(async () => {
  await broker?.stop();
});

interface BatchFile {
  batchTime: number;
  offsetRanges: { topic: string; partition: number; fromOffset: number; untilOffset: number }[];
  counts: Record<string, number>;
}

function readFiles(dir: string): BatchFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^batch-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BatchFile);
}

describe('direct-kafka-word-count under kill -9', () => {
  it('10 SIGKILLs at random moments: every record counted exactly once', async () => {
    const topic = 'wc-crash';
    const rnd = prng(6);
    const expected = await produceWordLines(kafka, topic, { partitions: PARTITIONS, perPartition: PER_PARTITION, rnd, vocab: VOCAB });

    const script = bundleChildScript(path.join(HERE, '../../streaming-kafka/examples/direct-kafka-word-count.ts'));
    const work = tempDir('wc-crash-');
    const outputDir = path.join(work, 'out');
    const args = [script, '--bootstrap-server', broker.bootstrap, '--group', 'wc', '--topics', topic, '--batch-interval-ms', '100', '--checkpoint', path.join(work, 'cp'), '--output-dir', outputDir, '--max-rate-per-partition', '15000'];
    const startChild = (): ChildProcess => spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = (c: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => c.on('exit', (code, signal) => resolve({ code, signal })));

    let kills = 0;
    while (kills < 10) {
      const child = startChild();
      const done = exited(child);
      // kill while it works: after it wrote at least one more batch file, at a random moment
      const before = readFiles(outputDir).length;
      const t1 = Date.now();
      while (readFiles(outputDir).length <= before && Date.now() - t1 < 20_000) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 300)));
      child.kill('SIGKILL');
      const { signal } = await done;
      expect(signal).toBe('SIGKILL');
      kills++;
    }
    const progressBefore = readFiles(outputDir).length;
    // the last run: until every record is in some file, then SIGTERM (graceful stop)
    const child = startChild();
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const done = exited(child);
    const t0 = Date.now();
    const covered = (): number => readFiles(outputDir).reduce((n, f) => n + f.offsetRanges.reduce((m, r) => m + r.untilOffset - r.fromOffset, 0), 0);
    const ends = (): number[] => {
      const m = Array.from({ length: PARTITIONS }, () => 0);
      for (const f of readFiles(outputDir)) for (const r of f.offsetRanges) m[r.partition] = Math.max(m[r.partition]!, r.untilOffset);
      return m;
    };
    while (ends().some((e) => e < PER_PARTITION) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await done;
    expect(stderr).not.toMatch(/ERROR/);

    const files = readFiles(outputDir);
    expect(files.length).toBeGreaterThan(progressBefore);
    for (let p = 0; p < PARTITIONS; p++) {
      const ranges = files
        .flatMap((f) => f.offsetRanges)
        .filter((r) => r.partition === p && r.untilOffset > r.fromOffset)
        .sort((a, b) => a.fromOffset - b.fromOffset);
      let next = 0;
      for (const r of ranges) {
        expect(r.fromOffset).toBe(next); // no gap, no overlap
        next = r.untilOffset;
      }
      expect(next).toBe(PER_PARTITION);
    }
    expect(covered()).toBe(PARTITIONS * PER_PARTITION);
    const totals = new Map<string, number>();
    for (const f of files) for (const [w, n] of Object.entries(f.counts)) totals.set(w, (totals.get(w) ?? 0) + n);
    expect(new Map([...totals].sort())).toEqual(new Map([...expected].sort()));
  }, 180_000);
});
