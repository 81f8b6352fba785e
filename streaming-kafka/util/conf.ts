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
  /** All pairs (what a checkpoint stores). */
  getAll(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
