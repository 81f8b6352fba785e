#!/usr/bin/env node
/**
 * bench:client — our producer and consumer against the other clients, on our broker, in one run:
 * `kafka-producer-perf-test` / `kafka-consumer-perf-test` (ours, the console tools as users run them),
 * kafkajs 2.2.4 and confluent-kafka-python (librdkafka 2.0.2), each in its own process so that its CPU
 * is measured alone (getrusage of the child, via scripts/bench-client/rusage.py). Each client produces
 * N records of 100 bytes to its own 1-partition topic; each then reads back the same topic (the one
 * our producer wrote) from the beginning.
 *
 *   npm run build && npm run bench:client [-- --records N] [--quick]
 *
 * Prints one JSON line per client and direction, last:
 * `{"client": "ours"|"kafkajs"|"librdkafka", "direction": "produce"|"consume", "recordsPerSec", "MBps", "clientCpuSeconds"}`.
 * Targets (issue 5): our producer ≥ 5x kafkajs and ≥ librdkafka; our consumer ≥ 2x kafkajs and
 * ≥ 0.8x librdkafka. MB = 10^6 bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { killAll, runOk, startBroker, type BrokerProcess } from './bench-broker/proc.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const PY = '/usr/bin/python3';
const PY_DIR = path.join(ROOT, 'scripts', 'bench-client');
const RUSAGE = path.join(PY_DIR, 'rusage.py');
const VALUE_BYTES = 100;

const program = new Command()
  .name('bench-client')
  .description('Throughput and CPU of our producer and consumer next to kafkajs and librdkafka, on our broker.')
  .option('--records <n>', 'records per run', (v) => Number(v))
  .option('--quick', '100,000 records')
  .parse();
const opts = program.opts<{ records?: number; quick?: boolean }>();
const N = opts.records ?? (opts.quick ? 100_000 : 1_000_000);

interface Row {
  client: 'ours' | 'kafkajs' | 'librdkafka';
  direction: 'produce' | 'consume';
  recordsPerSec: number;
  MBps: number;
  clientCpuSeconds: number;
}

/** Run `cmd args` under rusage.py; returns stdout, stderr and the child's CPU seconds. */
async function measured(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; cpuSeconds: number }> {
  const r = await runOk(PY, [RUSAGE, cmd, ...args], { timeoutMs });
  const m = /RUSAGE (\{.*\})/.exec(r.stderr);
  if (!m) throw new Error(`no RUSAGE line from ${cmd}: ${r.stderr.slice(-500)}`);
  return { stdout: r.stdout, stderr: r.stderr, cpuSeconds: JSON.parse(m[1]!).cpuSeconds };
}

