/**
 * The Spark configuration keys this layer reads, spelled as Spark spells them, with Spark's
 * defaults (streaming/.../StreamingConf.scala and the Spark Streaming programming guide).
 * A `StreamingConf` is built from a plain `Record<string, string | number | boolean>`.
 */
export const STREAMING_CONF_DEFAULTS = {
  /** Stop gracefully from the shutdown (SIGTERM) hook. */
  'spark.streaming.stopGracefullyOnShutdown': false,
  /** Graceful stop timeout, ms; unset = 10 × batch interval. */
  'spark.streaming.gracefulStopTimeout': undefined as number | undefined,
  /** Output jobs run one at a time: only 1 is supported here. */
  'spark.streaming.concurrentJobs': 1,
  /** Default partition count of shuffles (reduceByKey...); unset = the largest parent partition count. */
  'spark.default.parallelism': undefined as number | undefined,
  // --- receivers (receiver/, scheduler/receiver-tracker.ts; Spark's StreamingConf) ---
  /** Interval at which a BlockGenerator cuts received data into blocks, ms (also "200ms", "1s"); must be > 0. */
  'spark.streaming.blockInterval': 200,
  /** Blocks waiting to be pushed per BlockGenerator; when full, adding data waits (backpressure). */
  'spark.streaming.blockQueueSize': 10,
  /** Records/s per receiver (each BlockGenerator), unset = unlimited. */
  'spark.streaming.receiver.maxRate': undefined as number | undefined,
  /** First rate limit (records/s) before backpressure has an estimate; unset = maxRate. */
  'spark.streaming.backpressure.initialRate': undefined as number | undefined,
  /** Delay between a receiver's stop and its start again on restart(), ms. */
  'spark.streaming.receiverRestartDelay': 2000,
  /** Write received blocks to a write-ahead log under `<checkpointDir>/receivedData/<streamId>/` (needs a checkpoint directory). */
  'spark.streaming.receiver.writeAheadLog.enable': false,
  /** Receiver WAL: a new log file every this many seconds. */
  'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs': 60,
  /** Receiver WAL: attempts per write (a failed attempt closes the file and writes to a new one). */
  'spark.streaming.receiver.writeAheadLog.maxFailures': 3,
  /** Receiver WAL: close the file after every write (one file per record). */
  'spark.streaming.receiver.writeAheadLog.closeFileAfterWrite': false,
  /** Receiver WAL: fdatasync after every write (kafka-ts key; false = survives a process crash, not a power loss). */
  'spark.streaming.receiver.writeAheadLog.fsync': true,
  /** Time to store a block in memory and in the receiver WAL, seconds. */
  'spark.streaming.receiver.blockStoreTimeout': 30,
  /** Driver's block metadata log (`<checkpointDir>/receivedBlockMetadata/`): rolling interval, seconds. */
  'spark.streaming.driver.writeAheadLog.rollingIntervalSecs': 60,
  /** Driver's block metadata log: attempts per write. */
  'spark.streaming.driver.writeAheadLog.maxFailures': 3,
  /** Driver's block metadata log: close the file after every write. */
  'spark.streaming.driver.writeAheadLog.closeFileAfterWrite': false,
  /** Driver's block metadata log: fdatasync after every write (kafka-ts key). */
  'spark.streaming.driver.writeAheadLog.fsync': true,
} as const;

/** A read-only view of Spark conf pairs with typed getters. */
export class StreamingConf {
  private readonly values: Map<string, string>;

  constructor(pairs: Record<string, string | number | boolean | undefined> = {}) {
    this.values = new Map();
    for (const [k, v] of Object.entries(pairs)) if (v !== undefined) this.values.set(k, String(v));
  }
  /** Raw string value, or undefined. */
  get(key: string): string | undefined {
    return this.values.get(key);
  }
  /** Boolean value ("true"/"false"), else `def`. */
  getBoolean(key: string, def: boolean): boolean {
    const v = this.values.get(key);
    return v === undefined ? def : v.trim().toLowerCase() === 'true';
  }
  /** Numeric value, else `def`. Errors: `IllegalArgumentException`-style Error for a non-number. */
  getNumber(key: string, def: number): number;
  getNumber(key: string, def?: number): number | undefined;
  getNumber(key: string, def?: number): number | undefined {
    const v = this.values.get(key);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`${key} should be a number, got '${v}'`);
    return n;
  }
  /**
   * Spark's `getTimeAsMs`: a duration in ms; a plain number is ms, suffixes `us`, `ms`, `s`, `m`/`min`,
   * `h`, `d` are accepted ("200ms", "1s"). Errors: Error("<key> should be a time like 200ms, got '<v>'").
   */
  getTimeAsMs(key: string, def: number): number {
    const v = this.values.get(key);
    if (v === undefined) return def;
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|m|min|h|d)?\s*$/i.exec(v);
    if (!m) throw new Error(`${key} should be a time like 200ms, got '${v}'`);
    const scale: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
    return Number(m[1]) * scale[(m[2] ?? 'ms').toLowerCase()]!;
  }
  /** All pairs (what a checkpoint stores). */
  getAll(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
