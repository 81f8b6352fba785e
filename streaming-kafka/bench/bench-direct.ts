#!/usr/bin/env node
/**
 * bench:direct — word count with the Direct Kafka stream on our broker (a separate process):
 * N records (default 1,000,000) of short lines (3–6 words of a 1,000-word vocabulary) in 6
 * partitions, batch interval 1 s, the stream started after the data is in (so the first batch
 * holds the backlog unless --max-rate-per-partition is given), run until every record is counted.
 *
 *   npm run build && node dist/streaming-kafka/bench/bench-direct.js [--records N] [--max-rate-per-partition R]
 *
 * The data is loaded with kafkajs (a dev dependency).
 * Prints progress lines, then as the last line one JSON object:
 * `{"records", "batches", "recordsPerSec", "meanProcessingMs", "p99ProcessingMs", "meanSchedulingDelayMs", "wallSeconds"}`,
 * recordsPerSec = records / Σ processing time of the batches with records. Target (issue 6):
 * ≥ 1,000,000 records/s on the 2-core machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { AdminClient } from '../../client/index.js';
import { killAll, startBroker, type BrokerProcess } from '../../scripts/bench-broker/proc.js';
import { StreamingContext } from '../context/streaming-context.js';
import { ConsumerStrategies, KafkaUtils } from '../kafka/index.js';
import type { BatchInfo } from '../scheduler/batch-info.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { records: { type: 'string' }, 'max-rate-per-partition': { type: 'string' } } });
const N = Number(values.records ?? 1_000_000);
const PARTITIONS = 6;
const TOPIC = 'bench-direct';

function lines(n: number): string[] {
  let seed = 42;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const vocab = Array.from({ length: 1000 }, (_, i) => `word${i}`);
  return Array.from({ length: n }, () => Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => vocab[Math.floor(rnd() * 1000)]).join(' '));
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-bench-direct-'));
  let broker: BrokerProcess | undefined;
  try {
    const props = path.join(base, 'server.properties');
    fs.writeFileSync(props, ['listeners=PLAINTEXT://127.0.0.1:0', 'http.enabled=false', `log.dirs=${path.join(base, 'data')}`, 'group.initial.rebalance.delay.ms=0', ''].join('\n'));
    broker = await startBroker(process.env.KAFKA_TS_SERVER_START ?? path.resolve(HERE, '../../scripts/kafka-server-start.js'), props, [], 30_000);
    const bootstrap = broker.bootstrap;
    const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
    await admin.createTopics([{ name: TOPIC, numPartitions: PARTITIONS }]);
    await admin.close();
    console.log(`bench:direct: ${N.toLocaleString('en')} records, ${PARTITIONS} partitions, batch 1000 ms, broker ${bootstrap}; node ${process.version}, ${os.availableParallelism()} CPUs`);
    // kafkajs loads the data (kept independent of our producer, which has its own benchmark)
    const producer = new Kafka({ clientId: 'bench-direct', brokers: [bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const data = lines(N);
    const t0 = performance.now();
    for (let i = 0; i < N; i += 60_000) {
      const messages = data.slice(i, i + 60_000).map((value, j) => ({ partition: (i + j) % PARTITIONS, value }));
      await producer.send({ topic: TOPIC, messages });
    }
    await producer.disconnect();
    console.log(`produced in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const conf: Record<string, number> = {};
    if (values['max-rate-per-partition']) conf['spark.streaming.kafka.maxRatePerPartition'] = Number(values['max-rate-per-partition']);
    const ssc = new StreamingContext({ batchDurationMs: 1000, conf, appName: 'bench-direct' });
    const stream = KafkaUtils.createDirectStream(ssc, {
      consumerStrategy: ConsumerStrategies.Assign(
        Array.from({ length: PARTITIONS }, (_, p) => ({ topic: TOPIC, partition: p })),
        { 'bootstrap.servers': bootstrap, 'group.id': 'bench-direct', 'auto.offset.reset': 'earliest' },
      ),
    });
    let counted = 0;
    let words = 0;
    stream
      .flatMap((r) => (r.value === null ? [] : r.value.toString('latin1').split(' ')))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .foreachRDD((d) => {
        for (const [, n] of d.collect()) words += n;
      });
    const infos: BatchInfo[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    ssc.addStreamingListener({
      onBatchCompleted: ({ batchInfo }) => {
        infos.push(batchInfo);
        counted += batchInfo.numRecords;
        console.log(`batch ${batchInfo.batchTime}: ${batchInfo.numRecords} records, processing ${batchInfo.processingDelay} ms, scheduling delay ${batchInfo.schedulingDelay} ms`);
        if (counted >= N) done();
      },
    });
    const w0 = performance.now();
    await ssc.start();
    await finished;
    const wall = (performance.now() - w0) / 1000;
    await ssc.stop();
    const busy = infos.filter((i) => i.numRecords > 0);
    const proc = busy.map((i) => i.processingDelay!).sort((a, b) => a - b);
    const totalProc = proc.reduce((a, b) => a + b, 0);
    const expectedWords = data.reduce((n, l) => n + l.split(' ').length, 0);
    console.log(`words counted: ${words} (expected ${expectedWords})`);
    if (words !== expectedWords) throw new Error('word count mismatch');
    console.log(
      JSON.stringify({
        records: counted,
        batches: busy.length,
        recordsPerSec: Math.round(counted / (totalProc / 1000)),
        meanProcessingMs: Math.round(totalProc / busy.length),
        p99ProcessingMs: proc[Math.min(proc.length - 1, Math.ceil(proc.length * 0.99) - 1)],
        meanSchedulingDelayMs: Math.round(infos.reduce((a, i) => a + (i.schedulingDelay ?? 0), 0) / infos.length),
        wallSeconds: +wall.toFixed(2),
      }),
    );
  } finally {
    await broker?.stop(10_000);
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  killAll();
  process.exit(1);
});
