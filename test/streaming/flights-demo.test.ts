/**
 * `npm run demo` in its short mode (CI), as users run it, with a broker of its own: the flights
 * replayed through the Direct stream (transactional sink) and the Receiver stream (write-ahead log),
 * each run's output checked by the demo itself against the exact answer, then the comparison table.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serverStartScript } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { tempDir } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('npm run demo -- --short', () => {
  it('replays 20,000 flights through a Direct and a Receiver stream, checks both outputs and prints the comparison table', async () => {
    const script = bundleChildScript(path.join(HERE, '../../streaming-kafka/examples/flights-demo.ts'));
    const work = tempDir('flights-demo-');
    const child = spawn(process.execPath, [script, '--short', '--start-broker', '--work-dir', work], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KAFKA_TS_SERVER_START: serverStartScript() },
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(err).not.toMatch(/ERROR|flights-demo:/);
    expect(code).toBe(0);
    expect(out).toMatch(/Started a broker of its own at 127\.0\.0\.1:\d+/);
    expect(out).toMatch(/\[direct-transactional\] Top airports \(window 4 s\)/);
    expect(out).toMatch(/\[receiver-wal\] Top airports \(window 4 s\)/);
    const table = out.slice(out.indexOf('Direct vs Receiver on this machine'));
    expect(table).toMatch(/\| direct-transactional \| 20,000 +\|.*\| exact +\|/);
    expect(table).toMatch(/\| receiver-wal +\| 20,000 +\|.*\| no loss/);
  }, 120_000);
});
