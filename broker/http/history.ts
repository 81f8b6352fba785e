/**
 * BrokerHistory: the recent past the dashboard draws, sampled in the broker every `intervalMs`
 * (default 1 s) and kept for `points` samples (default 300, so 5 minutes): per topic the bytes and
 * messages in and out per second (from the per-partition traffic counters, see traffic.ts), per
 * partition the latest rates (the topic page's table), and per group the total lag and each committed
 * partition's lag. A browser opening the dashboard sees the last minutes at once, not only what it
 * polled since.
 *
 * Memory: one Float64Array of `points` per series (2.4 KB at 300 points); a series not seen for a whole
 * window (a deleted topic, a group gone) is dropped. Cost per sample: O(partitions + committed offsets).
 * The timer is unref'd: it never keeps a process alive.
 */
import type { UnifiedLog } from '../log/index.js';
import type { BrokerContext } from '../server/types.js';
import { trafficOf } from '../server/traffic.js';
import { allGroupLags, ZERO_RATES, type Rates } from './views.js';

/** Options of BrokerHistory. */
export interface HistoryOptions {
  /** Time between samples (ms). Default 1000. */
  intervalMs?: number;
  /** Samples kept per series. Default 300. */
  points?: number;
}

/** Topic throughput series, aligned with `timestamps` (null where the topic did not exist). */
export interface TopicHistory {
  timestamps: number[];
  bytesInPerSec: (number | null)[];
  bytesOutPerSec: (number | null)[];
  messagesInPerSec: (number | null)[];
  messagesOutPerSec: (number | null)[];
}

/** Group lag series, aligned with `timestamps`. */
export interface GroupHistory {
  timestamps: number[];
  totalLag: (number | null)[];
  partitions: { topic: string; partition: number; lag: (number | null)[] }[];
}

const RATE_KEYS = ['bytesInPerSec', 'bytesOutPerSec', 'messagesInPerSec', 'messagesOutPerSec'] as const;

/** A ring of samples; NaN = no value at that sample. */
class Series {
  readonly values: Float64Array;
  /** Sample number of the last real value. */
  lastSeen: number;
  constructor(points: number, seen: number) {
    this.values = new Float64Array(points).fill(NaN);
    this.lastSeen = seen;
  }
}

interface LogSample {
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  at: number;
  rates: Rates;
}

/** See the module comment. */
export class BrokerHistory {
  readonly intervalMs: number;
  readonly points: number;
  private readonly times: Float64Array;
  /** Samples taken so far. */
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly logs = new WeakMap<UnifiedLog, LogSample>();
  private readonly topics = new Map<string, Record<(typeof RATE_KEYS)[number], Series>>();
  private readonly groupTotals = new Map<string, Series>();
  /** group → `topic\0partition` → lag series. */
  private readonly groupPartitions = new Map<string, Map<string, Series>>();

  constructor(
    private readonly ctx: BrokerContext,
    options: HistoryOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.points = options.points ?? 300;
    this.times = new Float64Array(this.points);
  }

