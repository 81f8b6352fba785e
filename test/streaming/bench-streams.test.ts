/**
 * `bench:streams --short` as users (and CI) run it: the benchmark program (bundled) as a child process
 * with a broker of its own (the bundled kafka-server-start) and the bundled flight-job program for its
 * jobs; 20,000 flights per phase, one SIGKILL per approach. Checked: the last stdout line is the one
 * JSON object with the fixed fields for the four approaches, every approach processed every record
 * (with the exact totals at full speed), the Direct approaches lost and duplicated nothing under the
 * kill, receiver-wal lost nothing, and the chart is a well-formed SVG with the four series.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { serverStartScript } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { tempDir } from './helpers.js';
import { checkXml } from '../helpers/xml.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const APPROACHES = ['direct-transactional', 'direct-idempotent', 'receiver-wal', 'receiver-no-wal'];

describe('bench:streams --short', () => {
  it('measures the four approaches on 20,000 flights and ends with the JSON line; the chart is a well-formed SVG', async () => {
    const bench = bundleChildScript(path.join(HERE, '../../streaming-kafka/bench/bench-streams.ts'));
    const job = bundleChildScript(path.join(HERE, '../../streaming-kafka/jobs/flight-job.ts'));
    const work = tempDir('bench-streams-test-');
    const chart = path.join(work, 'chart.svg');
    const json = path.join(work, 'result.json');
    const child = spawn(process.execPath, [bench, '--short', '--chart', chart, '--json', json], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KAFKA_TS_SERVER_START: serverStartScript(), KAFKA_TS_FLIGHT_JOB: job },
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    onTestFinished(() => fs.rmSync(work, { recursive: true, force: true }));
    expect(code, err.slice(-3000)).toBe(0);

    const lines = out.trimEnd().split('\n');
    const result = JSON.parse(lines[lines.length - 1]!) as { runs: Record<string, unknown>[]; chart: string; json: string };
    expect(Object.keys(result).slice(0, 2)).toEqual(['runs', 'chart']);
    expect(result.chart).toBe(chart);
    expect(result.runs.map((r) => r.approach)).toEqual(APPROACHES);
    for (const r of result.runs) {
      expect(Object.keys(r).slice(0, 10)).toEqual(['approach', 'records', 'recordsPerSec', 'p50LatencyMs', 'p99LatencyMs', 'diskBytesPerInputByte', 'kills', 'lost', 'duplicated', 'recoverySeconds']);
      for (const k of ['recordsPerSec', 'p50LatencyMs', 'p99LatencyMs', 'diskBytesPerInputByte', 'recoverySeconds']) {
        expect(typeof r[k] === 'number' && Number.isFinite(r[k]) && (r[k] as number) > 0, `${String(r.approach)} ${k} = ${String(r[k])}`).toBe(true);
      }
      expect(r.p50LatencyMs as number).toBeLessThanOrEqual(r.p99LatencyMs as number);
      expect(r).toMatchObject({ records: 20_000, processed: 20_000, fullSpeedTotalsExact: true, kills: 1, killRecords: 20_000 });
      if (String(r.approach).startsWith('direct')) expect(r).toMatchObject({ lost: 0, duplicated: 0, killTotalsEqual: true });
      if (r.approach === 'receiver-wal') expect(r.lost).toBe(0);
    }
    // the WAL costs disk: the receiver-wal run wrote its blocks once more
    const disk = Object.fromEntries(result.runs.map((r) => [r.approach, r.diskBytesPerInputByte as number]));
    expect(disk['receiver-wal']!).toBeGreaterThan(disk['receiver-no-wal']! + 0.5);
    expect(JSON.parse(fs.readFileSync(json, 'utf8'))).toEqual(result);

    // the table, the command, the input and the machine before the JSON line
    const text = lines.slice(0, -1).join('\n');
    for (const a of APPROACHES) expect(text).toMatch(new RegExp(`^\\| ${a} +\\|`, 'm'));
    expect(text).toMatch(/^command: node .*--short/m);
    expect(text).toMatch(/^input: flights-3m\.parquet .* 20,000 records \([\d,]+ bytes/m);
    expect(text).toMatch(/^machine: \d+ cores .* GiB, Node v\d+/m);

    const svg = fs.readFileSync(chart, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(checkXml(svg)[0]).toBe('svg');
    for (const t of ['Processing time per batch', 'Scheduling delay per batch', 'Input rate per batch', 'Full speed: records processed', ...APPROACHES]) expect(svg).toContain(t);
    expect([...svg.matchAll(/<path d="M/g)].length).toBeGreaterThanOrEqual(4 * 4);
  }, 120_000);
});
