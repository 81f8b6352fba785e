#!/usr/bin/env node
/**
 * direct-kafka-word-count — Spark's DirectKafkaWordCount example on this layer:
 *
 *   direct-kafka-word-count --bootstrap-server <b> --group <g> --topics <t1,t2> --batch-interval-ms <n>
 *       --checkpoint <dir> --output-dir <dir> [--max-rate-per-partition <r>]
 *
 * Splits record values into words on whitespace and, for each batch, writes one file
 * `<output-dir>/batch-<batchTimeMs>.json` atomically (temp file, fsync, rename) holding
 * `{"batchTime", "offsetRanges": [{topic, partition, fromOffset, untilOffset}], "counts": {word: n}}`.
 * Killed at any moment (kill -9) and started again with the same arguments it carries on
 * (StreamingContext.getOrCreate): a batch's offset ranges are checkpointed before its file is
 * written, and a rerun batch re-reads the same ranges and rewrites the same file — so the files
 * hold every input record exactly once (ranges tile each partition, counts add up exactly).
 * Unlike Spark's example it assigns every partition of the topics (Assign) instead of Subscribe,
 * so that a restart after kill -9 need not wait for the dead member's group session to expire;
 * the group receives the processed offsets through commitAsync, for monitoring.
 * SIGTERM stops gracefully (spark.streaming.stopGracefullyOnShutdown = true).
 */
import { parseArgs } from 'node:util';
import { AdminClient } from '../../client/index.js';
import { StreamingContext } from '../context/streaming-context.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, offsetRangesOf } from '../kafka/index.js';
import { writeBatchFile } from '../sinks/idempotent-file-sink.js';

const { values } = parseArgs({
  options: {
    'bootstrap-server': { type: 'string' },
    group: { type: 'string' },
    topics: { type: 'string' },
    'batch-interval-ms': { type: 'string' },
    checkpoint: { type: 'string' },
    'output-dir': { type: 'string' },
    'max-rate-per-partition': { type: 'string' },
  },
});
for (const k of ['bootstrap-server', 'group', 'topics', 'batch-interval-ms', 'checkpoint', 'output-dir'] as const) {
  if (!values[k]) {
    process.stderr.write(`Missing required option --${k}\nUsage: direct-kafka-word-count --bootstrap-server <b> --group <g> --topics <t1,t2> --batch-interval-ms <n> --checkpoint <dir> --output-dir <dir> [--max-rate-per-partition <r>]\n`);
    process.exit(1);
  }
}
const bootstrap = values['bootstrap-server']!;
const topics = values.topics!.split(',').map((t) => t.trim()).filter(Boolean);
const batchMs = Number(values['batch-interval-ms']);
const checkpointDir = values.checkpoint!;
const outputDir = values['output-dir']!;

const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
const partitions = (await admin.describeTopics(topics)).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
await admin.close();

const create = (): StreamingContext => {
  const conf: Record<string, string | number | boolean> = { 'spark.streaming.stopGracefullyOnShutdown': true };
  if (values['max-rate-per-partition']) conf['spark.streaming.kafka.maxRatePerPartition'] = Number(values['max-rate-per-partition']);
  const ssc = new StreamingContext({ batchDurationMs: batchMs, conf, appName: 'DirectKafkaWordCount' });
  ssc.checkpoint(checkpointDir);
  const kafkaParams = { 'bootstrap.servers': bootstrap, 'group.id': values.group!, 'auto.offset.reset': 'earliest' };
  const messages = KafkaUtils.createDirectStream(ssc, {
    locationStrategy: LocationStrategies.PreferConsistent,
    consumerStrategy: ConsumerStrategies.Assign(partitions, kafkaParams),
  });
  messages.foreachRDD((data, time) => {
    const ranges = offsetRangesOf(data);
    const counts: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [w, n] of data
      .flatMap((r) => (r.value === null ? [] : r.value.toString('utf8').split(/\s+/).filter((w) => w.length > 0)))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .collect()) {
      counts[w] = n;
    }
    writeBatchFile(outputDir, time, ranges, { counts });
    messages.commitAsync(ranges);
  });
  return ssc;
};

const ssc = await StreamingContext.getOrCreate(checkpointDir, create);
await ssc.start();
await ssc.awaitTermination();
