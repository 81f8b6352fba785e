/**
 * The flights application (issue 8): the flight-delays job ({@link flightDelays}) on a Kafka topic of
 * kafka-replay's flights, with an output that is exactly-once or at-least-once depending on the
 * input approach — the one place where the demo, the kill tests and `bench:streams` build it.
 *
 * ```ts
 * import { createFlightApp, getOrCreateFlightApp, readFlightOutput } from './streaming-kafka/jobs/flight-app.js';
 * const options = { approach: 'direct-idempotent', bootstrap: '127.0.0.1:9092', topic: 'flights', groupId: 'flights',
 *   checkpointDir: '/var/lib/flights/cp', outputDir: '/var/lib/flights/out', partitions: 6,
 *   batchDurationMs: 1000, windowMs: 10_000, slideMs: 2000, topN: 5, print: true } as const;
 * const ssc = await StreamingContext.getOrCreate(options.checkpointDir, () => createFlightApp(options));
 * // or: const ssc = await getOrCreateFlightApp(options);  (looks the partition count up, right recovery per approach)
 * await ssc.start();
 * await ssc.awaitTermination();
 * const out = readFlightOutput('direct-idempotent', options.outputDir);  // coverage, totals, batches
 * ```
 *
 * The four approaches ({@link FlightApproach}):
 * - `direct-transactional` — Direct stream (`KafkaUtils.createDirectStream`, `Assign` over the topic's
 *   partitions — `Subscribe` without `partitions` — starting at the sink's stored offsets), output
 *   into a {@link TransactionalLmdbSink} at `<outputDir>/sink.lmdb`: per batch with records, ONE lmdb transaction holds the running totals
 *   (`totals`), the batch's record (`batch/<batchTime>` = {@link FlightOutputBatch}) and the new end
 *   offsets; a batch that would skip or repeat offsets is refused by the sink. No recovery from a
 *   checkpoint: each start is a fresh context from the stored offsets, its state checkpoints go to
 *   `<checkpointDir>/transactional-state` (cleared at each creation), and the sink's totals are the
 *   totals stored at start plus this run's running totals (the job's updateStateByKey state starts
 *   empty). Exactly-once.
 * - `direct-idempotent` — Direct stream (`Assign`, offsets from the checkpoint, else earliest), recovered
 *   with `StreamingContext.getOrCreate(checkpointDir)`; per batch with records, one file
 *   `<outputDir>/batch-<batchTime>.json` (temp, fsync, rename) with the batch's offset ranges, the
 *   FlightBatchResult and its totals; a batch rerun after a crash re-reads the same checkpointed ranges
 *   and rewrites the same file. Exactly-once (the files tile every partition).
 * - `receiver-wal` — Receiver stream (`KafkaUtils.createStream`, ZooKeeper-style group on the
 *   coordination store `zookeeper`, `threads` consumer threads) with
 *   `spark.streaming.receiver.writeAheadLog.enable=true` (ReliableKafkaReceiver: blocks written to
 *   `<checkpointDir>/receivedData`, then offsets committed), recovered with getOrCreate; per batch with
 *   records one file as above with the batch's blocks (`blocks`: `{id, topic, partition, fromOffset,
 *   untilOffset}`). At-least-once: a rerun batch rewrites the same file with the same blocks (read back
 *   from the log); records received twice (stored but not committed at a crash) appear in two blocks.
 * - `receiver-no-wal` — the same without the write-ahead log (KafkaReceiver: blocks in memory, offsets
 *   auto-committed every `auto.commit.interval.ms`, 60 s by default): a crash can lose records (committed
 *   but not processed) and count records twice (processed but not committed).
 *
 * Every batch also yields a {@link FlightBatchMetrics} (`onBatchMetrics`): delays from Spark's BatchInfo
 * and the end-to-end latency of its records, from each record's produce time (Direct: the Kafka
 * timestamp; Receiver: the value's `producedAt`, the same number with kafka-replay) to the batch's
 * processing end. The graph is the same for every start of one approach (two input-side output
 * operations — offsets/blocks and produce times — then the job's two), as getOrCreate requires.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AdminClient } from '../../client/index.js';
import { StreamingContext, type StopOptions } from '../context/streaming-context.js';
import type { DStream } from '../dstream/dstream.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, OffsetRange, offsetRangesOf, type KafkaBlockMetadata } from '../kafka/index.js';
import { blockInfosOf } from '../receiver/block-batch-data.js';
import type { BatchInfo } from '../scheduler/batch-info.js';
import { writeBatchResultFile } from '../sinks/idempotent-file-sink.js';
import { TransactionalLmdbSink } from '../sinks/transactional-lmdb-sink.js';
import { flightDelays, type FlightBatchResult, type OriginTotals } from './flight-delays.js';

/** The four ways of reading the topic and writing the results. */
export type FlightApproach = 'direct-transactional' | 'direct-idempotent' | 'receiver-wal' | 'receiver-no-wal';

