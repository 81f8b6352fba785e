#!/usr/bin/env node
/**
 * transactional-word-count — Spark's DirectKafkaWordCount with exactly-once output the "your own
 * data store" way of Spark's Kafka integration guide (§ Storing Offsets), on TransactionalLmdbSink:
 *
 *   transactional-word-count --bootstrap-server <b> --group <g> --topics <t1,t2> --batch-interval-ms <n>
 *       --sink <lmdb path> [--max-rate-per-partition <r>]
 *
 * Splits record values into words on whitespace and commits each batch in **one lmdb transaction**
 * of the sink at `<lmdb path>`: the running totals `count/<word>` → n, the batch's non-empty offset
 * ranges `batch/<batchTimeMs>` → `[{topic, partition, fromOffset, untilOffset}]` (an audit of what
 * each batch counted), and the stored end offset of every partition. The sink refuses a batch whose
 * range does not start at its partition's stored end ("Offset mismatch for <topic>-<partition>...").
 * After each commit it prints one line to stdout:
 * `committed <batchTimeMs> <topic>-<partition>=<storedEnd> ...` (every stored end, sorted).
 *
 * No checkpoint: on (re)start the stream is `ConsumerStrategies.Assign` over every partition of the
 * topics, starting from the sink's stored offsets (partitions without one: `auto.offset.reset` =
 * earliest), so killed at any moment (kill -9) and started again with the same arguments it carries
 * on with every record counted exactly once. The group gets the processed offsets through
 * commitAsync, for monitoring only. SIGTERM stops gracefully (spark.streaming.stopGracefullyOnShutdown
 * = true): the batch in progress completes (its transaction commits), then the process ends by
 * SIGTERM as StreamingContext's shutdown hook re-raises it.
 */
import { parseArgs } from 'node:util';
import { AdminClient } from '../../client/index.js';
import { StreamingContext } from '../context/streaming-context.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, offsetRangesOf } from '../kafka/index.js';
import { TransactionalLmdbSink } from '../sinks/transactional-lmdb-sink.js';

const USAGE = 'Usage: transactional-word-count --bootstrap-server <b> --group <g> --topics <t1,t2> --batch-interval-ms <n> --sink <lmdb path> [--max-rate-per-partition <r>]';
const { values } = parseArgs({
  options: {
    'bootstrap-server': { type: 'string' },
    group: { type: 'string' },
    topics: { type: 'string' },
    'batch-interval-ms': { type: 'string' },
    sink: { type: 'string' },
    'max-rate-per-partition': { type: 'string' },
  },
});
for (const k of ['bootstrap-server', 'group', 'topics', 'batch-interval-ms', 'sink'] as const) {
  if (!values[k]) {
    process.stderr.write(`Missing required option --${k}\n${USAGE}\n`);
    process.exit(1);
  }
}
const bootstrap = values['bootstrap-server']!;
const topics = values.topics!.split(',').map((t) => t.trim()).filter(Boolean);

const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
const partitions = (await admin.describeTopics(topics)).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
await admin.close();

const sink = new TransactionalLmdbSink(values.sink!);
const conf: Record<string, string | number | boolean> = { 'spark.streaming.stopGracefullyOnShutdown': true };
if (values['max-rate-per-partition']) conf['spark.streaming.kafka.maxRatePerPartition'] = Number(values['max-rate-per-partition']);
const ssc = new StreamingContext({ batchDurationMs: Number(values['batch-interval-ms']), conf, appName: 'TransactionalWordCount' });
const kafkaParams = { 'bootstrap.servers': bootstrap, 'group.id': values.group!, 'auto.offset.reset': 'earliest' };
const messages = KafkaUtils.createDirectStream(ssc, {
  locationStrategy: LocationStrategies.PreferConsistent,
  // Start where the stored results end: the sink, not the checkpoint, holds the offsets.
  consumerStrategy: ConsumerStrategies.Assign(partitions, kafkaParams, sink.storedOffsets()),
});
messages.foreachRDD(async (data, time) => {
  const ranges = offsetRangesOf(data);
  const counts = data
    .flatMap((r) => (r.value === null ? [] : r.value.toString('utf8').split(/\s+/).filter((w) => w.length > 0)))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b)
    .collect();
  await sink.commitBatch(time, ranges, (tx) => {
    for (const [w, n] of counts) tx.put(`count/${w}`, ((tx.get(`count/${w}`) as number | undefined) ?? 0) + n);
    const counted = ranges.filter((r) => r.count() > 0).map((r) => ({ topic: r.topic, partition: r.partition, fromOffset: r.fromOffset, untilOffset: r.untilOffset }));
    if (counted.length > 0) tx.put(`batch/${time}`, counted);
  });
  const ends = [...sink.storedOffsets()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  process.stdout.write(`committed ${time} ${ends.join(' ')}\n`);
  messages.commitAsync(ranges);
});

await ssc.start();
try {
  await ssc.awaitTermination();
} finally {
  await sink.close();
}
