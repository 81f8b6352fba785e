/**
 * Broker benchmark: the real broker program driven by librdkafka (kcat, confluent-kafka-python) and
 * kafkajs over 127.0.0.1.
 *
 * Setup: a temporary directory holds server.properties (`listeners=PLAINTEXT://127.0.0.1:0`, the
 * broker's other settings at their defaults, except group.initial.rebalance.delay.ms=0 so that the
 * kafkajs group consumer does not wait 3 s to join), the log dir and a file of N lines of 100 bytes
 * (+ newline); the broker is started as `node dist/scripts/kafka-server-start.js <server.properties>`
 * and its port read from its "[KafkaServer id=0] started" log line. Topics are created beforehand with
 * the CreateTopics API (confluent-kafka-python AdminClient, scripts/bench-broker/admin.py): one
 * 1-partition and one 6-partition topic per timed run, so every timed read covers exactly N records.
 * Everything is deleted at the end.
 *
 * Phases (each timed and its broker CPU measured separately):
 * - warm-up: kcat produces the file once to a 1- and a 6-partition topic and reads both back (JIT,
 *   buffer pools, this VM's slow first touch of memory);
 * - kcat (librdkafka 2.0.2) produce: `kcat -P -l <file>` with librdkafka's defaults (acks=all,
 *   linger.ms=5, batch.num.messages=10000 stated explicitly), wall time from spawn to exit; records
 *   without key are spread over the 6 partitions by librdkafka's sticky partitioner. The topic's end
 *   offsets are checked afterwards (outside the timing);
 * - kcat consume: `kcat -C -o beginning -e -q -c N` in assign mode (no group), output to /dev/null,
 *   spawn to exit. kcat runs RUNS times per case; the median run is reported;
 * - kafkajs 2.2.4 produce: `producer.send` of 10,000 messages per call, 4 calls in flight, acks=-1;
 *   consume: a new consumer group, `consumer.run({eachBatch})`, timed from GROUP_JOIN to the last
 *   record. Skipped (and said so) when the broker does not advertise the group APIs;
 * - end-to-end latency: confluent-kafka-python (scripts/bench-broker/latency.py), a producer process at
 *   10,000 records/s (linger.ms=0) and a consumer process (assign mode, fetch.wait.max.ms=10,
 *   fetch.min.bytes=1) on a 1-partition topic: 1 s of warm-up, then LATENCY_SECONDS measured;
 *   latency = consumer receive time - producer's send time stamped in the value (CLOCK_MONOTONIC).
 *
 * Reference: the 1-partition log's bytes appended with fs.writeSync (1 MiB writes) into new files by
 * this process, its CPU time per million records (pageCacheAppendCpuSecondsPerMillion): on this VM
 * the first touch of page cache memory is slow, and that kernel time is part of the broker's produce
 * CPU whatever the broker does.
 *
 * Broker CPU: utime+stime of /proc/<broker pid>/stat (all threads; clock ticks of 10 ms) before and
 * after each phase. brokerCpuSecondsPerMillionProduced/Consumed pool the kcat runs (1 and 6
 * partitions): total broker CPU seconds / millions of records. Peak RSS: VmHWM of
 * /proc/<pid>/status at the end; brokerPeakRssMB is in MiB (2^20 bytes), the unit of its target.
 * Throughput: records/s and MB/s of record values (100 bytes each; MB = 10^6 bytes).
 *
 * Prints human-readable lines as it goes, then as its LAST line one JSON object:
 * {"results": [{"client", "direction", "partitions", "recordsPerSec", "MBps", "brokerCpuSecondsPerMillion"}],
 *  "brokerCpuSecondsPerMillionProduced", "brokerCpuSecondsPerMillionConsumed", "brokerPeakRssMB",
 *  "e2eLatencyP50Ms", "e2eLatencyP99Ms", ...details}.
 *
 * Run: `npm run build && npm run bench:broker` (options: `-- --quick`, `--records N`, `--runs R`,
 * `--skip-kafkajs`, `--latency-seconds S` (0 skips), `--cpu-prof <dir>` to profile the broker with
 * `node --cpu-prof` and print its hottest functions per phase). Needs kcat and /usr/bin/python3 with
 * confluent_kafka (Debian packages kcat, python3-confluent-kafka). Every child process has a time
 * limit.
 */
