/**
 * The core of `kafka-replay` (scripts/kafka-replay.ts), reusable in-process (the stream benchmark
 * replays the flights with it while a job runs): produce a public dataset installed with the project
 * into a topic, paced by a rate and/or the flights' event time.
 *
 * Datasets (this folder):
 * - `flights`: the 3,000,000 US flights of January-June 2001 ({@link readFlightBatches}), in file
 *   order = event-time order. Key: the origin airport (`LAS`), so the producer's murmur2 partitioner
 *   (Java's) puts every flight of an airport in the same partition. Value: {@link flightValue}, JSON
 *   `{"date":978307260000,"delay":33,"distance":2176,"origin":"LAS","destination":"PHL","producedAt":1718000000000}`
 *   (`producedAt` = the record's Kafka timestamp).
 * - `mail`: the non-blank body lines of the 6,046 SpamAssassin messages (387,804 lines), in corpus
 *   order. Key: the message (`spam-2/00001`). Value: the line.
 *
 * Every record's Kafka timestamp (CreateTime) is the wall-clock time in ms (`Date.now()`) at which it
 * is handed to the producer, so a consumer measures end-to-end latency as now − timestamp.
 *
 * Pacing (see {@link ReplayOptions}): full speed by default (at most `maxOutstanding` records awaiting
 * their acknowledgement); `rate` = a smooth token bucket; `speedup` = event-time schedule (flights);
 * both = the rate caps the schedule (the replay falls behind and catches up at no more than the rate;
 * records are never dropped or reordered).
 */
import { KafkaProducer, type RecordMetadata } from '../../client/producer/index.js';
import { FLIGHT_COUNT, readFlightBatches, type Flight } from './flights.js';
import { MAIL_LINE_COUNT, readMailMessages } from './mail.js';

/** The datasets `replayDataset` can produce. */
export type ReplayDataset = 'flights' | 'mail';

/** Options of {@link replayDataset}. */
export interface ReplayOptions {
  /**
   * Producer properties (Java client keys); `bootstrap.servers` is required. Defaults added when
   * missing: `client.id=kafka-replay`, `acks=all`; with acks other than all/-1 and no explicit
   * `enable.idempotence`, idempotence is turned off (as kafka-console-producer).
   */
  producerProps: Record<string, string>;
  /** Topic to produce to (must exist, or be auto-created by the broker). */
  topic: string;
  dataset: ReplayDataset;
  /** Start after this many records of the dataset (default 0): the replay produces records `skip`, `skip + 1`, ... */
  skip?: number;
  /** At most this many records (after `skip`; default: all the rest). */
  limit?: number;
  /** At most this many records per second (token bucket refilled continuously, room for 50 ms of records, starting with one token). */
  rate?: number;
  /**
   * Flights only: send each flight when the wall-clock time since the first send reaches
   * (its date − the first flight's date) / speedup (3600 = one hour of flight time per second).
   */
  speedup?: number;
  /** Stop early: the records sent so far are flushed and counted; the promise resolves normally. */
  signal?: AbortSignal;
  /** Called with the number of acknowledged records, about every 1024 acknowledgements and once at the end. */
  onProgress?: (acked: number) => void;
  /** Called once the topic's metadata is known, just before the first send (e.g. to start a progress bar). */
  onStart?: () => void;
  /** Largest number of records awaiting acknowledgement before sending waits (default 100,000). */
  maxOutstanding?: number;
}

/** What {@link replayDataset} did. */
export interface ReplayResult {
  /** Records handed to the producer. */
  sent: number;
  /** Records acknowledged by the broker. */
  acked: number;
  /** Records that failed (`sent − acked`). */
  failed: number;
  /** The first send error, when `failed > 0`. */
  firstError: unknown;
  /** Bytes sent: key + value of every record sent (UTF-8). */
  bytes: number;
  /** Seconds from the first send to the last acknowledgement (0 when nothing was sent). */
  seconds: number;
  /** `acked / seconds` (0 when nothing was sent). */
  recordsPerSec: number;
  /** With `speedup`: records whose date was earlier than one already sent (sent at once, never reordered); else 0. */
  outOfOrder: number;
  /** `Date.now()` at the first send, ms (undefined when nothing was sent). */
  startedAt: number | undefined;
}

/**
 * A token bucket: `rate` tokens/s, at most `capacity`, one token to start with. `take()` is cheap
 * (no clock reading while tokens are left).
 */
export class TokenBucket {
  private tokens = 1;
  private last = performance.now();
  constructor(
    private readonly rate: number,
    private readonly capacity: number,
  ) {}

  /** Take a token: 0 when taken, else the ms to wait before trying again. */
  take(): number {
    if (this.tokens >= 1) {
      this.tokens--;
      return 0;
    }
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens--;
      return 0;
    }
    return ((1 - this.tokens) * 1000) / this.rate;
  }
}

/**
 * The flight's record value as kafka-replay writes it: JSON with the fields in this order —
 * `date` (ms), `delay` (minutes), `distance` (miles), `origin`, `destination`, `producedAt` (ms).
 */
export function flightValue(f: Flight, producedAt: number): string {
  return `{"date":${f.date},"delay":${f.delay},"distance":${f.distance},"origin":${JSON.stringify(f.origin)},"destination":${JSON.stringify(f.destination)},"producedAt":${producedAt}}`;
}

