/**
 * End to end on real data (issue 8): slices of the two real datasets replayed into the in-process
 * broker by `kafka-replay` (its bundle, run as a child process as a user runs it), then read by both
 * Kafka inputs on wall-clock time, and checked against answers computed directly from the input files:
 *
 * - 50,000 flights (flights-3m.parquet, JSON keyed by origin, 3 partitions) through the flight-delays
 *   job (streaming-kafka/jobs/flight-delays.ts): the final running totals vs `exactFlightTotals`;
 * - 50,000 body lines of the SpamAssassin corpus (keyed by message, 3 partitions) through a word
 *   count: the counts vs a count made directly from `readMailLines`.
 *
 * Direct stream (createDirectStream, rate-limited so that the backlog spans several batches): the
 * answers are exact, and every offset of every partition is in exactly one batch's offset ranges.
 * Receiver stream (createStream with the write-ahead log: ReliableKafkaReceiver, embedded
 * coordination store): at-least-once with no loss — every offset is in at least one block's Kafka
 * ranges and every per-airport / per-word count is at least the exact one; the duplicates (offsets in
 * more than one block, extra flights, extra words) are measured and printed. Without failures there
 * are none; so the mail slice also goes through a Receiver stream stopped (not gracefully) mid-stream
 * and recovered with `StreamingContext.getOrCreate` (checkpoint, driver log and receiver WAL, same
 * consumer group): nothing is lost, and the batches rerun after recovery (the checkpoint's own batch,
 * as Spark) give the measured duplicates (about one batch: 8,000-10,000 lines in the runs so far).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/admin/index.js';
import { StreamingContext, blockInfosOf, type DStream } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, offsetRangesOf, type KafkaBlockMetadata } from '../../streaming-kafka/kafka/index.js';
import { readFlights } from '../../streaming-kafka/data/flights.js';
import { readMailLines } from '../../streaming-kafka/data/mail.js';
import { diffFlightTotals, exactFlightTotals, flightDelays, type FlightBatchResult, type OriginTotals } from '../../streaming-kafka/jobs/flight-delays.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { memoryLogger, tempDir } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPLAY = bundleChildScript(path.join(HERE, '../../scripts/kafka-replay.ts'));

const FLIGHTS = 50_000;
const LINES = 50_000;
const PARTITIONS = 3;
const BATCH_MS = 400;
/** Direct stream: 3,000 records/s per partition = at most 1,200 per partition per 400 ms batch (several batches). */
const DIRECT_MAX_RATE_PER_PARTITION = 3000;
/** Receiver: at most 20,000 records/s (the receiver's one BlockGenerator), so that the slice spans several batches and many blocks. */
const RECEIVER_MAX_RATE = 20_000;
/** Wall-clock limit of one stream run (generous: 2 shared vCPUs). */
const RUN_DEADLINE_MS = 25_000;

let broker: TestBroker;
/** End offset (= record count: a fresh topic, no transactions) per partition of each topic. */
const ends = new Map<string, number[]>();
let exactTotals: Record<string, OriginTotals>;
let exactWords: Map<string, number>;
let current: StreamingContext | undefined;

/** The words of a line: maximal runs of non-whitespace (the same function in the stream and in the direct count). */
function words(line: string): string[] {
  return line.split(/\s+/).filter((w) => w !== '');
}