  /** Take a first sample now and one every intervalMs. */
  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => {
      try {
        this.sample();
      } catch (err) {
        this.ctx.logger.warn({ err }, 'dashboard history sample failed');
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The rates of a partition over the last interval (zero before its second sample). */
  ratesOf(log: UnifiedLog): Rates {
    return this.logs.get(log)?.rates ?? ZERO_RATES;
  }

  /** Take one sample (the timer's job; public for tests). */
  sample(): void {
    const now = this.ctx.now();
    const slot = this.count % this.points;
    this.times[slot] = now;
    const n = this.count;
    // Partitions → topics.
    const topicRates = new Map<string, Rates>();
    for (const log of this.ctx.logManager.allLogs()) {
      const t = trafficOf(log);
      const prev = this.logs.get(log);
      let rates: Rates = ZERO_RATES;
      if (prev) {
        const dt = (now - prev.at) / 1000;
        if (dt > 0) {
          rates = {
            bytesInPerSec: (t.bytesIn - prev.bytesIn) / dt,
            bytesOutPerSec: (t.bytesOut - prev.bytesOut) / dt,
            messagesInPerSec: (t.messagesIn - prev.messagesIn) / dt,
            messagesOutPerSec: (t.messagesOut - prev.messagesOut) / dt,
          };
        }
      }
      this.logs.set(log, { bytesIn: t.bytesIn, bytesOut: t.bytesOut, messagesIn: t.messagesIn, messagesOut: t.messagesOut, at: now, rates });
      const topic = log.topicPartition.topic;
      const sum = topicRates.get(topic) ?? { ...ZERO_RATES };
      for (const k of RATE_KEYS) sum[k] += rates[k];
      topicRates.set(topic, sum);
    }
    for (const [topic, r] of topicRates) {
      let s = this.topics.get(topic);
      if (!s) {
        s = { bytesInPerSec: new Series(this.points, n), bytesOutPerSec: new Series(this.points, n), messagesInPerSec: new Series(this.points, n), messagesOutPerSec: new Series(this.points, n) };
        this.topics.set(topic, s);
      }
      for (const k of RATE_KEYS) {
        s[k].values[slot] = r[k];
        s[k].lastSeen = n;
      }
    }
    for (const [topic, s] of this.topics) {
      if (topicRates.has(topic)) continue;
      for (const k of RATE_KEYS) s[k].values[slot] = NaN;
      if (n - s.bytesInPerSec.lastSeen >= this.points) this.topics.delete(topic);
    }
    // Groups.
    const lags = allGroupLags(this.ctx);
    for (const [groupId, rows] of lags) {
      let total = this.groupTotals.get(groupId);
      if (!total) this.groupTotals.set(groupId, (total = new Series(this.points, n)));
      total.values[slot] = rows.reduce((a, r) => a + (r.lag ?? 0), 0);
      total.lastSeen = n;
      let parts = this.groupPartitions.get(groupId);
      if (!parts) this.groupPartitions.set(groupId, (parts = new Map()));
      const seen = new Set<string>();
      for (const r of rows) {
        const key = `${r.topic}\u0000${r.partition}`;
        seen.add(key);
        let s = parts.get(key);
        if (!s) parts.set(key, (s = new Series(this.points, n)));
        s.values[slot] = r.lag ?? NaN;
        s.lastSeen = n;
      }
      for (const [key, s] of parts) {
        if (seen.has(key)) continue;
        s.values[slot] = NaN;
        if (n - s.lastSeen >= this.points) parts.delete(key);
      }
    }
    for (const [groupId, total] of this.groupTotals) {
      if (lags.has(groupId)) continue;
      total.values[slot] = NaN;
      for (const s of this.groupPartitions.get(groupId)?.values() ?? []) s.values[slot] = NaN;
      if (n - total.lastSeen >= this.points) {
        this.groupTotals.delete(groupId);
        this.groupPartitions.delete(groupId);
      }
    }
    this.count++;
  }

  /** Slots of the last `n` samples, oldest first. */
  private slots(n: number): number[] {
    const k = Math.max(0, Math.min(n, this.count, this.points));
    const out: number[] = [];
    for (let i = this.count - k; i < this.count; i++) out.push(i % this.points);
    return out;
  }

  private read(s: Series | undefined, slots: number[]): (number | null)[] {
    return slots.map((i) => {
      const v = s ? s.values[i]! : NaN;
      return Number.isNaN(v) ? null : Math.round(v * 1000) / 1000;
    });
  }

  /** The last `n` samples of a topic's throughput (all null for a topic never sampled). */
  topicHistory(topic: string, n: number): TopicHistory {
    const slots = this.slots(n);
    const s = this.topics.get(topic);
    return {
      timestamps: slots.map((i) => this.times[i]!),
      bytesInPerSec: this.read(s?.bytesInPerSec, slots),
      bytesOutPerSec: this.read(s?.bytesOutPerSec, slots),
      messagesInPerSec: this.read(s?.messagesInPerSec, slots),
      messagesOutPerSec: this.read(s?.messagesOutPerSec, slots),
    };
  }

  /** The last `n` samples of a group's total lag and per-partition lags. */
  groupHistory(groupId: string, n: number): GroupHistory {
    const slots = this.slots(n);
    const parts = [...(this.groupPartitions.get(groupId) ?? new Map<string, Series>())].map(([key, s]) => {
      const sep = key.lastIndexOf('\u0000');
      return { topic: key.slice(0, sep), partition: Number(key.slice(sep + 1)), lag: this.read(s, slots) };
    });
    parts.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    return { timestamps: slots.map((i) => this.times[i]!), totalLag: this.read(this.groupTotals.get(groupId), slots), partitions: parts };
  }
}