/** Every {@link FlightApproach}, in the benchmark's order. */
export const FLIGHT_APPROACHES: readonly FlightApproach[] = ['direct-transactional', 'direct-idempotent', 'receiver-wal', 'receiver-no-wal'];

/** Options of {@link createFlightApp}. Durations in ms. */
export interface FlightAppOptions {
  approach: FlightApproach;
  /** Kafka `bootstrap.servers` (`host:port[,host:port]`). */
  bootstrap: string;
  /** The topic of kafka-replay's flights (JSON values). */
  topic: string;
  /** Consumer group: Direct — the Kafka group that receives commitAsync (monitoring only); Receiver — the ZooKeeper-style group holding the offsets. */
  groupId: string;
  /** Checkpoint directory (state, Direct offset ranges, Receiver write-ahead logs); created when missing. */
  checkpointDir: string;
  /** Where the results go: batch files, or `sink.lmdb` for direct-transactional; created when missing. */
  outputDir: string;
  /**
   * Receiver approaches: the coordination store (`zookeeper.connect`): a ZooKeeper connect string
   * (`host:port[/chroot]`) or a directory for the embedded store. Default `<checkpointDir>/zk`.
   */
  zookeeper?: string;
  /**
   * The topic's partition count. Direct approaches then `Assign` partitions 0..n−1 (no group join, so a
   * restart after kill -9 does not wait for the dead member's session); without it they `Subscribe`
   * to the topic in `groupId` (direct-transactional with the sink's stored offsets as starting
   * offsets; a restart after kill -9 then waits until the group drops the dead member, up to the
   * consumer's `session.timeout.ms`). Receiver: the default thread count.
   */
  partitions?: number;
  /** Receiver approaches: consumer threads for the topic (default `partitions`, else 1). */
  threads?: number;
  /** Batch interval, ms (a positive integer). */
  batchDurationMs: number;
  /** Window length, ms (a multiple of the batch interval; default 60,000). */
  windowMs?: number;
  /** Window slide, ms (a multiple of the batch interval; default 10,000). */
  slideMs?: number;
  /** Airports in each window's top list (default 10). */
  topN?: number;
  /** Print the window results (formatFlightBatch) at each slide: true = to stdout, or a function taking the lines. */
  print?: boolean | ((lines: string[]) => void);
  /**
   * Spark conf pairs added to the approach's: `spark.streaming.stopGracefullyOnShutdown=true` and, for
   * receivers, `spark.streaming.receiver.writeAheadLog.enable` (set by the approach; cannot be overridden).
   */
  conf?: Record<string, string | number | boolean>;
  /**
   * More consumer properties: Direct — Java consumer keys (default `auto.offset.reset=earliest`);
   * Receiver — Kafka 0.8 consumer keys (default `auto.offset.reset=smallest`), e.g.
   * `zookeeper.session.timeout.ms`, `auto.commit.interval.ms`.
   */
  kafkaParams?: Record<string, string | number | boolean>;
  /** Called after each completed batch (also empty ones) with its metrics. Exceptions are logged and ignored (a listener). */
  onBatchMetrics?: (metrics: FlightBatchMetrics) => void;
  /** The context's app name (default `FlightDelays-<approach>`). */
  appName?: string;
}

