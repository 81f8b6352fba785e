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
 *
 * The replay itself is `replayDataset` (streaming-kafka/data/replay.ts), which benchmarks call in-process.
 */
import cliProgress from 'cli-progress';
import { Option } from 'commander';
import { AdminClient } from '../client/admin/index.js';
import { replayDataset, replayRecordCount, type ReplayResult } from '../streaming-kafka/data/replay.js';
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

  if (opts.createTopic) await createTopic(props, opts.topic, partitions);
  await checkTopicForProducer(props, opts.topic);

  const total = replayRecordCount(opts.dataset, limit);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  const showBar = process.stderr.isTTY === true || opts.progress === true;
  const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {value}/{total} records | ETA: {eta}s', etaBuffer: 50, noTTYOutput: true, notTTYSchedule: 1000 }, cliProgress.Presets.shades_classic) : undefined;
  let r: ReplayResult;
  try {
    r = await replayDataset({
      producerProps: props,
      topic: opts.topic,
      dataset: opts.dataset,
      limit,
      rate,
      speedup,
      signal: stop.signal,
      onStart: () => bar?.start(total, 0),
      onProgress: (acked) => bar?.update(acked),
    });
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  }
  bar?.stop();
  if (r.failed > 0) process.stderr.write(`ERROR ${r.failed} records failed: ${(r.firstError as Error)?.message ?? String(r.firstError)}\n`);
  process.stdout.write(`Replayed ${r.acked} records (${r.bytes} bytes) in ${r.seconds.toFixed(3)} s: ${r.recordsPerSec.toFixed(1)} records/s${speedup !== undefined ? `, ${r.outOfOrder} out of event-time order` : ''}\n`);
  return r.failed > 0 ? 1 : 0;
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
