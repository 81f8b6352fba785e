#!/usr/bin/env node
/**
 * kafka-consumer-perf-test: consume `--messages` records of a topic with a consumer group and report
 * the rate, as Kafka's `bin/kafka-consumer-perf-test.sh` (same flags and output):
 *
 *   kafka-consumer-perf-test --bootstrap-server host:port --topic t --messages N [--group g] [--timeout ms]
 *       [--from-latest] [--hide-header] [--show-detailed-stats] [--reporting-interval ms] [--date-format fmt]
 *       [--consumer.config file]
 *
 * Output: the header `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg,
 * nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec` and one line of values.
 * Bytes are key plus value bytes; rebalance time is the time until the group assigned partitions.
 * When no record arrives for --timeout ms (10000) before N records, Kafka's WARNING is printed on
 * stderr and the figures so far are reported (exit status 0). A progress bar (cli-progress) is drawn
 * on stderr when stderr is a terminal. Errors: exit status 1 (see scripts/lib/tool-common.ts).
 */
import cliProgress from 'cli-progress';
import { AdminClient } from '../client/admin/index.js';
import { KafkaConsumer } from '../client/consumer/index.js';
import { bootstrapOption, intOption, newProgram, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-consumer-perf-test', 'This tool helps in performance test for the full zookeeper consumer')
  .addOption(bootstrapOption())
  .requiredOption('--topic <String: topic>', 'REQUIRED: The topic to consume from.')
  .requiredOption('--messages <Long: count>', 'REQUIRED: The number of messages to send or consume')
  .option('--group <String: gid>', 'The group id to consume on.')
  .option('--timeout <Long: milliseconds>', 'The maximum allowed time in milliseconds between returned records.', '10000')
  .option('--from-latest', 'If the consumer does not already have an established offset to consume from, start with the latest message present in the log rather than the earliest message.')
  .option('--fetch-size <Integer: size>', 'The amount of data to fetch in a single request (max.partition.fetch.bytes).')
  .option('--hide-header', 'If set, skips printing the header for the stats')
  .option('--show-detailed-stats', 'If set, stats are reported for each reporting interval as configured by reporting-interval')
  .option('--reporting-interval <Integer: interval_ms>', 'Interval in milliseconds at which to print progress info.', '5000')
  .option('--date-format <String: date format>', 'The date format to use for formatting the time field. See java.text.SimpleDateFormat for options.', 'yyyy-MM-dd HH:mm:ss:SSS')
  .option('--consumer.config <String: config file>', 'Consumer config properties file.');

interface Opts {
  bootstrapServer: string;
  topic: string;
  messages: string;
  group?: string;
  timeout: string;
  fromLatest?: boolean;
  fetchSize?: string;
  hideHeader?: boolean;
  showDetailedStats?: boolean;
  reportingInterval: string;
  dateFormat: string;
  'consumer.config'?: string;
}

program.parse();
const opts = program.opts<Opts>();

/** Format a time with the SimpleDateFormat letters the tool's default uses (yyyy MM dd HH mm ss SSS), local time. */
function formatDate(ms: number, fmt: string): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return fmt
    .replace(/yyyy/g, String(d.getFullYear()))
    .replace(/MM/g, p(d.getMonth() + 1))
    .replace(/dd/g, p(d.getDate()))
    .replace(/HH/g, p(d.getHours()))
    .replace(/mm/g, p(d.getMinutes()))
    .replace(/ss/g, p(d.getSeconds()))
    .replace(/SSS/g, p(d.getMilliseconds(), 3));
}

const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const DETAILED_HEADER = 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