/** End-to-end latency of a batch's records, ms: from each record's produce time to the batch's processing end. */
export interface FlightLatencyStats {
  /** Records with a produce time. */
  count: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One completed batch, as {@link createFlightApp}'s `onBatchMetrics` and `flight-job --metrics` give it. Times: ms since the epoch (the context's SystemClock); delays: ms. */
export interface FlightBatchMetrics {
  type: 'batch';
  approach: FlightApproach;
  /** The process that ran the batch. */
  pid: number;
  batchTime: number;
  /** Records in the batch (all input streams: Spark's BatchInfo.numRecords). */
  records: number;
  submissionTime: number;
  processingStartTime: number | null;
  processingEndTime: number | null;
  /** Spark's processingDelay: processing end − start. */
  processingDelayMs: number | null;
  /** Spark's schedulingDelay: processing start − submission (= time the batch waited for earlier ones). */
  schedulingDelayMs: number | null;
  /** Spark's totalDelay: scheduling + processing delay. */
  totalDelayMs: number | null;
  /** Latency of the batch's records (null without records or produce times). */
  latency: FlightLatencyStats | null;
  /**
   * The latencies as `[bucketMs, records]` pairs, ascending: a latency of l ms is counted in bucket
   * {@link latencyBucket}(l) (exact below 1 s, 3 significant digits above). Merge batches' histograms
   * and read quantiles with {@link histogramQuantile}.
   */
  latencyHistogram: [number, number][];
  /** The first failed output operation's error text, when the batch failed. */
  failureReason?: string;
}

/** A Kafka offset range `[fromOffset, untilOffset)` of one partition. */
export interface FlightRange {
  topic: string;
  partition: number;
  fromOffset: number;
  untilOffset: number;
}

/** One batch as the output holds it (a batch file, or a `batch/<t>` record of the transactional sink). */
export interface FlightOutputBatch {
  batchTime: number;
  /** Records the job counted in the batch (FlightBatchResult.records). */
  records: number;
  /** The offsets the batch read: Direct — its non-empty offset ranges; Receiver — its blocks' ranges. */
  ranges: FlightRange[];
  /** All origins together after the batch (FlightBatchResult.total). */
  total: { count: number; delaySum: number; airports: number };
}

/** What {@link readFlightOutput} finds. */
export interface FlightOutput {
  approach: FlightApproach;
  /** The stored batches, ascending batch time (only batches with records are stored). */
  batches: FlightOutputBatch[];
  /** The final running totals (the last stored batch's; the sink's `totals` for direct-transactional); `{}` when nothing is stored. */
  totals: Record<string, OriginTotals>;
  /**
   * Per partition (`topic-partition` key), how many times each offset was processed (index = offset;
   * length = the end offset given in `endOffsets`, else the highest offset seen + 1). 0 = lost.
   */
  coverage: Map<string, Uint16Array>;
  /** Offsets with coverage 0 (below the end offsets). */
  lost: number;
  /** Σ (coverage − 1) over offsets covered more than once: records counted twice (or more). */
  duplicated: number;
  /** Distinct offsets covered at least once. */
  covered: number;
}

/** The latency histogram bucket of `ms` (≥ 0): `ms` below 1000, else `ms` rounded down to 3 significant digits (1234 → 1230). */
export function latencyBucket(ms: number): number {
  const l = Math.max(0, Math.round(ms));
  if (l < 1000) return l;
  const scale = 10 ** (Math.floor(Math.log10(l)) - 2);
  return Math.floor(l / scale) * scale;
}

/**
 * The value at quantile `q` (0..1) of a histogram of `[value, count]` pairs (any order, values may
 * repeat: histograms concatenated from several batches), nearest rank; 0 when empty.
 */
