/**
 * Child program of `bench-log` (scripts/bench-log.ts): fills one partition with the benchmark batch
 * and then dies without a clean shutdown, so that the parent can time a real crash recovery.
 *
 * Run by the parent as `node dist/scripts/bench-log-writer.js --dir=<log dir> --bytes=<n>`: opens a
 * LogManager on `<log dir>` with the OS-flush setting (flush.ms and flush.messages never, so the stored
 * recovery point stays at 0 and every byte is recovered) and the default segment.bytes (1 GiB), creates
 * `bench-0`, appends the benchmark batch until at least `<n>` bytes are in the log, prints one JSON line
 * `{"bytes", "batches", "logEndOffset", "segments", "appendMs"}` and SIGKILLs itself: no shutdown(), no
 * `.kafka_cleanshutdown`, no index files, no checkpoint. Every append was written to the page cache
 * before it returned, so nothing is lost; the next LogManager.open must CRC-check all of it.
 *
 * Also exports the benchmark batch builder, which the parent shares.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LONG_MAX, LogManager, defaultLogConfig } from '../broker/log/index.js';
import { encodeRecordBatchSync, type RecordInput } from '../client/records/index.js';

/** Records per benchmark batch. */
export const RECORDS_PER_BATCH = 160;
/** Target batch size: exactly 16 KiB, so that 65,536 batches fill a 1 GiB segment exactly. */
export const BATCH_BYTES = 16384;
/** Topic partition the benchmark writes. */
export const BENCH_TP = { topic: 'bench', partition: 0 } as const;

/**
 * One uncompressed v2 batch of RECORDS_PER_BATCH records (no key, no headers, ~90-byte values of
 * varied bytes, per-record timestamps) of exactly BATCH_BYTES bytes (the last value is sized to fit).
 */
export function makeBenchBatch(): Buffer {
  const baseTs = 1_700_000_000_000;
  const build = (lastValueSize: number): Buffer => {
    const records: RecordInput[] = [];
    for (let i = 0; i < RECORDS_PER_BATCH; i++) {
      const size = i === RECORDS_PER_BATCH - 1 ? lastValueSize : 90;
      const value = Buffer.allocUnsafe(size);
      for (let j = 0; j < size; j++) value[j] = (i * 131 + j * 7) & 0xff;
      records.push({ key: null, value, timestamp: baseTs + i });
    }
    return encodeRecordBatchSync({ records, compression: 'none' });
  };
  let last = 90;
  let batch = build(last);
  for (let tries = 0; tries < 20 && batch.length !== BATCH_BYTES; tries++) {
    last = Math.max(0, last + (BATCH_BYTES - batch.length));
    batch = build(last);
  }
  if (batch.length !== BATCH_BYTES) throw new Error(`could not size the benchmark batch to ${BATCH_BYTES} bytes (got ${batch.length})`);
  return Buffer.from(batch); // own copy, never shared with an encoder scratch buffer
}

/** Options the benchmark uses for every LogManager: no background job may run during a measurement. */
export const QUIET_MANAGER = { initialTaskDelayMs: 3_600_000, retentionCheckIntervalMs: 3_600_000, checkpointIntervalMs: 3_600_000 } as const;

async function main(): Promise<void> {
  let dir: string | undefined;
  let bytes = 0;
  for (const a of process.argv.slice(2)) {
    if (a.startsWith('--dir=')) dir = a.slice('--dir='.length);
    else if (a.startsWith('--bytes=')) bytes = Number(a.slice('--bytes='.length));
    else throw new Error(`unknown argument ${a}`);
  }
  if (!dir || !Number.isSafeInteger(bytes) || bytes <= 0) throw new Error('usage: bench-log-writer --dir=<log dir> --bytes=<n>');
  const defaults = { ...defaultLogConfig(), 'flush.ms': LONG_MAX, 'flush.messages': LONG_MAX };
  const mgr = await LogManager.open({ logDirs: [dir], defaults, ...QUIET_MANAGER });
  const log = await mgr.createLog(BENCH_TP);
  const batch = makeBenchBatch();
  const t0 = process.hrtime.bigint();
  let written = 0;
  let batches = 0;
  while (written < bytes) {
    const info = log.append(batch);
    if (info.flush) await info.flush; // never with this config
    written += batch.length;
    batches++;
    if ((batches & 63) === 0) await new Promise<void>((r) => setImmediate(r));
  }
  const appendMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const report = { bytes: log.size, batches, logEndOffset: log.logEndOffset, segments: log.numberOfSegments, appendMs: Math.round(appendMs) };
  process.stdout.write(JSON.stringify(report) + '\n', () => {
    // Crash: no shutdown(), no flush, no index files, no clean-shutdown marker.
    process.kill(process.pid, 'SIGKILL');
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
