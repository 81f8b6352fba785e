/**
 * UnifiedLog on real files: append validation and in-place offset assignment, reads at every offset
 * (whole batches, KIP-74), OFFSET_OUT_OF_RANGE, ListOffsets lookups by time, rolling, the indexes on
 * disk, LogAppendTime, and the flush policy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { computeBatchCrc, readBatchHeader, validateRecordBatch } from '../../client/records/batch-header.js';
import { CRC_OFFSET, RECORDS_COUNT_OFFSET } from '../../client/records/constants.js';
import { decodeBatchesSync, decodeRecordBatch, encodeRecordBatch, encodeRecordBatchSync, scanBatches } from '../../client/records/index.js';
import type { LogConfig } from '../../broker/log/log-config.js';
import type { LogManager } from '../../broker/log/log-manager.js';
import type { UnifiedLog } from '../../broker/log/unified-log.js';
import { prng } from '../records/helpers.js';
import { cleanup, errorName, makeBatch, ManualTime, openManager, tempDir } from './helpers.js';

const TP = { topic: 'orders', partition: 0 };
let dir: string;
let mgr: LogManager | undefined;

async function openLog(config: Partial<LogConfig> = {}, time?: ManualTime): Promise<UnifiedLog> {
  dir = tempDir();
  mgr = await openManager(dir, config, time ? { time } : {});
  return mgr.createLog(TP);
}

afterEach(async () => {
  await mgr?.shutdown();
  mgr = undefined;
  cleanup(dir);
});

/** Every batch of the log, read from offset 0 to the end. */
function readAll(log: UnifiedLog): { baseOffset: number; lastOffset: number; tags: string[] }[] {
  const out: { baseOffset: number; lastOffset: number; tags: string[] }[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1 << 20);
    const d = decodeBatchesSync(r.records);
    expect(d.batches.length).toBeGreaterThan(0);
    for (const b of d.batches) {
      const last = b.records.at(-1)!.offset;
      out.push({ baseOffset: b.baseOffset, lastOffset: last, tags: b.records.map((x) => x.value!.toString().split('-')[0]!) });
      offset = last + 1;
    }
  }
  return out;
}

