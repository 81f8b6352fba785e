/**
 * bench:streams' handle on one run of the flight-job program (streaming-kafka/jobs/flight-job.ts) as
 * a child process: its metrics lines parsed as they arrive, waits on them with time limits, kills by
 * its own pid, and /proc figures (CPU time, peak RSS, bytes written to storage).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import type { FlightBatchMetrics } from '../jobs/flight-app.js';

/** The job's `started` line (ms since the epoch). */
export interface JobStarted {
  type: 'started';
  pid: number;
  /** When the program began, ms. */
  launchedAt: number;
  /** When `ssc.start()` resolved, ms. */
  startedAt: number;
  /** A checkpoint was found (getOrCreate recovered). */
  recovered: boolean;
}

/** Every job child this module started and that has not exited: SIGKILLed by {@link killAllJobs}. */
const live = new Set<ChildProcess>();

/** SIGKILL every job child still running (each by its pid). */
export function killAllJobs(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

/** One flight-job child. */
export class JobProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `Date.now()` at spawn, ms. */
  readonly spawnedAt = Date.now();
  /** The started line, once seen. */
  started: JobStarted | undefined;
  /** Every completed batch, in order. */
  readonly batches: FlightBatchMetrics[] = [];
  /** Records over all batches seen (reruns counted again). */
  records = 0;
  /** Exit status, once exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The last 20,000 characters of stderr. */
  stderr = '';
  /** Resolves on exit. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();

  /** Spawn `node <script> ...args` (stdout = metrics lines). Errors: none thrown; a spawn failure shows as an exit. */
  constructor(
    script: string,
    args: string[],
    readonly label: string,
  ) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.child.pid ?? -1;
    live.add(this.child);
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-20_000)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exit) return;
        live.delete(this.child);
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      };
      this.child.on('close', done);
      this.child.on('error', (e) => {
        this.stderr += `\nspawn error: ${e.message}`;
        done(null, null);
      });
    });
  }

  private onLine(line: string): void {
    if (!line.startsWith('{')) return;
    let o: { type?: string };
    try {
      o = JSON.parse(line) as { type?: string };
    } catch {
      return;
    }
    if (o.type === 'started') this.started = o as JobStarted;
    else if (o.type === 'batch') {
      const b = o as FlightBatchMetrics;
      this.batches.push(b);
      this.records += b.records;
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * Resolve once `cond()` holds (checked now, on every metrics line and every 100 ms). Rejects
   * when the process exits first (with its stderr) or after `timeoutMs` ms (`what` names the wait).
   */
  waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const check = (): void => {
        if (cond()) return finish();
        if (this.exit) return finish(new Error(`${this.label}: the job exited (${this.exit.code ?? this.exit.signal}) while waiting for ${what}; stderr: ${this.stderr.slice(-3000)}`));
        if (Date.now() - t0 > timeoutMs) return finish(new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; ${this.records} records in ${this.batches.length} batches; stderr: ${this.stderr.slice(-3000)}`));
      };
      const timer = setInterval(check, 100);
      const finish = (err?: Error): void => {
        clearInterval(timer);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Send `signal` to this child (by its pid) unless it has exited. */
  kill(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  /** SIGTERM (graceful stop), SIGKILL after `timeoutMs` ms; resolves with the exit status. */
  async stop(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.kill('SIGTERM');
    const t = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    const e = await this.exited;
    clearTimeout(t);
    return e;
  }

  /** /proc figures of the running child: CPU seconds (user + system), peak RSS (bytes), bytes it caused to be written to storage; undefined once exited or when unreadable. */
  procStats(): { cpuSeconds: number; peakRssBytes: number; writeBytes: number } | undefined {
    if (this.exit) return undefined;
    try {
      const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpuSeconds = (Number(f[11]) + Number(f[12])) / 100; // utime + stime, CLK_TCK = 100
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      const wb = /^write_bytes:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${this.pid}/io`, 'utf8'));
      return { cpuSeconds, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0, writeBytes: wb ? Number(wb[1]) : 0 };
    } catch {
      return undefined;
    }
  }
}