import { Command, InvalidArgumentError } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUP_API_KEYS, fetchApiVersions } from './bench-broker/api-versions.js';
import { kafkajsConsume, kafkajsProduce } from './bench-broker/kafkajs-client.js';
import { CLK_TCK, cpuTicks, killAll, peakRssKiB, run, runOk, startBroker, type BrokerProcess, type RunOptions } from './bench-broker/proc.js';
import { monotonicUs, newestProfile, summarizeProfile, type Window } from './bench-broker/profile.js';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // dist/scripts
const ROOT = path.resolve(HERE, '..', '..');
const SERVER_START = path.join(HERE, 'kafka-server-start.js');
const PY_DIR = path.join(ROOT, 'scripts', 'bench-broker');
const PYTHON = '/usr/bin/python3';
const KCAT = 'kcat';
const VALUE_BYTES = 100;

// ---- targets (from the issue) -----------------------------------------------------------------------
const TARGET = {
  kcatProduceP1: 0.95 * 1.67e6,
  kcatConsumeP1: 0.95 * 3.1e6,
  cpuProducedPerM: 0.3,
  cpuConsumedPerM: 0.08,
  peakRssMiB: 200,
  p99Ms: 1.3,
  latencyRate: 10_000,
};

// ---- options -------------------------------------------------------------------------------------------
const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const nonNegative = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number >= 0');
  return n;
};
const program = new Command()
  .name('bench-broker')
  .description('Benchmark the kafka-ts broker with kcat, kafkajs and confluent-kafka-python.')
  .option('--records <n>', 'records per timed run', positiveInt)
  .option('--quick', 'smoke run: 100,000 records, one kcat run, 3 s of latency')
  .option('--runs <n>', 'kcat runs per case (the median is reported)', positiveInt)
  .option('--skip-kafkajs', 'do not run the kafkajs cases')
  .option('--latency-seconds <s>', 'seconds of measured end-to-end latency (0 skips it)', nonNegative)
  .option('--cpu-prof <dir>', 'run the broker under node --cpu-prof, keep the profile in <dir> and print its hottest functions per phase')
  .option('--dir <parent>', 'parent of the temporary directory (default: the OS temp dir)')
  .showHelpAfterError();
program.parse();
const opts = program.opts<{ records?: number; quick?: boolean; runs?: number; skipKafkajs?: boolean; latencySeconds?: number; cpuProf?: string; dir?: string }>();
const QUICK = opts.quick === true;
const N = opts.records ?? (QUICK ? 100_000 : 1_000_000);
const RUNS = opts.runs ?? (QUICK ? 1 : 5);
const LATENCY_SECONDS = opts.latencySeconds ?? (QUICK ? 3 : 8);
const LATENCY_WARMUP_SECONDS = 1;
const PROF_DIR = opts.cpuProf ? path.resolve(opts.cpuProf) : undefined;
/** Time limit of one kcat run: generous (a run of 1 M records takes about a second). */
const KCAT_TIMEOUT_MS = 60_000 + N / 10;
const KAFKAJS_TIMEOUT_MS = 120_000 + N / 5;

// ---- helpers --------------------------------------------------------------------------------------------
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Write `n` lines of VALUE_BYTES bytes each (plus '\n') to `file`: a 10-digit record number and filler. */
function writeRecordsFile(file: string, n: number): void {
  const line = VALUE_BYTES + 1;
  const perChunk = 10_000;
  const chunk = Buffer.alloc(perChunk * line, 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_');
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < n; i += perChunk) {
      const k = Math.min(perChunk, n - i);
      for (let j = 0; j < k; j++) {
        chunk.write(String(i + j).padStart(10, '0'), j * line, 'latin1');
        chunk[j * line + VALUE_BYTES] = 0x0a;
      }
      fs.writeSync(fd, chunk, 0, k * line);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Total size in bytes of the `.log` files in directory `dir`. */
function dirBytes(dir: string): number {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
}

/**
 * Append `bytes` bytes to the new file `file` with fs.writeSync in 1 MiB writes (no fsync); returns
 * this process's CPU time for it (user + system, seconds) and the wall time (ms). The file is kept
 * (until the temporary directory goes) so that every run lands on page cache memory not used before.
 */
function rawAppend(file: string, bytes: number): { cpuS: number; ms: number } {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  const fd = fs.openSync(file, 'wx');
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let pos = 0; pos < bytes; ) {
      const n = Math.min(chunk.length, bytes - pos);
      pos += fs.writeSync(fd, chunk, 0, n, pos);
    }
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { cpuS: (c.user + c.system) / 1e6, ms };
  } finally {
    fs.closeSync(fd);
  }
}

