/**
 * The SIGTERM shutdown hook (Spark's stopOnShutdown): a real child process receives SIGTERM while
 * an output operation runs; with spark.streaming.stopGracefullyOnShutdown=true every generated
 * batch completes before the context stops; the process then ends by SIGTERM as it would have.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleChildScript } from '../helpers/child-script.js';

const script = bundleChildScript(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sigterm-child.ts'));

async function runChild(graceful: boolean): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [script, String(graceful)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.includes('start ') && !child.killed) child.kill('SIGTERM');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
  return { lines: out.trim().split('\n'), signal };
}

describe('SIGTERM shutdown hook', () => {
  it('graceful: the running batch and every generated one complete, then the process ends by SIGTERM', async () => {
    const { lines, signal } = await runChild(true);
    expect(signal).toBe('SIGTERM');
    const started = lines.filter((l) => l.startsWith('start ')).map((l) => l.slice(6));
    const done = lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5));
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(done).toEqual(started);
    expect(lines).toContain('terminated STOPPED');
  });
  it('not graceful (Spark default): stops after the running output operation; queued batches are dropped', async () => {
    const { lines, signal } = await runChild(false);
    expect(signal).toBe('SIGTERM');
    expect(lines).toContain('terminated STOPPED');
    expect(lines.filter((l) => l.startsWith('done ')).length).toBeLessThanOrEqual(1);
  });
});
