/**
 * Test harness for the broker: an in-process KafkaServer on 127.0.0.1:0 with a temp log dir
 * (startBroker), the real kafka-server-start program as a child process (startBrokerProcess), and a
 * raw protocol client on our codec (connect / RawClient) that sends any API version and decodes the answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeResponse, encodeRequest, type ApiCodec } from '../../client/protocol/index.js';
import { KafkaConfig } from '../../broker/config/kafka-config.js';
import { KafkaServer } from '../../broker/server/kafka-server.js';
import type { BrokerContext } from '../../broker/server/types.js';
import { pino, type LevelWithSilent } from 'pino';
import { bundleChildScript } from '../helpers/child-script.js';

/**
 * Defaults that keep tests fast: no initial rebalance delay, short minimum session timeout; no HTTP
 * server (its default port 8080 would clash between parallel test files; test/http starts it on port 0).
 */
export const FAST_TEST_PROPS: Record<string, string | number | boolean> = {
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 1000,
  'http.enabled': false,
};

/** A broker running in this process. */
export interface TestBroker {
  server: KafkaServer;
  context: BrokerContext;
  port: number;
  /** `127.0.0.1:<port>` */
  bootstrap: string;
  /** The log dir (reuse it with startBroker({ 'log.dirs': dir }) to restart on the same data). */
  logDir: string;
  /** Clean shutdown; removes the log dir unless `keepData` (or the dir was given by the caller). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Make a temp dir under the OS temp dir. */
export function tempDir(prefix = 'kafka-ts-broker-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Start an in-process broker on 127.0.0.1:0. `props` are server.properties keys (FAST_TEST_PROPS
 * applied first); `log.dirs` given = reuse that directory (kept on stop).
 */
export async function startBroker(props: Record<string, string | number | boolean> = {}): Promise<TestBroker> {
  const given = props['log.dirs'] !== undefined;
  const logDir = given ? String(props['log.dirs']) : tempDir();
  const config = KafkaConfig.fromProperties({ listeners: 'PLAINTEXT://127.0.0.1:0', ...FAST_TEST_PROPS, ...props, 'log.dirs': logDir });
  // KAFKA_TS_TEST_LOG=debug (or info...) shows the broker's log on stderr.
  const level = process.env.KAFKA_TS_TEST_LOG as LevelWithSilent | undefined;
  const server = await KafkaServer.start(config, level ? { logger: pino({ level }, pino.destination(2)) } : {});
  return {
    server,
    context: server.context,
    port: server.port,
    bootstrap: `127.0.0.1:${server.port}`,
    logDir,
    async stop(options) {
      await server.shutdown();
      if (!given && !options?.keepData) fs.rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** A raw protocol client: one connection, requests pipelined, answers matched by correlation id. */
export class RawClient {
  private correlationId = 0;
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (frame: Buffer) => void; reject: (e: Error) => void }>();
  private closedError: Error | undefined;
  /** Resolves when the broker closed the connection. */
  readonly closed: Promise<void>;

  constructor(readonly socket: net.Socket, readonly clientId = 'raw-test-client') {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.closedError = new Error('connection closed by the broker');
        for (const p of this.pending.values()) p.reject(this.closedError);
        this.pending.clear();
        resolve();
      });
    });
    socket.on('error', () => {});
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) break;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.resolve(frame);
    }
  }

  /** Send a request and decode its answer (rejects when the broker closes the connection). */
  async request<T = any>(api: ApiCodec<any, any>, version: number, body: object): Promise<T> {
    const correlationId = ++this.correlationId;
    const frame = encodeRequest({ apiKey: api.key, apiVersion: version, correlationId, clientId: this.clientId }, body);
    const answer = this.sendFrame(correlationId, frame);
    const f = await answer;
    return decodeResponse(f, api.key, version).body as T;
  }

  /** Send a request that gets no answer (Produce acks=0). */
  send(api: ApiCodec<any, any>, version: number, body: object): void {
    const correlationId = ++this.correlationId;
    this.socket.write(encodeRequest({ apiKey: api.key, apiVersion: version, correlationId, clientId: this.clientId }, body));
  }

  /** Write a whole frame and wait for the answer with `correlationId`. */
  sendFrame(correlationId: number, frame: Buffer): Promise<Buffer> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.set(correlationId, { resolve, reject });
      this.socket.write(frame);
    });
  }

  /** Next correlation id (for hand-built frames). */
  nextCorrelationId(): number {
    return ++this.correlationId;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Connect a RawClient to a broker (or a port). */
export function connect(broker: { port: number } | number, clientId?: string): Promise<RawClient> {
  const port = typeof broker === 'number' ? broker : broker.port;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket, clientId)));
    socket.once('error', reject);
  });
}

/** A broker running as a child process of the real `kafka-server-start` program. */
export interface BrokerProcess {
  child: ChildProcess;
  port: number;
  bootstrap: string;
  logDir: string;
  /** Every stdout line so far (pino JSON). */
  output: string[];
  /** Everything written to stderr so far (the start banner, fatal messages). */
  stderr(): string;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

/** Every broker child started by this test process: killed when it exits, so a failed test leaves none behind. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Path of the bundled kafka-server-start program (built once per test process). */
export function serverStartScript(): string {
  return bundleChildScript(path.join(path.dirname(new URL(import.meta.url).pathname), '../../scripts/kafka-server-start.ts'));
}

/**
 * Start `kafka-server-start <tmp>/server.properties` with listeners on 127.0.0.1:0 and wait for its
 * "started" log line. `props` are written to the file; `logDir` reuses a data directory.
 */
export async function startBrokerProcess(props: Record<string, string | number> = {}, options: { logDir?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<BrokerProcess> {
  const logDir = options.logDir ?? tempDir();
  const confDir = tempDir('kafka-ts-conf-');
  const all: Record<string, string | number> = { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir, ...FAST_TEST_PROPS, ...props };
  const file = path.join(confDir, 'server.properties');
  fs.writeFileSync(file, Object.entries(all).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const child = spawn(process.execPath, [serverStartScript(), file, ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  const output: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      fs.rmSync(confDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let rest = '';
    child.stdout!.on('data', (d: Buffer) => {
      rest += d.toString();
      const lines = rest.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (line.includes('started')) {
          try {
            const j = JSON.parse(line);
            if (j.listeners) resolve(Number(String(j.listeners[0]).split(':').pop()));
          } catch {}
        }
      }
    });
    void exited.then((code) => reject(new Error(`kafka-server-start exited with ${code}: ${stderr}${output.join('\n')}`)));
  });
  return {
    child,
    port,
    bootstrap: `127.0.0.1:${port}`,
    logDir,
    output,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
