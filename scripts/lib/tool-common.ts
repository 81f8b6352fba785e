/**
 * What the console tools share: commander helpers for Kafka-style repeatable `key=value` flags,
 * properties files, error reporting, and the exit codes scripts rely on.
 *
 * Exit status of every tool: 0 on success (also when `--timeout-ms` ends a console consumer, as in
 * Kafka), 1 on any error: a bad or missing flag, no reachable bootstrap server, a missing topic or
 * group, an error from the broker. Usage errors print commander's message and the usage hint; other
 * errors print one line on stderr (`Error: ...`, or Kafka's own wording where the tool has one).
 */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { KafkaCluster } from '../../client/cluster/kafka-cluster.js';
import { commonConfig } from '../../client/config.js';
import { KafkaTsError } from '../../client/errors.js';

/** Exit status: success. */
export const EXIT_OK = 0;
/** Exit status: any error (bad flag, no broker, missing topic or group, broker error). */
export const EXIT_ERROR = 1;

/** Text added to each tool's `--help`. */
export const EXIT_HELP = `
Exit status:
  0  success
  1  error: a bad or missing option, no reachable bootstrap server, a missing topic or
     group, or an error returned by the broker (the reason is printed on stderr)`;

/** An error whose message the tool prints as it is, then exits with status 1. */
export class ToolError extends Error {}

/** commander collector for repeatable options (`--config a=1 --config b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parse `key=value` strings (the value may contain `=`). Errors: ToolError naming `flag`. */
export function parseKeyValues(list: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    if (i <= 0) throw new ToolError(`Invalid ${flag} '${item}': expected key=value`);
    out[item.slice(0, i).trim()] = item.slice(i + 1);
  }
  return out;
}

/** Read a Java properties file (`k=v` / `k: v`, `#` and `!` comments). Errors: ToolError. */
export function readPropertiesFile(file: string | undefined): Record<string, string> {
  if (!file) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ToolError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Parse a non-negative or positive integer option. Errors: ToolError. */
export function intOption(value: string | undefined, flag: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ToolError(`Invalid value '${value}' for ${flag}: expected an integer >= ${min}`);
  return n;
}

/** A commander option for `--bootstrap-server` with Kafka's help text. */
export function bootstrapOption(required = true): Option {
  const o = new Option('--bootstrap-server <String: server to connect to>', 'REQUIRED: The Kafka server to connect to, as host:port[,host:port...].');
  if (required) o.makeOptionMandatory();
  return o;
}

/** A new commander program with the tools' common settings (help after errors, exit status text). */
export function newProgram(name: string, description: string): Command {
  return new Command().name(name).description(description).showHelpAfterError('(use --help for the options)').addHelpText('after', EXIT_HELP).allowExcessArguments(false);
}

/** A one-line description of an error for stderr. */
export function describeError(e: unknown): string {
  if (e instanceof ToolError) return e.message;
  if (e instanceof KafkaTsError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * Run a tool's main function: its resolved number is the exit status (default 0); a thrown error is
 * printed (`prefix` + message, prefix default `Error: `) on stderr and exits with status 1.
 */
export function runTool(main: () => Promise<number | void>, prefix = 'Error: '): void {
  main().then(
    (code) => process.exit(code ?? EXIT_OK),
    (e) => {
      process.stderr.write(`${prefix}${describeError(e)}\n`);
      if (process.env.KAFKA_TS_TOOL_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
      process.exit(EXIT_ERROR);
    },
  );
}

/** Client properties with the bootstrap servers and a client id. */
export function clientProps(bootstrap: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'bootstrap.servers': bootstrap, ...extra };
}

/**
 * Before producing: make sure `topic` exists or that the broker creates it (Metadata with
 * auto-creation unless `allow.auto.create.topics=false`), so that a missing topic is reported at once
 * instead of after `max.block.ms`. Errors: ToolError for a missing or invalid topic, ConnectionError.
 */
export async function checkTopicForProducer(props: Record<string, string>, topic: string): Promise<void> {
  const cluster = new KafkaCluster(commonConfig(props));
  try {
    await cluster.topic(topic, { allowAutoTopicCreation: props['allow.auto.create.topics'] !== 'false' });
  } catch (e) {
    const name = (e as { errorName?: string }).errorName;
    if (name === 'UNKNOWN_TOPIC_OR_PARTITION') throw new ToolError(`Topic '${topic}' does not exist and the broker did not create it (UNKNOWN_TOPIC_OR_PARTITION)`);
    if (name === 'INVALID_TOPIC_EXCEPTION') throw new ToolError(`Invalid topic name '${topic}' (INVALID_TOPIC_EXCEPTION)`);
    if ((e as { code?: string }).code === 'KTS_ERR_CONNECT') throw e;
    // other errors (LEADER_NOT_AVAILABLE while a topic is being created...): the producer retries
  } finally {
    cluster.close();
  }
}
