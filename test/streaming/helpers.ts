/**
 * Helpers for the streaming tests: a ManualClock-driven context, batch stepping, a collecting
 * output, and ArrayLogInputDStream — a real, checkpointable input (per-batch offset ranges over
 * in-memory partitions, the same shape as the Direct Kafka stream) used by the recovery tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchData, InputDStream, ManualClock, ReplayableInputDStream, StreamingContext, type DStream, type StreamingLogger } from '../../streaming-kafka/index.js';

export const BATCH = 1000;

export function tempDir(prefix = 'kafka-ts-streaming-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A logger that keeps every line. */
export function memoryLogger(): StreamingLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`INFO ${m}`), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`) };
}

/** A context on a ManualClock at `startMs` (default 0), batch interval BATCH, quiet logger. */
export function manualContext(options: { batchMs?: number; startMs?: number; conf?: Record<string, string | number | boolean> } = {}): {
  ssc: StreamingContext;
  clock: ManualClock;
  logger: ReturnType<typeof memoryLogger>;
} {
  const clock = new ManualClock(options.startMs ?? 0);
  const logger = memoryLogger();
  const ssc = new StreamingContext({ batchDurationMs: options.batchMs ?? BATCH, clock, logger, conf: options.conf, stopOnShutdown: false });
  return { ssc, clock, logger };
}

/** Advance the clock batch by batch `n` times, waiting until each batch is fully processed (checkpoint written). */
export async function advanceBatches(ssc: StreamingContext, clock: ManualClock, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(ssc.batchDurationMs);
    await ssc.scheduler.jobGenerator.waitForProcessed(clock.getTimeMillis());
  }
}

/** Register a foreachRDD collecting each batch's elements: result[i] = [timeMs, elements]. */
export function collect<T>(stream: DStream<T>): [number, T[]][] {
  const out: [number, T[]][] = [];
  stream.foreachRDD((d, t) => {
    out.push([t, d.collect()]);
  });
  return out;
}

/** Sort pairs/values for order-free comparison. */
export function sorted<T>(xs: T[]): T[] {
  return xs.slice().sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

/** Per partition `[fromOffset, untilOffset)`. */
export type Ranges = { partition: number; fromOffset: number; untilOffset: number }[];

/**
 * An input over in-memory partitioned logs (`logs[p]` = records of partition p; append to them
 * while running). Each batch takes up to `maxPerBatch` records per partition from the current
 * offsets; its ranges are checkpointed and a recovered batch re-reads exactly them.
 */
export class ArrayLogInputDStream<T> extends ReplayableInputDStream<T, Ranges> {
  current: number[];
  constructor(
    ssc: StreamingContext,
    readonly logs: T[][],
    readonly maxPerBatch = Infinity,
  ) {
    super(ssc);
    this.current = logs.map(() => 0);
  }
  protected planBatch(): Ranges {
    const ranges = this.logs.map((log, p) => ({ partition: p, fromOffset: this.current[p]!, untilOffset: Math.min(log.length, this.current[p]! + this.maxPerBatch) }));
    this.current = ranges.map((r) => r.untilOffset);
    return ranges;
  }
  protected readBatch(_t: number, ranges: Ranges): BatchData<T> {
    return new BatchData(ranges.map((r) => this.logs[r.partition]!.slice(r.fromOffset, r.untilOffset)));
  }
  protected numRecordsOf(ranges: Ranges): number {
    return ranges.reduce((n, r) => n + r.untilOffset - r.fromOffset, 0);
  }
  protected override onRestored(batches: [number, Ranges][]): void {
    const last = batches[batches.length - 1];
    if (last) this.current = last[1].map((r) => r.untilOffset);
  }
}

/**
 * Spark's TestInputStream (streaming test suites): batch i (1-based, from zero time) holds
 * `input[i - 1]` (or nothing past the end), in `numPartitions` partitions; deterministic from the
 * batch time, hence checkpointable without metadata.
 */
export class TestInputStream<T> extends InputDStream<T> {
  constructor(
    ssc: StreamingContext,
    readonly input: T[][],
    readonly numPartitions = 1,
  ) {
    super(ssc);
  }
  override compute(timeMs: number): BatchData<T> {
    const index = (timeMs - this.zeroTime!) / this.slideDuration - 1;
    const data = BatchData.of(this.input[index] ?? [], this.numPartitions);
    this.reportInputInfo(timeMs, data.count());
    return data;
  }
}
