/**
 * bench:streams' figures and outputs: directory sizes (disk per input byte), the printed table, the
 * machine line and the SVG chart (svg-chart.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FlightApproach } from '../jobs/flight-app.js';
import { renderTimeSeriesSvg, type ChartPanel } from './svg-chart.js';

/** Apparent bytes of the regular files under `dir`, recursively (0 when missing); files vanishing while walked are skipped. */
export function dirBytes(dir: string, exclude: string[] = []): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (exclude.includes(e.name)) continue;
    try {
      if (e.isDirectory()) n += dirBytes(p);
      else if (e.isFile()) n += fs.statSync(p).size;
    } catch {
      // removed meanwhile (WAL cleanup, temp files)
    }
  }
  return n;
}

/** Bytes of a topic's partition directories `<logDir>/<topic>-<p>` (0 when the log dir is unknown). */
export function topicLogBytes(logDir: string | undefined, topic: string): number {
  if (logDir === undefined || !fs.existsSync(logDir)) return 0;
  let n = 0;
  const re = new RegExp(`^${topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`);
  for (const e of fs.readdirSync(logDir)) if (re.test(e)) n += dirBytes(path.join(logDir, e));
  return n;
}

/** Disk use of one approach after the full-speed phase, bytes. */
export interface DiskBytes {
  /** The input topic's log on the broker (the same topic for every approach); null when the broker is not ours (--bootstrap). */
  brokerLog: number | null;
  /** Receiver write-ahead logs: `<checkpoint>/receivedData` + `receivedBlockMetadata`. */
  wal: number;
  /** The rest of the checkpoint directory (checkpoint.lmdb, state, the embedded coordination store). */
  checkpoint: number;
  /** The output: batch files or the transactional sink. */
  sink: number;
}

/** The figures of one approach, as printed and put in the JSON (first the fields the brief fixes). */
export interface ApproachRun {
  approach: FlightApproach;
  /** Records of the full-speed phase (the input). */
  records: number;
  /** Full speed: records / seconds from the context's start to the end of the batch that completed the input. */
  recordsPerSec: number;
  /** Fixed rate: end-to-end latency quantiles over every record (produce time → end of its batch), ms. */
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** (broker log + write-ahead log + checkpoints + sink) / input bytes, after the full-speed phase. */
  diskBytesPerInputByte: number;
  kills: number;
  /** Kill phase: offsets never processed (coverage 0). */
  lost: number;
  /** Kill phase: extra processings of offsets (coverage − 1). */
  duplicated: number;
  /** Kill phase: mean seconds from a SIGKILL to the first batch completed by the restarted job. */
  recoverySeconds: number;
  [extra: string]: unknown;
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The comparison table (GitHub markdown), one row per approach. */
export function formatTable(runs: ApproachRun[], rate: number): string {
  const header = ['approach', 'records/s (full speed)', `p50 / p99 latency at ${fmtInt(rate)}/s`, 'disk B per input B', 'kills', 'lost', 'counted twice', 'recovery mean / max', 'totals vs exact (kill phase)'];
  const rows = runs.map((r) => [
    r.approach,
    fmtInt(r.recordsPerSec),
    `${fmtInt(r.p50LatencyMs)} / ${fmtInt(r.p99LatencyMs)} ms`,
    r.diskBytesPerInputByte.toFixed(2),
    String(r.kills),
    fmtInt(r.lost),
    fmtInt(r.duplicated),
    `${r.recoverySeconds.toFixed(1)} / ${Number(r.recoverySecondsMax ?? 0).toFixed(1)} s`,
    String(r.killTotals ?? ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + (i === 0 ? 1 : 1)) + (i === 0 ? '' : ':')).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The machine: cores, CPU model, memory, Node, OS. */
export function machineFacts(): { cores: number; cpu: string; memoryBytes: number; node: string; platform: string; loadAverage: number[] } {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** One approach's time series for the chart: x in seconds. */
export interface ApproachSeries {
  approach: FlightApproach;
  /** Fixed-rate phase, per batch: [s since the replay started, processing time ms]. */
  processing: [number, number][];
  /** Fixed-rate phase, per batch: [s, scheduling delay ms]. */
  scheduling: [number, number][];
  /** Fixed-rate phase, per batch: [s, records / batch interval (records/s)]. */
  inputRate: [number, number][];
  /** Full-speed phase: [s since the context started, records processed so far]. */
  cumulative: [number, number][];
}

/** The SVG chart: processing time, scheduling delay and input rate over time at the fixed rate, and the full-speed progress; one series per approach. */
export function renderStreamsChart(series: ApproachSeries[], subtitle: string, rate: number, records: number): string {
  const panels: ChartPanel[] = [
    { title: `Processing time per batch, input replayed at ${fmtInt(rate)} records/s`, yLabel: 'processing time', unit: 'ms', series: series.map((s) => ({ name: s.approach, points: s.processing })) },
    { title: `Scheduling delay per batch (time waiting for earlier batches), at ${fmtInt(rate)} records/s`, yLabel: 'scheduling delay', unit: 'ms', series: series.map((s) => ({ name: s.approach, points: s.scheduling })) },
    { title: `Input rate per batch (records in the batch / batch interval), at ${fmtInt(rate)} records/s`, yLabel: 'input rate', unit: 'records/s', series: series.map((s) => ({ name: s.approach, points: s.inputRate })) },
    { title: `Full speed: records processed since the job started, backlog of ${fmtInt(records)} records`, yLabel: 'records processed', unit: '', series: series.map((s) => ({ name: s.approach, points: s.cumulative })) },
  ];
  return renderTimeSeriesSvg({ title: 'bench:streams — the flights job, Direct vs Receiver', subtitle, panels, xLabel: 'time since the phase started (s)' });
}