export function histogramQuantile(histogram: Iterable<readonly [number, number]>, q: number): number {
  const merged = new Map<number, number>();
  for (const [v, n] of histogram) merged.set(v, (merged.get(v) ?? 0) + n);
  const entries = [...merged].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return 0;
  const rank = Math.min(total, Math.max(1, Math.ceil(total * q)));
  let seen = 0;
  for (const [v, n] of entries) {
    seen += n;
    if (seen >= rank) return v;
  }
  return entries[entries.length - 1]![0];
}

const PRODUCED_AT = '"producedAt":';

/** The `producedAt` number (ms) of a kafka-replay flight value, without parsing the JSON; undefined when absent or not an integer. */
export function producedAtOf(value: string | null): number | undefined {
  if (value === null) return undefined;
  const i = value.lastIndexOf(PRODUCED_AT);
  if (i < 0) return undefined;
  let j = i + PRODUCED_AT.length;
  let n = 0;
  let digits = 0;
  for (let c = value.charCodeAt(j); c >= 48 && c <= 57; c = value.charCodeAt(++j)) {
    n = n * 10 + (c - 48);
    digits++;
  }
  return digits > 0 && digits <= 15 ? n : undefined;
}

/** Latency stats and histogram of a batch whose records were produced at `produced` (produce time ms → records), ending at `endMs`. */
function latencyOf(produced: Map<number, number>, endMs: number): { stats: FlightLatencyStats | null; histogram: [number, number][] } {
  if (produced.size === 0) return { stats: null, histogram: [] };
  const lat = [...produced].map(([t, n]): [number, number] => [Math.max(0, endMs - t), n]).sort((a, b) => a[0] - b[0]);
  let count = 0;
  let sum = 0;
  for (const [l, n] of lat) {
    count += n;
    sum += l * n;
  }
  const at = (q: number): number => {
    const rank = Math.min(count, Math.max(1, Math.ceil(count * q)));
    let seen = 0;
    for (const [l, n] of lat) if ((seen += n) >= rank) return l;
    return lat[lat.length - 1]![0];
  };
  const buckets = new Map<number, number>();
  for (const [l, n] of lat) {
    const b = latencyBucket(l);
    buckets.set(b, (buckets.get(b) ?? 0) + n);
  }
  return {
    stats: { count, minMs: lat[0]![0], meanMs: Math.round((sum / count) * 10) / 10, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: lat[lat.length - 1]![0] },
    histogram: [...buckets].sort((a, b) => a[0] - b[0]),
  };
}

/** A StreamingContext that also closes the app's resources (the transactional sink) when it stops. */
class FlightAppContext extends StreamingContext {
  /** Closed once, after the context stopped. */
  readonly closers: (() => Promise<void>)[] = [];

  override async stop(options?: StopOptions): Promise<void> {
    try {
      await super.stop(options);
    } finally {
      const closers = this.closers.splice(0);
      for (const c of closers) await c().catch(() => undefined);
    }
  }
}

/** The sink of direct-transactional under `outputDir`. */
function sinkPath(outputDir: string): string {
  return path.join(outputDir, 'sink.lmdb');
}

/**
 * The transactional sinks open in this process, by resolved path: readFlightOutput reads through
 * them instead of opening the same lmdb environment a second time while the app writes (which can
 * block the process).
 */
const openSinks = new Map<string, TransactionalLmdbSink>();

