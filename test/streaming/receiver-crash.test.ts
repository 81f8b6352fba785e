/**
 * At-least-once under kill -9 with the receiver write-ahead log: receiver-crash-child.ts (a reliable
 * receiver over the numbers 0..N−1 that commits its source offset only after storeBlock resolved)
 * is killed with SIGKILL at random moments, restarted each time through StreamingContext.getOrCreate,
 * then run to the end and stopped with SIGTERM (graceful). Every number must be in the output (no
 * loss); numbers output more than once (stored but not yet committed at a kill, or in a batch rerun
 * under a new batch time) are counted and reported, as are the numbers delivered to the output
 * function more than once (including batch reruns, whose idempotent files hold them once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleChildScript } from '../helpers/child-script.js';
import { prng } from '../helpers/prng.js';
import { tempDir } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOTAL = 12_000;
const KILLS = 5;

interface BatchFile {
  batchTime: number;
  numbers: number[];
  walBlocks: number;
}

function readOutput(dir: string): BatchFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^batch-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BatchFile);
}

function committed(work: string): number {
  try {
    return Number(fs.readFileSync(path.join(work, 'source-offset'), 'utf8'));
  } catch {
    return 0;
  }
}

describe('receiver with the write-ahead log under kill -9', () => {
  it(`${KILLS} SIGKILLs at random moments, restarts through getOrCreate: every number is output at least once`, async () => {
    const script = bundleChildScript(path.join(HERE, 'receiver-crash-child.ts'));
    const work = tempDir('receiver-crash-');
    const outDir = path.join(work, 'out');
    const rnd = prng(7);
    const startChild = (): ChildProcess => spawn(process.execPath, [script, work, String(TOTAL)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = (c: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => c.on('exit', (code, signal) => resolve({ code, signal })));
    const startedLine = (c: ChildProcess) =>
      new Promise<string>((resolve) => {
        let buf = '';
        c.stdout!.on('data', (b: Buffer) => {
          buf += b.toString();
          const m = /started (\w+)/.exec(buf);
          if (m) resolve(m[1]!);
        });
      });

    const modes: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const child = startChild();
      const done = exited(child);
      modes.push(await startedLine(child));
      // kill while it works: after the source moved on, at a random moment
      const before = committed(work);
      const t0 = Date.now();
      while (committed(work) <= before && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 300)));
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
    }
    expect(committed(work)).toBeLessThan(TOTAL); // the kills happened mid-stream

    // the last run: until every number is in some batch file, then SIGTERM (graceful stop)
    const child = startChild();
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const done = exited(child);
    modes.push(await startedLine(child));
    const seen = (): Set<number> => new Set(readOutput(outDir).flatMap((f) => f.numbers));
    const t0 = Date.now();
    while (seen().size < TOTAL && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const end = await done;
    expect(end.signal ?? end.code).toBeTruthy();
    expect(stderr).not.toMatch(/ERROR/);

    const files = readOutput(outDir);
    const all = files.flatMap((f) => f.numbers);
    const distinct = new Set(all);
    const missing = [];
    for (let n = 0; n < TOTAL; n++) if (!distinct.has(n)) missing.push(n);
    expect(missing).toEqual([]); // no loss
    expect(all.every((n) => Number.isInteger(n) && n >= 0 && n < TOTAL)).toBe(true);
    const duplicates = all.length - distinct.size;
    const walBlocks = files.reduce((n, f) => n + f.walBlocks, 0);
    // deliveries to the output function, reruns included (a torn last line of a killed run is skipped)
    const delivered = fs
      .readFileSync(path.join(work, 'deliveries.jsonl'), 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          return JSON.parse(l) as number[];
        } catch {
          return [];
        }
      });
    const redelivered = delivered.length - new Set(delivered).size;
    console.log(
      `receiver crash test: ${KILLS} kills (starts: ${modes.join(', ')}), ${files.length} batch files, ${all.length} numbers output for ${TOTAL}: ${duplicates} duplicates in the output; ` +
        `${delivered.length} numbers delivered to the output function: ${redelivered} more than once (incl. batch reruns); ${walBlocks} blocks read back from the WAL`,
    );
    expect(walBlocks).toBeGreaterThan(0); // recovered batches were read from the receiver WAL
    expect(committed(work)).toBe(TOTAL);
    // receiver WAL files were cleaned as batches completed (rolling every second)
    expect(fs.readdirSync(path.join(work, 'cp', 'receivedData', '0')).length).toBeLessThan(10);
  }, 90_000);
});
