#!/usr/bin/env node
/**
 * kafka-word-count — Spark's KafkaWordCount example (kafka-0-8, Receiver-based) on this layer:
 *
 *   kafka-word-count --bootstrap-server <b> --zookeeper <connect string or embedded path> --group <g>
 *       --topics <t1,t2> --num-threads <n> --batch-interval-ms <n> --checkpoint <dir> --output-dir <dir>
 *       [--wal] [--max-rate <records/s per receiver>] [--session-timeout-ms <ms>] [--consumer-property k=v ...]
 *
 * Receives the topics with `KafkaUtils.createStream` (one receiver, `--num-threads` consumer
 * threads per topic, in the consumer group `--group` whose membership, partition ownership and
 * offsets live in the coordination store `--zookeeper`), splits record values into words on
 * whitespace and, for each batch, writes `<output-dir>/batch-<batchTimeMs>.json` atomically (temp
 * file, fsync, rename) holding `{"batchTime", "blocks": [{id, topic, partition, fromOffset,
 * untilOffset}], "counts": {word: n}}`: the same format as direct-kafka-word-count with the batch's
 * received blocks instead of offset ranges.
 *
 * `--session-timeout-ms` is the group's `zookeeper.session.timeout.ms` (6000), `--consumer-property`
 * any Kafka 0.8 consumer key (e.g. `auto.commit.interval.ms=1000`).
 * `--wal` sets `spark.streaming.receiver.writeAheadLog.enable`: blocks are written to the
 * write-ahead log under the checkpoint directory before their offsets are committed, so after a
 * kill -9 and a restart with the same arguments (StreamingContext.getOrCreate) every record is
 * counted at least once: a batch that was cut but not finished is re-read from the log and its file
 * rewritten with the same blocks; records received again after the restart appear in later blocks
 * (counted twice). Without `--wal`, offsets are auto-committed and received blocks live in memory
 * only: a crash loses records. SIGTERM stops gracefully (spark.streaming.stopGracefullyOnShutdown).
 */
import { parseArgs } from 'node:util';
import { StreamingContext } from '../context/streaming-context.js';
import { blockInfosOf } from '../dstream/receiver-input-dstream.js';
import { KafkaUtils, type KafkaBlockMetadata } from '../kafka/index.js';
import { writeBatchResultFile } from '../sinks/idempotent-file-sink.js';

const USAGE =
  'Usage: kafka-word-count --bootstrap-server <b> --zookeeper <connect string or embedded path> --group <g> --topics <t1,t2> --num-threads <n> --batch-interval-ms <n> --checkpoint <dir> --output-dir <dir> [--wal] [--max-rate <r>] [--session-timeout-ms <ms>] [--consumer-property k=v ...]';
const { values } = parseArgs({
  options: {
    'bootstrap-server': { type: 'string' },
    zookeeper: { type: 'string' },
    group: { type: 'string' },
    topics: { type: 'string' },
    'num-threads': { type: 'string' },
    'batch-interval-ms': { type: 'string' },
    checkpoint: { type: 'string' },
    'output-dir': { type: 'string' },
    wal: { type: 'boolean' },
    'max-rate': { type: 'string' },
    'session-timeout-ms': { type: 'string' },
    'consumer-property': { type: 'string', multiple: true },
  },
});
for (const k of ['bootstrap-server', 'zookeeper', 'group', 'topics', 'batch-interval-ms', 'checkpoint', 'output-dir'] as const) {
  if (!values[k]) {
    process.stderr.write(`Missing required option --${k}\n${USAGE}\n`);
    process.exit(1);
  }
}
const numThreads = Number(values['num-threads'] ?? 1);
const batchMs = Number(values['batch-interval-ms']);
if (!Number.isInteger(numThreads) || numThreads <= 0 || !Number.isInteger(batchMs) || batchMs <= 0) {
  process.stderr.write(`--num-threads and --batch-interval-ms must be positive integers\n${USAGE}\n`);
  process.exit(1);
}
const topics = Object.fromEntries(values.topics!.split(',').map((t) => t.trim()).filter(Boolean).map((t) => [t, numThreads]));
const consumerProps: Record<string, string> = {};
for (const kv of values['consumer-property'] ?? []) {
  const i = kv.indexOf('=');
  if (i <= 0) {
    process.stderr.write(`Invalid --consumer-property ${kv}: expected key=value\n${USAGE}\n`);
    process.exit(1);
  }
  consumerProps[kv.slice(0, i)] = kv.slice(i + 1);
}
const checkpointDir = values.checkpoint!;
const outputDir = values['output-dir']!;

const create = (): StreamingContext => {
  const conf: Record<string, string | number | boolean> = {
    'spark.streaming.stopGracefullyOnShutdown': true,
    'spark.streaming.receiver.writeAheadLog.enable': values.wal === true,
  };
  if (values['max-rate']) conf['spark.streaming.receiver.maxRate'] = Number(values['max-rate']);
  const ssc = new StreamingContext({ batchDurationMs: batchMs, conf, appName: 'KafkaWordCount' });
  ssc.checkpoint(checkpointDir);
  const kafkaParams = {
    'zookeeper.connect': values.zookeeper!,
    'group.id': values.group!,
    'bootstrap.servers': values['bootstrap-server']!,
    'auto.offset.reset': 'smallest',
    ...(values['session-timeout-ms'] ? { 'zookeeper.session.timeout.ms': values['session-timeout-ms'] } : {}),
    ...consumerProps,
  };
  const lines = KafkaUtils.createStream(ssc, kafkaParams, topics);
  lines.foreachRDD((data, time) => {
    const blocks = blockInfosOf(data).flatMap((b) =>
      ((b.metadata as KafkaBlockMetadata | undefined)?.ranges ?? []).map((r) => ({ id: String(b.blockId), topic: r.topic, partition: r.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset })),
    );
    const counts: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [w, n] of data
      .flatMap(([, v]) => (v === null ? [] : v.split(/\s+/).filter((w) => w.length > 0)))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .collect()) {
      counts[w] = n;
    }
    writeBatchResultFile(outputDir, time, { blocks, counts });
  });
  return ssc;
};

const ssc = await StreamingContext.getOrCreate(checkpointDir, create);
await ssc.start();
await ssc.awaitTermination();
