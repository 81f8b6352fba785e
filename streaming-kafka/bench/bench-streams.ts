#!/usr/bin/env node
/**
 * bench:streams — Direct vs Receiver on the same job and the same input, in one run: the flight-delays
 * job (streaming-kafka/jobs/flight-app.ts, run as the flight-job program in a child process) over the
 * US flights of 2001 replayed as kafka-replay does, with each of the four approaches
 * (direct-transactional, direct-idempotent, receiver-wal, receiver-no-wal).
 *
 *   npm run build && npm run bench:streams -- [--records N] [--rate R] [--kills N] [--approaches a,b]
 *       [--bootstrap host:port] [--short] [--chart path] [--json path] [--rate-records N] [--kill-records N]
 *       [--kill-rate R] [--partitions P] [--batch-ms B] [--seed S] [--keep]
 *
 * Phases, for each approach in turn (a broker of its own, a separate process with http.enabled=false,
 * unless --bootstrap names one; every approach gets its own consumer group, checkpoint and output):
 * 1. Full speed: the first N flights (default 1,000,000; --short 20,000) are replayed at full speed into
 *    one topic before any job runs; each approach's job then processes that backlog. records/s = N /
 *    seconds from the job's `ssc.start()` to the end of the batch that completed the N records. The
 *    output is then checked: every offset covered, final totals = exactFlightTotals of the N flights.
 *    Disk per input byte = (the topic's log on the broker + the write-ahead logs + the rest of the
 *    checkpoint directory + the sink) / input bytes (key + value of every record), measured then
 *    (file sizes; with --bootstrap the broker's log is not ours to measure and is left out). Also
 *    reported: the job's CPU seconds, peak RSS and `write_bytes` (/proc/<pid>/io) of this phase.
 * 2. Fixed rate: a fresh topic; the job is started, then --rate-records flights (default 300,000;
 *    --short 20,000) are replayed at --rate records/s (default 20,000; --short 10,000) while it runs.
 *    End-to-end latency of every record = end of its batch − its produce time (Kafka timestamp =
 *    `producedAt`), merged over all batches: p50 / p99. Processing time, scheduling delay and input rate
 *    per batch are the chart's series. A job that has not caught up 60 s after the replay's nominal
 *    end is measured on what it processed (`rateProcessed` < `rateRecords`).
 * 3. Failures: a fresh topic; --kill-records flights (default 200,000; --short 20,000) replayed at
 *    --kill-rate (default rate / 2) while the job runs; the job is killed with SIGKILL --kills times
 *    (default 5; --short 1), each time after it completed a batch with records since its (re)start plus
 *    a random wait of 0–1.5 batch intervals (seeded, --seed), and restarted at once with the same
 *    arguments. Recovery = kill → the first batch completed by the restarted job (mean, max). At the
 *    end (every offset covered, or for receiver-no-wal the consumer past the end; at most 90 s) the
 *    output is read (readFlightOutput): lost = offsets never processed, duplicated = extra processings;
 *    the final totals are compared with exactFlightTotals of the same flights (diffFlightTotals).
 * Job settings: batch 1 s (--short 500 ms), window 10 s, slide 2 s (--short 4 s / 1 s), top 10, P = 6
 * partitions (Assign for Direct; one receiver with P consumer threads), receivers with
 * `zookeeper.session.timeout.ms=2000` (a restarted receiver waits for the killed one's session to
 * expire) and, for receiver-no-wal, `auto.commit.interval.ms=1000` (Kafka 0.8's default is 60 s:
 * shorter than the kill phase it would hide the loss window behind re-reading everything).
 *
 * Output (stdout): the table (approach × figures), a `command:` line, an `input:` line (dataset,
 * records, bytes), a `machine:` line (cores, CPU, memory, Node, load average at the start), then as the
 * LAST line one JSON object: `{"runs": [{"approach", "records", "recordsPerSec", "p50LatencyMs",
 * "p99LatencyMs", "diskBytesPerInputByte", "kills", "lost", "duplicated", "recoverySeconds", ...extra
 * figures}], "chart": "<path>", "json", "machine", "command", "input", "settings"}`. Progress goes to
 * stderr (a cli-progress bar only when stderr is a terminal). The SVG chart goes to --chart (default
 * docs/bench-streams.svg, relative to the working directory; with --short
 * `<tmpdir>/kafka-ts-bench-streams-short/bench-streams.svg`, so that CI runs never overwrite the
 * published figures), the JSON also to --json (default docs/bench-streams.json; with --short next to
 * the short chart). The work directory (broker data, checkpoints, outputs) is deleted unless --keep. Exit status 1 on an error (a job that
 * fails or does not finish in time), with every child killed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { AdminClient, KafkaConsumer } from '../../client/index.js';
import { killAll } from '../../scripts/bench-broker/proc.js';
import { readFlights } from '../data/flights.js';
import { replayDataset, type ReplayResult } from '../data/replay.js';
import { FLIGHT_APPROACHES, histogramQuantile, readFlightOutput, type FlightApproach } from '../jobs/flight-app.js';
import { diffFlightTotals, exactFlightTotals, type OriginTotals } from '../jobs/flight-delays.js';
import { benchBroker } from './bench-common.js';
import { JobProcess, killAllJobs } from './bench-streams-job.js';
import { dirBytes, formatTable, machineFacts, renderStreamsChart, topicLogBytes, type ApproachRun, type ApproachSeries, type DiskBytes } from './bench-streams-report.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    records: { type: 'string' },
    rate: { type: 'string' },
    'rate-records': { type: 'string' },
    'kill-records': { type: 'string' },
    'kill-rate': { type: 'string' },
    kills: { type: 'string' },
    approaches: { type: 'string' },
    bootstrap: { type: 'string' },
    short: { type: 'boolean' },
    chart: { type: 'string' },
    json: { type: 'string' },
    partitions: { type: 'string' },
    'batch-ms': { type: 'string' },
    seed: { type: 'string' },
    keep: { type: 'boolean' },
  },
});

function num(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got '${v}'`);
  return n;
}

const SHORT = values.short === true;
const N = Math.floor(num('records', values.records, SHORT ? 20_000 : 1_000_000));
const RATE = num('rate', values.rate, SHORT ? 10_000 : 20_000);
const RATE_RECORDS = Math.floor(num('rate-records', values['rate-records'], SHORT ? 20_000 : 300_000));
const KILL_RECORDS = Math.floor(num('kill-records', values['kill-records'], SHORT ? 20_000 : 200_000));
const KILL_RATE = num('kill-rate', values['kill-rate'], SHORT ? 5_000 : RATE / 2);
const KILLS = Math.floor(num('kills', values.kills, SHORT ? 1 : 5, 0));
const PARTITIONS = Math.floor(num('partitions', values.partitions, 6));
const BATCH_MS = Math.floor(num('batch-ms', values['batch-ms'], SHORT ? 500 : 1000));
const WINDOW_MS = SHORT ? 4000 : 10_000;
const SLIDE_MS = SHORT ? 1000 : 2000;
const SEED = Math.floor(num('seed', values.seed, 1, 0));
const APPROACHES = (values.approaches ?? FLIGHT_APPROACHES.join(',')).split(',').map((a) => a.trim()).filter(Boolean) as FlightApproach[];
for (const a of APPROACHES) if (!FLIGHT_APPROACHES.includes(a)) throw new Error(`Unknown approach '${a}': expected some of ${FLIGHT_APPROACHES.join(', ')}`);
const JOB_SCRIPT = process.env.KAFKA_TS_FLIGHT_JOB ?? path.resolve(HERE, '../jobs/flight-job.js');
const COMMAND = `node ${path.relative(process.cwd(), process.argv[1] ?? 'bench-streams.js') || process.argv[1]} ${process.argv.slice(2).join(' ')}`.trim();

const tty = process.stderr.isTTY === true;
const log = (s: string): void => void process.stderr.write(`[bench:streams] ${s}\n`);

/** Seeded uniform numbers in [0, 1) (LCG). */
function prng(seed: number): () => number {
  let s = (seed * 2654435761 + 1) >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
}
const random = prng(SEED);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ctx {
  bootstrap: string;
  logDir: string | undefined;
  work: string;
  runId: string;
}

