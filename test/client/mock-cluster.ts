/**
 * librdkafka's mock cluster (a Kafka cluster written by the librdkafka team) as a test broker we did
 * not write: ../shared/tools/rdkafka-mock-cluster.c, compiled once per machine with gcc and
 * pkg-config against Debian's librdkafka-dev (`.ci/run` installs them) into node_modules/.cache.
 * startMockCluster(3, ['t:2']) starts it with 3 brokers (ids 1..3) and the given topics; `command`
 * sends one of its stdin commands (`leader <topic> <partition> <broker>`, `down <id>`, `up <id>`,
 * `rtt <id> <ms>`, `coordinator group <key> <id>`) and resolves with its answer line.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE = path.resolve(REPO_ROOT, '../shared/tools/rdkafka-mock-cluster.c');
const BINARY = path.join(REPO_ROOT, 'node_modules', '.cache', 'kafka-ts-tests', 'rdkafka-mock-cluster');

/** Why the mock cluster cannot run here, or undefined when it can (the source, gcc and librdkafka-dev are present). */
export function mockClusterUnavailable(): string | undefined {
  if (!fs.existsSync(SOURCE)) return `${SOURCE} is missing (../shared must sit beside the repository)`;
  try {
    execFileSync('pkg-config', ['--exists', 'rdkafka']);
  } catch {
    return 'librdkafka-dev (pkg-config rdkafka) is not installed; .ci/run installs it';
  }
  return undefined;
}

/** Compile the launcher if needed; returns its path. */
export function mockClusterBinary(): string {
  if (fs.existsSync(BINARY) && fs.statSync(BINARY).mtimeMs >= fs.statSync(SOURCE).mtimeMs) return BINARY;
  fs.mkdirSync(path.dirname(BINARY), { recursive: true });
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'rdkafka'], { encoding: 'utf8' }).trim().split(/\s+/);
  const tmp = `${BINARY}.${process.pid}.tmp`;
  execFileSync('gcc', ['-O2', '-o', tmp, SOURCE, ...flags]);
  fs.renameSync(tmp, BINARY);
  return BINARY;
}

/** A running mock cluster. */
export interface MockCluster {
  bootstrap: string;
  child: ChildProcess;
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

/** Start a mock cluster of `brokers` brokers with `topics` (`name:partitions`). */
export async function startMockCluster(brokers: number, topics: string[]): Promise<MockCluster> {
  const child = spawn(mockClusterBinary(), [String(brokers), ...topics], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    rest += d.toString();
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => (lines.length > 0 ? resolve(lines.shift()!) : waiters.push(resolve)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
  const bootstrap = await Promise.race([nextLine(), exited.then(() => Promise.reject(new Error('rdkafka-mock-cluster exited before printing its bootstrap servers')))]);
  return {
    bootstrap,
    child,
    async command(line: string) {
      child.stdin!.write(`${line}\n`);
      return nextLine();
    },
    async stop() {
      child.stdin!.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
