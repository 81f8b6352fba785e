#!/usr/bin/env node
/**
 * kafka-server-start: start the broker, as Kafka's `bin/kafka-server-start.sh`:
 *
 *   kafka-server-start <server.properties> [--override key=value ...]
 *
 * Logs JSON lines (pino) on stdout; `KAFKA_TS_LOG_LEVEL=debug` adds a line per request. Once started
 * it prints a short human-readable banner on stderr: where it listens (Kafka and HTTP), where its data
 * is, and what to run next (`--quiet` leaves it out). SIGTERM and
 * SIGINT shut the broker down cleanly (exit 0). A configuration error, a data directory in use by
 * another broker, or a port in use exit with status 1 and say which.
 */
import { Command } from 'commander';
import { KafkaConfig } from '../broker/config/kafka-config.js';
import { KafkaServer } from '../broker/server/kafka-server.js';
import { createLogger } from '../broker/server/logger.js';

const program = new Command()
  .name('kafka-server-start')
  .description('Start the kafka-ts broker with a Kafka-style server.properties file.')
  .argument('<server.properties>', 'broker configuration file')
  .option('--override <key=value>', 'override a property of the file (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option('--quiet', 'no start banner on stderr')
  .showHelpAfterError();

program.parse();
const [file] = program.args as [string];
const { override, quiet } = program.opts<{ override: string[]; quiet?: boolean }>();
const logger = createLogger();

function fatal(message: string, err?: unknown): never {
  logger.fatal(err ? { err } : {}, message);
  logger.flush();
  process.stderr.write(`kafka-server-start: ${message}\n`);
  process.exit(1);
}

let config: KafkaConfig;
try {
  config = KafkaConfig.fromFile(file, override);
} catch (e) {
  fatal(`invalid configuration: ${(e as Error).message}`);
}
for (const key of config.unknownKeys) logger.warn({ key }, `The configuration '${key}' was supplied but isn't a known config.`);

let server: KafkaServer;
try {
  server = await KafkaServer.start(config, { logger });
} catch (e) {
  const err = e as Error & { code?: string };
  if (err.code === 'KTS_ERR_LOG_DIR_LOCKED') fatal(`cannot start: ${err.message}`);
  if (err.code === 'EADDRINUSE') fatal(`cannot start: listener address in use (${err.message})`);
  fatal(`cannot start: ${err.message}`, err);
}

if (!quiet) process.stderr.write(startBanner(server, config));

// A bug in one request's handling must not take the broker down (Kafka's request handler threads
// catch everything): log it and keep serving.
process.on('uncaughtException', (err) => logger.error({ err }, 'uncaught exception (broker keeps running)'));
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection (broker keeps running)'));

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `received ${signal}, shutting down`);
    server.shutdown().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (e) => fatal('shutdown failed', e),
    );
  });
}

/** The banner printed once the broker runs: listeners, dashboard, data, and the next commands. */
function startBanner(s: KafkaServer, c: KafkaConfig): string {
  const bootstrap = s.listeners.map((l) => `${l.host}:${l.port}`).join(',');
  const lines = [
    '',
    `kafka-ts broker ${c.nodeId} is running.`,
    `  Kafka:      ${bootstrap}   (bootstrap.servers for any Kafka client)`,
    `  Dashboard:  ${s.httpAddress ?? 'off (http.enabled=false)'}`,
    `  Data:       ${c.logDirs.join(', ')}`,
    '',
    'Next, in another terminal:',
    `  npm run demo                                    3 M US flights through a Direct and a Receiver stream, compared`,
    `  npx kafka-topics --bootstrap-server ${bootstrap} --create --topic demo --partitions 3`,
    `  npx kafka-console-producer --bootstrap-server ${bootstrap} --topic demo`,
    `  npx kafka-console-consumer --bootstrap-server ${bootstrap} --topic demo --from-beginning`,
    'Ctrl-C stops the broker cleanly.',
    '',
  ];
  return lines.join('\n');
}
