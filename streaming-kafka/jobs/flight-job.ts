#!/usr/bin/env node
/**
 * flight-job — the flights application ({@link createFlightApp}) as a program, for kill tests and
 * the stream benchmark (bench-streams runs it as a child process and kills it with SIGKILL):
 *
 *   flight-job --approach <direct-transactional|direct-idempotent|receiver-wal|receiver-no-wal>
 *       --bootstrap-server <b> --topic <t> --group <g> --checkpoint <dir> --output-dir <dir>
 *       [--zookeeper <connect string | dir>] [--partitions <n>] [--threads <n>]
 *       [--batch-interval-ms 1000] [--window-ms 60000] [--slide-ms 10000] [--top-n 10] [--print]
 *       [--metrics <file.jsonl> | -] [--conf key=value ...] [--consumer-property key=value ...]
 *
 * Started again with the same arguments after a crash it carries on: direct-transactional from its
 * sink's stored offsets, the others through `StreamingContext.getOrCreate(--checkpoint)` (see
 * {@link getOrCreateFlightApp}). `--partitions` is looked up from the broker when missing (Direct).
 * `--conf` adds Spark conf pairs (e.g. `spark.streaming.kafka.maxRatePerPartition=5000`),
 * `--consumer-property` consumer keys (Direct: Java consumer; Receiver: Kafka 0.8, e.g.
 * `zookeeper.session.timeout.ms=2000`, `auto.commit.interval.ms=1000`). Values that look like numbers or
 * booleans are passed as such.
 *
 * Metrics (`--metrics <file>`: appended, one `write` per line, so a SIGKILL leaves at most a torn last
 * line; `-` or no flag: stdout), one JSON object per line:
 * - `{"type":"started","approach","pid","launchedAt","startedAt","recovered"}` once the context started
 *   (`launchedAt`: ms at program start, `startedAt`: ms after `ssc.start()` resolved; `recovered`: a
 *   checkpoint was found);
 * - `{"type":"batch",...}` per completed batch: a {@link FlightBatchMetrics} — batch time, records,
 *   processing / scheduling / total delay (ms), end-to-end latency stats of the batch's records (produce
 *   time → the batch's processing end, ms) and their histogram;
 * - `{"type":"stopped","pid","time"}` after a stop (SIGTERM stops gracefully: the batches generated so
 *   far complete, then the process ends by SIGTERM as Spark's shutdown hook does).
 * `--print` prints the window results (top airports) on stdout (don't combine with `--metrics -`).
 * Exit status: killed by SIGTERM after a graceful stop; 1 on a usage error or when a batch failed
 * (the error on stderr); 2 on a start error.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { FLIGHT_APPROACHES, getOrCreateFlightApp, type FlightApproach, type FlightAppOptions } from './flight-app.js';

const launchedAt = Date.now();
const USAGE =
  'Usage: flight-job --approach <' +
  FLIGHT_APPROACHES.join('|') +
  '> --bootstrap-server <b> --topic <t> --group <g> --checkpoint <dir> --output-dir <dir> [--zookeeper <connect string|dir>] [--partitions <n>] [--threads <n>] [--batch-interval-ms 1000] [--window-ms 60000] [--slide-ms 10000] [--top-n 10] [--print] [--metrics <file>|-] [--conf k=v ...] [--consumer-property k=v ...]';

function fail(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    approach: { type: 'string' },
    'bootstrap-server': { type: 'string' },
    topic: { type: 'string' },
    group: { type: 'string' },
    checkpoint: { type: 'string' },
    'output-dir': { type: 'string' },
    zookeeper: { type: 'string' },
    partitions: { type: 'string' },
    threads: { type: 'string' },
    'batch-interval-ms': { type: 'string' },
    'window-ms': { type: 'string' },
    'slide-ms': { type: 'string' },
    'top-n': { type: 'string' },
    print: { type: 'boolean' },
    metrics: { type: 'string' },
    conf: { type: 'string', multiple: true },
    'consumer-property': { type: 'string', multiple: true },
  },
});
for (const k of ['approach', 'bootstrap-server', 'topic', 'group', 'checkpoint', 'output-dir'] as const) if (!values[k]) fail(`Missing required option --${k}`);
if (!FLIGHT_APPROACHES.includes(values.approach as FlightApproach)) fail(`Invalid --approach ${values.approach}`);

/** A positive integer option (undefined when absent). */
function intOpt(name: keyof typeof values, dflt?: number): number | undefined {
  const v = values[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer, got ${String(v)}`);
  return n;
}

/** `k=v` pairs; numbers and booleans typed. */
function pairs(list: string[] | undefined, flag: string): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) fail(`Invalid ${flag} ${kv}: expected key=value`);
    const raw = kv.slice(i + 1);
    out[kv.slice(0, i)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

const metricsPath = values.metrics ?? '-';
const metricsFd = metricsPath === '-' ? 1 : fs.openSync(metricsPath, 'a');
const emit = (obj: unknown): void => {
  fs.writeSync(metricsFd, JSON.stringify(obj) + '\n');
};

const approach = values.approach as FlightApproach;
const options: FlightAppOptions = {
  approach,
  bootstrap: values['bootstrap-server']!,
  topic: values.topic!,
  groupId: values.group!,
  checkpointDir: values.checkpoint!,
  outputDir: values['output-dir']!,
  zookeeper: values.zookeeper,
  partitions: intOpt('partitions'),
  threads: intOpt('threads'),
  batchDurationMs: intOpt('batch-interval-ms', 1000)!,
  windowMs: intOpt('window-ms', 60_000),
  slideMs: intOpt('slide-ms', 10_000),
  topN: intOpt('top-n', 10),
  print: values.print === true,
  conf: pairs(values.conf, '--conf'),
  kafkaParams: pairs(values['consumer-property'], '--consumer-property'),
  onBatchMetrics: emit,
};

let ssc;
try {
  ssc = await getOrCreateFlightApp(options);
  await ssc.start();
} catch (e) {
  process.stderr.write(`flight-job: could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
}
emit({ type: 'started', approach, pid: process.pid, launchedAt, startedAt: Date.now(), recovered: ssc.recoveredCheckpoint !== undefined });
try {
  await ssc.awaitTermination();
  emit({ type: 'stopped', pid: process.pid, time: Date.now() });
} catch (e) {
  process.stderr.write(`flight-job: a batch failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  await ssc.stop().catch(() => undefined);
  process.exit(1);
}