describe('append', () => {
  test('assigns contiguous offsets in place and reports the append', async () => {
    const log = await openLog();
    const a = makeBatch({ records: 3 });
    const info = log.append(a);
    expect(info).toMatchObject({ firstOffset: 0, lastOffset: 2, recordCount: 3, logStartOffset: 0, logAppendTime: -1, validBytes: a.length });
    expect(readBatchHeader(a).baseOffset).toBe(0);
    expect(readBatchHeader(a).partitionLeaderEpoch).toBe(0);
    const b = makeBatch({ records: 5 });
    const c = makeBatch({ records: 2 });
    const bc = Buffer.concat([b, c]);
    const info2 = log.append(bc);
    expect(info2).toMatchObject({ firstOffset: 3, lastOffset: 9, recordCount: 7 });
    expect(info2.batches.map((x) => [x.baseOffset, x.lastOffset])).toEqual([
      [3, 7],
      [8, 9],
    ]);
    expect(log.logEndOffset).toBe(10);
    expect(log.highWatermark).toBe(10);
    // The .log file is the batches byte for byte, with offsets assigned.
    const file = fs.readFileSync(log.activeSegment.files.log);
    expect(scanBatches(file).batches.map((s) => s.offset)).toEqual([0, 3, 8]);
    expect(file.subarray(0, a.length)).toEqual(a);
    expect(file.subarray(a.length)).toEqual(bc);
    expect(readBatchHeader(file, a.length).baseOffset).toBe(3);
  });

  test('append listeners hear every successful append, in order, and can leave', async () => {
    const log = await openLog();
    const heard: number[] = [];
    const off = log.onAppend((info) => heard.push(info.firstOffset));
    log.append(makeBatch({ records: 2 }));
    const bad = makeBatch();
    bad[bad.length - 1]! ^= 1;
    expect(errorName(() => log.append(bad))).toBe('CORRUPT_MESSAGE');
    log.append(makeBatch());
    off();
    log.append(makeBatch());
    expect(heard).toEqual([0, 2]);
  });

  test('rejects bad batches with Kafka error codes and writes nothing', async () => {
    const log = await openLog({ 'max.message.bytes': 4000 });
    log.append(makeBatch());
    const sizeBefore = log.size;
    const corrupt = makeBatch({ records: 2 });
    corrupt[corrupt.length - 3]! ^= 0xff;
    expect(errorName(() => log.append(corrupt))).toBe('CORRUPT_MESSAGE');
    expect(errorName(() => log.append(makeBatch({ records: 50, valueBytes: 100 })))).toBe('MESSAGE_TOO_LARGE');
    const partial = makeBatch();
    expect(errorName(() => log.append(partial.subarray(0, partial.length - 1)))).toBe('CORRUPT_MESSAGE');
    expect(errorName(() => log.append(Buffer.concat([makeBatch(), Buffer.alloc(5)])))).toBe('CORRUPT_MESSAGE');
    const legacy = makeBatch();
    legacy[16] = 1;
    expect(errorName(() => log.append(legacy))).toBe('UNSUPPORTED_FOR_MESSAGE_FORMAT');
    // Record count that disagrees with lastOffsetDelta, CRC fixed so only the count is wrong.
    const miscount = makeBatch({ records: 3 });
    miscount.writeInt32BE(2, RECORDS_COUNT_OFFSET);
    miscount.writeUInt32BE(computeBatchCrc(miscount, 0, miscount.length), CRC_OFFSET);
    expect(errorName(() => log.append(miscount))).toBe('INVALID_RECORD');
    const control = encodeRecordBatchSync({ isControl: true, records: [{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }] });
    expect(errorName(() => log.append(control))).toBe('INVALID_RECORD');
    // A good batch followed by a bad one: nothing of the request is written.
    const good = makeBatch();
    const bad = makeBatch();
    bad[bad.length - 1]! ^= 1;
    expect(errorName(() => log.append(Buffer.concat([good, bad])))).toBe('CORRUPT_MESSAGE');
    expect(log.size).toBe(sizeBefore);
    expect(log.logEndOffset).toBe(1);
    expect(log.append(Buffer.alloc(0))).toMatchObject({ firstOffset: -1, recordCount: 0 });
  });

  test('RECORD_LIST_TOO_LARGE when one append exceeds segment.bytes', async () => {
    const log = await openLog({ 'segment.bytes': 1000 });
    expect(errorName(() => log.append(Buffer.concat([makeBatch({ valueBytes: 400 }), makeBatch({ valueBytes: 400 }), makeBatch({ valueBytes: 400 })])))).toBe('RECORD_LIST_TOO_LARGE');
  });

  test('LogAppendTime topics: the broker stamps each batch (CRC recomputed)', async () => {
    const time = new ManualTime(1_800_000_000_000);
    const log = await openLog({ 'message.timestamp.type': 'LogAppendTime' }, time);
    const b = makeBatch({ records: 3, timestamp: 1_000 });
    const info = log.append(b);
    expect(info.logAppendTime).toBe(time.now);
    expect(info.maxTimestamp).toBe(time.now);
    const r = log.read(0, 10000);
    validateRecordBatch(r.records, 0);
    const d = decodeBatchesSync(r.records);
    expect(d.batches[0]!.timestampType).toBe(1);
    expect(d.batches[0]!.records.map((x) => x.timestamp)).toEqual([time.now, time.now, time.now]);
  });
});

