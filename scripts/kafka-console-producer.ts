#!/usr/bin/env node
/**
 * kafka-console-producer: send the lines of stdin to a topic, one record per line, as Kafka's
 * `bin/kafka-console-producer.sh` (same flags):
 *
 *   kafka-console-producer --bootstrap-server host:port --topic t
 *       [--property parse.key=true --property key.separator=:] [--property parse.headers=true]
 *       [--compression-codec [gzip|snappy|lz4|zstd]] [--producer-property k=v ...] [--producer.config file]
 *       [--sync] [--request-required-acks -1|0|1] [--batch-size N] [--timeout linger-ms] [--max-block-ms N]
 *
 * Properties (Kafka's LineMessageReader): parse.key (false), key.separator (\t), ignore.error (false:
 * a line without the separator is an error), parse.headers (false), headers.delimiter (\t),
 * headers.separator (,), headers.key.separator (:), null.marker (unset: a value equal to it is sent as
 * null). A missing topic is an error when the broker does not create topics automatically. A record
 * the broker refuses prints Kafka's "ERROR Error when sending message to topic ..." line. Exit status
 * 0 when every line was sent, 1 otherwise (see scripts/lib/tool-common.ts).
 */
import readline from 'node:readline';
import { KafkaProducer, type ProducerRecord } from '../client/producer/index.js';
import { bootstrapOption, checkTopicForProducer, collect, intOption, newProgram, parseKeyValues, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-console-producer', 'Read data from standard input and publish it to Kafka.')
  .addOption(bootstrapOption())
  .requiredOption('--topic <String: topic>', 'REQUIRED: The topic id to produce messages to.')
  .option('--property <String: prop>', 'A mechanism to pass user-defined properties in the form key=value to the message reader (repeatable): parse.key, key.separator, ignore.error, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker.', collect, [] as string[])
  .option('--compression-codec [String: compression-codec]', "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'.")
  .option('--producer-property <String: producer_prop>', 'A mechanism to pass user-defined properties in the form key=value to the producer (repeatable).', collect, [] as string[])
  .option('--producer.config <String: config file>', 'Producer config properties file. Note that --producer-property takes precedence over this config.')
  .option('--sync', 'If set message send requests to the brokers are synchronously, one at a time as they arrive.')
  .option('--request-required-acks <String: request required acks>', 'The required `acks` of the producer requests', '-1')
  .option('--batch-size <Integer: size>', 'Number of bytes to send in a single batch (batch.size).')
  .option('--timeout <Integer: timeout_ms>', 'If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size (linger.ms).', '1000')
  .option('--max-block-ms <Long: max block on send>', 'The max time that the producer will block for during a send request.', '60000')
  .option('--request-timeout-ms <Integer: request timeout ms>', 'The ack timeout of the producer requests.', '1500')
  .option('--message-send-max-retries <Integer>', 'Number of retries (retries).')
  .option('--retry-backoff-ms <Long>', 'Wait before a retry (retry.backoff.ms).');

interface Opts {
  bootstrapServer: string;
  topic: string;
  property: string[];
  compressionCodec?: string | true;
  producerProperty: string[];
  'producer.config'?: string;
  sync?: boolean;
  requestRequiredAcks: string;
  batchSize?: string;
  timeout: string;
  maxBlockMs: string;
  requestTimeoutMs: string;
  messageSendMaxRetries?: string;
  retryBackoffMs?: string;
}

program.parse();
const opts = program.opts<Opts>();

const unescape = (s: string) => s.replace(/\\t/g, '\t').replace(/\\n/g, '\n');

async function main(): Promise<number> {
  const reader = parseKeyValues(opts.property, '--property');
  const parseKey = reader['parse.key'] === 'true';
  const keySeparator = unescape(reader['key.separator'] ?? '\t');
  const ignoreError = reader['ignore.error'] === 'true';
  const parseHeaders = reader['parse.headers'] === 'true';
  const headersDelimiter = unescape(reader['headers.delimiter'] ?? '\t');
  const headersSeparator = reader['headers.separator'] ?? ',';
  const headersKeySeparator = reader['headers.key.separator'] ?? ':';
  const nullMarker = reader['null.marker'];
  const codec = opts.compressionCodec === true ? 'gzip' : opts.compressionCodec;
  if (codec !== undefined && !['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(codec)) throw new ToolError(`Unknown compression codec '${codec}': expected none, gzip, snappy, lz4 or zstd`);
  intOption(opts.timeout, '--timeout');
  intOption(opts.maxBlockMs, '--max-block-ms');

  const props: Record<string, string> = {
    'client.id': 'console-producer',
    acks: opts.requestRequiredAcks,
    'linger.ms': opts.timeout,
    'max.block.ms': opts.maxBlockMs,
    'request.timeout.ms': opts.requestTimeoutMs,
    ...(opts.batchSize !== undefined ? { 'batch.size': opts.batchSize } : {}),
    ...(opts.messageSendMaxRetries !== undefined ? { retries: opts.messageSendMaxRetries } : {}),
    ...(opts.retryBackoffMs !== undefined ? { 'retry.backoff.ms': opts.retryBackoffMs } : {}),
    ...(codec !== undefined ? { 'compression.type': codec } : {}),
    ...readPropertiesFile(opts['producer.config']),
    ...parseKeyValues(opts.producerProperty, '--producer-property'),
    'bootstrap.servers': opts.bootstrapServer,
  };
  // Acks 0 or 1 cannot be idempotent; Kafka's console producer turns idempotence off for them.
  if (props.acks !== '-1' && props.acks !== 'all' && props['enable.idempotence'] === undefined) props['enable.idempotence'] = 'false';
  await checkTopicForProducer(props, opts.topic);

  const producer = new KafkaProducer(props);
  let failed = 0;
  /** Records sent and not yet acknowledged, at most (the producer's buffer.memory also bounds them). */
  const MAX_OUTSTANDING = 100_000;
  let outstanding = 0;
  let drained: (() => void) | undefined;
  const sendOne = async (record: ProducerRecord) => {
    const valueBytes = record.value === null ? 0 : Buffer.byteLength(record.value as string);
    try {
      await producer.send(record);
    } catch (e) {
      failed++;
      const key = record.key == null ? 'null' : `${Buffer.byteLength(record.key as string)} bytes`;
      process.stderr.write(`ERROR Error when sending message to topic ${record.topic} with key: ${key}, value: ${valueBytes} bytes with error: ${(e as Error).message}\n`);
    }
  };

  const interactive = process.stdin.isTTY === true;
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  if (interactive) process.stdout.write('>');
  let lineNo = 0;
  let stopped = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => ((stopped = true), rl.close()));
  try {
    for await (const line of rl) {
      lineNo++;
      let rest = line;
      let headers: [string, string][] | undefined;
      if (parseHeaders) {
        const i = rest.indexOf(headersDelimiter);
        if (i < 0) {
          if (!ignoreError) throw new ToolError(`No headers delimiter found on line number ${lineNo}: '${line}'`);
        } else {
          headers = rest
            .slice(0, i)
            .split(headersSeparator)
            .filter(Boolean)
            .map((h) => {
              const j = h.indexOf(headersKeySeparator);
              return j < 0 ? [h, ''] : [h.slice(0, j), h.slice(j + headersKeySeparator.length)];
            });
          rest = rest.slice(i + headersDelimiter.length);
        }
      }
      let key: string | null = null;
      if (parseKey) {
        const i = rest.indexOf(keySeparator);
        if (i < 0) {
          if (!ignoreError) throw new ToolError(`No key separator found on line number ${lineNo}: '${line}'`);
        } else {
          key = rest.slice(0, i);
          rest = rest.slice(i + keySeparator.length);
        }
      }
      if (nullMarker !== undefined && key === nullMarker) key = null;
      const value = nullMarker !== undefined && rest === nullMarker ? null : rest;
      const record: ProducerRecord = { topic: opts.topic, key, value, ...(headers ? { headers } : {}) };
      if (opts.sync) {
        await sendOne(record);
      } else {
        outstanding++;
        void sendOne(record).then(() => {
          outstanding--;
          if (outstanding < MAX_OUTSTANDING / 2 && drained) (drained(), (drained = undefined));
        });
        if (outstanding >= MAX_OUTSTANDING) await new Promise<void>((r) => (drained = r));
      }
      if (interactive) process.stdout.write('>');
    }
  } finally {
    await producer.flush().catch(() => {});
    while (outstanding > 0) await new Promise((r) => setTimeout(r, 5));
    await producer.close();
  }
  if (stopped && interactive) process.stdout.write('\n');
  return failed > 0 ? 1 : 0;
}

runTool(main, 'ERROR ');
