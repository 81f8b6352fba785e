/**
 * A real Apache ZooKeeper server for tests: Debian's package `zookeeper` (jars in /usr/share/java,
 * package libzookeeper-java; Java at /usr/bin/java), run standalone
 * (`org.apache.zookeeper.server.ZooKeeperServerMain <zoo.cfg>`) as a child process of the test process.
 *
 * Configuration written to a temporary directory:
 * - `clientPortAddress=127.0.0.1`, `clientPort` = a free ephemeral port (found by binding 127.0.0.1:0;
 *   retried with a new port if the server cannot bind it);
 * - `dataDir` = a fresh temporary directory (removed by `stop()`), `zookeeper.forceSync=no`
 *   (no fsync per transaction: tests do not need durability);
 * - `tickTime` (default 100 ms), `minSessionTimeout` (default 200 ms), `maxSessionTimeout`
 *   (default 60000 ms): short session timeouts (1–4 s) are accepted as asked, not raised to
 *   2 × tickTime of a production config;
 * - `admin.enableServer=false` (no Jetty admin server on port 8080), four-letter words restricted
 *   to `ruok` (`4lw.commands.whitelist=ruok`), no JMX port.
 *
 * The server logs WARN and above (slf4j-simple; `ZK_DEBUG_LEVEL=info` in the environment for more)
 * into {@link ZooKeeperServer.log}, not to the test output.
 *
 * Readiness: the server answers `ruok` with `imok` on its client port, then accepts a client session.
 * Every server started here is killed (SIGKILL) when the test process exits, so a failed test
 * leaves none behind (as test/broker/helpers.ts does for broker children).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zookeeper from 'node-zookeeper-client';

/** Where Debian's libzookeeper-java puts the server jar (its manifest's Class-Path names the dependencies). */
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** The JVM Debian's zookeeper package depends on (default-jre). */
export const JAVA = '/usr/bin/java';
/** slf4j's simple binding (Debian's libslf4j-java, a dependency of libzookeeper-java): server log on stderr. */
const SLF4J_SIMPLE = '/usr/share/java/slf4j-simple.jar';

/** True when a ZooKeeper server can be started here (Debian package `zookeeper` and Java installed). */
export const hasZooKeeper: boolean = fs.existsSync(ZOOKEEPER_JAR) && fs.existsSync(JAVA);
/** Suffix for the titles of tests skipped without ZooKeeper: `it.skipIf(!hasZooKeeper)(\`... ${ZOOKEEPER_SKIP_REASON}\`)`. */
export const ZOOKEEPER_SKIP_REASON = '(skipped: Debian package zookeeper not installed)';

/** Options of {@link startZooKeeper}; all times in ms. */
export interface ZooKeeperServerOptions {
  /** ZooKeeper's tickTime (default 100): the granularity of session expiry. */
  tickTimeMs?: number;
  /** Smallest session timeout the server grants (default 2 × tickTime). */
  minSessionTimeoutMs?: number;
  /** Largest session timeout the server grants (default 60000). */
  maxSessionTimeoutMs?: number;
  /** How long to wait for the server to serve, ms (default 30000: a JVM start on a busy machine). */
  startTimeoutMs?: number;
}

/** A running server. */
export interface ZooKeeperServer {
  /** "127.0.0.1:<port>", a ZooKeeper connect string (append "/chroot" if wanted). */
  connectString: string;
  port: number;
  /** The server's dataDir (a temporary directory). */
  dataDir: string;
  /** The server's log so far (stdout and stderr of its runs, the last 64 KiB), for failure messages. */
  log(): string;
  /**
   * SIGKILL the server (a crash: no goodbye to clients), keeping its dataDir and port; clients see
   * their connection drop and try to reconnect. No-op when it is not running.
   */
  kill(): Promise<void>;
  /**
   * Start it again (after {@link kill}, or kill it first) on the same port and dataDir and wait
   * until it serves: sessions whose timeout has not elapsed, their ephemeral nodes and all data
   * survive, as after a real server restart.
   */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s), wait for exit, remove the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Every server child of this test process: killed when it exits. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A port free on 127.0.0.1 right now (bind :0, read, close). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Send `ruok`; true when the answer is `imok`. */
function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const s = net.connect(port, '127.0.0.1', () => s.write('ruok'));
    s.setTimeout(1000, () => s.destroy());
    s.on('data', (d: Buffer) => (answer += d.toString()));
    s.on('error', () => resolve(false));
    s.on('close', () => resolve(answer === 'imok'));
  });
}

/** Open one client session (node-zookeeper-client) and close it; true when it connected within `timeoutMs`. */
function sessionWorks(connectString: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const client = zookeeper.createClient(connectString, { sessionTimeout: 4000, spinDelay: 100 });
    const timer = setTimeout(() => {
      client.close();
      resolve(false);
    }, timeoutMs);
    client.once('connected', () => {
      clearTimeout(timer);
      client.close();
      resolve(true);
    });
    client.connect();
  });
}

