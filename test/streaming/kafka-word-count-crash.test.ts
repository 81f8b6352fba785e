/**
 * At-least-once under crashes, the Receiver way: the kafka-word-count example (Receiver stream,
 * ZooKeeper-style consumer group on the embedded coordination store) as a child process over
 * 210,000 records in 3 partitions on the real broker.
 * - With `--wal`: killed with SIGKILL at random moments 10 times and restarted each time with the
 *   same arguments, then run until every offset is covered and stopped with SIGTERM. The blocks'
 *   offset ranges in the batch files must cover every offset of every partition (no loss) and the
 *   word counts must be at least the input's; the records counted twice are reported.
 * - Without `--wal` (offsets auto-committed every 200 ms, blocks in memory only): killed 3 times;
 *   the records lost and counted twice are measured and reported, not asserted.
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
  blocks: { id: string; topic: string; partition: number; fromOffset: number; untilOffset: number }[];
  counts: Record<string, number>;
}

function readFiles(dir: string): BatchFile[] {
  if (!fs.existsSync(dir)) return [];
  const out: BatchFile[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!/^batch-\d+\.json$/.test(f)) continue;
    out.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BatchFile);
  }
  return out;
}

/** Per partition, how many times each offset is covered by the files' blocks. */
function coverage(files: BatchFile[]): Uint16Array[] {
  const cov = Array.from({ length: PARTITIONS }, () => new Uint16Array(PER_PARTITION));
  for (const f of files) for (const b of f.blocks) for (let o = b.fromOffset; o < b.untilOffset; o++) cov[b.partition]![o]!++;
  return cov;
}

function produceInput(topic: string, seed: number): Promise<Map<string, number>> {
  return produceWordLines(kafka, topic, { partitions: PARTITIONS, perPartition: PER_PARTITION, rnd: prng(seed), vocab: VOCAB });
}

const exited = (c: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => c.on('exit', (code, signal) => resolve({ code, signal })));

/** Run the example, kill it `kills` times at random moments while it writes batches, then run it until `until()` and SIGTERM it. */
async function crashRuns(args: string[], outputDir: string, kills: number, seed: number, until: () => boolean): Promise<{ stderr: string }> {
  const script = bundleChildScript(path.join(HERE, '../../streaming-kafka/examples/kafka-word-count.ts'));
  const rnd = prng(seed);
  const startChild = (): ChildProcess => spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (let k = 0; k < kills; k++) {
    const child = startChild();
    const done = exited(child);
    const withData = (): number => readFiles(outputDir).filter((f) => f.blocks.length > 0).length;
    const before = withData();
    const t1 = Date.now();
    while (withData() <= before && Date.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, Math.floor(rnd() * 400)));
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
  }
  const child = startChild();
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = exited(child);
  const t0 = Date.now();
  while (!until() && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  await done;
  return { stderr };
}

describe('kafka-word-count (Receiver stream) under kill -9', () => {
  it('with --wal, 10 SIGKILLs at random moments: every record counted at least once (duplicates reported)', async () => {
    const topic = 'rwc-wal';
    const expected = await produceInput(topic, 7);
    const work = tempDir('rwc-wal-');
    const outputDir = path.join(work, 'out');
    const args = ['--bootstrap-server', broker.bootstrap, '--zookeeper', path.join(work, 'zk'), '--group', 'rwc', '--topics', topic, '--num-threads', '2',
      '--batch-interval-ms', '200', '--checkpoint', path.join(work, 'cp'), '--output-dir', outputDir, '--wal', '--max-rate', '40000', '--session-timeout-ms', '2000'];
    const allCovered = (): boolean => coverage(readFiles(outputDir)).every((c) => c.every((n) => n > 0));
    const { stderr } = await crashRuns(args, outputDir, 10, 11, allCovered);
    expect(stderr).not.toMatch(/ERROR/);

    const files = readFiles(outputDir);
    const cov = coverage(files);
    let lost = 0;
    let twice = 0;
    for (const c of cov) for (const n of c) {
      if (n === 0) lost++;
      else twice += n - 1;
    }
    console.log(`receiver with WAL, 10 kills: ${PARTITIONS * PER_PARTITION} records, lost ${lost}, counted more than once ${twice} (${((100 * twice) / (PARTITIONS * PER_PARTITION)).toFixed(2)}%), ${files.length} batch files`);
    expect(lost).toBe(0);
    const totals = new Map<string, number>();
    for (const f of files) for (const [w, n] of Object.entries(f.counts)) totals.set(w, (totals.get(w) ?? 0) + n);
    for (const [w, n] of expected) expect(totals.get(w) ?? 0).toBeGreaterThanOrEqual(n);
    const countedWords = [...totals.values()].reduce((a, b) => a + b, 0);
    const inputWords = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(countedWords).toBeGreaterThanOrEqual(inputWords);
  }, 240_000);

  it('without --wal, 3 SIGKILLs: the loss is measured and reported (Spark: no guarantee without the write-ahead log)', async () => {
    const topic = 'rwc-nowal';
    await produceInput(topic, 8);
    const work = tempDir('rwc-nowal-');
    const outputDir = path.join(work, 'out');
    const args = ['--bootstrap-server', broker.bootstrap, '--zookeeper', path.join(work, 'zk'), '--group', 'rwc', '--topics', topic, '--num-threads', '2',
      '--batch-interval-ms', '200', '--checkpoint', path.join(work, 'cp'), '--output-dir', outputDir, '--max-rate', '40000', '--session-timeout-ms', '2000',
      '--consumer-property', 'auto.commit.interval.ms=200'];
    // the last run ends when the group's committed offsets reach the end (what was lost is never read again)
    const ends = (): number[] => {
      const m = Array.from({ length: PARTITIONS }, () => 0);
      for (const f of readFiles(outputDir)) for (const b of f.blocks) m[b.partition] = Math.max(m[b.partition]!, b.untilOffset);
      return m;
    };
    await crashRuns(args, outputDir, 3, 12, () => ends().every((e) => e >= PER_PARTITION));
    const cov = coverage(readFiles(outputDir));
    let lost = 0;
    let twice = 0;
    for (const c of cov) for (const n of c) {
      if (n === 0) lost++;
      else twice += n - 1;
    }
    console.log(`receiver without WAL, 3 kills: ${PARTITIONS * PER_PARTITION} records, lost ${lost} (${((100 * lost) / (PARTITIONS * PER_PARTITION)).toFixed(2)}%), counted more than once ${twice}`);
    expect(ends().every((e) => e === PER_PARTITION)).toBe(true);
  }, 180_000);
});