/** `a ⊕ b`: counts and delay sums added, max delays maxed; keys ascending. */
function addTotals(a: Record<string, OriginTotals>, b: Record<string, OriginTotals>): Record<string, OriginTotals> {
  const out = new Map<string, OriginTotals>();
  for (const [o, t] of Object.entries(a)) out.set(o, { ...t });
  for (const [o, t] of Object.entries(b)) {
    const e = out.get(o);
    if (e === undefined) out.set(o, { ...t });
    else out.set(o, { count: e.count + t.count, delaySum: e.delaySum + t.delaySum, maxDelay: Math.max(e.maxDelay, t.maxDelay) });
  }
  return Object.fromEntries([...out].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/** What the input-side output operation saw of a batch. */
interface BatchInput {
  ranges: FlightRange[];
  blockIds?: string[];
  produced: Map<number, number>;
}

/**
 * Build the flights application for `options.approach` (see the module comment): a StreamingContext
 * (not started) with `ssc.checkpoint(...)` set, the input stream of the approach, the flight-delays
 * job (window `windowMs`/`slideMs`, top `topN`, `print`) and the approach's exactly-once or
 * idempotent output into `outputDir`. Use it as the creating function of
 * `StreamingContext.getOrCreate(checkpointDir, () => createFlightApp(options))` (direct-transactional
 * never finds a checkpoint there and always starts fresh from its sink), or call
 * {@link getOrCreateFlightApp}. Stopping the context closes the sink.
 * Side effects: creates `checkpointDir` and `outputDir`; direct-transactional opens
 * `<outputDir>/sink.lmdb` and deletes `<checkpointDir>/transactional-state`.
 * Errors (thrown): `Error` for an unknown approach, for a non-positive `partitions`/`threads`, for a
 * second direct-transactional app on the same `outputDir` in this process (stop the first); the
 * engine's errors for bad durations (StreamingContext, windows: see flightDelays); lmdb errors
 * opening the sink. While running, a batch fails (and
 * `awaitTermination` rejects) on a bad record (FlightRecordError) or a failed output write.
 */
export function createFlightApp(options: FlightAppOptions): StreamingContext {
  const { approach, partitions } = options;
  if (!FLIGHT_APPROACHES.includes(approach)) throw new Error(`Unknown approach '${String(approach)}': expected one of ${FLIGHT_APPROACHES.join(', ')}`);
  if (partitions !== undefined && !(Number.isInteger(partitions) && partitions > 0)) throw new Error(`partitions must be a positive integer, got ${partitions}`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) throw new Error(`threads must be a positive integer, got ${options.threads}`);
  const direct = approach === 'direct-transactional' || approach === 'direct-idempotent';
  const conf: Record<string, string | number | boolean> = { 'spark.streaming.stopGracefullyOnShutdown': true, ...options.conf };
  if (!direct) conf['spark.streaming.receiver.writeAheadLog.enable'] = approach === 'receiver-wal';
  const ssc = new FlightAppContext({ batchDurationMs: options.batchDurationMs, conf, appName: options.appName ?? `FlightDelays-${approach}` });
  try {
    buildFlightApp(ssc, options);
  } catch (e) {
    for (const close of ssc.closers.splice(0)) void close().catch(() => undefined); // the sink, if opened
    throw e;
  }
  return ssc;
}

/** The body of createFlightApp on a new context. */
function buildFlightApp(ssc: FlightAppContext, options: FlightAppOptions): void {
  const { approach, bootstrap, topic, groupId, checkpointDir, outputDir, partitions } = options;
  const direct = approach === 'direct-transactional' || approach === 'direct-idempotent';
  fs.mkdirSync(outputDir, { recursive: true });
  fs.mkdirSync(checkpointDir, { recursive: true });

  const inputs = new Map<number, BatchInput>();
  let values: DStream<string>;
  let commit: ((time: number, result: FlightBatchResult, input: BatchInput) => Promise<void> | void) | undefined;
  let afterCommit: ((input: BatchInput) => void) | undefined;

  if (direct) {
    const kafkaParams = { 'auto.offset.reset': 'earliest', ...options.kafkaParams, 'bootstrap.servers': bootstrap, 'group.id': groupId };
    let strategy;
    let sink: TransactionalLmdbSink | undefined;
    let base: Record<string, OriginTotals> = {};
    const tps = partitions === undefined ? undefined : Array.from({ length: partitions }, (_, p) => ({ topic, partition: p }));
    if (approach === 'direct-transactional') {
      const stateDir = path.join(checkpointDir, 'transactional-state');
      fs.rmSync(stateDir, { recursive: true, force: true });
      ssc.checkpoint(stateDir);
      const file = path.resolve(sinkPath(outputDir));
      if (openSinks.has(file)) throw new Error(`The sink ${file} is already open in this process (another flights app using the same outputDir is running)`);
      sink = new TransactionalLmdbSink(file);
      const s = sink;
      openSinks.set(file, s);
      ssc.closers.push(async () => {
        openSinks.delete(file);
        await s.close();
      });
      base = (sink.getResult('totals') as Record<string, OriginTotals> | undefined) ?? {};
      strategy = tps === undefined ? ConsumerStrategies.Subscribe([topic], kafkaParams, sink.storedOffsets()) : ConsumerStrategies.Assign(tps, kafkaParams, sink.storedOffsets());
    } else {
      ssc.checkpoint(checkpointDir);
      strategy = tps === undefined ? ConsumerStrategies.Subscribe([topic], kafkaParams) : ConsumerStrategies.Assign(tps, kafkaParams);
    }
    const stream = KafkaUtils.createDirectStream(ssc, { locationStrategy: LocationStrategies.PreferConsistent, consumerStrategy: strategy });
    stream.foreachRDD((data, time) => {
      const produced = new Map<number, number>();
      for (const p of data.partitions) for (const r of p) produced.set(r.timestamp, (produced.get(r.timestamp) ?? 0) + 1);
      inputs.set(time, { ranges: offsetRangesOf(data).map((r) => r.toJSON()), produced });
    });
    values = stream.map((r) => (r.value === null ? null : r.value.toString('utf8')) as string);
    const toOffsetRanges = (ranges: FlightRange[]): OffsetRange[] => ranges.map((r) => new OffsetRange(r.topic, r.partition, r.fromOffset, r.untilOffset));
    // monitoring only: the group's committed offsets follow the output
    afterCommit = (input) => stream.commitAsync(toOffsetRanges(input.ranges));
    if (sink !== undefined) {
      const s = sink;
      const b = base;
      commit = async (time, result, input) => {
        const ranges = input.ranges.filter((r) => r.untilOffset > r.fromOffset);
        const totals = addTotals(b, result.totals);
        const total = { count: 0, delaySum: 0, airports: Object.keys(totals).length };
        for (const t of Object.values(totals)) {
          total.count += t.count;
          total.delaySum += t.delaySum;
        }
        const record = { batchTime: time, records: result.records, ranges, total, window: result.window, windowTotal: result.windowTotal };
        await s.commitBatch(time, toOffsetRanges(input.ranges), (tx) => {
          tx.put('totals', totals);
          tx.put(`batch/${String(time).padStart(15, '0')}`, record);
        });
      };
    } else {
      commit = (time, result, input) => {
        const ranges = input.ranges.filter((r) => r.untilOffset > r.fromOffset);
        writeBatchResultFile(outputDir, time, { records: result.records, offsetRanges: ranges, total: result.total, window: result.window, windowTotal: result.windowTotal, totals: result.totals });
      };
    }
  } else {
    ssc.checkpoint(checkpointDir);
    const threads = options.threads ?? partitions ?? 1;
    const kafkaParams = {
      'auto.offset.reset': 'smallest',
      ...options.kafkaParams,
      'zookeeper.connect': options.zookeeper ?? path.join(checkpointDir, 'zk'),
      'group.id': groupId,
      'bootstrap.servers': bootstrap,
    };
    const pairs = KafkaUtils.createStream(ssc, kafkaParams, { [topic]: threads });
    pairs.foreachRDD((data, time) => {
      const produced = new Map<number, number>();
      for (const p of data.partitions) {
        for (const [, v] of p) {
          const t = producedAtOf(v);
          if (t !== undefined) produced.set(t, (produced.get(t) ?? 0) + 1);
        }
      }
      const ranges: FlightRange[] = [];
      const blockIds: string[] = [];
      for (const b of blockInfosOf(data)) {
        for (const r of (b.metadata as KafkaBlockMetadata | undefined)?.ranges ?? []) {
          ranges.push({ topic: r.topic, partition: r.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset });
          blockIds.push(String(b.blockId));
        }
      }
      inputs.set(time, { ranges, blockIds, produced });
    });
    values = pairs.map(([, v]) => v as string);
    commit = (time, result, input) => {
      const blocks = input.ranges.map((r, i) => ({ id: input.blockIds![i], ...r }));
      writeBatchResultFile(outputDir, time, { records: result.records, blocks, total: result.total, window: result.window, windowTotal: result.windowTotal, totals: result.totals });
    };
  }

  const print = options.print === true ? (lines: string[]) => void process.stdout.write(lines.join('\n') + '\n') : options.print === false ? undefined : options.print;
  const windowMs = options.windowMs ?? 60_000;
  flightDelays(values, {
    windowMs,
    slideMs: options.slideMs,
    topN: options.topN,
    print,
    onBatch: async (result) => {
      const input = inputs.get(result.batchTime) ?? { ranges: [], produced: new Map() };
      if (result.records > 0) await commit!(result.batchTime, result, input);
      afterCommit?.(input);
    },
  });

  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo }) => {
      const input = inputs.get(batchInfo.batchTime);
      inputs.delete(batchInfo.batchTime);
      for (const t of inputs.keys()) if (t < batchInfo.batchTime - 600_000) inputs.delete(t);
      options.onBatchMetrics?.(batchMetrics(approach, batchInfo, input?.produced));
    },
  });
}