describe('read', () => {
  test('reading at every offset of mixed batch sizes returns the batch that holds it', async () => {
    const log = await openLog({ 'segment.bytes': 64 * 1024, 'index.interval.bytes': 1024 });
    const rnd = prng(7);
    const spans: [number, number][] = [];
    for (let i = 0; i < 120; i++) {
      const records = 1 + Math.floor(rnd() * 8);
      const valueBytes = [10, 200, 3000, 7000][Math.floor(rnd() * 4)]!;
      const info = log.append(makeBatch({ records, valueBytes, tag: `b${i}` }));
      spans.push([info.firstOffset, info.lastOffset]);
    }
    expect(log.numberOfSegments).toBeGreaterThan(3);
    // Sparse index entries exist (a segment holding a single large batch has none: its batch is at 0).
    expect(log.logSegments().reduce((n, s) => n + s.offsetIndex.entries, 0)).toBeGreaterThan(log.numberOfSegments);
    for (let off = 0; off < log.logEndOffset; off++) {
      const r = log.read(off, 1); // maxBytes 1: exactly one batch (KIP-74)
      const d = decodeBatchesSync(r.records);
      expect(d.batches.length).toBe(1);
      const b = d.batches[0]!;
      const idx = spans.findIndex(([f, l]) => off >= f && off <= l);
      expect([b.baseOffset, b.records.at(-1)!.offset]).toEqual(spans[idx]);
      expect(b.records[0]!.value!.toString().startsWith(`b${idx}-`)).toBe(true);
    }
    // Larger maxBytes: whole batches only, within maxBytes (the first may exceed it).
    for (const maxBytes of [500, 5000, 50000]) {
      for (let off = 0; off < log.logEndOffset; off += 7) {
        const r = log.read(off, maxBytes);
        const s = scanBatches(r.records, { allowPartial: false });
        expect(s.batches.length).toBeGreaterThan(0);
        if (s.batches.length > 1) expect(r.records.length).toBeLessThanOrEqual(maxBytes);
        expect(s.batches[0]!.offset).toBeLessThanOrEqual(off);
        expect(s.batches[0]!.lastOffset).toBeGreaterThanOrEqual(off);
      }
    }
    // minOneMessage false and a first batch larger than maxBytes: nothing.
    expect(log.read(0, 1, { minOneMessage: false }).records.length).toBe(0);
    expect(readAll(log).map((b) => [b.baseOffset, b.lastOffset])).toEqual(spans);
  });

  test('OFFSET_OUT_OF_RANGE outside [log start offset, log end offset]; empty at the end', async () => {
    const log = await openLog();
    log.append(makeBatch({ records: 4 }));
    expect(errorName(() => log.read(5, 100))).toBe('OFFSET_OUT_OF_RANGE');
    expect(errorName(() => log.read(-1, 100))).toBe('OFFSET_OUT_OF_RANGE');
    const atEnd = log.read(4, 100);
    expect(atEnd.records.length).toBe(0);
    expect(atEnd).toMatchObject({ highWatermark: 4, logEndOffset: 4, logStartOffset: 0, lastStableOffset: 4 });
  });

  test('a base offset rewritten on disk (outside the CRC) is never served, even when the segment is trusted', async () => {
    // Every batch indexed, so that opening (which scans from the last index entry) does not meet it.
    const config = { 'segment.bytes': 3000, 'index.interval.bytes': 100 };
    const log = await openLog(config);
    for (let i = 0; i < 15; i++) log.append(makeBatch({ records: 2, valueBytes: 300 }));
    const seg = log.logSegments()[1]!;
    await mgr!.shutdown();
    // Second batch of the second segment: base offset + 1000 (the clean marker stays: no recovery at open).
    const file = fs.readFileSync(seg.files.log);
    const second = scanBatches(file).batches[1]!;
    file.writeBigInt64BE(BigInt(second.offset + 1000), second.position);
    fs.writeFileSync(seg.files.log, file);
    mgr = await openManager(dir, config);
    const again = mgr.getLog(TP)!;
    expect(mgr.startup.recoveredSegments).toBe(0);
    expect(errorName(() => again.read(second.offset, 1))).toBe('CORRUPT_MESSAGE');
    // A read from the batch before it stops before the bad one.
    const before = scanBatches(again.read(second.offset - 2, 1 << 20).records).batches;
    expect(before.map((b) => b.offset)).toEqual([second.offset - 2]);
    // The next start recovers that segment: cut at the bad batch, later segments kept.
    await mgr.shutdown();
    mgr = await openManager(dir, config);
    const fixed = mgr.getLog(TP)!;
    expect(mgr.startup.recoveredSegments).toBe(1);
    expect(fixed.logEndOffset).toBe(30);
    expect(scanBatches(fixed.read(second.offset, 1).records).batches[0]!.offset).toBe(log.logSegments()[2]!.baseOffset);
  });

  test('maxOffset bounds the batches returned', async () => {
    const log = await openLog();
    for (let i = 0; i < 5; i++) log.append(makeBatch({ records: 2 }));
    const r = log.read(0, 1 << 20, { maxOffset: 6 });
    expect(scanBatches(r.records).batches.map((b) => b.offset)).toEqual([0, 2, 4]);
    expect(log.read(6, 1 << 20, { maxOffset: 6 }).records.length).toBe(0);
  });
});

