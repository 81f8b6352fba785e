/**
 * What the stream benchmarks (bench:direct, bench:receiver) share: the input (short lines of 3–6
 * words from a 1,000-word vocabulary, deterministic), a broker of their own (a separate process,
 * `http.enabled=false`) unless `--bootstrap` names one, and loading the input with kafkajs (kept
 * independent of our producer, which has its own benchmark) into a 6-partition topic.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { AdminClient, KafkaConsumer } from '../../client/index.js';
import { startBroker, type BrokerProcess } from '../../scripts/bench-broker/proc.js';
import type { StreamingContext } from '../context/streaming-context.js';
import type { BatchInfo } from '../scheduler/batch-info.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Partitions of the benchmark topics. */
export const BENCH_PARTITIONS = 6;

/** `n` lines of 3–6 words (`word0`..`word999`), the same for every run (LCG seeded 42). */
export function benchLines(n: number): string[] {
  let seed = 42;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const vocab = Array.from({ length: 1000 }, (_, i) => `word${i}`);
  return Array.from({ length: n }, () => Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => vocab[Math.floor(rnd() * 1000)]).join(' '));
}

/** A broker for a benchmark: `bootstrap` as given, or a broker process with its data in `baseDir` (stopped by `stop`). */
export async function benchBroker(baseDir: string, bootstrap: string | undefined): Promise<{ bootstrap: string; stop(): Promise<void> }> {
  if (bootstrap !== undefined) return { bootstrap, stop: async () => {} };
  const props = path.join(baseDir, 'server.properties');
  fs.writeFileSync(props, ['listeners=PLAINTEXT://127.0.0.1:0', 'http.enabled=false', `log.dirs=${path.join(baseDir, 'data')}`, 'group.initial.rebalance.delay.ms=0', ''].join('\n'));
  const broker: BrokerProcess = await startBroker(process.env.KAFKA_TS_SERVER_START ?? path.resolve(HERE, '../../scripts/kafka-server-start.js'), props, [], 30_000);
  return {
    bootstrap: broker.bootstrap,
    stop: async () => {
      await broker.stop(10_000);
    },
  };
}

/**
 * Make `topic` (6 partitions) hold `lines`, record i in partition i % 6: created and loaded with
 * kafkajs when empty; left as is when it already holds exactly that many records.
 * Errors: `Error` when the topic holds another number of records.
 */
export async function loadBenchTopic(bootstrap: string, topic: string, lines: string[], log: (s: string) => void): Promise<void> {
  const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
  if (!(await admin.listTopics()).includes(topic)) await admin.createTopics([{ name: topic, numPartitions: BENCH_PARTITIONS }]);
  await admin.close();
  const tps = Array.from({ length: BENCH_PARTITIONS }, (_, p) => ({ topic, partition: p }));
  const probe = new KafkaConsumer({ 'bootstrap.servers': bootstrap });
  const held = [...(await probe.endOffsets(tps)).values()].reduce((a, b) => a + b, 0);
  await probe.close();
  if (held === lines.length) return;
  if (held !== 0) throw new Error(`topic ${topic} holds ${held} records, not ${lines.length}`);
  const producer = new Kafka({ clientId: 'bench-load', brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < lines.length; i += 60_000) {
    const messages = lines.slice(i, i + 60_000).map((value, j) => ({ partition: (i + j) % BENCH_PARTITIONS, value }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  log(`produced ${lines.length} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The value at quantile `q` (0..1) of ascending `sorted` (nearest rank); 0 when empty. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))]!;
}

/**
 * Follow a benchmark run's batches: every completed batch is kept in `infos` and logged as
 * "<label> batch <t>: <n> records, processing <ms> ms, scheduling delay <ms> ms"; `finished`
 * resolves once the batches hold `records` records in all; `counted()` is the number so far.
 */
export function watchBatches(ssc: StreamingContext, label: string, records: number): { infos: BatchInfo[]; finished: Promise<void>; counted(): number } {
  const infos: BatchInfo[] = [];
  let counted = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  ssc.addStreamingListener({
    onBatchCompleted: ({ batchInfo }) => {
      infos.push(batchInfo);
      counted += batchInfo.numRecords;
      console.log(`${label} batch ${batchInfo.batchTime}: ${batchInfo.numRecords} records, processing ${batchInfo.processingDelay} ms, scheduling delay ${batchInfo.schedulingDelay} ms`);
      if (counted >= records) done();
    },
  });
  return { infos, finished, counted: () => counted };
}