/** One measured phase: wall time (ms) and broker CPU ticks. */
interface Phase {
  name: string;
  records: number;
  ms: number;
  ticks: number;
}

interface ResultRow {
  client: string;
  direction: 'produce' | 'consume';
  partitions: number;
  recordsPerSec: number;
  MBps: number;
  brokerCpuSecondsPerMillion: number;
}

class Bench {
  readonly phases: Phase[] = [];
  readonly windows: Window[] = [];
  readonly notes: string[] = [];
  readonly results: ResultRow[] = [];

  constructor(readonly broker: BrokerProcess) {}

  /** Run `fn` as a phase: broker CPU ticks and the profile window around it; returns fn's result. */
  async phase<T extends { records: number; ms: number }>(name: string, fn: () => Promise<T>): Promise<T & { ticks: number }> {
    const w0 = monotonicUs();
    const c0 = cpuTicks(this.broker.pid);
    const r = await fn();
    const ticks = cpuTicks(this.broker.pid) - c0;
    this.windows.push({ name, startUs: w0, endUs: monotonicUs() });
    this.phases.push({ name, records: r.records, ms: r.ms, ticks });
    return { ...r, ticks };
  }

  /** Print one phase line: rate, MB/s, broker CPU. */
  report(name: string, records: number, ms: number, ticks: number, extra = ''): void {
    const rps = records / (ms / 1000);
    const cpuPerM = ticks / CLK_TCK / (records / 1e6);
    console.log(
      `  ${name.padEnd(34)} ${fmt(records).padStart(10)} records in ${fmt(ms).padStart(6)} ms = ${fmt(rps).padStart(10)} records/s ${fmt((rps * VALUE_BYTES) / 1e6, 1).padStart(6)} MB/s; broker CPU ${fmt(ticks / CLK_TCK, 2)} s = ${fmt(cpuPerM, 3)} s/M records${extra}`,
    );
  }

  addResult(client: string, direction: 'produce' | 'consume', partitions: number, records: number, ms: number, ticks: number): void {
    const rps = records / (ms / 1000);
    this.results.push({
      client,
      direction,
      partitions,
      recordsPerSec: Math.round(rps),
      MBps: round((rps * VALUE_BYTES) / 1e6, 1),
      brokerCpuSecondsPerMillion: round(ticks / CLK_TCK / (records / 1e6), 3),
    });
  }
}

async function createTopics(bootstrap: string, specs: string[]): Promise<void> {
  const r = await run(PYTHON, [path.join(PY_DIR, 'admin.py'), 'create', bootstrap, ...specs], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`creating topics ${specs.join(' ')} failed: ${r.stdout.trim()} ${r.stderr.trim()}`);
}

async function endOffsets(bootstrap: string, topic: string): Promise<number[]> {
  const r = await runOk(PYTHON, [path.join(PY_DIR, 'admin.py'), 'offsets', bootstrap, topic], { timeoutMs: 60_000 });
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { endOffsets: number[] }).endOffsets;
}