describe('ListOffsets by timestamp', () => {
  test('earliest, latest, max timestamp and first offset with timestamp >= T', async () => {
    const log = await openLog({ 'segment.bytes': 8 * 1024, 'index.interval.bytes': 512 });
    const all: { offset: number; ts: number }[] = [];
    const rnd = prng(3);
    let ts = 1_700_000_000_000;
    for (let i = 0; i < 80; i++) {
      const n = 1 + Math.floor(rnd() * 5);
      const records = [];
      for (let j = 0; j < n; j++) {
        ts += Math.floor(rnd() * 50) - 10; // mostly rising, sometimes back in time
        records.push({ key: null, value: Buffer.alloc(100 + Math.floor(rnd() * 400), 1), timestamp: ts });
      }
      const buf = i % 4 === 3 ? await encodeRecordBatch({ records, compression: 'gzip' }) : encodeRecordBatchSync({ records });
      const info = log.append(buf);
      records.forEach((r, j) => all.push({ offset: info.firstOffset + j, ts: r.timestamp }));
    }
    expect(log.numberOfSegments).toBeGreaterThan(2);
    const expected = (t: number) => {
      // Kafka's semantics: the first segment whose max timestamp is >= t, from its time index entry,
      // the first record with timestamp >= t. With mostly rising timestamps it is the first such record
      // at or after the time index entry; the brute force below walks records in offset order.
      const hit = all.find((r) => r.ts >= t);
      return hit;
    };
    const minTs = Math.min(...all.map((r) => r.ts));
    const maxTs = Math.max(...all.map((r) => r.ts));
    expect(await log.fetchOffsetByTimestamp(minTs - 1000)).toMatchObject({ offset: 0, timestamp: all[0]!.ts });
    expect(await log.fetchOffsetByTimestamp(maxTs + 1)).toBeUndefined();
    expect(await log.fetchOffsetByTimestamp(-2)).toMatchObject({ offset: 0, timestamp: -1 });
    expect(await log.fetchOffsetByTimestamp(-1)).toMatchObject({ offset: log.logEndOffset, timestamp: -1 });
    const maxRec = all.find((r) => r.ts === maxTs)!;
    expect(await log.fetchOffsetByTimestamp(-3)).toMatchObject({ offset: maxRec.offset, timestamp: maxTs });
    for (let t = minTs; t <= maxTs; t += 37) {
      const got = await log.fetchOffsetByTimestamp(t);
      const want = expected(t)!;
      expect(got, `t=${t}`).toBeDefined();
      expect(got!.timestamp).toBeGreaterThanOrEqual(t);
      // The answer is a record with timestamp >= t and no earlier-offset record in its batch qualifies.
      const rec = all.find((r) => r.offset === got!.offset)!;
      expect(rec.ts).toBe(got!.timestamp);
      expect(got!.offset).toBeLessThanOrEqual(all.filter((r) => r.ts >= t).at(-1)!.offset);
      if (all.every((r, i) => i === 0 || r.ts >= all[i - 1]!.ts)) expect(got!.offset).toBe(want.offset);
    }
  });

  test('exact answers on monotonic timestamps, before, inside and after the log', async () => {
    const log = await openLog({ 'segment.bytes': 4 * 1024, 'index.interval.bytes': 256 });
    const base = 1_700_000_000_000;
    for (let i = 0; i < 200; i++) log.append(makeBatch({ records: 2, timestamp: base + i * 10, valueBytes: 60 }));
    // Records: offset 2i at base+10i, 2i+1 at base+10i+1.
    expect(await log.fetchOffsetByTimestamp(base - 5)).toEqual({ offset: 0, timestamp: base, leaderEpoch: 0 });
    for (let i = 0; i < 200; i += 13) {
      expect(await log.fetchOffsetByTimestamp(base + i * 10)).toMatchObject({ offset: 2 * i });
      expect(await log.fetchOffsetByTimestamp(base + i * 10 + 1)).toMatchObject({ offset: 2 * i + 1 });
      expect(await log.fetchOffsetByTimestamp(base + i * 10 + 2)).toMatchObject({ offset: 2 * i + 2 });
    }
    expect(await log.fetchOffsetByTimestamp(base + 1991)).toMatchObject({ offset: 399 });
    expect(await log.fetchOffsetByTimestamp(base + 1992)).toBeUndefined();
    const d = await decodeRecordBatch(log.read(0, 1).records);
    expect(d.records[0]!.timestamp).toBe(base);
  });
});

