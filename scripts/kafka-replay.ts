#!/usr/bin/env node
/**
 * kafka-replay: produce a real public dataset, installed with the project, into a topic:
 *
 *   kafka-replay --bootstrap-server host:port --topic t --dataset flights|mail [--limit N]
 *       [--rate records/s] [--speedup X] [--create-topic [--partitions N]]
 *       [--producer-property k=v ...] [--producer.config file] [--progress]
 *
 * Datasets (streaming-kafka/data/):
 * - `flights`: the 3,000,000 US flights of January-June 2001 (vega-datasets flights-3m.parquet), in
 *   file order, which is event-time order. Key: the origin airport (`LAS`), so the producer's
 *   murmur2 partitioner (Java's) puts every flight of an airport in the same partition. Value: JSON
 *   `{"date":978307260000,"delay":33,"distance":2176,"origin":"LAS","destination":"PHL","producedAt":1718000000000}`:
 *   `date` the event time (departure, ms, the file's zone-less local time read as UTC),
 *   `delay` minutes, `distance` miles, `producedAt` the record's Kafka timestamp.
 * - `mail`: the non-blank body lines of the 6,046 SpamAssassin messages (387,804 lines), in corpus
 *   order. Key: the message, `<group>/<id>` (e.g. `spam-2/00001`), so the lines of one message stay
 *   together and in order in one partition. Value: the line.
 *
 * Every record's Kafka timestamp is the wall-clock time (ms) at which it is handed to the producer
 * (CreateTime), so a consumer measures end-to-end latency as now - timestamp.
 *
 * Pacing. Full speed by default (at most 100,000 records awaiting their acknowledgement).
 * - `--rate R`: at most R records/s, as a token bucket refilled continuously at R/s with room for
 *   50 ms of records (at least 1) and starting with one token: smooth, no burst at the start.
 * - `--speedup X` (flights only): each flight is sent when the wall-clock time since the first
 *   flight reaches (its date - the first flight's date) / X; X = 3600 plays an hour of flight time per
 *   second, X = 1 replays in real time. The dataset is in event-time order; a record whose date is
 *   earlier than one already sent (none in this dataset) is sent at once, never reordered, and counted
 *   as out of order in the summary.
 * - Both: `--rate` is a ceiling on top of the `--speedup` schedule. A record waits for its scheduled
 *   time, then for a token; when the rate cannot keep up, the replay falls behind the schedule and
 *   catches up at no more than R records/s (records are never dropped).
 *
 * `--create-topic` creates the topic first (`--partitions N`, else the broker's num.partitions); an
 * existing topic is used as it is (with a warning on stderr when its partition count differs from
 * `--partitions`). The producer: `acks=all` (and idempotence) by default, `client.id=kafka-replay`,
 * overridden by `--producer.config` then `--producer-property`; it is flushed before exit.
 *
 * Output: `Created topic t.` when it created one, then one summary line on stdout:
 * `Replayed N records (B bytes) in S s: R records/s` (bytes: key + value; seconds from the first send
 * to the last acknowledgement), followed by `, K out of event-time order` with --speedup. A progress
 * bar (cli-progress) is drawn on stderr when stderr is a terminal or with --progress. SIGINT/SIGTERM
 * stop the replay: the records sent so far are flushed and summed up (exit status 0).
 * Exit status 0, or 1 when a record failed (`ERROR <n> records failed: <first error>` on stderr) or on
 * any other error (see scripts/lib/tool-common.ts).
 */
