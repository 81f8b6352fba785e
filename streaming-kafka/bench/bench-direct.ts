#!/usr/bin/env node
/**
 * bench:direct — word count with the Direct Kafka stream on our broker (a separate process):
 * N records (default 1,000,000) of short lines (3–6 words of a 1,000-word vocabulary) in 6
 * partitions, batch interval 1 s, the stream started after the data is in (so the first batch
 * holds the backlog unless --max-rate-per-partition is given), run until every record is counted.
 *
 *   npm run build && node dist/streaming-kafka/bench/bench-direct.js [--records N] [--max-rate-per-partition R]
 *     [--runs K] [--bootstrap host:port] [--cpu-prof file.cpuprofile]
 *
 * The data is loaded with kafkajs (a dev dependency). The stream is run `--runs` times (default 2)
 * over the same data, each run a new StreamingContext reading the topic from offset 0: the first run
 * warms the JIT (as a long-running streaming application is after its first batches); every run
 * prints its JSON line, the last run's is the result.
 * `--bootstrap` uses a running broker (the data is produced only when the topic does not hold N
 * records yet); `--cpu-prof` writes a V8 CPU profile of the stream runs only (not of the loading).
 * Prints progress lines, then as the last line one JSON object:
 * `{"run", "records", "batches", "recordsPerSec", "meanProcessingMs", "p99ProcessingMs", "meanSchedulingDelayMs", "wallSeconds"}`,
 * recordsPerSec = records / Σ processing time of the batches with records. Target (issue 6):
 * ≥ 1,000,000 records/s on the 2-core machine.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { killAll } from '../../scripts/bench-broker/proc.js';
import { StreamingContext } from '../context/streaming-context.js';
import { ConsumerStrategies, KafkaUtils } from '../kafka/index.js';
import { BENCH_PARTITIONS, benchBroker, benchLines, loadBenchTopic, quantile, watchBatches } from './bench-common.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string' },
    'max-rate-per-partition': { type: 'string' },
    runs: { type: 'string' },
    bootstrap: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(values.records ?? 1_000_000);
const RUNS = Math.max(1, Number(values.runs ?? 2));
const PARTITIONS = BENCH_PARTITIONS;
const TOPIC = 'bench-direct';

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-bench-direct-'));
  const broker = await benchBroker(base, values.bootstrap);
  try {
    const bootstrap = broker.bootstrap;
    console.log(`bench:direct: ${N.toLocaleString('en')} records, ${PARTITIONS} partitions, batch 1000 ms, ${RUNS} runs, broker ${bootstrap}; node ${process.version}, ${os.availableParallelism()} CPUs`);
    let data: string[] | undefined = benchLines(N);
    const expectedWords = data.reduce((n, l) => n + l.split(' ').length, 0);
    await loadBenchTopic(bootstrap, TOPIC, data, console.log);
    data = undefined; // not kept in the heap of the measured runs

    let session: Session | undefined;
    if (values['cpu-prof']) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    let last = '';
    for (let run = 1; run <= RUNS; run++) {
      last = JSON.stringify({ run, ...(await runOnce(bootstrap, run, expectedWords)) });
      console.log(last);
    }
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(values['cpu-prof']!, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of the stream runs: ${values['cpu-prof']}`);
      console.log(last); // the last run's JSON stays the last line
    }
  } finally {
    await broker.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

/** One stream run over the whole topic (from offset 0) until every record is counted. */
async function runOnce(bootstrap: string, run: number, expectedWords: number): Promise<Record<string, number>> {
  const conf: Record<string, number> = {};
  if (values['max-rate-per-partition']) conf['spark.streaming.kafka.maxRatePerPartition'] = Number(values['max-rate-per-partition']);
  const ssc = new StreamingContext({ batchDurationMs: 1000, conf, appName: 'bench-direct' });
  const stream = KafkaUtils.createDirectStream(ssc, {
    consumerStrategy: ConsumerStrategies.Assign(
      Array.from({ length: PARTITIONS }, (_, p) => ({ topic: TOPIC, partition: p })),
      { 'bootstrap.servers': bootstrap, 'group.id': `bench-direct-${Date.now()}-${run}`, 'auto.offset.reset': 'earliest' },
    ),
  });
  let words = 0;
  stream
    .flatMap((r) => (r.value === null ? [] : r.value.toString('latin1').split(' ')))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b)
    .foreachRDD((d) => {
      for (const [, n] of d.collect()) words += n;
    });
  const { infos, finished, counted: countedNow } = watchBatches(ssc, `run ${run}`, N);
  const w0 = performance.now();
  await ssc.start();
  await finished;
  const counted = countedNow();
  const wall = (performance.now() - w0) / 1000;
  await ssc.stop();
  const busy = infos.filter((i) => i.numRecords > 0);
  const proc = busy.map((i) => i.processingDelay!).sort((a, b) => a - b);
  const totalProc = proc.reduce((a, b) => a + b, 0);
  console.log(`run ${run}: words counted: ${words} (expected ${expectedWords})`);
  if (words !== expectedWords) throw new Error('word count mismatch');
  return {
    records: counted,
    batches: busy.length,
    recordsPerSec: Math.round(counted / (totalProc / 1000)),
    meanProcessingMs: Math.round(totalProc / busy.length),
    p99ProcessingMs: quantile(proc, 0.99),
    meanSchedulingDelayMs: Math.round(infos.reduce((a, i) => a + (i.schedulingDelay ?? 0), 0) / infos.length),
    wallSeconds: +wall.toFixed(2),
  };
}

main().catch((e) => {
  console.error(e);
  killAll();
  process.exit(1);
});
