#!/usr/bin/env node
/**
 * kafka-producer-perf-test: produce `--num-records` records of `--record-size` bytes as fast as
 * allowed (`--throughput` records/s, -1 = no limit) and report, as Kafka's
 * `bin/kafka-producer-perf-test.sh` (same flags and output lines):
 *
 *   kafka-producer-perf-test --topic t --num-records N --record-size B --throughput T
 *       --producer-props bootstrap.servers=host:port [k=v ...] [--producer.config file] [--bootstrap-server host:port]
 *
 * Every 5 s: "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency." and at the
 * end "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th, P95 ms
 * 95th, P99 ms 99th, P999 ms 99.9th." Latency is from send() to the broker's acknowledgement. A progress
 * bar (cli-progress) is drawn on stderr when stderr is a terminal. Exit status 0, or 1 when a record
 * failed or on any error (see scripts/lib/tool-common.ts).
 */
import cliProgress from 'cli-progress';
import fs from 'node:fs';
import { KafkaProducer, type ProducerRecord, type RecordMetadata } from '../client/producer/index.js';
import { checkTopicForProducer, intOption, newProgram, parseKeyValues, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-producer-perf-test', 'This tool is used to verify the producer performance.')
  .requiredOption('--topic <TOPIC>', 'produce messages to this topic')
  .requiredOption('--num-records <NUM-RECORDS>', 'number of messages to produce')
  .option('--record-size <RECORD-SIZE>', 'message size in bytes. Note that you must provide exactly one of --record-size or --payload-file.')
  .option('--payload-file <PAYLOAD-FILE>', 'file to read the message payloads from (one per line, chosen at random)')
  .requiredOption('--throughput <THROUGHPUT>', 'throttle maximum message throughput to *approximately* THROUGHPUT messages/sec. Set this to -1 to disable throttling.')
  .option('--producer-props <PROP-NAME=PROP-VALUE...>', 'kafka producer related configuration properties like bootstrap.servers,client.id etc. These configs take precedence over those passed via --producer.config.')
  .option('--producer.config <CONFIG-FILE>', 'producer config properties file.')
  .option('--bootstrap-server <BOOTSTRAP-SERVERS>', 'The server(s) to connect to (overrides bootstrap.servers of --producer-props).')
  .option('--reporting-interval <INTERVAL-MS>', 'Interval in milliseconds at which to print progress info.', '5000');

interface Opts {
  topic: string;
  numRecords: string;
  recordSize?: string;
  payloadFile?: string;
  throughput: string;
  producerProps?: string[];
  'producer.config'?: string;
  bootstrapServer?: string;
  reportingInterval: string;
}

program.parse();
const opts = program.opts<Opts>();

function percentile(sorted: Int32Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<number> {
  const numRecords = intOption(opts.numRecords, '--num-records', 1)!;
  const throughput = Number(opts.throughput);
  if (!Number.isFinite(throughput) || throughput === 0) throw new ToolError(`Invalid value '${opts.throughput}' for --throughput: a positive number, or -1 for no limit`);
  const reportingInterval = intOption(opts.reportingInterval, '--reporting-interval', 1)!;
  if ((opts.recordSize === undefined) === (opts.payloadFile === undefined)) throw new ToolError('Exactly one of --record-size or --payload-file must be specified.');
  const props: Record<string, string> = { 'client.id': 'perf-producer-client', ...readPropertiesFile(opts['producer.config']), ...parseKeyValues(opts.producerProps, '--producer-props') };
  if (opts.bootstrapServer) props['bootstrap.servers'] = opts.bootstrapServer;
  if (!props['bootstrap.servers']) throw new ToolError('bootstrap.servers must be given with --producer-props bootstrap.servers=host:port (or --bootstrap-server)');

  let payloads: Buffer[];
  if (opts.recordSize !== undefined) {
    const size = intOption(opts.recordSize, '--record-size', 0)!;
    const b = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) b[i] = 65 + Math.floor(Math.random() * 26); // random uppercase letters, as Kafka
    payloads = [b];
  } else {
    payloads = fs.readFileSync(opts.payloadFile!, 'utf8').split('\n').filter(Boolean).map((l) => Buffer.from(l));
    if (payloads.length === 0) throw new ToolError(`File is empty: ${opts.payloadFile}`);
    process.stdout.write(`Reading payloads from: ${opts.payloadFile}\nNumber of messages read: ${payloads.length}\n`);
  }

  await checkTopicForProducer(props, opts.topic);

  const producer = new KafkaProducer(props);
  const latencies = new Int32Array(numRecords);
  let acked = 0;
  let failed = 0;
  let firstError: unknown;
  let bytes = 0;
  // Window stats (Kafka's Stats: printed every reporting interval).
  let wCount = 0;
  let wBytes = 0;
  let wLatency = 0;
  let wMax = 0;
  let wStart = Date.now();
  let totalLatency = 0;
  let maxLatency = 0;
  const start = Date.now();
  // As Java's first send() blocks until the topic's metadata is known (KafkaProducer.waitOnMetadata),
  // within the timed run: then records are not queued before the producer can place them.
  await producer.partitionsFor(opts.topic);
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {value}/{total} records | ETA: {eta}s', etaBuffer: 50 }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(numRecords, 0);

  const report = (now: number) => {
    const elapsed = (now - wStart) / 1000;
    process.stdout.write(`${wCount} records sent, ${(wCount / elapsed).toFixed(1)} records/sec (${(wBytes / 1024 / 1024 / elapsed).toFixed(2)} MB/sec), ${(wCount ? wLatency / wCount : 0).toFixed(1)} ms avg latency, ${wMax.toFixed(1)} ms max latency.\n`);
    wCount = wBytes = wLatency = wMax = 0;
    wStart = now;
  };
  const timer = setInterval(() => report(Date.now()), reportingInterval);

  const MAX_OUTSTANDING = 200_000;
  let outstanding = 0;
  let wake: (() => void) | undefined;
  // One pair of callbacks for every record (no closure per send): the latency is measured from the
  // record's timestamp, which is its send time (set below) as the acknowledgement reports it (on a
  // LogAppendTime topic, the broker's append time: the latency then leaves out the time to the broker).
  // The acknowledgements of one Produce answer arrive in one turn of the event loop: they share one
  // clock reading (ms resolution), taken at the first of them.
  let recordBytes = payloads[0]!.length;
  let ackNow = -1;
  const clearAckNow = () => (ackNow = -1);
  const onAck = (m: RecordMetadata) => {
    if (ackNow < 0) {
      ackNow = Date.now();
      setImmediate(clearAckNow);
    }
    const lat = ackNow - m.timestamp;
    latencies[acked++] = lat;
    bytes += recordBytes;
    totalLatency += lat;
    if (lat > maxLatency) maxLatency = lat;
    wCount++;
    wBytes += recordBytes;
    wLatency += lat;
    if (lat > wMax) wMax = lat;
    if (bar && (acked & 1023) === 0) bar.update(acked);
    if (--outstanding < MAX_OUTSTANDING / 2 && wake) (wake(), (wake = undefined));
  };
  const onError = (e: unknown) => {
    failed++;
    firstError ??= e;
    if (--outstanding < MAX_OUTSTANDING / 2 && wake) (wake(), (wake = undefined));
  };
  const single = payloads.length === 1;
  // The send time, read every 64 records and after every wait (ms resolution: a reading is at most
  // tens of microseconds old).
  let now = Date.now();
  const record: ProducerRecord = { topic: opts.topic, value: payloads[0]!, timestamp: now };
  for (let i = 0; i < numRecords; i++) {
    if ((i & 63) === 0) now = Date.now();
    outstanding++;
    if (single) {
      record.timestamp = now; // send() copies what it needs: one record object serves every send
      producer.send(record).then(onAck, onError);
    } else {
      const value = payloads[Math.floor(Math.random() * payloads.length)]!;
      producer.send({ topic: opts.topic, value, timestamp: now }).then((m) => {
        recordBytes = value.length;
        onAck(m);
      }, onError);
    }
    if (outstanding >= MAX_OUTSTANDING) {
      await new Promise<void>((r) => (wake = r));
      now = Date.now();
    }
    if (throughput > 0) {
      now = Date.now();
      const ahead = ((i + 1) / throughput) * 1000 - (now - start);
      if (ahead > 0) {
        await new Promise((r) => setTimeout(r, ahead));
        now = Date.now();
      }
    } else if ((i & 4095) === 4095) {
      await new Promise((r) => setImmediate(r)); // let answers in while queueing
      now = Date.now();
    }
  }
  await producer.flush();
  while (outstanding > 0) await new Promise((r) => setTimeout(r, 1));
  const end = Date.now();
  clearInterval(timer);
  bar?.update(acked);
  bar?.stop();
  await producer.close();
  if (failed > 0) process.stderr.write(`ERROR ${failed} records failed: ${(firstError as Error).message}\n`);

  const elapsed = Math.max(1, end - start) / 1000;
  const sorted = latencies.subarray(0, acked).sort();
  process.stdout.write(
    `${acked} records sent, ${(acked / elapsed).toFixed(6)} records/sec (${(bytes / 1024 / 1024 / elapsed).toFixed(2)} MB/sec), ${(acked ? totalLatency / acked : 0).toFixed(2)} ms avg latency, ${maxLatency.toFixed(2)} ms max latency, ${percentile(sorted, 0.5)} ms 50th, ${percentile(sorted, 0.95)} ms 95th, ${percentile(sorted, 0.99)} ms 99th, ${percentile(sorted, 0.999)} ms 99.9th.\n`,
  );
  return failed > 0 ? 1 : 0;
}

runTool(main);