/** Run kafka-replay's bundle to completion. */
function replay(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [REPLAY, '--bootstrap-server', broker.bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

beforeAll(async () => {
  broker = await startBroker({ 'auto.create.topics.enable': false });
  const [f, m] = await Promise.all([
    replay(['--topic', 'flights', '--dataset', 'flights', '--limit', String(FLIGHTS), '--create-topic', '--partitions', String(PARTITIONS)]),
    replay(['--topic', 'mail', '--dataset', 'mail', '--limit', String(LINES), '--create-topic', '--partitions', String(PARTITIONS)]),
  ]);
  expect(f.code, f.stderr).toBe(0);
  expect(m.code, m.stderr).toBe(0);
  expect(f.stdout).toContain(`Replayed ${FLIGHTS} records`);
  expect(m.stdout).toContain(`Replayed ${LINES} records`);
  const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
  try {
    for (const [topic, n] of [['flights', FLIGHTS], ['mail', LINES]] as const) {
      const query = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition, spec: 'latest' as const }));
      const latest = await admin.listOffsets(query);
      const perPartition = query.map((q) => latest.get(`${topic}-${q.partition}`)!);
      expect(perPartition.reduce((a, b) => a + b, 0)).toBe(n);
      for (const e of perPartition) expect(e).toBeGreaterThan(0); // every partition has records
      ends.set(topic, perPartition);
    }
  } finally {
    await admin.close();
  }
  // The answers, computed directly from the files.
  exactTotals = await exactFlightTotals(readFlights({ limit: FLIGHTS }));
  exactWords = new Map();
  for (const line of readMailLines({ limit: LINES })) for (const w of words(line)) exactWords.set(w, (exactWords.get(w) ?? 0) + 1);
}, 90_000);

afterEach(async () => {
  await current?.stop();
  current = undefined;
});
afterAll(async () => {
  await broker?.stop();
});

/** How often each offset of each partition of `topic` was covered. */
class Coverage {
  readonly counts: Uint32Array[];
  constructor(readonly topic: string) {
    this.counts = ends.get(topic)!.map((e) => new Uint32Array(e));
  }
  add(r: { topic: string; partition: number; fromOffset: number; untilOffset: number }): void {
    expect(r.topic).toBe(this.topic);
    const c = this.counts[r.partition]!;
    expect(r.fromOffset).toBeGreaterThanOrEqual(0);
    expect(r.untilOffset).toBeLessThanOrEqual(c.length);
    for (let o = r.fromOffset; o < r.untilOffset; o++) c[o]!++;
  }
  /** Offsets never covered, offsets covered more than once, and the extra coverings (Σ (n − 1) over n > 1). */
  summary(): { missing: number; multiple: number; extra: number } {
    let missing = 0;
    let multiple = 0;
    let extra = 0;
    for (const c of this.counts) {
      for (const n of c) {
        if (n === 0) missing++;
        else if (n > 1) {
          multiple++;
          extra += n - 1;
        }
      }
    }
    return { missing, multiple, extra };
  }
  complete(): boolean {
    return this.counts.every((c) => c.every((n) => n > 0));
  }
}

/** A context on the system clock, checkpointed (the flight job's state and window need it) in `checkpointDir` (default: a new temp dir). */
function context(conf: Record<string, string | number | boolean>, checkpointDir = tempDir('real-data-e2e-')): { ssc: StreamingContext; completed: number[] } {
  const ssc = new StreamingContext({ batchDurationMs: BATCH_MS, logger: memoryLogger(), conf, stopOnShutdown: false });
  current = ssc;
  ssc.checkpoint(checkpointDir);
  const completed: number[] = [];
  ssc.addStreamingListener({ onBatchCompleted: ({ batchInfo }) => void completed.push(batchInfo.batchTime) });
  return { ssc, completed };
}

/** The Direct stream over every partition of `topic` with its offset ranges recorded per batch (first output operation). */
function directInput(ssc: StreamingContext, topic: string, coverage: Coverage): { values: DStream<string>; batches: Map<number, number> } {
  const params = { 'bootstrap.servers': broker.bootstrap, 'group.id': `e2e-direct-${topic}`, 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 };
  const stream = KafkaUtils.createDirectStream(ssc, {
    locationStrategy: LocationStrategies.PreferConsistent,
    consumerStrategy: ConsumerStrategies.Assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition })), params),
  });
  const batches = new Map<number, number>(); // batch time → records in its ranges
  stream.foreachRDD((data, time) => {
    let n = 0;
    for (const r of offsetRangesOf(data)) {
      coverage.add(r);
      n += r.untilOffset - r.fromOffset;
    }
    expect(data.count()).toBe(n); // the batch holds exactly its ranges' records
    batches.set(time, n);
  });
  return { values: stream.map((r) => r.value!.toString()), batches };
}

