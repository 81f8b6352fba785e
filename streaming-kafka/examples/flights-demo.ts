#!/usr/bin/env node
/**
 * flights-demo (`npm run demo`) — the whole pipeline on real data, once with each Kafka integration:
 *
 *   npm run demo [-- --bootstrap-server <host:port>] [--records N] [--seconds S] [--short] ...
 *
 * 1. A broker: `--bootstrap-server`, else the one `npm start` runs on 127.0.0.1:9092 when it answers,
 *    else (or with `--start-broker`) its own broker process (data under the work directory, dashboard
 *    on a free port). Topics `flights-demo-<run>-<approach>` are left on the broker, to look at.
 * 2. For each approach — Direct (`direct-transactional`: results and offsets in one lmdb transaction,
 *    exactly-once; `--direct-sink idempotent` for batch files) then Receiver (`receiver-wal`: blocks in
 *    the write-ahead log before offsets are committed, at-least-once) — a topic of its own (6
 *    partitions), the flights application of `streaming-kafka/jobs/flight-app.ts` started on it
 *    (per origin airport: count and mean delay over a sliding window of `--window-ms` (60 s) every
 *    `--slide-ms` (10 s), running totals with updateStateByKey, the top airports printed at every
 *    slide), and the first `--records` flights of 2001 (default 500,000: January) replayed into it in
 *    event-time order, sped up so that the replay lasts `--seconds` (60): with the defaults one second
 *    of the demo is about 12 hours of flights, so the 60 s window spans about a month of them.
 * 3. When every record is processed: the output is checked against totals computed directly from the
 *    input (Direct: exactly equal; Receiver: no record lost), and a table compares the two runs
 *    (throughput, end-to-end latency from produce time to the end of the record's batch, batch
 *    processing time, scheduling delay, bytes written by the stream per input byte, the check).
 *
 * Each application serves Spark's Streaming-tab data (`spark.ui.enabled`) and registers with the
 * broker's dashboard when there is one, so the runs can be watched at `<dashboard>/#/streams`.
 * Outputs stay in `--work-dir` (default `./demo-output`, emptied at the start of each run).
 * `--short` (CI): 20,000 flights, 4 s replays, batch 500 ms, window 4 s, slide 1 s.
 * Exit status 0 when both runs processed every record and passed their check, 1 otherwise.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { AdminClient, KafkaConsumer } from '../../client/index.js';
import { startBroker, type BrokerProcess } from '../../scripts/bench-broker/proc.js';
import type { StreamingContext } from '../context/streaming-context.js';
import { readFlights } from '../data/flights.js';
import { replayDataset } from '../data/replay.js';
import { getOrCreateFlightApp, histogramQuantile, readFlightOutput, type FlightApproach, type FlightBatchMetrics } from '../jobs/flight-app.js';
import { diffFlightTotals, exactFlightTotals } from '../jobs/flight-delays.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PARTITIONS = 6;

interface DemoOptions {
  bootstrapServer?: string;
  records?: string;
  seconds?: string;
  batchIntervalMs?: string;
  windowMs?: string;
  slideMs?: string;
  directSink: 'transactional' | 'idempotent';
  workDir: string;
  ui: boolean;
  short?: boolean;
  startBroker?: boolean;
}

const program = new Command()
  .name('flights-demo')
  .description('Replay US flights of 2001 into the broker and process them with a Direct and a Receiver stream, then compare the two runs.')
  .option('--bootstrap-server <host:port>', 'broker to use (default: 127.0.0.1:9092 if a broker answers there, else a broker of its own)')
  .option('--records <n>', 'flights to replay per approach (default 500000; --short: 20000)')
  .option('--seconds <s>', 'how long each replay lasts, in seconds of wall time (default 60; --short: 4)')
  .option('--batch-interval-ms <ms>', 'batch interval (default 2000; --short: 500)')
  .option('--window-ms <ms>', 'sliding window length (default 60000; --short: 4000)')
  .option('--slide-ms <ms>', 'sliding window slide (default 10000; --short: 1000)')
  .option('--direct-sink <kind>', 'exactly-once output of the Direct run: transactional (lmdb) or idempotent (batch files)', 'transactional')
  .option('--work-dir <dir>', 'checkpoints, outputs and (own broker) data; emptied first', './demo-output')
  .option('--start-broker', 'start a broker of its own even if one answers on 127.0.0.1:9092')
  .option('--no-ui', 'do not serve the Streaming status page')
  .option('--short', 'a small, quick run (CI)')
  .showHelpAfterError();
program.parse();
const o = program.opts<DemoOptions>();
if (o.directSink !== 'transactional' && o.directSink !== 'idempotent') program.error(`error: --direct-sink must be transactional or idempotent, got ${o.directSink}`);
const positive = (name: string, v: string | undefined, def: number): number => {
  const n = v === undefined ? def : Number(v);
  if (!Number.isFinite(n) || n <= 0) program.error(`error: --${name} must be a positive number, got ${v}`);
  return n;
};
const short = o.short === true;
const N = Math.floor(positive('records', o.records, short ? 20_000 : 500_000));
const SECONDS = positive('seconds', o.seconds, short ? 4 : 60);
const BATCH_MS = Math.floor(positive('batch-interval-ms', o.batchIntervalMs, short ? 500 : 2000));
const WINDOW_MS = Math.floor(positive('window-ms', o.windowMs, short ? 4000 : 60_000));
const SLIDE_MS = Math.floor(positive('slide-ms', o.slideMs, short ? 1000 : 10_000));
const APPROACHES: FlightApproach[] = [o.directSink === 'idempotent' ? 'direct-idempotent' : 'direct-transactional', 'receiver-wal'];

/** True when something accepts TCP connections at host:port within 500 ms. */
function reachable(hostPort: string): Promise<boolean> {
  const i = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const s = net.connect({ host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The dashboard of a broker we did not start: `http://<host>:8080` when its API answers. */
async function findDashboard(bootstrap: string): Promise<string | undefined> {
  const host = bootstrap.slice(0, bootstrap.lastIndexOf(':'));
  const url = `http://${host}:8080`;
  try {
    const r = await fetch(`${url}/api/v1/cluster`, { signal: AbortSignal.timeout(1000) });
    return r.ok ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes of the regular files under `dir` (0 when missing). */
function dirBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

interface RunSummary {
  approach: FlightApproach;
  records: number;
  seconds: number;
  recordsPerSec: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  meanProcessingMs: number;
  maxSchedulingDelayMs: number;
  streamBytesPerInputByte: number;
  lost: number;
  duplicated: number;
  check: string;
  ok: boolean;
}

async function main(): Promise<number> {
  const work = path.resolve(o.workDir);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  let broker: BrokerProcess | undefined;
  let bootstrap = o.bootstrapServer;
  let dashboard: string | undefined;
  if (bootstrap === undefined && o.startBroker !== true && (await reachable('127.0.0.1:9092'))) bootstrap = '127.0.0.1:9092';
  if (bootstrap === undefined) {
    const props = path.join(work, 'server.properties');
    fs.writeFileSync(props, ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${path.join(work, 'broker-data')}`, 'http.listeners=http://127.0.0.1:0', 'group.initial.rebalance.delay.ms=0', ''].join('\n'));
    broker = await startBroker(process.env.KAFKA_TS_SERVER_START ?? path.resolve(HERE, '../../scripts/kafka-server-start.js'), props, [], 30_000);
    bootstrap = broker.bootstrap;
    dashboard = broker.http;
    console.log(`Started a broker of its own at ${bootstrap} (data in ${path.join(work, 'broker-data')}); dashboard ${dashboard ?? 'off'}`);
  } else {
    dashboard = await findDashboard(bootstrap);
    console.log(`Using the broker at ${bootstrap}${dashboard ? `; dashboard ${dashboard}` : ''}`);
  }
  try {
    console.log(`Reading the first ${N.toLocaleString('en')} flights of 2001 (vega-datasets flights-3m.parquet) for the exact answer...`);
    let first = Infinity;
    let last = -Infinity;
    let count = 0;
    const flights = (async function* () {
      for await (const f of readFlights({ limit: N })) {
        first = Math.min(first, f.date);
        last = Math.max(last, f.date);
        count++;
        yield f;
      }
    })();
    const exact = await exactFlightTotals(flights);
    const speedup = Math.max(1, (last - first) / (SECONDS * 1000));
    const days = (last - first) / 86_400_000;
    console.log(
      `${count.toLocaleString('en')} flights from ${new Date(first).toISOString().slice(0, 16)} to ${new Date(last).toISOString().slice(0, 16)} (${days.toFixed(1)} days of flights), ` +
        `replayed in ${SECONDS} s: speedup ${Math.round(speedup).toLocaleString('en')} (1 s = ${((speedup / 3600)).toFixed(1)} h of flights; window ${WINDOW_MS / 1000} s ≈ ${((WINDOW_MS * speedup) / 86_400_000).toFixed(1)} days, slide ${SLIDE_MS / 1000} s ≈ ${((SLIDE_MS * speedup) / 3_600_000).toFixed(1)} h)`,
    );
    const runId = Date.now().toString(36);
    const summaries: RunSummary[] = [];
    for (const approach of APPROACHES) summaries.push(await runApproach(approach, bootstrap, dashboard, work, runId, speedup, exact));
    printTable(summaries);
    console.log(`\nOutputs, checkpoints and write-ahead logs: ${work}`);
    console.log('Full-speed throughput, latency at a fixed rate and SIGKILL recovery of all four approaches: npm run bench:streams');
    return summaries.every((s) => s.ok) ? 0 : 1;
  } finally {
    await broker?.stop(10_000);
  }
}

async function runApproach(approach: FlightApproach, bootstrap: string, dashboard: string | undefined, work: string, runId: string, speedup: number, exact: ReturnType<typeof exactFlightTotals> extends Promise<infer T> ? T : never): Promise<RunSummary> {
  const topic = `flights-demo-${runId}-${approach}`;
  const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
  await admin.createTopics([{ name: topic, numPartitions: PARTITIONS }]);
  await admin.close();
  const dir = path.join(work, approach);
  const metrics: FlightBatchMetrics[] = [];
  let processed = 0;
  let notify: () => void = () => {};
  console.log(`\n=== ${approach}: topic ${topic}, batch ${BATCH_MS} ms, window ${WINDOW_MS / 1000} s, slide ${SLIDE_MS / 1000} s ===`);
  const ssc: StreamingContext = await getOrCreateFlightApp({
    approach,
    bootstrap,
    topic,
    groupId: topic,
    checkpointDir: path.join(dir, 'checkpoint'),
    outputDir: path.join(dir, 'output'),
    zookeeper: path.join(dir, 'zk'),
    partitions: PARTITIONS,
    threads: PARTITIONS,
    batchDurationMs: BATCH_MS,
    windowMs: WINDOW_MS,
    slideMs: SLIDE_MS,
    topN: 5,
    print: (lines) => {
      for (const l of lines) console.log(`[${approach}] ${l}`);
    },
    conf: o.ui ? { 'spark.ui.enabled': true, 'spark.ui.port': 0, ...(dashboard ? { 'spark.ui.dashboard.url': dashboard } : {}) } : {},
    appName: `flights-demo ${approach}`,
    onBatchMetrics: (m) => {
      metrics.push(m);
      processed += m.records;
      notify();
    },
  });
  await ssc.start();
  if (ssc.ui) console.log(`[${approach}] Streaming status: ${ssc.ui.url}/api/v1/streaming/status${dashboard ? `, dashboard: ${dashboard}/#/streams` : ''}`);
  const t0 = performance.now();
  const replay = replayDataset({ producerProps: { 'bootstrap.servers': bootstrap }, topic, dataset: 'flights', limit: N, speedup });
  const deadline = Date.now() + SECONDS * 1000 + 120_000;
  while (processed < N && Date.now() < deadline) await new Promise<void>((r) => ((notify = r), setTimeout(r, 500)));
  const seconds = (performance.now() - t0) / 1000;
  const replayed = await replay;
  await ssc.stop({ stopGracefully: true });
  if (replayed.failed > 0) console.error(`[${approach}] ${replayed.failed} records failed to replay: ${String(replayed.firstError)}`);

  const probe = new KafkaConsumer({ 'bootstrap.servers': bootstrap });
  const endOffsets = await probe.endOffsets(Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p })));
  await probe.close();
  const out = readFlightOutput(approach, path.join(dir, 'output'), { endOffsets });
  const diff = diffFlightTotals(exact, out.totals);
  const direct = approach.startsWith('direct');
  const ok = replayed.failed === 0 && processed >= N && (direct ? diff.equal && out.lost === 0 && out.duplicated === 0 : out.lost === 0);
  const check = direct
    ? diff.equal && out.duplicated === 0
      ? 'exact'
      : `NOT exact (${out.lost} lost, ${out.duplicated} duplicated)`
    : out.lost === 0
      ? out.duplicated === 0
        ? 'no loss, no duplicate'
        : `no loss, ${out.duplicated} counted twice`
      : `${out.lost} LOST`;
  const busy = metrics.filter((m) => m.records > 0);
  const histogram = busy.flatMap((m) => m.latencyHistogram);
  // what the stream application wrote (checkpoints, write-ahead log, outputs, coordination store) per byte replayed (keys + values)
  const streamBytes = dirBytes(path.join(dir, 'checkpoint')) + dirBytes(path.join(dir, 'output')) + dirBytes(path.join(dir, 'zk'));
  return {
    approach,
    records: processed,
    seconds,
    recordsPerSec: processed / seconds,
    p50LatencyMs: histogramQuantile(histogram, 0.5),
    p99LatencyMs: histogramQuantile(histogram, 0.99),
    meanProcessingMs: busy.reduce((s, m) => s + (m.processingDelayMs ?? 0), 0) / Math.max(1, busy.length),
    maxSchedulingDelayMs: Math.max(0, ...metrics.map((m) => m.schedulingDelayMs ?? 0)),
    streamBytesPerInputByte: streamBytes / Math.max(1, replayed.bytes),
    lost: out.lost,
    duplicated: out.duplicated,
    check,
    ok,
  };
}

function printTable(rows: RunSummary[]): void {
  const header = ['approach', 'records', 'seconds', 'records/s', 'latency p50 / p99', 'mean batch processing', 'max scheduling delay', 'stream disk / input', 'output check'];
  const cells = rows.map((r) => [
    r.approach,
    r.records.toLocaleString('en'),
    r.seconds.toFixed(1),
    Math.round(r.recordsPerSec).toLocaleString('en'),
    `${r.p50LatencyMs} / ${r.p99LatencyMs} ms`,
    `${Math.round(r.meanProcessingMs)} ms`,
    `${r.maxSchedulingDelayMs} ms`,
    `${r.streamBytesPerInputByte.toFixed(2)} B/B`,
    r.check,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\nDirect vs Receiver on this machine (${os.availableParallelism()} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}), same input at the same replay speed:`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`flights-demo: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