/** The metrics of a completed batch. */
function batchMetrics(approach: FlightApproach, info: BatchInfo, produced: Map<number, number> | undefined): FlightBatchMetrics {
  const end = info.processingEndTime;
  const { stats, histogram } = produced !== undefined && end !== undefined ? latencyOf(produced, end) : { stats: null, histogram: [] };
  const failed = [...info.outputOperationInfos.values()].find((o) => o.failureReason !== undefined);
  return {
    type: 'batch',
    approach,
    pid: process.pid,
    batchTime: info.batchTime,
    records: info.numRecords,
    submissionTime: info.submissionTime,
    processingStartTime: info.processingStartTime ?? null,
    processingEndTime: end ?? null,
    processingDelayMs: info.processingDelay ?? null,
    schedulingDelayMs: info.schedulingDelay ?? null,
    totalDelayMs: info.totalDelay ?? null,
    latency: stats,
    latencyHistogram: histogram,
    ...(failed ? { failureReason: failed.failureReason } : {}),
  };
}

/** The partition count of `topic` (AdminClient describeTopics). Errors: the admin client's (unknown topic: KafkaProtocolError UNKNOWN_TOPIC_OR_PARTITION). */
export async function topicPartitionCount(bootstrap: string, topic: string): Promise<number> {
  const admin = new AdminClient({ 'bootstrap.servers': bootstrap, 'client.id': 'flight-app-admin' });
  try {
    const [d] = await admin.describeTopics([topic]);
    return d!.partitions.length;
  } finally {
    await admin.close();
  }
}

