/**
 * Process helpers for the broker benchmark (scripts/bench-broker.ts): run a child with a time limit,
 * start and stop the broker program, read a process's CPU time and peak RSS from /proc.
 *
 * Every child is killed by its own pid when its time limit passes or when the benchmark stops, never
 * by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';

/** Clock ticks per second of /proc/<pid>/stat utime and stime (`getconf CLK_TCK`; 100 on Linux x86-64). */
export const CLK_TCK = 100;

/** Children still running, killed by `killAll` (on SIGINT, or after an error). */
const live = new Set<ChildProcess>();

/** SIGKILL every child this module started that is still running (each by its pid). */
export function killAll(): void {
  for (const c of live) {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  live.clear();
}

/** What a finished child left. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, milliseconds. */
  ms: number;
}

/** Options of `run`. */
export interface RunOptions {
  /** Kill the child (SIGKILL) and reject after this many milliseconds. */
  timeoutMs: number;
  /** Where the child's stdout goes: collected (default) or discarded (/dev/null, no pipe at all). */
  stdout?: 'pipe' | 'ignore';
  cwd?: string;
  /** Called with each stdout line as it arrives (stdout 'pipe' only). */
  onLine?: (line: string) => void;
}

/**
 * Run `cmd args` to completion with a time limit (`timeoutMs`, milliseconds); resolves with its exit
 * status, output and wall time (ms from spawn to exit); rejects if it cannot start or runs too long.
 * A non-zero exit does not reject: the caller checks `code`.
 */
export function run(cmd: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'], cwd: options.cwd });
    live.add(child);
    let stdout = '';
    let stderr = '';
    if (child.stdout) {
      child.stdout.setEncoding('utf8');
      if (options.onLine) {
        const onLine = options.onLine;
        createInterface({ input: child.stdout }).on('line', (l) => {
          stdout += l + '\n';
          onLine(l);
        });
      } else child.stdout.on('data', (d: string) => (stdout += d));
    }
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      live.delete(child);
      if (timedOut) reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${options.timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
      else resolve({ code, signal, stdout, stderr, ms });
    });
  });
}

/** Run and require exit status 0; returns the result. Rejects with the child's stderr otherwise. */
export async function runOk(cmd: string, args: string[], options: RunOptions): Promise<RunResult> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code ?? r.signal}: ${(r.stderr || r.stdout).slice(-2000)}`);
  return r;
}

/** Cumulative CPU time (user + system, all threads) of process `pid`, in clock ticks (1/CLK_TCK s). */
export function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): utime is field 14, stime field 15.
  return Number(f[11]) + Number(f[12]);
}

/** Peak resident set size (VmHWM) of process `pid`, in KiB. */
export function peakRssKiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]);
}

/** Current resident set size (VmRSS) of process `pid`, in KiB. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** A running broker process (kafka-server-start). */
export interface BrokerProcess {
  pid: number;
  port: number;
  bootstrap: string;
  /** The HTTP base URL (dashboard, API) from the started line, when `http.enabled`. */
  http: string | undefined;
  /** Broker log lines at level warn (40) or above seen so far (the last 50). */
  warnings: string[];
  /** SIGTERM, wait for a clean exit up to `timeoutMs` (milliseconds), then SIGKILL. Resolves with the exit code. */
  stop(timeoutMs: number): Promise<number | null>;
}

/**
 * Start the broker program (`node [nodeArgs] <startScript> <propertiesFile>`) and wait (at most
 * `timeoutMs` milliseconds) for its pino line `"[KafkaServer id=0] started"`; reads the bound port
 * from that line's `listeners: ["PLAINTEXT://host:port"]`. The broker's stdout is read for as long
 * as it runs (so its logger never blocks); warn and error lines are kept in `warnings`.
 */
export function startBroker(startScript: string, propertiesFile: string, nodeArgs: string[], timeoutMs: number): Promise<BrokerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, startScript, propertiesFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const tail: string[] = [];
    const warnings: string[] = [];
    let started = false;
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => {
      live.delete(child);
      r(code);
    }));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the broker did not log "started" within ${timeoutMs} ms; output: ${tail.join('\n')} ${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-10_000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then((code) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`the broker exited (${code}) before it started: ${tail.join('\n')} ${stderr}`));
      }
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 50) tail.shift();
      let obj: { level?: number; msg?: string; listeners?: string[]; http?: string } | undefined;
      try {
        obj = JSON.parse(line) as typeof obj;
      } catch {
        return;
      }
      if ((obj?.level ?? 0) >= 40) {
        warnings.push(line);
        if (warnings.length > 50) warnings.shift();
      }
      if (started || !obj?.msg?.includes('[KafkaServer id=0] started')) return;
      const m = /:(\d+)$/.exec(obj.listeners?.[0] ?? '');
      if (!m) return;
      started = true;
      clearTimeout(timer);
      const port = Number(m[1]);
      resolve({
        pid: child.pid!,
        port,
        bootstrap: `127.0.0.1:${port}`,
        http: obj.http,
        warnings,
        async stop(ms: number) {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), ms);
          const code = await exited;
          clearTimeout(t);
          return code;
        },
      });
    });
  });
}