async function createTopic(ctx: Ctx, topic: string): Promise<void> {
  const admin = new AdminClient({ 'bootstrap.servers': ctx.bootstrap, 'client.id': 'bench-streams' });
  try {
    await admin.createTopics([{ name: topic, numPartitions: PARTITIONS }]);
  } finally {
    await admin.close();
  }
}

async function endOffsets(ctx: Ctx, topic: string): Promise<Map<string, number>> {
  const c = new KafkaConsumer({ 'bootstrap.servers': ctx.bootstrap });
  try {
    return await c.endOffsets(Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p })));
  } finally {
    await c.close();
  }
}

/** Replay flights [0, limit) into `topic` at `rate` (full speed when undefined), with a bar on a terminal. */
async function replay(ctx: Ctx, topic: string, limit: number, rate: number | undefined, what: string): Promise<ReplayResult> {
  const bar = tty ? new cliProgress.SingleBar({ stream: process.stderr, format: `${what} {bar} {value}/{total} records`, hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  const r = await replayDataset({
    producerProps: { 'bootstrap.servers': ctx.bootstrap, 'client.id': 'bench-streams-replay' },
    topic,
    dataset: 'flights',
    limit,
    rate,
    onStart: () => bar?.start(limit, 0),
    onProgress: (n) => bar?.update(n),
  });
  bar?.stop();
  if (r.failed > 0 || r.acked !== limit) throw new Error(`replay into ${topic}: ${r.acked} of ${limit} records acknowledged, ${r.failed} failed: ${String((r.firstError as Error)?.message ?? r.firstError)}`);
  return r;
}

/** The flight-job arguments of one phase of one approach. */
function jobArgs(ctx: Ctx, approach: FlightApproach, phase: string, topic: string): { args: string[]; checkpointDir: string; outputDir: string } {
  const dir = path.join(ctx.work, approach, phase);
  const checkpointDir = path.join(dir, 'checkpoint');
  const outputDir = path.join(dir, 'output');
  const args = [
    '--approach', approach, '--bootstrap-server', ctx.bootstrap, '--topic', topic, '--group', `bench-streams-${ctx.runId}-${approach}-${phase}`,
    '--checkpoint', checkpointDir, '--output-dir', outputDir, '--partitions', String(PARTITIONS), '--threads', String(PARTITIONS),
    '--batch-interval-ms', String(BATCH_MS), '--window-ms', String(WINDOW_MS), '--slide-ms', String(SLIDE_MS), '--top-n', '10', '--metrics', '-',
  ];
  if (approach.startsWith('receiver')) args.push('--consumer-property', 'zookeeper.session.timeout.ms=2000');
  if (approach === 'receiver-no-wal') args.push('--consumer-property', 'auto.commit.interval.ms=1000');
  return { args, checkpointDir, outputDir };
}

const sumValues = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Phase 1: the backlog at full speed. */
async function fullSpeed(ctx: Ctx, approach: FlightApproach, topic: string, exact: Record<string, OriginTotals>, ends: Map<string, number>, inputBytes: number) {
  const { args, checkpointDir, outputDir } = jobArgs(ctx, approach, 'full-speed', topic);
  const job = new JobProcess(JOB_SCRIPT, args, `${approach} full speed`);
  try {
    await job.waitFor(() => job.started !== undefined, 60_000, 'the job to start');
    await job.waitFor(() => job.records >= N, 600_000, `${N} records processed`);
  } catch (e) {
    job.kill('SIGKILL');
    throw e;
  }
  const last = job.batches[job.batches.length - 1]!;
  const startedAt = job.started!.startedAt;
  const seconds = (last.processingEndTime! - startedAt) / 1000;
  const proc = job.procStats();
  await job.stop(30_000);
  const out = readFlightOutput(approach, outputDir, { endOffsets: ends });
  const diff = diffFlightTotals(exact, out.totals);
  const disk: DiskBytes = {
    brokerLog: ctx.logDir === undefined ? null : topicLogBytes(ctx.logDir, topic),
    wal: dirBytes(path.join(checkpointDir, 'receivedData')) + dirBytes(path.join(checkpointDir, 'receivedBlockMetadata')),
    checkpoint: dirBytes(checkpointDir, ['receivedData', 'receivedBlockMetadata']),
    sink: dirBytes(outputDir),
  };
  const busy = job.batches.filter((b) => b.records > 0);
  let cum = 0;
  const cumulative: [number, number][] = [[0, 0]];
  for (const b of job.batches) {
    cum += b.records;
    if (b.processingEndTime !== null) cumulative.push([round((b.processingEndTime - startedAt) / 1000, 3), cum]);
  }
  return {
    recordsPerSec: N / seconds,
    seconds,
    wallSeconds: (last.processingEndTime! - job.spawnedAt) / 1000,
    processed: out.covered,
    outputLost: out.lost,
    outputDuplicated: out.duplicated,
    totalsExact: diff.equal,
    batches: busy.length,
    maxProcessingMs: Math.max(0, ...busy.map((b) => b.processingDelayMs ?? 0)),
    disk,
    diskBytesPerInputByte: ((disk.brokerLog ?? 0) + disk.wal + disk.checkpoint + disk.sink) / inputBytes,
    cpuSeconds: proc?.cpuSeconds,
    peakRssBytes: proc?.peakRssBytes,
    jobWriteBytes: proc?.writeBytes,
    cumulative,
  };
}

/** Phase 2: the job running while the input is replayed at RATE. */
async function fixedRate(ctx: Ctx, approach: FlightApproach) {
  const topic = `bench-streams-${ctx.runId}-rate-${approach}`;
  await createTopic(ctx, topic);
  const { args } = jobArgs(ctx, approach, 'fixed-rate', topic);
  const job = new JobProcess(JOB_SCRIPT, args, `${approach} fixed rate`);
  let r: ReplayResult;
  try {
    await job.waitFor(() => job.started !== undefined && job.batches.length > 0, 60_000, 'the job to start and complete a batch');
    r = await replay(ctx, topic, RATE_RECORDS, RATE, `${approach}: replay at ${RATE}/s`);
    // a job that cannot keep up is measured on what it processed within the limit (rateProcessed < rateRecords)
    await job.waitFor(() => job.records >= RATE_RECORDS, 60_000 + (RATE_RECORDS / RATE) * 1000, `${RATE_RECORDS} records processed`).catch((e: unknown) => {
      if (job.exit) throw e;
      log(`${approach}: ${job.records} of ${RATE_RECORDS} records processed when the time was up: the job does not keep up with ${RATE}/s`);
    });
  } catch (e) {
    job.kill('SIGKILL');
    throw e;
  }
  await job.stop(30_000);
  const t0 = r.startedAt!;
  const busy = job.batches.filter((b) => b.records > 0);
  const hist = busy.flatMap((b) => b.latencyHistogram);
  const inWindow = job.batches.filter((b) => b.batchTime >= t0 - BATCH_MS && b.processingEndTime !== null);
  const x = (b: { batchTime: number }): number => round((b.batchTime - t0) / 1000, 3);
  return {
    p50LatencyMs: histogramQuantile(hist, 0.5),
    p99LatencyMs: histogramQuantile(hist, 0.99),
    maxLatencyMs: histogramQuantile(hist, 1),
    rateRecords: RATE_RECORDS,
    rateProcessed: job.records,
    achievedRate: round(r.recordsPerSec),
    meanProcessingMs: round(busy.reduce((s, b) => s + (b.processingDelayMs ?? 0), 0) / Math.max(1, busy.length), 1),
    meanSchedulingDelayMs: round(inWindow.reduce((s, b) => s + (b.schedulingDelayMs ?? 0), 0) / Math.max(1, inWindow.length), 1),
    series: {
      processing: inWindow.map((b): [number, number] => [x(b), b.processingDelayMs ?? 0]),
      scheduling: inWindow.map((b): [number, number] => [x(b), b.schedulingDelayMs ?? 0]),
      inputRate: inWindow.map((b): [number, number] => [x(b), round(b.records / (BATCH_MS / 1000))]),
    },
  };
}

/** Phase 3: SIGKILLs and restarts while the input arrives. */
async function failures(ctx: Ctx, approach: FlightApproach, exact: Record<string, OriginTotals>) {
  const topic = `bench-streams-${ctx.runId}-kill-${approach}`;
  await createTopic(ctx, topic);
  const { args, outputDir } = jobArgs(ctx, approach, 'kills', topic);
  const label = (i: number): string => `${approach} kill phase run ${i + 1}`;
  let job = new JobProcess(JOB_SCRIPT, args, label(0));
  const recoveries: number[] = [];
  const toRecords: number[] = [];
  let replayDone: Promise<ReplayResult> | undefined;
  try {
    await job.waitFor(() => job.started !== undefined && job.batches.length > 0, 60_000, 'the job to start and complete a batch');
    replayDone = replay(ctx, topic, KILL_RECORDS, KILL_RATE, `${approach}: replay at ${KILL_RATE}/s with ${KILLS} kills`);
    let replayFinished = false;
    void replayDone.then(() => (replayFinished = true), () => undefined);
    for (let k = 0; k < KILLS; k++) {
      await job.waitFor(() => job.batches.some((b) => b.records > 0) || (replayFinished && job.batches.length > 0), 120_000, 'a batch with records before the kill');
      await sleep(random() * 1.5 * BATCH_MS);
      job.kill('SIGKILL');
      const killedAt = Date.now();
      await job.exited;
      log(`${approach}: SIGKILL ${k + 1}/${KILLS} (pid ${job.pid}) after ${job.records} records in ${job.batches.length} batches`);
      job = new JobProcess(JOB_SCRIPT, args, label(k + 1));
      const restarted = job;
      await restarted.waitFor(() => restarted.batches.length > 0, 120_000, 'the first batch after the restart');
      recoveries.push((restarted.batches[0]!.processingEndTime! - killedAt) / 1000);
      void restarted.waitFor(() => restarted.batches.some((b) => b.records > 0), 120_000, '').then(() => toRecords.push((restarted.batches.find((b) => b.records > 0)!.processingEndTime! - killedAt) / 1000), () => undefined);
    }
    await replayDone;
    const ends = await endOffsets(ctx, topic);
    const endOf = new Map(ends);
    // done: every offset covered; receiver-no-wal (which may have lost some for good): its batches went past the end
    const done = (): boolean => {
      const out = readFlightOutput(approach, outputDir, { endOffsets: endOf });
      if (out.lost === 0) return true;
      if (approach !== 'receiver-no-wal') return false;
      const highest = new Map<string, number>();
      for (const b of out.batches) for (const rg of b.ranges) highest.set(`${rg.topic}-${rg.partition}`, Math.max(highest.get(`${rg.topic}-${rg.partition}`) ?? 0, rg.untilOffset));
      return [...endOf].every(([k, e]) => (highest.get(k) ?? 0) >= e || e === 0);
    };
    const current = job;
    const t0 = Date.now();
    while (!done() && Date.now() - t0 < 90_000 && !current.exit) await sleep(500);
    const n = current.batches.length;
    await current.waitFor(() => current.batches.length > n, 30_000, 'one more batch').catch(() => undefined);
    await current.stop(30_000);
    const out = readFlightOutput(approach, outputDir, { endOffsets: ends });
    const diff = diffFlightTotals(exact, out.totals);
    return {
      kills: KILLS,
      killRecords: sumValues(ends),
      lost: out.lost,
      duplicated: out.duplicated,
      recoverySeconds: recoveries.length ? recoveries.reduce((a, b) => a + b, 0) / recoveries.length : 0,
      recoverySecondsMax: recoveries.length ? Math.max(...recoveries) : 0,
      recoveryToRecordsSeconds: toRecords.length ? round(toRecords.reduce((a, b) => a + b, 0) / toRecords.length, 2) : null,
      totalsLost: diff.lost,
      totalsDuplicated: diff.duplicated,
      totalsEqual: diff.equal,
      killTotals: diff.equal ? 'exact' : `${diff.lost > 0 ? `−${diff.lost.toLocaleString('en-US')}` : ''}${diff.lost > 0 && diff.duplicated > 0 ? ' ' : ''}${diff.duplicated > 0 ? `+${diff.duplicated.toLocaleString('en-US')}` : ''}${diff.lost === 0 && diff.duplicated === 0 ? 'differs' : ''} flights`,
    };
  } catch (e) {
    job.kill('SIGKILL');
    await replayDone?.catch(() => undefined);
    throw e;
  }
}

async function main(): Promise<void> {
  const machine = machineFacts();
  const runId = Date.now().toString(36);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-bench-streams-'));
  // --short (CI) must not overwrite the full run's files in docs/
  const shortDir = path.join(os.tmpdir(), 'kafka-ts-bench-streams-short');
  const chartPath = path.resolve(values.chart ?? (SHORT ? path.join(shortDir, 'bench-streams.svg') : 'docs/bench-streams.svg'));
  const jsonPath = path.resolve(values.json ?? (SHORT ? path.join(shortDir, 'bench-streams.json') : 'docs/bench-streams.json'));
  log(`work directory ${work}; job ${JOB_SCRIPT}`);
  const broker = await benchBroker(work, values.bootstrap);
  const ctx: Ctx = { bootstrap: broker.bootstrap, logDir: values.bootstrap === undefined ? path.join(work, 'data') : undefined, work, runId };
  let ok = false;
  try {
    log(`broker ${ctx.bootstrap}${values.bootstrap ? ' (given)' : ' (started, http.enabled=false)'}; approaches ${APPROACHES.join(', ')}`);
    log(`settings: full speed ${N} records; fixed rate ${RATE_RECORDS} records at ${RATE}/s; kills ${KILLS} over ${KILL_RECORDS} records at ${KILL_RATE}/s; ${PARTITIONS} partitions; batch ${BATCH_MS} ms, window ${WINDOW_MS} ms, slide ${SLIDE_MS} ms; seed ${SEED}`);
    const bulk = `bench-streams-${runId}-full-speed`;
    await createTopic(ctx, bulk);
    const loaded = await replay(ctx, bulk, N, undefined, 'load the backlog');
    const bulkEnds = await endOffsets(ctx, bulk);
    log(`loaded ${loaded.acked} records (${loaded.bytes} bytes) in ${loaded.seconds.toFixed(1)} s`);
    const flights = [];
    for await (const f of readFlights({ limit: Math.max(N, KILL_RECORDS) })) flights.push({ origin: f.origin, delay: f.delay });
    const exactN = exactFlightTotals(flights.slice(0, N));
    const exactK = exactFlightTotals(flights.slice(0, KILL_RECORDS));
    flights.length = 0;

    const runs: ApproachRun[] = [];
    const series: ApproachSeries[] = [];
    for (const approach of APPROACHES) {
      log(`${approach}: full speed over ${N} records`);
      const fs1 = await fullSpeed(ctx, approach, bulk, exactN, bulkEnds, loaded.bytes);
      log(`${approach}: ${Math.round(fs1.recordsPerSec)} records/s, output covers ${fs1.processed}, totals ${fs1.totalsExact ? 'exact' : 'differ'}`);
      log(`${approach}: fixed rate, ${RATE_RECORDS} records at ${RATE}/s`);
      const fr = await fixedRate(ctx, approach);
      log(`${approach}: latency p50 ${fr.p50LatencyMs} ms, p99 ${fr.p99LatencyMs} ms`);
      const kp = await failures(ctx, approach, exactK);
      log(`${approach}: ${kp.kills} kills: lost ${kp.lost}, counted twice ${kp.duplicated}, recovery ${kp.recoverySeconds.toFixed(2)} s (max ${kp.recoverySecondsMax.toFixed(2)} s), totals ${kp.killTotals}`);
      runs.push({
        approach,
        records: N,
        recordsPerSec: Math.round(fs1.recordsPerSec),
        p50LatencyMs: fr.p50LatencyMs,
        p99LatencyMs: fr.p99LatencyMs,
        diskBytesPerInputByte: round(fs1.diskBytesPerInputByte, 3),
        kills: kp.kills,
        lost: kp.lost,
        duplicated: kp.duplicated,
        recoverySeconds: round(kp.recoverySeconds, 2),
        recoverySecondsMax: round(kp.recoverySecondsMax, 2),
        recoveryToRecordsSeconds: kp.recoveryToRecordsSeconds,
        processed: fs1.processed,
        fullSpeedTotalsExact: fs1.totalsExact,
        fullSpeedSeconds: round(fs1.seconds, 2),
        fullSpeedWallSeconds: round(fs1.wallSeconds, 2),
        fullSpeedBatches: fs1.batches,
        fullSpeedMaxProcessingMs: fs1.maxProcessingMs,
        cpuSeconds: fs1.cpuSeconds,
        peakRssMB: fs1.peakRssBytes === undefined ? undefined : round(fs1.peakRssBytes / 2 ** 20),
        diskBytes: fs1.disk,
        jobWriteBytes: fs1.jobWriteBytes,
        rateRecords: fr.rateRecords,
        rateProcessed: fr.rateProcessed,
        achievedRate: fr.achievedRate,
        maxLatencyMs: fr.maxLatencyMs,
        meanProcessingMs: fr.meanProcessingMs,
        meanSchedulingDelayMs: fr.meanSchedulingDelayMs,
        killRecords: kp.killRecords,
        killTotals: kp.killTotals,
        killTotalsEqual: kp.totalsEqual,
        killTotalsLost: kp.totalsLost,
        killTotalsDuplicated: kp.totalsDuplicated,
      });
      series.push({ approach, ...fr.series, cumulative: fs1.cumulative });
    }

    const subtitle = `${N.toLocaleString('en-US')} flights at full speed; ${RATE_RECORDS.toLocaleString('en-US')} at ${RATE.toLocaleString('en-US')}/s; batch ${BATCH_MS} ms, ${PARTITIONS} partitions; ${machine.cores} cores, Node ${machine.node}`;
    fs.mkdirSync(path.dirname(chartPath), { recursive: true });
    fs.writeFileSync(chartPath, renderStreamsChart(series, subtitle, RATE, N));
    const input = { dataset: 'flights-3m.parquet (vega-datasets 3.2.1, US flights Jan–Jun 2001), kafka-replay JSON keyed by origin', records: N, bytes: loaded.bytes, rateRecords: RATE_RECORDS, rate: RATE, killRecords: KILL_RECORDS, killRate: KILL_RATE };
    const settings = { partitions: PARTITIONS, batchMs: BATCH_MS, windowMs: WINDOW_MS, slideMs: SLIDE_MS, kills: KILLS, seed: SEED, receiverThreads: PARTITIONS, receiverSessionTimeoutMs: 2000, noWalAutoCommitIntervalMs: 1000, broker: values.bootstrap ?? 'own process (http.enabled=false)' };
    const result = { runs, chart: chartPath, json: jsonPath, machine, command: COMMAND, input, settings };
    fs.mkdirSync(path.dirname(jsonPath), { recursive: true });
    fs.writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n');

    const gib = (b: number): string => (b / 2 ** 30).toFixed(1);
    process.stdout.write(`${formatTable(runs, RATE)}\n\n`);
    process.stdout.write(`command: ${COMMAND}\n`);
    process.stdout.write(`input: ${input.dataset}; full speed ${N.toLocaleString('en-US')} records (${loaded.bytes.toLocaleString('en-US')} bytes, loaded at ${Math.round(loaded.recordsPerSec).toLocaleString('en-US')} records/s); fixed rate ${RATE_RECORDS.toLocaleString('en-US')} records at ${RATE.toLocaleString('en-US')}/s; kill phase ${KILL_RECORDS.toLocaleString('en-US')} records at ${KILL_RATE.toLocaleString('en-US')}/s with ${KILLS} SIGKILLs; ${PARTITIONS} partitions, batch ${BATCH_MS} ms\n`);
    process.stdout.write(`machine: ${machine.cores} cores (${machine.cpu}), ${gib(machine.memoryBytes)} GiB, Node ${machine.node}, ${machine.platform}, load average at start ${machine.loadAverage.join(' ')}\n`);
    process.stdout.write(`chart: ${chartPath}\n`);
    process.stdout.write(JSON.stringify(result) + '\n');
    ok = true;
  } finally {
    killAllJobs();
    await broker.stop();
    if (ok && !values.keep) fs.rmSync(work, { recursive: true, force: true, maxRetries: 3 });
    else log(`kept the work directory ${work}`);
  }
}

const onSignal = (): void => {
  killAllJobs();
  killAll();
  process.exit(130);
};
process.once('SIGINT', onSignal);

main().catch((e) => {
  process.stderr.write(`bench:streams: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  killAllJobs();
  killAll();
  process.exit(1);
});