/**
 * The flights application ready to `start()`, recovered the right way for its approach: Direct
 * approaches without `partitions` first look the topic's partition count up
 * ({@link topicPartitionCount}); direct-transactional is created fresh (its sink holds the offsets);
 * the others go through `StreamingContext.getOrCreate(checkpointDir, () => createFlightApp(options))`
 * (checkpointed offset ranges / received blocks, state, batches to rerun).
 * Errors: those of createFlightApp, topicPartitionCount and getOrCreate ("Failed to read checkpoint
 * from directory ...", a graph that differs from the checkpoint's).
 */
export async function getOrCreateFlightApp(options: FlightAppOptions): Promise<StreamingContext> {
  let opts = options;
  const direct = options.approach === 'direct-transactional' || options.approach === 'direct-idempotent';
  if (direct && opts.partitions === undefined) opts = { ...opts, partitions: await topicPartitionCount(opts.bootstrap, opts.topic) };
  if (opts.approach === 'direct-transactional') return createFlightApp(opts);
  return StreamingContext.getOrCreate(opts.checkpointDir, () => createFlightApp(opts));
}

interface StoredBatch {
  batchTime: number;
  records: number;
  offsetRanges?: FlightRange[];
  blocks?: (FlightRange & { id?: string })[];
  ranges?: FlightRange[];
  total: FlightOutputBatch['total'];
  totals?: Record<string, OriginTotals>;
}