/** How many records a replay of `dataset` with `limit` (and `skip`, default 0) produces. */
export function replayRecordCount(dataset: ReplayDataset, limit?: number, skip = 0): number {
  return Math.max(0, Math.min(limit ?? Infinity, (dataset === 'flights' ? FLIGHT_COUNT : MAIL_LINE_COUNT) - skip));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One record to replay: its key, its event time (flights) and what makes its value. */
interface Item {
  key: string | null;
  eventTime: number | undefined;
  flight?: Flight;
  line?: string;
}

/** The dataset as batches of items: items `skip` .. `skip + limit − 1`. */
async function* items(dataset: ReplayDataset, skip: number, limit: number | undefined): AsyncGenerator<Item[]> {
  let toSkip = skip;
  if (dataset === 'flights') {
    for await (let batch of readFlightBatches({ limit: limit === undefined ? undefined : skip + limit, batchSize: 4096 })) {
      if (toSkip >= batch.length) {
        toSkip -= batch.length;
        continue;
      }
      if (toSkip > 0) (batch = batch.slice(toSkip)), (toSkip = 0);
      yield batch.map((f) => ({ key: f.origin, eventTime: f.date, flight: f }));
    }
    return;
  }
  let left = limit ?? Infinity;
  for (const m of readMailMessages()) {
    if (left <= 0) return;
    let lines = m.lines;
    if (toSkip > 0) {
      const n = Math.min(toSkip, lines.length);
      toSkip -= n;
      lines = lines.slice(n);
    }
    if (lines.length > left) lines = lines.slice(0, left);
    left -= lines.length;
    if (lines.length > 0) yield lines.map((line) => ({ key: m.key, eventTime: undefined, line }));
  }
}

/**
 * Produce `dataset` into `topic` (see the module comment for keys, values, timestamps and pacing).
 * Resolves when every record sent is acknowledged or failed and the producer is closed; send failures
 * do not reject (they are counted in `failed`, the first in `firstError`).
 * Errors (rejections): `Error("speedup needs the flights dataset (mail lines have no event time)")`,
 * an invalid `rate`/`speedup`/`limit` (`Error`), the producer's errors while fetching the topic's metadata
 * (e.g. an unknown topic), dataset read errors (see readFlightBatches).
 */
export async function replayDataset(options: ReplayOptions): Promise<ReplayResult> {
  const { topic, dataset, limit, rate, speedup, signal, onProgress } = options;
  const skip = options.skip ?? 0;
  if (!(Number.isInteger(skip) && skip >= 0)) throw new Error(`replayDataset: skip must be a non-negative integer, got ${skip}`);
  if (speedup !== undefined && dataset !== 'flights') throw new Error('speedup needs the flights dataset (mail lines have no event time)');
  for (const [name, v] of [['rate', rate], ['speedup', speedup], ['limit', limit]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`replayDataset: ${name} must be a positive number, got ${v}`);
  }
  const props: Record<string, string> = { 'client.id': 'kafka-replay', acks: 'all', ...options.producerProps };
  // Acks 0 or 1 cannot be idempotent (as kafka-console-producer).
  if (props.acks !== '-1' && props.acks !== 'all' && props['enable.idempotence'] === undefined) props['enable.idempotence'] = 'false';
  const maxOutstanding = Math.max(1, options.maxOutstanding ?? 100_000);

  const producer = new KafkaProducer(props);
  let acked = 0;
  let failed = 0;
  let firstError: unknown;
  let bytes = 0;
  let outOfOrder = 0;
  let outstanding = 0;
  let wake: (() => void) | undefined;
  const onAck = (_m: RecordMetadata) => {
    acked++;
    if (onProgress && (acked & 1023) === 0) onProgress(acked);
    if (--outstanding < maxOutstanding / 2 && wake) (wake(), (wake = undefined));
  };
  const onError = (e: unknown) => {
    failed++;
    firstError ??= e;
    if (--outstanding < maxOutstanding / 2 && wake) (wake(), (wake = undefined));
  };

  let start = -1; // performance.now() at the first send
  let startedAt: number | undefined;
  let sent = 0;
  try {
    // As kafka-producer-perf-test: the topic's metadata first, out of the timed run.
    await producer.partitionsFor(topic);
    options.onStart?.();
    const bucket = rate !== undefined ? new TokenBucket(rate, Math.max(1, rate * 0.05)) : undefined;
    let firstEventTime = 0;
    let maxEventTime = -Infinity;
    outer: for await (const batch of items(dataset, skip, limit)) {
      for (const item of batch) {
        if (signal?.aborted) break outer;
        if (start < 0) {
          start = performance.now();
          startedAt = Date.now();
          firstEventTime = item.eventTime ?? 0;
        }
        if (speedup !== undefined) {
          const t = item.eventTime!;
          if (t < maxEventTime) outOfOrder++;
          else maxEventTime = t;
          let ahead = start + (t - firstEventTime) / speedup - performance.now();
          while (ahead >= 1 && !signal?.aborted) {
            await sleep(Math.min(ahead, 1000));
            ahead = start + (t - firstEventTime) / speedup - performance.now();
          }
        }
        if (bucket) {
          let wait: number;
          while ((wait = bucket.take()) > 0) await sleep(wait);
        }
        const now = Date.now();
        const value = item.flight ? flightValue(item.flight, now) : item.line!;
        bytes += Buffer.byteLength(value) + (item.key === null ? 0 : Buffer.byteLength(item.key));
        outstanding++;
        sent++;
        producer.send({ topic, key: item.key, value, timestamp: now }).then(onAck, onError);
        if (outstanding >= maxOutstanding) await new Promise<void>((r) => (wake = r));
        else if ((sent & 4095) === 0) await new Promise((r) => setImmediate(r)); // let answers in while queueing
      }
    }
  } finally {
    await producer.flush().catch(() => {});
    while (outstanding > 0) await sleep(1);
    await producer.close();
  }
  const seconds = start < 0 ? 0 : (performance.now() - start) / 1000;
  onProgress?.(acked);
  return { sent, acked, failed, firstError, bytes, seconds, recordsPerSec: seconds > 0 ? acked / seconds : 0, outOfOrder, startedAt };
}