describe('rolling and indexes', () => {
  test('rolls at segment.bytes; segments named by 20-digit base offset', async () => {
    const log = await openLog({ 'segment.bytes': 2000 });
    for (let i = 0; i < 20; i++) log.append(makeBatch({ valueBytes: 300 }));
    const segs = log.logSegments();
    expect(segs.length).toBeGreaterThan(3);
    for (let i = 0; i < segs.length; i++) {
      expect(segs[i]!.size).toBeLessThanOrEqual(2000);
      if (i > 0) expect(segs[i]!.baseOffset).toBe(segs[i - 1]!.nextOffset);
      expect(path.basename(segs[i]!.files.log)).toBe(`${String(segs[i]!.baseOffset).padStart(20, '0')}.log`);
    }
  });

  test('rolls after segment.ms counted from the first batch timestamp', async () => {
    const time = new ManualTime();
    const log = await openLog({ 'segment.ms': 60_000 }, time);
    log.append(makeBatch({ timestamp: time.now }));
    log.append(makeBatch({ timestamp: time.now + 59_000 }));
    expect(log.numberOfSegments).toBe(1);
    log.append(makeBatch({ timestamp: time.now + 60_001 }));
    expect(log.numberOfSegments).toBe(2);
    expect(log.activeSegment.baseOffset).toBe(2);
  });

  test('segment.jitter.ms shortens each segment\'s segment.ms by its own random share', async () => {
    const time = new ManualTime();
    const log = await openLog({ 'segment.ms': 60_000, 'segment.jitter.ms': 50_000 }, time);
    const jitter = log.activeSegment.settings.rollJitterMs;
    expect(jitter).toBeGreaterThanOrEqual(0);
    expect(jitter).toBeLessThan(50_000);
    log.append(makeBatch({ timestamp: time.now }));
    log.append(makeBatch({ timestamp: time.now + 60_000 - jitter }));
    expect(log.numberOfSegments).toBe(1);
    log.append(makeBatch({ timestamp: time.now + 60_000 - jitter + 1 }));
    expect(log.numberOfSegments).toBe(2);
  });

  test('rolls when the offset index is full', async () => {
    const log = await openLog({ 'segment.index.bytes': 24, 'index.interval.bytes': 0 });
    for (let i = 0; i < 12; i++) log.append(makeBatch());
    expect(log.numberOfSegments).toBeGreaterThan(2);
    for (const s of log.logSegments()) expect(s.offsetIndex.entries).toBeLessThanOrEqual(3);
  });

  test('index files on disk: 8-byte offset entries every index.interval.bytes, 12-byte monotonic time entries', async () => {
    const log = await openLog({ 'index.interval.bytes': 4096, 'segment.bytes': 200_000 });
    const base = 1_700_000_000_000;
    for (let i = 0; i < 300; i++) log.append(makeBatch({ valueBytes: 1000, timestamp: base + i }));
    await mgr!.shutdown();
    mgr = undefined;
    const segs = fs.readdirSync(path.join(dir, 'orders-0')).filter((f) => f.endsWith('.log')).sort();
    expect(segs.length).toBeGreaterThan(1);
    for (const s of segs) {
      const baseOffset = Number(s.slice(0, 20));
      const logFile = fs.readFileSync(path.join(dir, 'orders-0', s));
      const index = fs.readFileSync(path.join(dir, 'orders-0', s.replace('.log', '.index')));
      const timeIndex = fs.readFileSync(path.join(dir, 'orders-0', s.replace('.log', '.timeindex')));
      expect(index.length % 8).toBe(0);
      expect(timeIndex.length % 12).toBe(0);
      const batches = scanBatches(logFile).batches;
      // ~1.1 KiB batches, an entry once more than 4096 bytes were appended since the last: every 4th or 5th batch.
      expect(index.length / 8).toBeGreaterThanOrEqual(Math.floor(batches.length / 5) - 1);
      expect(index.length / 8).toBeLessThanOrEqual(Math.ceil(batches.length / 3));
      let prevPos = -1;
      for (let e = 0; e < index.length / 8; e++) {
        const rel = index.readInt32BE(e * 8);
        const pos = index.readInt32BE(e * 8 + 4);
        const b = batches.find((x) => x.position === pos)!;
        expect(b, `entry ${e} points at a batch start`).toBeDefined();
        expect(b.lastOffset).toBe(baseOffset + rel);
        expect(pos).toBeGreaterThan(prevPos);
        prevPos = pos;
      }
      let prevTs = -1;
      for (let e = 0; e < timeIndex.length / 12; e++) {
        const ts = Number(timeIndex.readBigInt64BE(e * 12));
        expect(ts).toBeGreaterThan(prevTs);
        prevTs = ts;
      }
      // The last time index entry holds the segment's largest timestamp.
      expect(prevTs).toBe(base + batches.length - 1 + (baseOffset === 0 ? 0 : baseOffset));
    }
  });
});

describe('flush policy', () => {
  test('flush.messages=1: the append returns a flush promise; the recovery point follows', async () => {
    const log = await openLog({ 'flush.messages': 1 });
    const info = log.append(makeBatch({ records: 3 }));
    expect(info.flush).toBeInstanceOf(Promise);
    await info.flush;
    expect(log.recoveryPoint).toBe(3);
  });

  test('flush.ms: the recovery point moves within flush.ms of an append, without a flush call', async () => {
    const log = await openLog({ 'flush.ms': 50 });
    const info = log.append(makeBatch({ records: 2 }));
    expect(info.flush).toBeUndefined();
    expect(log.recoveryPoint).toBe(0);
    const t0 = Date.now();
    while (log.recoveryPoint < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(log.recoveryPoint).toBe(2);
  });

  test('concurrent flush calls share fdatasyncs and all resolve after the data they cover', async () => {
    const log = await openLog({ 'flush.ms': 9_000_000 });
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      log.append(makeBatch());
      waits.push(log.flush().then(() => expect(log.recoveryPoint).toBeGreaterThanOrEqual(i + 1)));
    }
    await Promise.all(waits);
    expect(log.recoveryPoint).toBe(20);
  });
});
