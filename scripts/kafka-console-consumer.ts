#!/usr/bin/env node
/**
 * kafka-console-consumer: print a topic's records on stdout, as Kafka's
 * `bin/kafka-console-consumer.sh` (same flags and DefaultMessageFormatter output):
 *
 *   kafka-console-consumer --bootstrap-server host:port --topic t [--from-beginning] [--group g]
 *       [--partition N [--offset earliest|latest|N]] [--max-messages N] [--timeout-ms N]
 *       [--property print.key=true --property print.timestamp=true --property print.offset=true
 *        --property print.partition=true --property print.headers=true --property key.separator=,]
 *       [--isolation-level read_committed|read_uncommitted] [--consumer-property k=v ...] [--consumer.config file]
 *
 * With --group the consumer joins the group (subscribe) and commits the offsets of the records it
 * printed when it stops; without one it reads every partition (or the one given) without a group.
 * On exit, "Processed a total of N messages" on stderr. --timeout-ms with no record for that long ends
 * the run as Kafka does (an ERROR line, then the total; exit status 0). SIGINT/SIGTERM stop it
 * cleanly (status 0). A missing topic, no broker, a bad flag: status 1 (see scripts/lib/tool-common.ts).
 */
import { AdminClient } from '../client/admin/index.js';
import { KafkaConsumer, type ConsumerRecord } from '../client/consumer/index.js';
import { bootstrapOption, collect, intOption, newProgram, parseKeyValues, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-console-consumer', 'This tool helps to read data from Kafka topics and outputs it to standard output.')
  .addOption(bootstrapOption())
  .option('--topic <String: topic>', 'The topic to consume on.')
  .option('--from-beginning', 'If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message.')
  .option('--group <String: consumer group id>', 'The consumer group id of the consumer.')
  .option('--partition <Integer: partition>', 'The partition to consume from. Consumption starts from the end of the partition unless --offset is specified.')
  .option('--offset <String: consume offset>', "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end", 'latest')
  .option('--max-messages <Integer: num_messages>', 'The maximum number of messages to consume before exiting. If not set, consumption is continual.')
  .option('--timeout-ms <Integer: timeout_ms>', 'If specified, exit if no message is available for consumption for the specified interval.')
  .option('--property <String: prop>', 'The properties to initialize the message formatter (repeatable): print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal.', collect, [] as string[])
  .option('--isolation-level <String>', 'Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages.', 'read_uncommitted')
  .option('--consumer-property <String: consumer_prop>', 'A mechanism to pass user-defined properties in the form key=value to the consumer (repeatable).', collect, [] as string[])
  .option('--consumer.config <String: config file>', 'Consumer config properties file. Note that --consumer-property takes precedence over this config.')
  .option('--skip-message-on-error', 'If there is an error when processing a message, skip it instead of halt.');

interface Opts {
  bootstrapServer: string;
  topic?: string;
  fromBeginning?: boolean;
  group?: string;
  partition?: string;
  offset: string;
  maxMessages?: string;
  timeoutMs?: string;
  property: string[];
  isolationLevel: string;
  consumerProperty: string[];
  'consumer.config'?: string;
}

program.parse();
const opts = program.opts<Opts>();
const offsetGiven = program.getOptionValueSource('offset') === 'cli';

const unescape = (s: string) => s.replace(/\\t/g, '\t').replace(/\\n/g, '\n');

async function main(): Promise<number> {
  if (!opts.topic) throw new ToolError('Exactly one of whitelist/topic is required.');
  const partition = intOption(opts.partition, '--partition');
  const maxMessages = intOption(opts.maxMessages, '--max-messages', 1);
  const timeoutMs = intOption(opts.timeoutMs, '--timeout-ms', 0);
  if (offsetGiven && partition === undefined) throw new ToolError("The partition is required when offset is specified.");
  if (offsetGiven && opts.fromBeginning) throw new ToolError("Options from-beginning and offset cannot be specified together.");
  if (opts.group !== undefined && partition !== undefined) throw new ToolError('Options group and partition cannot be specified together.');
  if (!['read_committed', 'read_uncommitted'].includes(opts.isolationLevel)) throw new ToolError(`Invalid value '${opts.isolationLevel}' for --isolation-level: expected read_committed or read_uncommitted`);
  let offset: 'earliest' | 'latest' | number = 'latest';
  if (opts.offset === 'earliest' || opts.offset === 'latest') offset = opts.offset;
  else if (/^\d+$/.test(opts.offset)) offset = Number(opts.offset);
  else throw new ToolError(`The provided offset value '${opts.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`);
  if (opts.fromBeginning) offset = 'earliest';

  const fmt = parseKeyValues(opts.property, '--property');
  const printTimestamp = fmt['print.timestamp'] === 'true';
  const printKey = fmt['print.key'] === 'true';
  const printOffset = fmt['print.offset'] === 'true';
  const printPartition = fmt['print.partition'] === 'true';
  const printHeaders = fmt['print.headers'] === 'true';
  const printValue = fmt['print.value'] !== 'false';
  const keySeparator = unescape(fmt['key.separator'] ?? '\t');
  const lineSeparator = unescape(fmt['line.separator'] ?? '\n');
  const headersSeparator = fmt['headers.separator'] ?? ',';
  const nullLiteral = fmt['null.literal'] ?? 'null';

  const props: Record<string, string> = {
    'client.id': 'console-consumer',
    ...readPropertiesFile(opts['consumer.config']),
    ...parseKeyValues(opts.consumerProperty, '--consumer-property'),
    'bootstrap.servers': opts.bootstrapServer,
    'isolation.level': opts.isolationLevel,
    'enable.auto.commit': 'false',
    'auto.offset.reset': offset === 'earliest' ? 'earliest' : 'latest',
  };
  if (opts.group !== undefined) props['group.id'] = opts.group;

  // The topic must exist: say so now instead of waiting for it.
  const admin = new AdminClient({ 'bootstrap.servers': opts.bootstrapServer, 'client.id': 'console-consumer-admin' });
  let partitions: number[];
  try {
    const [d] = await admin.describeTopics([opts.topic]).catch((e: { errorName?: string }) => {
      if (e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') throw new ToolError(`Topic '${opts.topic}' does not exist`);
      throw e;
    });
    partitions = d!.partitions.map((p) => p.partition);
  } finally {
    await admin.close();
  }
  if (partition !== undefined && !partitions.includes(partition)) throw new ToolError(`Partition ${partition} of topic '${opts.topic}' does not exist (the topic has ${partitions.length} partitions)`);

  const consumer = new KafkaConsumer(props);
  const topic = opts.topic;
  if (opts.group !== undefined) {
    consumer.subscribe([topic]);
  } else {
    const tps = (partition !== undefined ? [partition] : partitions).map((p) => ({ topic, partition: p }));
    consumer.assign(tps);
    if (offset === 'earliest') consumer.seekToBeginning(tps);
    else if (offset === 'latest') consumer.seekToEnd(tps);
    else for (const tp of tps) consumer.seek(tp, offset);
  }

  let stopped = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (stopped = true));
  process.stdout.on('error', () => (stopped = true)); // EPIPE: the reader went away (`| head`)

  const format = (r: ConsumerRecord): string => {
    let s = '';
    if (printTimestamp) s += (r.timestamp >= 0 ? `${r.timestampType}:${r.timestamp}` : 'NO_TIMESTAMP') + ((printPartition || printOffset || printHeaders || printKey || printValue) ? keySeparator : '');
    if (printPartition) s += `Partition:${r.partition}` + ((printOffset || printHeaders || printKey || printValue) ? keySeparator : '');
    if (printOffset) s += `Offset:${r.offset}` + ((printHeaders || printKey || printValue) ? keySeparator : '');
    if (printHeaders) s += (r.headers.length ? r.headers.map(([k, v]) => `${k}:${v === null ? nullLiteral : v.toString('utf8')}`).join(headersSeparator) : 'NO_HEADERS') + ((printKey || printValue) ? keySeparator : '');
    if (printKey) s += (r.key === null ? nullLiteral : r.key.toString('utf8')) + (printValue ? keySeparator : '');
    if (printValue) s += r.value === null ? nullLiteral : r.value.toString('utf8');
    return s + lineSeparator;
  };

  let count = 0;
  let timedOut = false;
  let failure: unknown;
  const next = new Map<string, { topic: string; partition: number; offset: number }>();
  let lastRecordAt = Date.now();
  try {
    while (!stopped && (maxMessages === undefined || count < maxMessages)) {
      const wait = timeoutMs !== undefined ? Math.max(0, Math.min(1000, timeoutMs - (Date.now() - lastRecordAt))) : 1000;
      const records = await consumer.poll(wait);
      if (records.length === 0) {
        if (timeoutMs !== undefined && Date.now() - lastRecordAt >= timeoutMs) {
          timedOut = true;
          break;
        }
        continue;
      }
      lastRecordAt = Date.now();
      let text = '';
      for (const r of records) {
        if (maxMessages !== undefined && count >= maxMessages) break;
        text += format(r);
        count++;
        next.set(`${r.topic}-${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
      }
      if (!stopped) process.stdout.write(text);
    }
  } catch (e) {
    failure = e;
  }
  if (timedOut) process.stderr.write('ERROR Error processing message, terminating consumer process: TimeoutException (no message for --timeout-ms)\n');
  if (failure) process.stderr.write(`ERROR Error processing message, terminating consumer process: ${(failure as Error).message}\n`);
  try {
    if (opts.group !== undefined && next.size > 0) await consumer.commit([...next.values()]);
  } catch (e) {
    process.stderr.write(`ERROR Offset commit failed: ${(e as Error).message}\n`);
    failure ??= e;
  }
  await consumer.close().catch(() => {});
  process.stderr.write(`Processed a total of ${count} messages\n`);
  return failure ? 1 : 0;
}

runTool(main);
