/**
 * Helpers for the interop tests: run the real clients (kcat, the Debian Python packages) as child
 * processes with a hard timeout, know whether each is installed (a missing one skips its tests and
 * says so), unique names, and read what the broker stored in its segment files.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Apis, type ApiName } from '../../client/protocol/index.js';
import { decodeBatches, type AnyRecordBatch } from '../../client/records/index.js';
import { connect, startBrokerProcess, type BrokerProcess } from '../broker/helpers.js';

/** The system Python: the clients come from Debian packages (`python3` on PATH may be a pyenv shim without them). */
export const PYTHON = '/usr/bin/python3';
export const PYTHON_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python');

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/**
 * Run `cmd args` with `input` on stdin (stdin closed when done), killed with SIGKILL after
 * `timeoutMs`. Never rejects for a non-zero exit: the caller asserts on the result.
 */
export function runProcess(cmd: string, args: string[], options: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<ProcessResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {}); // EPIPE when the program exits without reading all input
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), timedOut, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Describe a finished process for an assertion message. */
export function describeResult(what: string, r: ProcessResult): string {
  const tail = (s: string) => (s.length > 6000 ? '...' + s.slice(-6000) : s);
  return `${what}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' TIMED OUT' : ''} after ${r.ms} ms\nstderr: ${tail(r.stderr)}\nstdout: ${tail(r.stdout)}`;
}

/** `kcat -b <bootstrap> ...args`. */
export function kcat(bootstrap: string, args: string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return runProcess('kcat', ['-b', bootstrap, ...args], options);
}

/** As kcat, throwing (with stderr) unless it exits 0. */
export async function kcatOk(bootstrap: string, args: string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<string> {
  const r = await kcat(bootstrap, args, options);
  if (r.code !== 0) throw new Error(describeResult(`kcat ${args.join(' ')}`, r));
  return r.stdout;
}

/**
 * Run `python/<script> <bootstrap> <scenario> <json args>` with the system Python and return the
 * JSON object it prints last. Throws with its error and stderr when it exits non-zero or times out.
 */
export async function pythonScenario<T = any>(script: string, bootstrap: string, scenario: string, args: object, timeoutMs = 40_000): Promise<T> {
  const r = await runProcess(PYTHON, [path.join(PYTHON_DIR, script), bootstrap, scenario, JSON.stringify(args)], { timeoutMs });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let parsed: any;
  try {
    parsed = JSON.parse(last);
  } catch {
    parsed = undefined;
  }
  if (r.code !== 0 || parsed === undefined || parsed.error) throw new Error(describeResult(`${script} ${scenario}${parsed?.error ? ` failed: ${parsed.error}` : ''}`, r));
  return parsed as T;
}

/** Whether `cmd ...args` runs and exits 0 (used to skip the tests of a client that is not installed). */
function runs(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** Why a client's tests are skipped, or undefined when the client is installed. */
export const missing = {
  kcat: runs('kcat', ['-V']) ? undefined : 'kcat is not installed (apt-get install kcat)',
  kafkaPython: runs(PYTHON, ['-c', 'import kafka']) ? undefined : `kafka-python is not importable by ${PYTHON} (apt-get install python3-kafka)`,
  confluentKafka: runs(PYTHON, ['-c', 'import confluent_kafka']) ? undefined : `confluent-kafka is not importable by ${PYTHON} (apt-get install python3-confluent-kafka)`,
};

let counter = 0;
/** A topic or group name unique to this run. */
export function unique(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
}

/**
 * Start the real broker program for an interop test file, logging at debug level (a line per
 * request, kept in `output` for failure messages; KAFKA_TS_LOG_LEVEL overrides).
 */
export function startInteropBroker(props: Record<string, string | number> = {}): Promise<BrokerProcess> {
  return startBrokerProcess(props, { env: { KAFKA_TS_LOG_LEVEL: process.env.KAFKA_TS_LOG_LEVEL ?? 'debug' } });
}

/** Stop a broker from startInteropBroker (SIGTERM, clean shutdown) and remove its data directory. */
export async function stopInteropBroker(broker: BrokerProcess | undefined): Promise<void> {
  if (!broker) return;
  await broker.stop();
  fs.rmSync(broker.logDir, { recursive: true, force: true });
}

/**
 * The broker's log, compacted for a failure message: every line that is not a request line, and
 * the request lines `requests` selects (e.g. by clientId), the last `max` of them.
 */
export function brokerLog(broker: BrokerProcess, requests: (line: Record<string, any>) => boolean, max = 80): string {
  const out: string[] = [];
  for (const raw of broker.output) {
    let j: Record<string, any>;
    try {
      j = JSON.parse(raw);
    } catch {
      out.push(raw);
      continue;
    }
    if (j.msg === 'request') {
      if (requests(j)) out.push(`${j.time % 100_000} ${j.clientId} ${j.api} v${j.version} #${j.correlationId} ${j.ms} ms`);
    } else {
      const { level, time, pid, name, hostname, ...rest } = j;
      void hostname;
      void pid;
      void name;
      out.push(`${time % 100_000} [${level}] ${JSON.stringify(rest)}`);
    }
  }
  return out.slice(-max).join('\n');
}

/** The consumer-group APIs a group member uses (Kafka's classic protocol). */
export const GROUP_APIS: ApiName[] = ['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'OffsetFetch'];
/** The topic admin APIs. */
export const TOPIC_ADMIN_APIS: ApiName[] = ['CreateTopics', 'DeleteTopics'];

/**
 * Fail fast, naming them, when the broker does not advertise (ApiVersions) every API a client
 * scenario needs: the clients themselves would rather wait or retry until their own timeouts.
 */
export async function expectApis(broker: { port: number }, names: ApiName[]): Promise<void> {
  const client = await connect(broker, 'interop-api-check');
  try {
    const r = await client.request(Apis.ApiVersions, 3, { clientSoftwareName: 'interop', clientSoftwareVersion: '1' });
    const keys = new Set<number>(r.apiKeys.map((k: { apiKey: number }) => k.apiKey));
    const absent = names.filter((n) => !keys.has(Apis[n].key));
    if (absent.length > 0) throw new Error(`the broker does not advertise ${absent.map((n) => `${n} (${Apis[n].key})`).join(', ')} in ApiVersions`);
  } finally {
    client.close();
  }
}

/** Every batch the broker stored for `topic`-`partition`, read from its segment files in order. */
export async function storedBatches(logDir: string, topic: string, partition = 0): Promise<AnyRecordBatch[]> {
  const dir = path.join(logDir, `${topic}-${partition}`);
  const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  const batches: AnyRecordBatch[] = [];
  for (const f of segments) batches.push(...(await decodeBatches(fs.readFileSync(path.join(dir, f)))).batches);
  return batches;
}

/** Wait until `check()` is truthy (polled every 50 ms), or throw after `timeoutMs` saying `what`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