import cliProgress from 'cli-progress';
import { Option } from 'commander';
import { AdminClient } from '../client/admin/index.js';
import { KafkaProducer, type RecordMetadata } from '../client/producer/index.js';
import { FLIGHT_COUNT, readFlightBatches, type Flight } from '../streaming-kafka/data/flights.js';
import { MAIL_LINE_COUNT, readMailMessages } from '../streaming-kafka/data/mail.js';
import { bootstrapOption, checkTopicForProducer, collect, intOption, newProgram, parseKeyValues, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-replay', 'Replay a public dataset (the US flights of 2001, or the SpamAssassin mail corpus) into a topic.')
  .addOption(bootstrapOption())
  .requiredOption('--topic <String: topic>', 'REQUIRED: The topic to produce the records to.')
  .addOption(new Option('--dataset <String: dataset>', 'REQUIRED: flights (3,000,000 flights of 2001, JSON keyed by origin airport) or mail (387,804 body lines of the SpamAssassin corpus, keyed by message).').choices(['flights', 'mail']).makeOptionMandatory())
  .option('--limit <Long: count>', 'Replay at most this many records from the start of the dataset.')
  .option('--rate <Double: records/s>', 'At most this many records per second (smooth token bucket). Default: as fast as possible.')
  .option('--speedup <Double: factor>', 'flights only: replay in event time, with the gaps between flights divided by this factor (3600 = one hour of flight time per second). --rate still caps the rate.')
  .option('--create-topic', 'Create the topic first (an existing topic is used as it is).')
  .option('--partitions <Integer: count>', 'With --create-topic: the partition count (default: the broker\'s num.partitions).')
  .option('--producer-property <String: producer_prop>', 'A producer property key=value (repeatable); takes precedence over --producer.config.', collect, [] as string[])
  .option('--producer.config <String: config file>', 'Producer config properties file.')
  .option('--progress', 'Draw the progress bar on stderr even when it is not a terminal.');

interface Opts {
  bootstrapServer: string;
  topic: string;
  dataset: 'flights' | 'mail';
  limit?: string;
  rate?: string;
  speedup?: string;
  createTopic?: boolean;
  partitions?: string;
  producerProperty: string[];
  'producer.config'?: string;
  progress?: boolean;
}

program.parse();
const opts = program.opts<Opts>();

/** A positive finite number option. Errors: ToolError. */
function positiveOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ToolError(`Invalid value '${value}' for ${flag}: expected a positive number`);
  return n;
}

/**
 * A token bucket: `rate` tokens/s, at most `capacity`, one token to start with. take() is cheap
 * (no clock reading while tokens are left).
 */
class TokenBucket {
  private tokens = 1;
  private last = performance.now();
  constructor(
    private readonly rate: number,
    private readonly capacity: number,
  ) {}