function row(client: Row['client'], direction: Row['direction'], records: number, seconds: number, cpu: number): Row {
  const recordsPerSec = Math.round(records / seconds);
  return { client, direction, recordsPerSec, MBps: +((recordsPerSec * VALUE_BYTES) / 1e6).toFixed(1), clientCpuSeconds: cpu };
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-bench-client-'));
  let broker: BrokerProcess | undefined;
  const rows: Row[] = [];
  try {
    const props = path.join(base, 'server.properties');
    fs.writeFileSync(props, ['listeners=PLAINTEXT://127.0.0.1:0', 'http.enabled=false', `log.dirs=${path.join(base, 'data')}`, 'group.initial.rebalance.delay.ms=0', ''].join('\n'));
    broker = await startBroker(path.join(HERE, 'kafka-server-start.js'), props, [], 30_000);
    const b = broker.bootstrap;
    const topics = { ours: 'bc-ours', kafkajs: 'bc-kafkajs', librdkafka: 'bc-librdkafka', warm: 'bc-warmup' };
    await runOk(PY, [path.join(ROOT, 'scripts', 'bench-broker', 'admin.py'), 'create', b, ...Object.values(topics).map((t) => `${t}:1`)], { timeoutMs: 60_000 });
    console.log(`client benchmark: ${N.toLocaleString('en')} records of ${VALUE_BYTES} bytes per run, 1 partition, broker ${b}; node ${process.version}, ${os.availableParallelism()} CPUs`);
    const tools = path.join(HERE);
    // Warm the broker (page cache, JIT) with our producer.
    await measured(process.execPath, [path.join(tools, 'kafka-producer-perf-test.js'), '--topic', topics.warm, '--num-records', String(Math.min(N, 200_000)), '--record-size', String(VALUE_BYTES), '--throughput', '-1', '--producer-props', `bootstrap.servers=${b}`], 300_000);

    // ---- produce
    {
      const r = await measured(process.execPath, [path.join(tools, 'kafka-producer-perf-test.js'), '--topic', topics.ours, '--num-records', String(N), '--record-size', String(VALUE_BYTES), '--throughput', '-1', '--producer-props', `bootstrap.servers=${b}`], 300_000);
      const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(r.stdout.trim().split('\n').pop() ?? '');
      if (!m) throw new Error(`kafka-producer-perf-test printed no summary: ${r.stdout.slice(-500)}`);
      rows.push(row('ours', 'produce', Number(m[1]), Number(m[1]) / Number(m[2]), r.cpuSeconds));
    }
    {
      const r = await measured(process.execPath, [path.join(tools, 'bench-client', 'kafkajs-perf.js'), 'produce', b, topics.kafkajs, String(N), String(VALUE_BYTES)], 600_000);
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
      rows.push(row('kafkajs', 'produce', j.records, j.seconds, r.cpuSeconds));
    }
    {
      const r = await measured(PY, [path.join(PY_DIR, 'librdkafka_perf.py'), 'produce', b, topics.librdkafka, String(N), String(VALUE_BYTES)], 300_000);
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
      rows.push(row('librdkafka', 'produce', j.records, j.seconds, r.cpuSeconds));
    }
    // ---- consume (all read the topic our producer wrote)
    {
      const r = await measured(process.execPath, [path.join(tools, 'kafka-consumer-perf-test.js'), '--bootstrap-server', b, '--topic', topics.ours, '--messages', String(N)], 300_000);
      const lines = r.stdout.trim().split('\n');
      const header = lines.findIndex((l) => l.startsWith('start.time'));
      if (header < 0) throw new Error(`kafka-consumer-perf-test printed no result: ${r.stdout.slice(-500)}`);
      const names = lines[header]!.split(',').map((s) => s.trim());
      const values = lines[header + 1]!.split(',').map((s) => s.trim());
      const get = (k: string) => Number(values[names.indexOf(k)]);
      const records = get('data.consumed.in.nMsg');
      // fetch.nMsg.sec excludes the group join (as the other clients' timing starts at the first batch).
      const rate = names.includes('fetch.nMsg.sec') && get('fetch.nMsg.sec') > 0 ? get('fetch.nMsg.sec') : get('nMsg.sec');
      rows.push(row('ours', 'consume', records, records / rate, r.cpuSeconds));
    }
    {
      const r = await measured(process.execPath, [path.join(tools, 'bench-client', 'kafkajs-perf.js'), 'consume', b, topics.ours, String(N)], 600_000);
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
      rows.push(row('kafkajs', 'consume', j.records, j.seconds, r.cpuSeconds));
    }
    {
      const r = await measured(PY, [path.join(PY_DIR, 'librdkafka_perf.py'), 'consume', b, topics.ours, String(N)], 300_000);
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
      rows.push(row('librdkafka', 'consume', j.records, j.seconds, r.cpuSeconds));
    }
  } finally {
    if (broker) await broker.stop(20_000).catch(() => undefined);
    killAll();
    fs.rmSync(base, { recursive: true, force: true });
  }
  const get = (c: Row['client'], d: Row['direction']) => rows.find((r) => r.client === c && r.direction === d)!;
  for (const r of rows) console.log(`  ${r.client.padEnd(10)} ${r.direction.padEnd(7)} ${r.recordsPerSec.toLocaleString('en').padStart(10)} records/s ${String(r.MBps).padStart(6)} MB/s, client CPU ${r.clientCpuSeconds.toFixed(2)} s`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const op = get('ours', 'produce').recordsPerSec;
  const oc = get('ours', 'consume').recordsPerSec;
  console.log('targets:');
  console.log(`  our producer vs kafkajs: ${(op / get('kafkajs', 'produce').recordsPerSec).toFixed(1)}x (>= 5x: ${verdict(op >= 5 * get('kafkajs', 'produce').recordsPerSec)})`);
  console.log(`  our producer vs librdkafka: ${(op / get('librdkafka', 'produce').recordsPerSec).toFixed(2)}x (>= 1x: ${verdict(op >= get('librdkafka', 'produce').recordsPerSec)})`);
  console.log(`  our consumer vs kafkajs: ${(oc / get('kafkajs', 'consume').recordsPerSec).toFixed(1)}x (>= 2x: ${verdict(oc >= 2 * get('kafkajs', 'consume').recordsPerSec)})`);
  console.log(`  our consumer vs librdkafka: ${(oc / get('librdkafka', 'consume').recordsPerSec).toFixed(2)}x (>= 0.8x: ${verdict(oc >= 0.8 * get('librdkafka', 'consume').recordsPerSec)})`);
  for (const r of rows) console.log(JSON.stringify(r));
}

process.once('SIGINT', () => {
  killAll();
  process.exit(130);
});
main().catch((e) => {
  killAll();
  console.error(`bench-client: ${(e as Error).stack ?? e}`);
  process.exit(1);
});