/**
 * Start a standalone ZooKeeper server on 127.0.0.1 (see the module comment for its configuration)
 * and resolve once it serves client sessions.
 * Errors: `Error` when ZooKeeper is not installed ({@link hasZooKeeper} is false), when the JVM exits
 * during start-up (after 3 attempts with fresh ports) or does not serve within `startTimeoutMs`;
 * the message carries the end of the server's log.
 */
export async function startZooKeeper(options: ZooKeeperServerOptions = {}): Promise<ZooKeeperServer> {
  if (!hasZooKeeper) throw new Error(`ZooKeeper is not installed (${ZOOKEEPER_JAR} or ${JAVA} missing): install the Debian package zookeeper`);
  const tickTime = options.tickTimeMs ?? 100;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ts-zookeeper-'));
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const port = await freePort();
    const cfg = path.join(dir, 'zoo.cfg');
    fs.writeFileSync(
      cfg,
      [
        `tickTime=${tickTime}`,
        `dataDir=${dataDir}`,
        `clientPort=${port}`,
        'clientPortAddress=127.0.0.1',
        `minSessionTimeout=${options.minSessionTimeoutMs ?? 2 * tickTime}`,
        `maxSessionTimeout=${options.maxSessionTimeoutMs ?? 60_000}`,
        'maxClientCnxns=0',
        'admin.enableServer=false',
        '4lw.commands.whitelist=ruok',
        'autopurge.purgeInterval=0',
        '',
      ].join('\n'),
    );
    const log = { text: '' };
    let run: Run | undefined;
    try {
      run = await launch(cfg, port, log, startTimeoutMs);
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      lastError = e as Error;
      if ((e as { exitedEarly?: boolean }).exitedEarly) continue; // e.g. the port was taken meanwhile
      break;
    }
    let current: Run | undefined = run;
    let stopped = false;
    const kill = async (): Promise<void> => {
      const r = current;
      current = undefined;
      if (r) await r.kill('SIGKILL');
    };
    return {
      connectString: `127.0.0.1:${port}`,
      port,
      dataDir,
      log: () => log.text,
      kill,
      async restart() {
        if (stopped) throw new Error('ZooKeeper server stopped: cannot restart');
        await kill();
        current = await launch(cfg, port, log, startTimeoutMs);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        const r = current;
        current = undefined;
        if (r) await r.kill('SIGTERM');
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastError!;
}

/** One JVM run of the server. */
interface Run {
  /** Send `signal` (SIGTERM is followed by SIGKILL after 5 s) and wait for the exit. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Spawn the server on `cfg` and wait until it serves on `port`; on failure it is killed and the error says why. */
async function launch(cfg: string, port: number, log: { text: string }, startTimeoutMs: number): Promise<Run> {
  const classpath = [ZOOKEEPER_JAR, ...(fs.existsSync(SLF4J_SIMPLE) ? [SLF4J_SIMPLE] : [])].join(':');
  const child = spawn(
    JAVA,
    [
      '-Xms32m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.net.preferIPv4Stack=true',
      '-Dzookeeper.forceSync=no',
      '-Dzookeeper.admin.enableServer=false',
      '-Dzookeeper.jmx.log4j.disable=true',
      `-Dorg.slf4j.simpleLogger.defaultLogLevel=${process.env.ZK_DEBUG_LEVEL ?? 'warn'}`,
      '-cp',
      classpath,
      'org.apache.zookeeper.server.ZooKeeperServerMain',
      cfg,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const append = (d: Buffer): void => {
    log.text += d.toString();
    if (log.text.length > 65536) log.text = log.text.slice(-65536);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let exitedEarly = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedEarly = true;
      children.delete(child);
      resolve();
    });
  });
  const run: Run = {
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const t = signal === 'SIGTERM' ? setTimeout(() => child.kill('SIGKILL'), 5000) : undefined;
        await exited;
        clearTimeout(t);
      }
    },
  };
  const connectString = `127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  const fail = async (why: string): Promise<never> => {
    const early = exitedEarly;
    await run.kill('SIGKILL');
    const e = new Error(`ZooKeeper on ${connectString} ${why}; log:\n${log.text.slice(-4000)}`);
    (e as { exitedEarly?: boolean }).exitedEarly = early;
    throw e;
  };
  while (!(await ruok(port))) {
    if (exitedEarly) return fail(`exited during start-up (code ${child.exitCode}, signal ${child.signalCode})`);
    if (Date.now() > deadline) return fail(`did not answer ruok within ${startTimeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await sessionWorks(connectString, Math.max(1000, deadline - Date.now())))) return fail('answered ruok but accepted no session');
  return run;
}