  /** Take a token: 0 when taken, else the ms to wait before trying again. */
  take(): number {
    if (this.tokens >= 1) {
      this.tokens--;
      return 0;
    }
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens--;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.rate;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One record to replay: its key, its event time (flights) and how to make its value. */
interface Item {
  key: string | null;
  eventTime: number | undefined;
  flight?: Flight;
  line?: string;
}

/** The flight's JSON value (field order: date, delay, distance, origin, destination, producedAt). */
function flightValue(f: Flight, producedAt: number): string {
  return `{"date":${f.date},"delay":${f.delay},"distance":${f.distance},"origin":${JSON.stringify(f.origin)},"destination":${JSON.stringify(f.destination)},"producedAt":${producedAt}}`;
}

/** The dataset as batches of items, at most `limit` items. */
async function* items(dataset: 'flights' | 'mail', limit: number | undefined): AsyncGenerator<Item[]> {
  if (dataset === 'flights') {
    for await (const batch of readFlightBatches({ limit, batchSize: 4096 })) yield batch.map((f) => ({ key: f.origin, eventTime: f.date, flight: f }));
    return;
  }
  let left = limit ?? Infinity;
  for (const m of readMailMessages()) {
    if (left <= 0) return;
    const lines = m.lines.length > left ? m.lines.slice(0, left) : m.lines;
    left -= lines.length;
    if (lines.length > 0) yield lines.map((line) => ({ key: m.key, eventTime: undefined, line }));
  }
}

async function main(): Promise<number> {
  const limit = intOption(opts.limit, '--limit', 1);
  const rate = positiveOption(opts.rate, '--rate');
  const speedup = positiveOption(opts.speedup, '--speedup');
  const partitions = intOption(opts.partitions, '--partitions', 1);
  if (speedup !== undefined && opts.dataset !== 'flights') throw new ToolError('--speedup needs --dataset flights (mail lines have no event time)');
  if (partitions !== undefined && !opts.createTopic) throw new ToolError('--partitions is only used with --create-topic');

  const props: Record<string, string> = {
    'client.id': 'kafka-replay',
    acks: 'all',
    ...readPropertiesFile(opts['producer.config']),
    ...parseKeyValues(opts.producerProperty, '--producer-property'),
    'bootstrap.servers': opts.bootstrapServer,
  };
  // Acks 0 or 1 cannot be idempotent (as kafka-console-producer).
  if (props.acks !== '-1' && props.acks !== 'all' && props['enable.idempotence'] === undefined) props['enable.idempotence'] = 'false';

  if (opts.createTopic) await createTopic(props, opts.topic, partitions);
  await checkTopicForProducer(props, opts.topic);

  const total = Math.min(limit ?? Infinity, opts.dataset === 'flights' ? FLIGHT_COUNT : MAIL_LINE_COUNT);
  const producer = new KafkaProducer(props);
  let acked = 0;
  let failed = 0;
  let firstError: unknown;
  let bytes = 0;
  let outOfOrder = 0;
  const MAX_OUTSTANDING = 100_000;
  let outstanding = 0;
  let wake: (() => void) | undefined;
  let stopped = false;
  const onSignal = () => (stopped = true);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);

  const showBar = process.stderr.isTTY === true || opts.progress === true;
  const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {value}/{total} records | ETA: {eta}s', etaBuffer: 50, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic) : undefined;
  const onAck = (_m: RecordMetadata) => {
    acked++;
    if (bar && (acked & 1023) === 0) bar.update(acked);
    if (--outstanding < MAX_OUTSTANDING / 2 && wake) (wake(), (wake = undefined));
  };
  const onError = (e: unknown) => {
    failed++;
    firstError ??= e;
    if (--outstanding < MAX_OUTSTANDING / 2 && wake) (wake(), (wake = undefined));
  };

  // As kafka-producer-perf-test: the topic's metadata first, out of the timed run.
  await producer.partitionsFor(opts.topic);
  bar?.start(total, 0);
  const bucket = rate !== undefined ? new TokenBucket(rate, Math.max(1, rate * 0.05)) : undefined;
  let start = -1; // performance.now() at the first send
  let firstEventTime = 0;
  let maxEventTime = -Infinity;
  let sent = 0;
  try {
    outer: for await (const batch of items(opts.dataset, limit)) {
      for (const item of batch) {
        if (stopped) break outer;
        if (start < 0) {
          start = performance.now();
          firstEventTime = item.eventTime ?? 0;
        }
        if (speedup !== undefined) {
          const t = item.eventTime!;
          if (t < maxEventTime) outOfOrder++;
          else maxEventTime = t;
          let ahead = start + (t - firstEventTime) / speedup - performance.now();
          while (ahead >= 1 && !stopped) {
            await sleep(Math.min(ahead, 1000));
            ahead = start + (t - firstEventTime) / speedup - performance.now();
          }
        }
        if (bucket) {
          let wait: number;
          while ((wait = bucket.take()) > 0) await sleep(wait);
        }
        const now = Date.now();
        const value = item.flight ? flightValue(item.flight, now) : item.line!;
        bytes += Buffer.byteLength(value) + (item.key === null ? 0 : Buffer.byteLength(item.key));
        outstanding++;
        sent++;
        producer.send({ topic: opts.topic, key: item.key, value, timestamp: now }).then(onAck, onError);
        if (outstanding >= MAX_OUTSTANDING) await new Promise<void>((r) => (wake = r));
        else if ((sent & 4095) === 0) await new Promise((r) => setImmediate(r)); // let answers in while queueing
      }
    }
  } finally {
    await producer.flush().catch(() => {});
    while (outstanding > 0) await sleep(1);
    await producer.close();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  }
  const seconds = start < 0 ? 0 : (performance.now() - start) / 1000;
  bar?.update(acked);
  bar?.stop();
  if (failed > 0) process.stderr.write(`ERROR ${failed} records failed: ${(firstError as Error)?.message ?? String(firstError)}\n`);
  const perSecond = seconds > 0 ? acked / seconds : 0;
  process.stdout.write(`Replayed ${acked} records (${bytes} bytes) in ${seconds.toFixed(3)} s: ${perSecond.toFixed(1)} records/s${speedup !== undefined ? `, ${outOfOrder} out of event-time order` : ''}\n`);
  return failed > 0 ? 1 : 0;
}

/** Create `topic`; an existing one is kept (warning when its partition count differs). */
async function createTopic(props: Record<string, string>, topic: string, partitions: number | undefined): Promise<void> {
  const admin = new AdminClient({ 'bootstrap.servers': props['bootstrap.servers']!, 'client.id': 'kafka-replay-admin' });
  try {
    try {
      await admin.createTopics([{ name: topic, ...(partitions !== undefined ? { numPartitions: partitions } : {}) }]);
      process.stdout.write(`Created topic ${topic}.\n`);
    } catch (e) {
      if ((e as { errorName?: string }).errorName !== 'TOPIC_ALREADY_EXISTS') throw e;
      if (partitions !== undefined) {
        const [d] = await admin.describeTopics([topic]);
        if (d && d.partitions.length !== partitions) process.stderr.write(`WARNING: Topic '${topic}' already exists with ${d.partitions.length} partitions; --partitions ${partitions} ignored\n`);
      }
    }
  } finally {
    await admin.close();
  }
}

runTool(main);
