#!/usr/bin/env node
/**
 * bench:receiver — the word count of bench:direct through the Receiver-based Kafka stream: the same
 * input (N records, default 1,000,000, of short lines in 6 partitions, loaded before the stream
 * starts), batch interval 1 s, one receiver with 6 consumer threads in a ZooKeeper-style consumer
 * group on the embedded coordination store, run until every record is counted; once with the
 * receiver write-ahead log (ReliableKafkaReceiver: blocks written to the log, then offsets
 * committed) and once without (KafkaReceiver: blocks in memory, offsets auto-committed).
 *
 *   npm run build && node dist/streaming-kafka/bench/bench-receiver.js [--records N] [--bootstrap host:port]
 *     [--modes wal,no-wal] [--threads T]
 *
 * Prints progress lines, one JSON line per mode, then as the last line one JSON object:
 * `{"records", "inputBytes", "runs": [{"mode": "receiver-wal" | "receiver-no-wal", "recordsPerSec",
 * "batches", "meanProcessingMs", "p99ProcessingMs", "meanSchedulingDelayMs", "walBytes",
 * "walBytesPerInputByte", "wallSeconds"}], "cpus", "node"}`.
 * recordsPerSec = records / wall time from the context's start until the batch that completes the
 * count (a receiver's throughput is its receiving rate: batches process what it stored);
 * walBytes = bytes of the receiver write-ahead log files (`<checkpoint>/receivedData`) plus the
 * block tracker's log (`<checkpoint>/receivedBlockMetadata`), per input byte (record values).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { killAll } from '../../scripts/bench-broker/proc.js';
import { StreamingContext } from '../context/streaming-context.js';
import { KafkaUtils } from '../kafka/index.js';
import { BENCH_PARTITIONS, benchBroker, benchLines, loadBenchTopic, quantile, watchBatches } from './bench-common.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string' },
    bootstrap: { type: 'string' },
    modes: { type: 'string' },
    threads: { type: 'string' },
  },
});
const N = Number(values.records ?? 1_000_000);
const THREADS = Number(values.threads ?? BENCH_PARTITIONS);
const MODES = (values.modes ?? 'wal,no-wal').split(',').map((m) => m.trim());
const TOPIC = 'bench-direct'; // the same topic and data as bench:direct

/** Bytes of the regular files under `dir` (0 when missing). */
function dirBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return n;
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-bench-receiver-'));
  const broker = await benchBroker(base, values.bootstrap);
  try {
    const bootstrap = broker.bootstrap;
    console.log(`bench:receiver: ${N.toLocaleString('en')} records, ${BENCH_PARTITIONS} partitions, batch 1000 ms, block interval 200 ms, ${THREADS} consumer threads, modes ${MODES.join(', ')}, broker ${bootstrap}; node ${process.version}, ${os.availableParallelism()} CPUs`);
    let data: string[] | undefined = benchLines(N);
    const expectedWords = data.reduce((n, l) => n + l.split(' ').length, 0);
    const inputBytes = data.reduce((n, l) => n + Buffer.byteLength(l), 0);
    await loadBenchTopic(bootstrap, TOPIC, data, console.log);
    data = undefined;
    const runs: Record<string, unknown>[] = [];
    for (const mode of MODES) {
      if (mode !== 'wal' && mode !== 'no-wal') throw new Error(`unknown mode ${mode} (wal, no-wal)`);
      const r = await runOnce(bootstrap, base, mode === 'wal', expectedWords, inputBytes);
      console.log(JSON.stringify(r));
      runs.push(r);
    }
    console.log(JSON.stringify({ records: N, inputBytes, runs, cpus: os.availableParallelism(), node: process.version }));
  } finally {
    await broker.stop();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

async function runOnce(bootstrap: string, base: string, wal: boolean, expectedWords: number, inputBytes: number): Promise<Record<string, unknown>> {
  const mode = wal ? 'receiver-wal' : 'receiver-no-wal';
  const work = fs.mkdtempSync(path.join(base, `${mode}-`));
  const checkpointDir = path.join(work, 'checkpoint');
  const ssc = new StreamingContext({ batchDurationMs: 1000, conf: { 'spark.streaming.receiver.writeAheadLog.enable': wal }, appName: `bench-${mode}` });
  ssc.checkpoint(checkpointDir);
  const stream = KafkaUtils.createStream(
    ssc,
    { 'zookeeper.connect': path.join(work, 'zk'), 'group.id': `bench-${mode}`, 'bootstrap.servers': bootstrap, 'auto.offset.reset': 'smallest' },
    { [TOPIC]: THREADS },
  );
  let words = 0;
  stream
    .flatMap(([, v]) => (v === null ? [] : v.split(' ')))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b)
    .foreachRDD((d) => {
      for (const [, n] of d.collect()) words += n;
    });
  const { infos, finished, counted: countedNow } = watchBatches(ssc, mode, N);
  const w0 = performance.now();
  await ssc.start();
  await finished;
  const counted = countedNow();
  const wall = (performance.now() - w0) / 1000;
  const walBytes = wal ? dirBytes(path.join(checkpointDir, 'receivedData')) + dirBytes(path.join(checkpointDir, 'receivedBlockMetadata')) : 0;
  await ssc.stop();
  if (words !== expectedWords) throw new Error(`${mode}: word count mismatch: ${words}, expected ${expectedWords}`);
  const busy = infos.filter((i) => i.numRecords > 0);
  const proc = busy.map((i) => i.processingDelay!).sort((a, b) => a - b);
  const totalProc = proc.reduce((a, b) => a + b, 0);
  return {
    mode,
    records: counted,
    recordsPerSec: Math.round(counted / wall),
    batches: busy.length,
    meanProcessingMs: Math.round(totalProc / Math.max(1, busy.length)),
    p99ProcessingMs: quantile(proc, 0.99),
    meanSchedulingDelayMs: Math.round(infos.reduce((a, i) => a + (i.schedulingDelay ?? 0), 0) / Math.max(1, infos.length)),
    walBytes,
    walBytesPerInputByte: +(walBytes / inputBytes).toFixed(3),
    wallSeconds: +wall.toFixed(2),
  };
}

main().catch((e) => {
  console.error(e);
  killAll();
  process.exit(1);
});