/** kcat produce of the records file to `topic`; checks the topic then holds `n` records. */
async function kcatProduce(b: BrokerProcess, file: string, topic: string, n: number): Promise<{ records: number; ms: number }> {
  const r = await runOk(KCAT, ['-b', b.bootstrap, '-P', '-t', topic, '-l', file, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000'], { timeoutMs: KCAT_TIMEOUT_MS });
  return { records: n, ms: r.ms };
}

async function checkTopicHolds(b: BrokerProcess, topic: string, n: number): Promise<number[]> {
  const ends = await endOffsets(b.bootstrap, topic);
  const total = ends.reduce((a, x) => a + x, 0);
  if (total !== n) throw new Error(`topic ${topic} holds ${total} records after the produce (end offsets ${ends.join(', ')}), expected ${n}`);
  return ends;
}

/** kcat consume of `topic` from the beginning (assign mode), `n` records, output discarded. */
async function kcatConsume(b: BrokerProcess, topic: string, n: number): Promise<{ records: number; ms: number }> {
  const o: RunOptions = { timeoutMs: KCAT_TIMEOUT_MS, stdout: 'ignore' };
  const r = await runOk(KCAT, ['-b', b.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-c', String(n)], o);
  return { records: n, ms: r.ms };
}

interface LatencyResult {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
  lost: number;
  outOfOrder: number;
  sawEnd: boolean;
  /** The consumer process's CPU time (user + system), seconds. */
  cpuSeconds: number;
  producer: { sent: number; measured: number; seconds: number; ratePerSec: number; deliveryErrors: number; cpuSeconds: number };
}

/** The latency test: consumer process first (waits for its READY), then the producer process. */
async function latencyTest(b: BrokerProcess, topic: string): Promise<LatencyResult & { records: number; ms: number }> {
  const limitMs = (LATENCY_WARMUP_SECONDS + LATENCY_SECONDS) * 1000 + 60_000;
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const consumer = run(PYTHON, [path.join(PY_DIR, 'latency.py'), 'consume', b.bootstrap, topic, String(limitMs / 1000 - 10)], {
    timeoutMs: limitMs,
    onLine: (l) => {
      if (l.trim() === 'READY') readyResolve();
    },
  });
  await Promise.race([ready, consumer.then((r) => Promise.reject(new Error(`latency consumer exited before READY: ${r.stderr}`)))]);
  const t0 = performance.now();
  const producer = await runOk(PYTHON, [path.join(PY_DIR, 'latency.py'), 'produce', b.bootstrap, topic, String(TARGET.latencyRate), String(LATENCY_WARMUP_SECONDS), String(LATENCY_SECONDS)], { timeoutMs: limitMs });
  const c = await consumer;
  const ms = performance.now() - t0;
  const lastJson = (s: string): unknown => JSON.parse(s.trim().split('\n').filter((l) => l.startsWith('{')).pop() ?? 'null');
  const cons = lastJson(c.stdout) as Omit<LatencyResult, 'producer'> | null;
  if (c.code !== 0 || !cons) throw new Error(`latency consumer failed (${c.code}): ${c.stdout} ${c.stderr}`);
  const prod = lastJson(producer.stdout) as LatencyResult['producer'];
  return { ...cons, producer: prod, records: prod.sent, ms };
}

async function main(): Promise<void> {
  if (!fs.existsSync(SERVER_START)) throw new Error(`${SERVER_START} is missing: run npm run build first`);
  const parent = path.resolve(opts.dir ?? os.tmpdir());
  const base = fs.mkdtempSync(path.join(parent, 'kafka-ts-bench-broker-'));
  let broker: BrokerProcess | undefined;
  const cleanup = (): void => {
    killAll();
    fs.rmSync(base, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const logDir = path.join(base, 'data');
    const props = path.join(base, 'server.properties');
    fs.writeFileSync(
      props,
      ['node.id=0', 'listeners=PLAINTEXT://127.0.0.1:0', 'http.enabled=false', `log.dirs=${logDir}`, 'num.partitions=1', 'auto.create.topics.enable=true', 'group.initial.rebalance.delay.ms=0', ''].join('\n'),
    );
    const recordsFile = path.join(base, 'records.txt');
    const need = N * (VALUE_BYTES + 1) + (RUNS * 2 + 2 + 2 + 1) * N * (VALUE_BYTES + 70);
    const st = fs.statfsSync(base);
    if (st.bavail * st.bsize < need) throw new Error(`need about ${fmt(need / 1e9, 1)} GB free under ${parent}, have ${fmt((st.bavail * st.bsize) / 1e9, 1)} GB`);
    writeRecordsFile(recordsFile, N);

    const nodeArgs = PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR] : [];
    if (PROF_DIR) fs.mkdirSync(PROF_DIR, { recursive: true });
    broker = await startBroker(SERVER_START, props, nodeArgs, 30_000);
    const b = broker;
    const bench = new Bench(b);
    const kcatVersion = (await run(KCAT, ['-V'], { timeoutMs: 10_000 })).stdout.match(/librdkafka ([\d.]+)/)?.[1] ?? '?';
    console.log(`broker benchmark${QUICK ? ' (--quick)' : ''}: ${fmt(N)} records of ${VALUE_BYTES} bytes per timed run; kcat runs per case: ${RUNS}; node ${process.version}, ${os.availableParallelism()} CPUs; MB = 10^6 bytes`);
    console.log(`broker pid ${b.pid} at ${b.bootstrap}${PROF_DIR ? ` (node --cpu-prof, profile in ${PROF_DIR})` : ''}; log dir ${logDir}; kcat with librdkafka ${kcatVersion}`);

    const apis = await fetchApiVersions('127.0.0.1', b.port, 10_000);
    const keys = new Set(apis.map((a) => a.apiKey));
    const missingGroup = Object.entries(GROUP_API_KEYS).filter(([k]) => !keys.has(Number(k))).map(([, name]) => name);
    const groupsAvailable = missingGroup.length === 0;
    console.log(`ApiVersions: ${apis.length} API keys (${[...keys].sort((x, y) => x - y).join(', ')}); group APIs ${groupsAvailable ? 'present' : `missing: ${missingGroup.join(', ')}`}; CreateTopics ${keys.has(19) ? 'present' : 'missing'}`);
    if (!keys.has(19)) throw new Error('the broker does not advertise CreateTopics (API key 19), needed for the 6-partition topics');

    const topics: string[] = ['warmup-p1:1', 'warmup-p6:6', 'latency-p1:1'];
    for (let r = 0; r < RUNS; r++) topics.push(`kcat-p1-r${r}:1`, `kcat-p6-r${r}:6`);
    if (!opts.skipKafkajs) topics.push('kafkajs-warmup:6', 'kafkajs-p1:1', 'kafkajs-p6:6');
    await createTopics(b.bootstrap, topics);

    // ---- warm-up
    console.log('warm-up (not counted):');
    for (const p of [1, 6]) {
      const pr = await bench.phase(`warm-up kcat produce ${p}p`, () => kcatProduce(b, recordsFile, `warmup-p${p}`, N));
      bench.report(`kcat produce, ${p} partition(s)`, pr.records, pr.ms, pr.ticks);
      await checkTopicHolds(b, `warmup-p${p}`, N);
      const cr = await bench.phase(`warm-up kcat consume ${p}p`, () => kcatConsume(b, `warmup-p${p}`, N));
      bench.report(`kcat consume, ${p} partition(s)`, cr.records, cr.ms, cr.ticks);
    }

    // ---- kcat
    console.log(`kcat (librdkafka ${kcatVersion}), ${RUNS} run(s) per case; -P -X linger.ms=5 -X batch.num.messages=10000 (acks=all); -C -o beginning -e -q (assign mode):`);
    const kcatRuns: Record<string, Phase[]> = { 'produce-1': [], 'produce-6': [], 'consume-1': [], 'consume-6': [] };
    for (let r = 0; r < RUNS; r++) {
      for (const p of [1, 6]) {
        const topic = `kcat-p${p}-r${r}`;
        await sleep(200);
        const pr = await bench.phase(`kcat produce ${p}p`, () => kcatProduce(b, recordsFile, topic, N));
        const ends = await checkTopicHolds(b, topic, N);
        bench.report(`run ${r + 1}: kcat produce, ${p} partition(s)`, pr.records, pr.ms, pr.ticks, p > 1 ? ` (per partition: ${ends.join(', ')})` : '');
        kcatRuns[`produce-${p}`]!.push({ name: topic, ...pr });
        await sleep(200);
        const cr = await bench.phase(`kcat consume ${p}p`, () => kcatConsume(b, topic, N));
        bench.report(`run ${r + 1}: kcat consume, ${p} partition(s)`, cr.records, cr.ms, cr.ticks);
        kcatRuns[`consume-${p}`]!.push({ name: topic, ...cr });
      }
    }
    const medianRun = (runs: Phase[]): Phase => [...runs].sort((x, y) => x.ms - y.ms)[(runs.length - 1) >> 1]!;
    console.log('kcat, median runs:');
    for (const dir of ['produce', 'consume'] as const) {
      for (const p of [1, 6]) {
        const runs = kcatRuns[`${dir}-${p}`]!;
        const m = medianRun(runs);
        const medTicks = median(runs.map((x) => x.ticks));
        bench.report(`kcat ${dir}, ${p} partition(s)`, m.records, m.ms, medTicks);
        bench.addResult('kcat', dir, p, m.records, m.ms, medTicks);
      }
    }
    // Reference: the same number of log bytes appended with fs.writeSync into new files by this process.
    const logBytes = dirBytes(path.join(logDir, 'kcat-p1-r0-0'));
    const refs: { cpuS: number; ms: number }[] = [];
    for (let r = 0; r < Math.min(RUNS, 3); r++) refs.push(rawAppend(path.join(base, `page-cache-ref-${r}.bin`), logBytes));
    const ref = [...refs].sort((x, y) => x.cpuS - y.cpuS)[(refs.length - 1) >> 1]!;
    const refPerM = ref.cpuS / (N / 1e6);
    console.log(
      `  reference: fs.writeSync of the same ${fmt(logBytes / 1e6, 1)} MB (the 1-partition log) into a new file from this process, 1 MiB writes: ${fmt(ref.cpuS, 3)} s CPU (= ${fmt(refPerM, 3)} s/M records), ${fmt(ref.ms)} ms (median of ${refs.length}: ${refs.map((x) => fmt(x.cpuS, 3)).join(', ')} s): what the kernel charges for filling new page cache pages on this VM (varies with how recently the memory was used), part of the broker's produce CPU`,
    );
    const pooled = (dir: string): number => {
      const runs = [...kcatRuns[`${dir}-1`]!, ...kcatRuns[`${dir}-6`]!];
      return runs.reduce((a, x) => a + x.ticks, 0) / CLK_TCK / (runs.reduce((a, x) => a + x.records, 0) / 1e6);
    };
    const cpuProduced = pooled('produce');
    const cpuConsumed = pooled('consume');

    // ---- kafkajs
    if (!opts.skipKafkajs) {
      const batchSize = 5_000; // 10,000 records of 100 B make a 1-partition batch over message.max.bytes (1 MiB)
      const inFlight = 4;
      console.log(`kafkajs 2.2.4 (in this process): producer.send of ${fmt(batchSize)} messages, ${inFlight} in flight, acks=-1; consumer group with eachBatch${groupsAvailable ? '' : ' (SKIPPED: the broker lacks the group APIs)'}:`);
      if (!groupsAvailable) bench.notes.push(`kafkajs consume not measured: the broker does not advertise ${missingGroup.join(', ')}`);
      const warmN = Math.min(N, 200_000);
      const wp = await bench.phase('warm-up kafkajs produce', () => kafkajsProduce({ bootstrap: b.bootstrap, topic: 'kafkajs-warmup', records: warmN, valueBytes: VALUE_BYTES, batchSize, inFlight, acks: -1, timeoutMs: KAFKAJS_TIMEOUT_MS }));
      bench.report('warm-up: kafkajs produce, 6 partitions', wp.records, wp.ms, wp.ticks);
      if (groupsAvailable) {
        const wc = await bench.phase('warm-up kafkajs consume', () => kafkajsConsume({ bootstrap: b.bootstrap, topic: 'kafkajs-warmup', groupId: 'bench-warmup', records: warmN, timeoutMs: KAFKAJS_TIMEOUT_MS }));
        bench.report('warm-up: kafkajs consume, 6 partitions', wc.records, wc.ms, wc.ticks, ` (group join ${fmt(wc.joinMs ?? 0)} ms, not counted)`);
      }
      for (const p of [1, 6]) {
        const topic = `kafkajs-p${p}`;
        await sleep(200);
        const pr = await bench.phase(`kafkajs produce ${p}p`, () => kafkajsProduce({ bootstrap: b.bootstrap, topic, records: N, valueBytes: VALUE_BYTES, batchSize, inFlight, acks: -1, timeoutMs: KAFKAJS_TIMEOUT_MS }));
        await checkTopicHolds(b, topic, N);
        bench.report(`kafkajs produce, ${p} partition(s)`, pr.records, pr.ms, pr.ticks);
        bench.addResult('kafkajs', 'produce', p, pr.records, pr.ms, pr.ticks);
        if (groupsAvailable) {
          await sleep(200);
          const cr = await bench.phase(`kafkajs consume ${p}p`, () => kafkajsConsume({ bootstrap: b.bootstrap, topic, groupId: `bench-${topic}`, records: N, timeoutMs: KAFKAJS_TIMEOUT_MS }));
          bench.report(`kafkajs consume, ${p} partition(s)`, cr.records, cr.ms, cr.ticks, ` (group join ${fmt(cr.joinMs ?? 0)} ms, not counted)`);
          bench.addResult('kafkajs', 'consume', p, cr.records, cr.ms, cr.ticks);
        }
      }
    } else bench.notes.push('kafkajs skipped (--skip-kafkajs)');

    // ---- latency
    let latency: (LatencyResult & { ticks: number; ms: number }) | undefined;
    if (LATENCY_SECONDS > 0) {
      console.log(`end-to-end latency, confluent-kafka-python (librdkafka), ${fmt(TARGET.latencyRate)} records/s to 1 partition, ${LATENCY_WARMUP_SECONDS} s warm-up + ${LATENCY_SECONDS} s measured; producer linger.ms=0, consumer fetch.wait.max.ms=10 fetch.min.bytes=1, separate processes:`);
      await sleep(200);
      latency = await bench.phase('latency', () => latencyTest(b, 'latency-p1'));
      const l = latency;
      console.log(
        `  ${fmt(l.count)} records measured at ${fmt(l.producer.ratePerSec)} records/s: p50 ${fmt(l.p50Ms, 3)} ms, p90 ${fmt(l.p90Ms, 3)} ms, p99 ${fmt(l.p99Ms, 3)} ms, p99.9 ${fmt(l.p999Ms, 3)} ms, max ${fmt(l.maxMs, 3)} ms, mean ${fmt(l.meanMs, 3)} ms` +
          `; lost ${l.lost}, out of order ${l.outOfOrder}, delivery errors ${l.producer.deliveryErrors}; broker CPU ${fmt(l.ticks / CLK_TCK, 2)} s over ${fmt(l.ms / 1000, 1)} s (${fmt((100 * l.ticks) / CLK_TCK / (l.ms / 1000), 1)}% of a core)` +
          `; client CPU: producer ${fmt(l.producer.cpuSeconds, 2)} s, consumer ${fmt(l.cpuSeconds, 2)} s (this VM has ${os.availableParallelism()} vCPUs)`,
      );
      if (l.lost > 0 || l.outOfOrder > 0 || l.producer.deliveryErrors > 0) bench.notes.push(`latency test: lost ${l.lost}, out of order ${l.outOfOrder}, delivery errors ${l.producer.deliveryErrors}`);
    } else bench.notes.push('latency test skipped (--latency-seconds 0)');

    // ---- broker memory, stop
    const peakMiB = peakRssKiB(b.pid) / 1024;
    const profWindows = bench.windows;
    const code = await b.stop(30_000);
    broker = undefined;
    if (code !== 0) bench.notes.push(`the broker exited with status ${code} on SIGTERM`);
    if (b.warnings.length > 0) {
      console.log(`broker warnings/errors (${b.warnings.length}, last 5):`);
      for (const w of b.warnings.slice(-5)) console.log(`  ${w.slice(0, 400)}`);
    }

    // ---- profile
    if (PROF_DIR) {
      const file = newestProfile(PROF_DIR);
      if (!file) bench.notes.push(`no .cpuprofile found in ${PROF_DIR}`);
      else {
        const names = [...new Set(profWindows.filter((w) => !w.name.startsWith('warm-up')).map((w) => w.name))];
        console.log(`broker CPU profile ${file}: hottest functions by self time per phase (percent of non-idle samples):`);
        for (const name of names) {
          const ws = profWindows.filter((w) => w.name === name);
          const sums = summarizeProfile(file, ws, 15);
          // Merge the per-run summaries of one phase name.
          const merge = (key: 'functions' | 'files'): { name: string; ms: number }[] => {
            const m = new Map<string, number>();
            for (const s of sums) for (const e of s[key]) m.set(e.name, (m.get(e.name) ?? 0) + e.selfMs);
            return [...m.entries()].map(([n, ms]) => ({ name: n, ms })).sort((x, y) => y.ms - x.ms);
          };
          const busy = sums.reduce((a, s) => a + s.busyMs, 0);
          const total = sums.reduce((a, s) => a + s.totalMs, 0);
          console.log(`  ${name} (${ws.length} window(s)): ${fmt(busy)} ms busy of ${fmt(total)} ms sampled`);
          for (const e of merge('functions').slice(0, 15)) console.log(`    ${fmt((100 * e.ms) / busy, 1).padStart(5)}%  ${fmt(e.ms).padStart(6)} ms  ${e.name}`);
          console.log(`    by file: ${merge('files').slice(0, 8).map((e) => `${e.name} ${fmt((100 * e.ms) / busy, 1)}%`).join(', ')}`);
        }
      }
    }

    // ---- targets and JSON
    const get = (client: string, dir: string, p: number): ResultRow | undefined => bench.results.find((r) => r.client === client && r.direction === dir && r.partitions === p);
    const kp1 = get('kcat', 'produce', 1)!;
    const kc1 = get('kcat', 'consume', 1)!;
    console.log('targets:');
    console.log(`  kcat produce, 1 partition: ${fmt(kp1.recordsPerSec)} records/s (>= 0.95 x 1.67 M = ${fmt(TARGET.kcatProduceP1)}: ${verdict(kp1.recordsPerSec >= TARGET.kcatProduceP1)})`);
    console.log(`  kcat consume, 1 partition: ${fmt(kc1.recordsPerSec)} records/s (>= 0.95 x 3.1 M = ${fmt(TARGET.kcatConsumeP1)}: ${verdict(kc1.recordsPerSec >= TARGET.kcatConsumeP1)})`);
    console.log(`  broker CPU per million records produced (kcat, 1 and 6 partitions pooled): ${fmt(cpuProduced, 3)} s (<= ${TARGET.cpuProducedPerM}: ${verdict(cpuProduced <= TARGET.cpuProducedPerM)})`);
    console.log(`  broker CPU per million records consumed (kcat, 1 and 6 partitions pooled): ${fmt(cpuConsumed, 3)} s (<= ${TARGET.cpuConsumedPerM}: ${verdict(cpuConsumed <= TARGET.cpuConsumedPerM)})`);
    console.log(`  broker peak RSS (VmHWM): ${fmt(peakMiB, 1)} MiB (< ${TARGET.peakRssMiB} MiB: ${verdict(peakMiB < TARGET.peakRssMiB)})`);
    if (latency) console.log(`  end-to-end p99 at ${fmt(TARGET.latencyRate)} records/s: ${fmt(latency.p99Ms, 3)} ms (< ${TARGET.p99Ms} ms: ${verdict(latency.p99Ms < TARGET.p99Ms)}); p50 ${fmt(latency.p50Ms, 3)} ms`);
    else console.log('  end-to-end latency: not measured');
    for (const n of bench.notes) console.log(`note: ${n}`);

    const result = {
      results: bench.results,
      brokerCpuSecondsPerMillionProduced: round(cpuProduced, 3),
      brokerCpuSecondsPerMillionConsumed: round(cpuConsumed, 3),
      brokerPeakRssMB: round(peakMiB, 1),
      pageCacheAppendCpuSecondsPerMillion: round(refPerM, 3),
      e2eLatencyP50Ms: latency ? round(latency.p50Ms, 3) : null,
      e2eLatencyP99Ms: latency ? round(latency.p99Ms, 3) : null,
      e2eLatencyP999Ms: latency ? round(latency.p999Ms, 3) : null,
      e2eLatencyRecords: latency?.count ?? 0,
      records: N,
      kcatRuns: RUNS,
      quick: QUICK,
      notes: bench.notes,
    };
    console.log(JSON.stringify(result));
  } finally {
    if (broker) await broker.stop(10_000).catch(() => undefined);
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
