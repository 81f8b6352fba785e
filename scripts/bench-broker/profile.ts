/**
 * Summaries of a V8 CPU profile (`node --cpu-prof` writes one `.cpuprofile` per process at exit): the
 * functions and files with the most self time, overall or within time windows (the benchmark's
 * phases). Sample times in a .cpuprofile are CLOCK_MONOTONIC microseconds, the clock of
 * `process.hrtime`, so windows taken with `monotonicUs()` in another process line up with them.
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** CLOCK_MONOTONIC now, in microseconds (the clock of .cpuprofile sample times). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** A named time window, CLOCK_MONOTONIC microseconds. */
export interface Window {
  name: string;
  startUs: number;
  endUs: number;
}

/** Self time of one function (or file), milliseconds, and its share of the window's samples. */
export interface HotEntry {
  name: string;
  selfMs: number;
  percent: number;
}

/** Self-time summary of one window. */
export interface WindowSummary {
  name: string;
  /** Sampled time in the window, milliseconds (idle included). */
  totalMs: number;
  /** Sampled time that was not `(idle)`, milliseconds. */
  busyMs: number;
  functions: HotEntry[];
  files: HotEntry[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const i = u.lastIndexOf('/node_modules/');
  if (i >= 0) return u.slice(i + 1);
  const d = u.indexOf('/dist/');
  if (d >= 0) return u.slice(d + 6);
  return u.startsWith('node:') ? u : path.basename(u);
}

/** The newest `.cpuprofile` file in `dir`, or undefined. */
export function newestProfile(dir: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0];
}

/**
 * Summarise `file` (a .cpuprofile) per window: the `top` functions (name, file:line) and files with the
 * most self time, in ms and as a percentage of the window's non-idle samples.
 */
export function summarizeProfile(file: string, windows: Window[], top: number): WindowSummary[] {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const frameOf = new Map<number, CallFrame>();
  const parentOf = new Map<number, number>();
  for (const n of prof.nodes) {
    frameOf.set(n.id, n.callFrame);
    for (const c of n.children ?? []) parentOf.set(c, n.id);
  }
  const label = (cf: CallFrame): string => `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
  // A native frame (no url: a syscall binding such as writeBuffer, writev, read) is named with its
  // nearest JavaScript caller outside node's internals, so fs writes and socket writes stay apart.
  const keyCache = new Map<number, string>();
  const keyOf = (id: number): string => {
    const hit = keyCache.get(id);
    if (hit !== undefined) return hit;
    const cf = frameOf.get(id)!;
    let key: string;
    if (cf.url) key = label(cf);
    else if (cf.functionName.startsWith('(')) key = cf.functionName;
    else {
      let caller: CallFrame | undefined;
      let nodeInternal: CallFrame | undefined;
      for (let p = parentOf.get(id); p !== undefined; p = parentOf.get(p)) {
        const f = frameOf.get(p)!;
        if (!f.url) continue;
        if (f.url.startsWith('node:')) {
          nodeInternal ??= f;
          continue;
        }
        caller = f;
        break;
      }
      const via = nodeInternal ? ` ${nodeInternal.functionName || '(anonymous)'} (${nodeInternal.url})` : '';
      key = `${cf.functionName} (native) <-${via}${caller ? ` <- ${label(caller)}` : ''}`;
    }
    keyCache.set(id, key);
    return key;
  };
  const acc = windows.map(() => ({ fn: new Map<string, number>(), file: new Map<string, number>(), total: 0, idle: 0 }));
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    t += dt;
    // A sample's weight is the time to the next sample (V8's convention for self time).
    const w = (prof.timeDeltas[i + 1] ?? 0) / 1000;
    const cf = frameOf.get(prof.samples[i]!)!;
    for (let k = 0; k < windows.length; k++) {
      const win = windows[k]!;
      if (t < win.startUs || t >= win.endUs) continue;
      const a = acc[k]!;
      a.total += w;
      if (cf.functionName === '(idle)') {
        a.idle += w;
        continue;
      }
      const file = shortUrl(cf.url);
      const key = keyOf(prof.samples[i]!);
      a.fn.set(key, (a.fn.get(key) ?? 0) + w);
      const fkey = file || (cf.functionName.startsWith('(') ? cf.functionName : `${cf.functionName} (native)`);
      a.file.set(fkey, (a.file.get(fkey) ?? 0) + w);
    }
  }
  return windows.map((win, k) => {
    const a = acc[k]!;
    const busy = a.total - a.idle;
    const rank = (m: Map<string, number>): HotEntry[] =>
      [...m.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, top)
        .map(([name, ms]) => ({ name, selfMs: ms, percent: busy > 0 ? (100 * ms) / busy : 0 }));
    return { name: win.name, totalMs: a.total, busyMs: busy, functions: rank(a.fn), files: rank(a.file) };
  });
}