/** The Receiver stream (ReliableKafkaReceiver: the WAL is on) with its blocks' Kafka ranges recorded per batch (first output operation). */
function receiverInput(ssc: StreamingContext, topic: string, work: string, coverage: Coverage): { values: DStream<string>; blocks: { n: number; records: number } } {
  const params = { 'zookeeper.connect': path.join(work, 'zk'), 'group.id': `e2e-receiver-${topic}`, 'bootstrap.servers': broker.bootstrap, 'auto.offset.reset': 'smallest' };
  const stream = KafkaUtils.createStream(ssc, params, { [topic]: PARTITIONS });
  expect(stream.useReliableReceiver).toBe(true);
  const blocks = { n: 0, records: 0 };
  stream.foreachRDD((data) => {
    for (const b of blockInfosOf(data)) {
      const ranges = (b.metadata as KafkaBlockMetadata).ranges;
      let inRanges = 0;
      for (const r of ranges) {
        coverage.add(r);
        inRanges += r.untilOffset - r.fromOffset;
      }
      expect(b.numRecords).toBe(inRanges); // a block's records are exactly its ranges' offsets
      blocks.n++;
      blocks.records += b.numRecords;
    }
  });
  return { values: stream.map(([, v]) => v!), blocks };
}

/** Wait (polling) until `cond` holds; fails after RUN_DEADLINE_MS. */
async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + RUN_DEADLINE_MS;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${RUN_DEADLINE_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const RECEIVER_CONF = {
  'spark.streaming.receiver.writeAheadLog.enable': true,
  'spark.streaming.blockInterval': 100,
  'spark.streaming.receiver.maxRate': RECEIVER_MAX_RATE,
};

describe(`${FLIGHTS.toLocaleString('en-US')} real flights through the flight-delays job`, () => {
  it('Direct stream: the final running totals equal exactFlightTotals exactly; every offset is in exactly one batch', async () => {
    const t0 = Date.now();
    const { ssc, completed } = context({ 'spark.streaming.kafka.maxRatePerPartition': DIRECT_MAX_RATE_PER_PARTITION });
    const coverage = new Coverage('flights');
    const { values, batches } = directInput(ssc, 'flights', coverage);
    const results: FlightBatchResult[] = [];
    flightDelays(values, { windowMs: 4 * BATCH_MS, slideMs: 2 * BATCH_MS, onBatch: (r) => void results.push(r) });
    await ssc.start();
    await until('every flight in the running totals', () => (results.at(-1)?.total.count ?? 0) >= FLIGHTS);
    const last = results.at(-1)!.batchTime;
    await until('the batch to complete', () => completed.includes(last));
    await ssc.stop();
    const seconds = (Date.now() - t0) / 1000;

    expect(coverage.summary()).toEqual({ missing: 0, multiple: 0, extra: 0 });
    const final = results.at(-1)!;
    expect(final.totals).toEqual(exactTotals);
    expect(diffFlightTotals(exactTotals, final.totals)).toEqual({ equal: true, lost: 0, duplicated: 0, mismatched: [] });
    expect(final.total.count).toBe(FLIGHTS);
    // Each batch's records (counted by the job) are its offset ranges' records.
    for (const r of results) expect(r.records).toBe(batches.get(r.batchTime));
    const nonEmpty = results.filter((r) => r.records > 0).length;
    expect(nonEmpty).toBeGreaterThanOrEqual(Math.ceil(Math.max(...ends.get('flights')!) / ((DIRECT_MAX_RATE_PER_PARTITION * BATCH_MS) / 1000)));
    console.log(`[e2e] flights Direct: ${FLIGHTS} flights, ${Object.keys(exactTotals).length} airports, ${nonEmpty} non-empty batches of ${BATCH_MS} ms, exact totals, 0 duplicates, ${seconds.toFixed(1)} s`);
  }, 60_000);

  it('Receiver stream with the write-ahead log: every offset in at least one block, totals ≥ exact per airport (duplicates measured)', async () => {
    const t0 = Date.now();
    const { ssc, completed } = context(RECEIVER_CONF);
    const coverage = new Coverage('flights');
    const { values, blocks } = receiverInput(ssc, 'flights', ssc.checkpointDir!, coverage);
    const results: FlightBatchResult[] = [];
    flightDelays(values, { windowMs: 4 * BATCH_MS, slideMs: 2 * BATCH_MS, onBatch: (r) => void results.push(r) });
    // Last output operation: the first batch after which every offset is in a block; what was output up to it.
    let done: { time: number; cov: ReturnType<Coverage['summary']>; blocks: number; records: number; final: FlightBatchResult; batches: number } | undefined;
    values.foreachRDD((_, time) => {
      if (done === undefined && coverage.complete()) {
        done = { time, cov: coverage.summary(), blocks: blocks.n, records: blocks.records, final: results.at(-1)!, batches: results.filter((r) => r.records > 0).length };
      }
    });
    await ssc.start();
    await until('every offset in a block', () => done !== undefined);
    await until('the batch to complete', () => completed.includes(done!.time));
    await ssc.stop();
    const seconds = (Date.now() - t0) / 1000;

    const { cov, final } = done!;
    expect(final.batchTime).toBe(done!.time);
    expect(cov.missing).toBe(0); // no loss
    const diff = diffFlightTotals(exactTotals, final.totals);
    expect(diff.lost).toBe(0);
    for (const [origin, e] of Object.entries(exactTotals)) {
      const a = final.totals[origin];
      expect(a, origin).toBeDefined();
      expect(a!.count, origin).toBeGreaterThanOrEqual(e.count);
      expect(a!.maxDelay, origin).toBeGreaterThanOrEqual(e.maxDelay);
    }
    expect(Object.keys(final.totals).sort()).toEqual(Object.keys(exactTotals)); // no airport from nowhere
    // The flights counted are the blocks' records: duplicated flights = offsets received more than once.
    expect(final.total.count).toBe(done!.records);
    expect(final.total.count - FLIGHTS).toBe(cov.extra);
    expect(diff.duplicated).toBe(cov.extra);
    if (cov.extra === 0) expect(diff.equal).toBe(true);
    console.log(`[e2e] flights Receiver+WAL: ${FLIGHTS} flights in ${done!.blocks} blocks, ${done!.batches} non-empty batches, 0 lost, duplicates: ${cov.extra} flights (${cov.multiple} offsets in more than one block; airports mismatched: ${diff.mismatched.length}), ${seconds.toFixed(1)} s`);
  }, 60_000);
});

describe(`${LINES.toLocaleString('en-US')} real mail lines through a word count`, () => {
  /** The word count: per batch reduceByKey, merged into `counts` by the output; lines counted per batch. */
  function wordCount(values: DStream<string>): { counts: Map<string, number>; lines: Map<number, number> } {
    const counts = new Map<string, number>();
    const lines = new Map<number, number>();
    values
      .flatMap(words)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .foreachRDD((data, time) => {
        for (const [w, n] of data.collect()) counts.set(w, (counts.get(w) ?? 0) + n);
        lines.set(time, -1); // this batch's counts are merged
      });
    values.foreachRDD((data, time) => {
      expect(lines.get(time)).toBe(-1);
      lines.set(time, data.count());
    });
    return { counts, lines };
  }

  /** Words whose count differs from the exact one: [word, exact, actual], first 10; and the sums of the differences. */
  function compare(counts: Map<string, number>): { differing: number; first: [string, number, number][]; missingWords: number; extraWords: number } {
    const first: [string, number, number][] = [];
    let differing = 0;
    let missingWords = 0;
    let extraWords = 0;
    for (const w of new Set([...exactWords.keys(), ...counts.keys()])) {
      const e = exactWords.get(w) ?? 0;
      const a = counts.get(w) ?? 0;
      if (e === a) continue;
      differing++;
      if (first.length < 10) first.push([w, e, a]);
      if (a < e) missingWords += e - a;
      else extraWords += a - e;
    }
    return { differing, first, missingWords, extraWords };
  }

  const totalWords = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

  it('Direct stream: the word counts equal a direct count of the lines exactly; every offset is in exactly one batch', async () => {
    const t0 = Date.now();
    const { ssc, completed } = context({ 'spark.streaming.kafka.maxRatePerPartition': DIRECT_MAX_RATE_PER_PARTITION });
    const coverage = new Coverage('mail');
    const { values, batches } = directInput(ssc, 'mail', coverage);
    const { counts, lines } = wordCount(values);
    await ssc.start();
    let lastTime = 0;
    await until('every line counted', () => {
      let n = 0;
      for (const [t, k] of lines) if (k >= 0) (n += k), (lastTime = Math.max(lastTime, t));
      return n >= LINES;
    });
    await until('the batch to complete', () => completed.includes(lastTime));
    await ssc.stop();
    const seconds = (Date.now() - t0) / 1000;

    expect(coverage.summary()).toEqual({ missing: 0, multiple: 0, extra: 0 });
    expect([...lines.values()].reduce((a, b) => a + b, 0)).toBe(LINES);
    for (const [t, k] of lines) expect(k).toBe(batches.get(t));
    expect(compare(counts)).toEqual({ differing: 0, first: [], missingWords: 0, extraWords: 0 });
    expect(counts.size).toBe(exactWords.size);
    const nonEmpty = [...lines.values()].filter((k) => k > 0).length;
    expect(nonEmpty).toBeGreaterThanOrEqual(Math.ceil(Math.max(...ends.get('mail')!) / ((DIRECT_MAX_RATE_PER_PARTITION * BATCH_MS) / 1000)));
    console.log(`[e2e] mail Direct: ${LINES} lines, ${totalWords(exactWords)} words (${exactWords.size} distinct), ${nonEmpty} non-empty batches of ${BATCH_MS} ms, exact counts, 0 duplicates, ${seconds.toFixed(1)} s`);
  }, 60_000);

  it('Receiver stream with the write-ahead log: every offset in at least one block, every word count ≥ the direct count (duplicates measured)', async () => {
    const t0 = Date.now();
    const { ssc, completed } = context(RECEIVER_CONF);
    const coverage = new Coverage('mail');
    const { values, blocks } = receiverInput(ssc, 'mail', ssc.checkpointDir!, coverage);
    const { counts, lines } = wordCount(values);
    // Last output operation: the first batch after which every offset is in a block; what was output up to it.
    let done: { time: number; cov: ReturnType<Coverage['summary']>; blocks: number; records: number; counts: Map<string, number>; lines: number; batches: number } | undefined;
    values.foreachRDD((_, time) => {
      if (done === undefined && coverage.complete()) {
        const ks = [...lines.values()];
        done = { time, cov: coverage.summary(), blocks: blocks.n, records: blocks.records, counts: new Map(counts), lines: ks.reduce((a, b) => a + b, 0), batches: ks.filter((k) => k > 0).length };
      }
    });
    await ssc.start();
    await until('every offset in a block', () => done !== undefined);
    await until('the batch to complete', () => completed.includes(done!.time));
    await ssc.stop();
    const seconds = (Date.now() - t0) / 1000;

    const { cov } = done!;
    expect(cov.missing).toBe(0); // no loss
    expect(done!.lines).toBe(done!.records);
    expect(done!.lines - LINES).toBe(cov.extra);
    const c = compare(done!.counts);
    expect(c.missingWords, JSON.stringify(c.first)).toBe(0); // no word count below the direct count
    expect([...done!.counts.keys()].filter((w) => !exactWords.has(w))).toEqual([]); // no word from nowhere
    expect(c.differing === 0).toBe(cov.extra === 0);
    console.log(`[e2e] mail Receiver+WAL: ${LINES} lines in ${done!.blocks} blocks, ${done!.batches} non-empty batches, 0 lost, duplicates: ${cov.extra} lines (${cov.multiple} offsets in more than one block), ${c.extraWords} extra words in ${c.differing} word counts, ${seconds.toFixed(1)} s`);
  }, 60_000);

  it('Receiver stream with the write-ahead log, stopped mid-stream and recovered with getOrCreate: nothing lost, the duplicates measured', async () => {
    const t0 = Date.now();
    const work = tempDir('real-data-e2e-restart-');
    const cp = path.join(work, 'checkpoint');
    const coverage = new Coverage('mail');
    // Outputs shared by both contexts (the test process outlives them): one output operation per
    // batch, so a batch is either output whole or not at all when the context stops.
    const counts = new Map<string, number>();
    let lines = 0;
    let blocks = 0;
    let recoveredBlocks = 0; // blocks read back from the write-ahead log (blockIdValid false)
    let done: number | undefined;
    const contexts: { ssc: StreamingContext; completed: number[] }[] = [];
    const create = (): StreamingContext => {
      const { ssc, completed } = context(RECEIVER_CONF, cp);
      const params = { 'zookeeper.connect': path.join(work, 'zk'), 'group.id': 'e2e-receiver-restart', 'bootstrap.servers': broker.bootstrap, 'auto.offset.reset': 'smallest' };
      KafkaUtils.createStream(ssc, params, { mail: PARTITIONS }).foreachRDD((data, time) => {
        for (const b of blockInfosOf(data)) {
          for (const r of (b.metadata as KafkaBlockMetadata).ranges) coverage.add(r);
          blocks++;
          if (b.blockIdValid === false) recoveredBlocks++;
        }
        for (const [w, n] of data.flatMap(([, v]) => words(v!)).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect()) counts.set(w, (counts.get(w) ?? 0) + n);
        lines += data.count();
        if (done === undefined && coverage.complete()) done = time;
      });
      contexts.push({ ssc, completed });
      return ssc;
    };
    const covered = () => coverage.counts.reduce((n, c) => n + c.reduce((k, x) => k + (x > 0 ? 1 : 0), 0), 0);

    // First run: stopped (not gracefully) once about 40% of the offsets were output.
    const a = await StreamingContext.getOrCreate(cp, create);
    await a.start();
    await until('40% of the offsets output', () => covered() >= LINES * 0.4);
    await a.stop();
    const atStop = covered();
    expect(atStop).toBeLessThan(LINES); // stopped mid-stream
    // Second run: recovered from the checkpoint and the write-ahead logs, same group.
    const b = await StreamingContext.getOrCreate(cp, create);
    expect(b).not.toBe(a);
    await b.start();
    await until('every offset in a block', () => done !== undefined);
    await until('the batch to complete', () => contexts[1]!.completed.includes(done!));
    await b.stop();
    const seconds = (Date.now() - t0) / 1000;

    const cov = coverage.summary();
    expect(cov.missing).toBe(0); // no loss across the stop
    expect(lines).toBe(LINES + cov.extra);
    const c = compare(counts);
    expect(c.missingWords, JSON.stringify(c.first)).toBe(0); // no word count below the direct count
    expect([...counts.keys()].filter((w) => !exactWords.has(w))).toEqual([]);
    expect(c.differing === 0).toBe(cov.extra === 0);
    console.log(
      `[e2e] mail Receiver+WAL with a stop at ${atStop} of ${LINES} offsets and getOrCreate: 0 lost, ${blocks} blocks output (${recoveredBlocks} read back from the WAL), duplicates: ${cov.extra} lines (${cov.multiple} offsets output more than once), ${c.extraWords} extra words in ${c.differing} word counts, ${seconds.toFixed(1)} s`,
    );
  }, 60_000);
});