async function main(): Promise<number> {
  const messages = intOption(opts.messages, '--messages', 1)!;
  const timeout = intOption(opts.timeout, '--timeout', 1)!;
  const reportingInterval = intOption(opts.reportingInterval, '--reporting-interval', 1)!;
  intOption(opts.fetchSize, '--fetch-size', 1);
  const admin = new AdminClient({ 'bootstrap.servers': opts.bootstrapServer, 'client.id': 'perf-consumer-admin' });
  try {
    await admin.describeTopics([opts.topic]).catch((e: { errorName?: string }) => {
      if (e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') throw new ToolError(`Topic '${opts.topic}' does not exist`);
      throw e;
    });
  } finally {
    await admin.close();
  }
  const props: Record<string, string> = {
    'client.id': 'perf-consumer-client',
    ...readPropertiesFile(opts['consumer.config']),
    'bootstrap.servers': opts.bootstrapServer,
    'group.id': opts.group ?? `perf-consumer-${Math.floor(Math.random() * 100000)}`,
    'auto.offset.reset': opts.fromLatest ? 'latest' : 'earliest',
    'enable.auto.commit': 'false',
    ...(opts.fetchSize !== undefined ? { 'max.partition.fetch.bytes': opts.fetchSize } : {}),
  };
  const consumer = new KafkaConsumer(props);
  const start = Date.now();
  let joinedAt: number | undefined;
  consumer.subscribe([opts.topic], {
    onPartitionsAssigned: () => {
      joinedAt ??= Date.now();
    },
  });
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {value}/{total} messages' }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(messages, 0);
  if (opts.showDetailedStats && !opts.hideHeader) process.stdout.write(DETAILED_HEADER + '\n');

  let count = 0;
  let bytes = 0;
  let lastRecordAt = Date.now();
  let lastReport = { at: start, count: 0, bytes: 0 };
  let timedOut = false;
  while (count < messages) {
    const records = await consumer.poll(Math.min(1000, timeout));
    const now = Date.now();
    if (records.length === 0) {
      if (now - lastRecordAt >= timeout) {
        timedOut = true;
        break;
      }
      continue;
    }
    lastRecordAt = now;
    for (const r of records) {
      count++;
      bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
      if (count >= messages) break;
    }
    bar?.update(count);
    if (opts.showDetailedStats && now - lastReport.at >= reportingInterval) {
      const el = (now - lastReport.at) / 1000;
      const mb = bytes / 1024 / 1024;
      const dmb = mb - lastReport.bytes / 1024 / 1024;
      process.stdout.write(`${formatDate(now, opts.dateFormat)}, 0, ${mb.toFixed(4)}, ${(dmb / el).toFixed(4)}, ${count}, ${((count - lastReport.count) / el).toFixed(4)}, 0, ${now - lastReport.at}, ${(dmb / el).toFixed(4)}, ${((count - lastReport.count) / el).toFixed(4)}\n`);
      lastReport = { at: now, count, bytes };
    }
  }
  const end = timedOut ? lastRecordAt : Date.now();
  bar?.update(count);
  bar?.stop();
  await consumer.close().catch(() => {});
  if (timedOut) process.stderr.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${timeout} ms) exceeded. You can use the --timeout option to increase the timeout.\n`);
  const elapsedMs = Math.max(1, end - start);
  const rebalanceMs = Math.min(elapsedMs, (joinedAt ?? start) - start);
  const fetchMs = Math.max(1, elapsedMs - rebalanceMs);
  const mb = bytes / 1024 / 1024;
  if (!opts.showDetailedStats) {
    if (!opts.hideHeader) process.stdout.write(HEADER + '\n');
    process.stdout.write(
      `${formatDate(start, opts.dateFormat)}, ${formatDate(end, opts.dateFormat)}, ${mb.toFixed(4)}, ${(mb / (elapsedMs / 1000)).toFixed(4)}, ${count}, ${(count / (elapsedMs / 1000)).toFixed(4)}, ${rebalanceMs}, ${fetchMs}, ${(mb / (fetchMs / 1000)).toFixed(4)}, ${(count / (fetchMs / 1000)).toFixed(4)}\n`,
    );
  }
  return 0;
}

runTool(main);