/**
 * Read what the flights application of `approach` wrote into `outputDir`: the stored batches, the
 * final totals, and per partition how many times each offset was processed (coverage, from the
 * batches' offset ranges or blocks), with `lost` (offsets never processed, below `endOffsets` — pass
 * the topic's end offsets, `topic-partition` → next offset, to count records never read at all;
 * without them each partition ends at its highest offset seen) and `duplicated` (extra
 * processings). Files being written (temp files) and unreadable JSON are skipped. Reading while
 * the app runs is safe (files are renamed in place; lmdb readers see the last committed transaction).
 * Errors: fs errors other than a missing directory; lmdb errors opening the sink.
 */
export function readFlightOutput(approach: FlightApproach, outputDir: string, options: { endOffsets?: Map<string, number> | Record<string, number> } = {}): FlightOutput {
  const stored: StoredBatch[] = [];
  let totals: Record<string, OriginTotals> = {};
  if (approach === 'direct-transactional') {
    const file = path.resolve(sinkPath(outputDir));
    const running = openSinks.get(file);
    if (running !== undefined || fs.existsSync(file)) {
      const sink = running ?? new TransactionalLmdbSink(file);
      try {
        for (const [k, v] of sink.results()) {
          if (k === 'totals') totals = v as Record<string, OriginTotals>;
          else if (k.startsWith('batch/')) stored.push(v as StoredBatch);
        }
      } finally {
        if (running === undefined) void sink.close();
      }
    }
  } else if (fs.existsSync(outputDir)) {
    for (const f of fs.readdirSync(outputDir)) {
      if (!/^batch-\d+\.json$/.test(f)) continue;
      try {
        stored.push(JSON.parse(fs.readFileSync(path.join(outputDir, f), 'utf8')) as StoredBatch);
      } catch {
        // a file from another program, or unreadable: skipped
      }
    }
  }
  stored.sort((a, b) => a.batchTime - b.batchTime);
  if (approach !== 'direct-transactional' && stored.length > 0) totals = stored[stored.length - 1]!.totals ?? {};
  const batches: FlightOutputBatch[] = stored.map((b) => ({
    batchTime: b.batchTime,
    records: b.records,
    ranges: (b.ranges ?? b.offsetRanges ?? b.blocks ?? []).map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset })),
    total: b.total,
  }));

  const ends = new Map<string, number>(options.endOffsets instanceof Map ? options.endOffsets : Object.entries(options.endOffsets ?? {}));
  const size = new Map<string, number>(ends);
  for (const b of batches) for (const r of b.ranges) {
    const k = `${r.topic}-${r.partition}`;
    if (!ends.has(k)) size.set(k, Math.max(size.get(k) ?? 0, r.untilOffset));
  }
  const coverage = new Map<string, Uint16Array>();
  for (const [k, n] of size) coverage.set(k, new Uint16Array(n));
  for (const b of batches) for (const r of b.ranges) {
    const c = coverage.get(`${r.topic}-${r.partition}`)!;
    const until = Math.min(r.untilOffset, c.length);
    for (let o = Math.max(0, r.fromOffset); o < until; o++) if (c[o]! < 65535) c[o]!++;
  }
  let lost = 0;
  let duplicated = 0;
  let covered = 0;
  for (const c of coverage.values()) for (let i = 0; i < c.length; i++) {
    const n = c[i]!;
    if (n === 0) lost++;
    else {
      covered++;
      duplicated += n - 1;
    }
  }
  return { approach, batches, totals, coverage, lost, duplicated, covered };
}
