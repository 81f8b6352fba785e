/**
 * Damaged files on disk: a flipped byte in a segment, a `.log` cut mid-batch, a missing or garbled
 * index, a corrupted base offset, garbage after the last batch. Opening the log never throws, it
 * recovers to the last good batch (indexes rebuilt byte for byte), appends continue at the log end,
 * and no read ever returns a batch that fails its CRC check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptRecordError, KafkaProtocolError } from '../../client/errors.js';
import { LAST_OFFSET_DELTA_OFFSET, RECORD_BATCH_OVERHEAD, decodeBatchesSync, scanBatches, validateRecordBatch, type BatchSpan } from '../../client/records/index.js';
import { CLEAN_SHUTDOWN_FILE, segmentFiles } from '../../broker/log/log-files.js';
import type { LogConfig } from '../../broker/log/log-config.js';
import type { LogManager } from '../../broker/log/log-manager.js';
import { ListOffsetsTimestamp, type UnifiedLog } from '../../broker/log/unified-log.js';
import { prng } from '../records/helpers.js';
import { cleanup, makeBatch, openManager, tempDir } from './helpers.js';

const TP = { topic: 'damaged', partition: 0 };
const CONFIG: Partial<LogConfig> = { 'segment.bytes': 16 * 1024, 'index.interval.bytes': 1024 };
const T0 = 1_700_000_000_000;
/** Timestamps: batch i holds T0 + 10i, T0 + 10i + 1, ... (at most 4 records), so all strictly increase. */
const TS_STEP = 10;

/** One batch the fixture appended. */
interface Written {
  baseOffset: number;
  lastOffset: number;
  tag: string;
  /** Timestamp of its first record (the others +1 each). */
  timestamp: number;
}

/** A segment's files and its batches as they lie in the `.log` file. */
interface SegmentOnDisk {
  baseOffset: number;
  files: { log: string; index: string; timeIndex: string };
  batches: BatchSpan[];
}

interface Fixture {
  logDir: string;
  partDir: string;
  written: Written[];
  logEndOffset: number;
  segments: SegmentOnDisk[];
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

function fail(message: string): never {
  expect.fail(message);
}

/** A log of ≥ 60 batches of 1-4 records (200-1700 B values) over several 16 KiB segments, the active one holding ≥ 4 batches; shut down cleanly. */
async function populate(seed: number): Promise<Fixture> {
  const dir = tempDir('kts-corrupt-');
  dirs.push(dir);
  const logDir = path.join(dir, 'logs');
  const mgr = await openManager(logDir, CONFIG);
  const log = await mgr.createLog(TP);
  const rnd = prng(seed);
  const written: Written[] = [];
  const inActive = () => written.filter((w) => w.baseOffset >= log.activeSegment.baseOffset).length;
  for (let i = 0; i < 60 || inActive() < 4; i++) {
    const records = 1 + Math.floor(rnd() * 4);
    const timestamp = T0 + i * TS_STEP;
    const tag = `b${i}`;
    const info = log.append(makeBatch({ records, valueBytes: 200 + Math.floor(rnd() * 1500), timestamp, tag }));
    written.push({ baseOffset: info.firstOffset, lastOffset: info.lastOffset, tag, timestamp });
  }
  expect(log.numberOfSegments).toBeGreaterThanOrEqual(5);
  const logEndOffset = log.logEndOffset;
  await mgr.shutdown();
  const partDir = path.join(logDir, `${TP.topic}-${TP.partition}`);
  return { logDir, partDir, written, logEndOffset, segments: segmentsOnDisk(partDir) };
}

function segmentsOnDisk(partDir: string): SegmentOnDisk[] {
  return fs
    .readdirSync(partDir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((n) => {
      const baseOffset = Number(n.slice(0, 20));
      const files = segmentFiles(partDir, baseOffset);
      return { baseOffset, files, batches: scanBatches(fs.readFileSync(files.log), { allowPartial: false }).batches };
    });
}

function flipByte(file: string, position: number, xor = 0xff): void {
  const fd = fs.openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    expect(fs.readSync(fd, b, 0, 1, position)).toBe(1);
    b[0] = b[0]! ^ xor;
    fs.writeSync(fd, b, 0, 1, position);
  } finally {
    fs.closeSync(fd);
  }
}

function removeCleanMarker(logDir: string): void {
  fs.rmSync(path.join(logDir, CLEAN_SHUTDOWN_FILE));
}

async function open(f: Fixture): Promise<{ mgr: LogManager; log: UnifiedLog }> {
  const mgr = await openManager(f.logDir, CONFIG);
  const log = mgr.getLog(TP);
  if (!log) fail('the partition was not loaded');
  return { mgr, log };
}

/** One batch as a read returned it. */
interface ReadBatch {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

/** log.read, checking that the result is whole batches that all pass validateRecordBatch. */
function checkedRead(log: UnifiedLog, offset: number, maxBytes = 1 << 20): ReadBatch[] {
  const r = log.read(offset, maxBytes);
  const out: ReadBatch[] = [];
  let pos = 0;
  while (pos < r.records.length) {
    const size = validateRecordBatch(r.records, pos);
    const baseOffset = Number(r.records.readBigInt64BE(pos));
    out.push({ baseOffset, lastOffset: baseOffset + r.records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET), bytes: r.records.subarray(pos, pos + size) });
    pos += size;
  }
  return out;
}

/** Every batch from the log start to the log end, read with checkedRead (gaps skipped by reads are allowed). */
function readAll(log: UnifiedLog, from = log.logStartOffset, to = log.logEndOffset): ReadBatch[] {
  const out: ReadBatch[] = [];
  let next = from;
  while (next < to) {
    const got = checkedRead(log, next);
    if (got.length === 0) fail(`read at ${next} returned nothing below the log end ${to}`);
    if (got[0]!.lastOffset < next) fail(`read at ${next} returned a batch ending at ${got[0]!.lastOffset}`);
    for (const b of got) {
      if (out.length > 0 && b.baseOffset <= out[out.length - 1]!.lastOffset) fail(`batch ${b.baseOffset} overlaps the previous one`);
      out.push(b);
    }
    next = got[got.length - 1]!.lastOffset + 1;
  }
  return out;
}

/** The batches read must be exactly `expected`, each with its records (tag and timestamps). */
function expectBatches(read: ReadBatch[], expected: Written[]): void {
  expect(read.map((b) => [b.baseOffset, b.lastOffset])).toEqual(expected.map((w) => [w.baseOffset, w.lastOffset]));
  read.forEach((b, i) => {
    const w = expected[i]!;
    const records = decodeBatchesSync(b.bytes).batches[0]!.records;
    expect(records.map((r) => r.offset)).toEqual(records.map((_, j) => w.baseOffset + j));
    records.forEach((r, j) => {
      expect(r.timestamp).toBe(w.timestamp + j);
      expect(r.value!.subarray(0, `${w.tag}-${j}-`.length).toString()).toBe(`${w.tag}-${j}-`);
    });
  });
}

/** Offsets must be contiguous from 0 to the log end. */
function expectContiguous(read: ReadBatch[], logEndOffset: number): void {
  let next = 0;
  for (const b of read) {
    expect(b.baseOffset).toBe(next);
    next = b.lastOffset + 1;
  }
  expect(next).toBe(logEndOffset);
}

/** Append one tagged batch: it must land at the log end, and read back. */
async function expectAppendAtEnd(log: UnifiedLog, tag: string): Promise<Written> {
  const leo = log.logEndOffset;
  const timestamp = T0 + 1_000_000;
  const info = log.append(makeBatch({ records: 2, timestamp, tag }));
  expect(info.firstOffset).toBe(leo);
  expect(info.lastOffset).toBe(leo + 1);
  expect(log.logEndOffset).toBe(leo + 2);
  const w = { baseOffset: leo, lastOffset: leo + 1, tag, timestamp };
  expectBatches(checkedRead(log, leo), [w]);
  return w;
}

/** read(offset) must throw CorruptRecordError CORRUPT_MESSAGE. */
function expectCorruptRead(log: UnifiedLog, offset: number): void {
  let err: unknown;
  let returned: ReadBatch[] | undefined;
  try {
    returned = checkedRead(log, offset);
  } catch (e) {
    err = e;
  }
  if (returned) fail(`read at ${offset} returned batches ${returned.map((b) => `${b.baseOffset}-${b.lastOffset}`).join(', ') || 'none'} instead of throwing`);
  expect(err).toBeInstanceOf(CorruptRecordError);
  expect((err as KafkaProtocolError).errorName).toBe('CORRUPT_MESSAGE');
}

/** Timestamp lookups give the first record at or after each timestamp. */
async function expectTimestampLookups(log: UnifiedLog, written: Written[]): Promise<void> {
  for (let i = 0; i < written.length; i++) {
    const w = written[i]!;
    for (let j = 0; j <= w.lastOffset - w.baseOffset; j++) {
      expect((await log.fetchOffsetByTimestamp(w.timestamp + j))?.offset, `timestamp of offset ${w.baseOffset + j}`).toBe(w.baseOffset + j);
    }
    // Between two batches: the next batch's first record.
    const between = await log.fetchOffsetByTimestamp(w.timestamp + TS_STEP - 1);
    expect(between?.offset).toBe(written[i + 1]?.baseOffset);
  }
  expect((await log.fetchOffsetByTimestamp(T0 - 1))?.offset).toBe(0);
  const last = written[written.length - 1]!;
  expect(await log.fetchOffsetByTimestamp(last.timestamp + TS_STEP)).toBeUndefined();
  expect(await log.fetchOffsetByTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)).toEqual({ timestamp: last.timestamp + last.lastOffset - last.baseOffset, offset: last.lastOffset, leaderEpoch: 0 });
}

/** The written batches below `offset`. */
const below = (f: Fixture, offset: number) => f.written.filter((w) => w.lastOffset < offset);

describe('corruption: a flipped byte in the active segment, unclean shutdown', () => {
  it('recovers to the batch before the flipped byte; appends continue there', async () => {
    const f = await populate(1);
    const active = f.segments[f.segments.length - 1]!;
    const bad = active.batches[Math.floor(active.batches.length / 2)]!;
    expect(bad.offset).toBeGreaterThan(active.baseOffset);
    flipByte(active.files.log, bad.position + RECORD_BATCH_OVERHEAD + Math.floor((bad.sizeInBytes - RECORD_BATCH_OVERHEAD) / 2));
    removeCleanMarker(f.logDir);
    const fileSize = fs.statSync(active.files.log).size;

    const { mgr, log } = await open(f);
    expect(mgr.startup.hadCleanShutdown).toEqual([false]);
    expect(mgr.startup.truncatedBytes).toBe(fileSize - bad.position);
    expect(log.logEndOffset).toBe(bad.offset);
    expect(fs.statSync(active.files.log).size).toBe(bad.position);
    const all = readAll(log);
    expectContiguous(all, bad.offset);
    expectBatches(all, below(f, bad.offset));
    const appended = await expectAppendAtEnd(log, 'after-cut');
    await mgr.shutdown();

    const again = await open(f);
    expect(again.mgr.startup.recoveredSegments).toBe(0);
    expect(again.log.logEndOffset).toBe(bad.offset + 2);
    expectBatches(readAll(again.log), [...below(f, bad.offset), appended]);
    await again.mgr.shutdown();
  });
});

describe('corruption: a flipped byte in an older segment, clean shutdown', () => {
  const where = [
    { name: 'in the records', at: (b: BatchSpan) => b.position + RECORD_BATCH_OVERHEAD + Math.floor((b.sizeInBytes - RECORD_BATCH_OVERHEAD) / 2) },
    { name: 'in the stored CRC', at: (b: BatchSpan) => b.position + 18 },
    { name: 'in the attributes (the first byte the CRC covers)', at: (b: BatchSpan) => b.position + 21 },
  ];
  for (const [i, w] of where.entries()) {
    it(`flipped ${w.name}: reads of the batch throw CORRUPT_MESSAGE, others work; the next start cuts the segment there and keeps the later segments`, async () => {
      const f = await populate(10 + i);
      const segIdx = Math.floor(f.segments.length / 2);
      const seg = f.segments[segIdx]!;
      const nextSeg = f.segments[segIdx + 1]!;
      expect(seg.batches.length).toBeGreaterThanOrEqual(3);
      const bad = seg.batches[1]!;
      const badWritten = f.written.find((x) => x.baseOffset === bad.offset)!;
      flipByte(seg.files.log, w.at(bad));

      const { mgr, log } = await open(f);
      expect(mgr.startup.hadCleanShutdown).toEqual([true]);
      expect(log.logEndOffset).toBe(f.logEndOffset);
      // Everything before the bad batch reads back intact (a read reaching into it stops before it).
      const before = readAll(log, 0, bad.offset);
      expectBatches(before, below(f, bad.offset));
      // Every offset of the bad batch: CORRUPT_MESSAGE, never the bytes.
      for (let o = bad.offset; o <= bad.lastOffset; o++) expectCorruptRead(log, o);
      await expect(log.fetchOffsetByTimestamp(badWritten.timestamp)).rejects.toMatchObject({ errorName: 'CORRUPT_MESSAGE' });
      // After it: the valid batches, never the bad one.
      const after = readAll(log, bad.lastOffset + 1);
      expectBatches(after, f.written.filter((x) => x.baseOffset > bad.lastOffset));
      await mgr.shutdown();

      const fileSize = fs.statSync(seg.files.log).size;
      const reopened = await open(f);
      expect(reopened.mgr.startup.hadCleanShutdown).toEqual([true]);
      expect(reopened.mgr.startup.recoveredSegments).toBeGreaterThanOrEqual(1);
      expect(reopened.mgr.startup.truncatedBytes).toBe(fileSize - bad.position);
      expect(fs.statSync(seg.files.log).size).toBe(bad.position);
      const l2 = reopened.log;
      expect(l2.logEndOffset).toBe(f.logEndOffset);
      expect(l2.logSegments().map((s) => s.baseOffset)).toEqual(f.segments.map((s) => s.baseOffset));
      // The rest of the cut segment is gone; the later segments keep all their data.
      const kept = f.written.filter((x) => x.baseOffset < bad.offset || x.baseOffset >= nextSeg.baseOffset);
      expectBatches(readAll(l2), kept);
      // A read in the gap no longer throws: it gets the next segment's first batch.
      for (let o = bad.offset; o < nextSeg.baseOffset; o++) expect(checkedRead(l2, o)[0]?.baseOffset).toBe(nextSeg.baseOffset);
      const appended = await expectAppendAtEnd(l2, 'after-recovery');
      await reopened.mgr.shutdown();

      // Recovery happens once: the next start trusts the segment.
      const third = await open(f);
      expect(third.mgr.startup.recoveredSegments).toBe(0);
      expectBatches(readAll(third.log), [...kept, appended]);
      await third.mgr.shutdown();
    });
  }

  // Header bytes the CRC does not cover: the read at the batch must still fail, and report it.
  const headers = [
    { name: 'magic 2 → 3', position: 16, xor: 0x01 },
    { name: 'length + 16 MiB (past the end of the segment)', position: 8, xor: 0x01 },
    { name: 'length ± 1', position: 11, xor: 0x01 },
  ];
  for (const [i, h] of headers.entries()) {
    it(`broken header (${h.name}): a read at the batch throws CORRUPT_MESSAGE; the next start cuts the segment there`, async () => {
      const f = await populate(20 + i);
      const segIdx = Math.floor(f.segments.length / 2);
      const seg = f.segments[segIdx]!;
      const nextSeg = f.segments[segIdx + 1]!;
      expect(seg.batches.length).toBeGreaterThanOrEqual(3);
      const bad = seg.batches[1]!;
      flipByte(seg.files.log, bad.position + h.position, h.xor);

      const { mgr, log } = await open(f);
      expect(log.logEndOffset).toBe(f.logEndOffset);
      // Only a read at the batch itself: it must fail and have the segment recovered at the next start.
      for (let o = bad.offset; o <= bad.lastOffset; o++) expectCorruptRead(log, o);
      await mgr.shutdown();

      const fileSize = fs.statSync(seg.files.log).size;
      const reopened = await open(f);
      expect(reopened.mgr.startup.recoveredSegments).toBeGreaterThanOrEqual(1);
      expect(reopened.mgr.startup.truncatedBytes).toBe(fileSize - bad.position);
      expectBatches(readAll(reopened.log), f.written.filter((x) => x.baseOffset < bad.offset || x.baseOffset >= nextSeg.baseOffset));
      await reopened.mgr.shutdown();
    });
  }
});

describe('corruption: the active segment cut mid-batch', () => {
  const cases = [
    { clean: true, name: 'in the records', cut: (b: BatchSpan) => b.position + Math.floor(b.sizeInBytes / 2) },
    { clean: false, name: 'in the records', cut: (b: BatchSpan) => b.position + Math.floor(b.sizeInBytes / 2) },
    { clean: true, name: 'in the batch header', cut: (b: BatchSpan) => b.position + 30 },
    { clean: false, name: 'in the batch header', cut: (b: BatchSpan) => b.position + 30 },
    { clean: true, name: 'in the length field', cut: (b: BatchSpan) => b.position + 10 },
    { clean: false, name: 'in the length field', cut: (b: BatchSpan) => b.position + 10 },
  ];
  for (const [i, c] of cases.entries()) {
    it(`${c.clean ? 'with' : 'without'} the clean-shutdown marker, cut ${c.name}: recovers to the last complete batch`, async () => {
      const f = await populate(30 + i);
      const active = f.segments[f.segments.length - 1]!;
      const bad = active.batches[active.batches.length - 2]!;
      fs.truncateSync(active.files.log, c.cut(bad));
      if (!c.clean) removeCleanMarker(f.logDir);

      const { mgr, log } = await open(f);
      expect(mgr.startup.hadCleanShutdown).toEqual([c.clean]);
      expect(mgr.startup.truncatedBytes).toBe(c.cut(bad) - bad.position);
      expect(log.logEndOffset).toBe(bad.offset);
      expect(fs.statSync(active.files.log).size).toBe(bad.position);
      const all = readAll(log);
      expectContiguous(all, bad.offset);
      expectBatches(all, below(f, bad.offset));
      const appended = await expectAppendAtEnd(log, 'after-cut');
      await mgr.shutdown();

      const again = await open(f);
      expectBatches(readAll(again.log), [...below(f, bad.offset), appended]);
      await again.mgr.shutdown();
    });
  }
});

describe('corruption: missing or garbled index files', () => {
  const damages = [
    { name: 'the .index deleted', damage: (s: SegmentOnDisk) => fs.rmSync(s.files.index) },
    { name: 'the .timeindex deleted', damage: (s: SegmentOnDisk) => fs.rmSync(s.files.timeIndex) },
    { name: 'the .index overwritten with random bytes', damage: (s: SegmentOnDisk, rnd: () => number) => garble(s.files.index, rnd) },
    { name: 'the .timeindex overwritten with random bytes', damage: (s: SegmentOnDisk, rnd: () => number) => garble(s.files.timeIndex, rnd) },
  ];
  for (const [i, d] of damages.entries()) {
    for (const which of ['an older', 'the active'] as const) {
      it(`${which} segment with ${d.name}: rebuilt identically; every offset and timestamp lookup still right`, async () => {
        const f = await populate(40 + i);
        const seg = which === 'the active' ? f.segments[f.segments.length - 1]! : f.segments[2]!;
        const index = fs.readFileSync(seg.files.index);
        const timeIndex = fs.readFileSync(seg.files.timeIndex);
        expect(index.length).toBeGreaterThan(0);
        expect(timeIndex.length).toBeGreaterThan(0);
        d.damage(seg, prng(400 + i));

        const { mgr, log } = await open(f);
        expect(mgr.startup.hadCleanShutdown).toEqual([true]);
        expect(mgr.startup.recoveredSegments).toBe(1);
        expect(mgr.startup.truncatedBytes).toBe(0);
        expect(log.logEndOffset).toBe(f.logEndOffset);
        for (let o = 0; o < f.logEndOffset; o++) {
          const first = checkedRead(log, o, 1)[0];
          if (!first || first.baseOffset > o || first.lastOffset < o) fail(`read at ${o} returned ${first ? `${first.baseOffset}-${first.lastOffset}` : 'nothing'}`);
        }
        const all = readAll(log);
        expectContiguous(all, f.logEndOffset);
        expectBatches(all, f.written);
        await expectTimestampLookups(log, f.written);
        await mgr.shutdown();

        expect(fs.readFileSync(seg.files.index).equals(index), '.index rebuilt byte for byte').toBe(true);
        expect(fs.readFileSync(seg.files.timeIndex).equals(timeIndex), '.timeindex rebuilt byte for byte').toBe(true);
        const again = await open(f);
        expect(again.mgr.startup.recoveredSegments).toBe(0);
        await expectTimestampLookups(again.log, f.written);
        await again.mgr.shutdown();
      });
    }
  }
});

function garble(file: string, rnd: () => number): void {
  const size = fs.statSync(file).size;
  const junk = Buffer.alloc(size);
  for (let i = 0; i < size; i++) junk[i] = Math.floor(rnd() * 256);
  fs.writeFileSync(file, junk);
}

describe('corruption: a flipped byte in a base offset (not covered by the CRC), unclean shutdown', () => {
  // Byte 0: the offset leaves the safe-integer range; byte 3: a large valid offset; byte 7: off by a little.
  for (const [byte, xor] of [[7, 0x01], [7, 0xff], [3, 0xff], [0, 0x80], [0, 0xff]] as const) {
    it(`byte ${byte} ^ 0x${xor.toString(16)}: recovery cuts at that batch, offsets stay contiguous`, async () => {
      const f = await populate(50 + byte + xor);
      const active = f.segments[f.segments.length - 1]!;
      const bad = active.batches[Math.floor(active.batches.length / 2)]!;
      flipByte(active.files.log, bad.position + byte, xor);
      removeCleanMarker(f.logDir);

      const { mgr, log } = await open(f);
      expect(mgr.startup.hadCleanShutdown).toEqual([false]);
      expect(log.logEndOffset).toBe(bad.offset);
      expect(fs.statSync(active.files.log).size).toBe(bad.position);
      const all = readAll(log);
      expectContiguous(all, bad.offset);
      expectBatches(all, below(f, bad.offset));
      await expectAppendAtEnd(log, 'after-cut');
      await mgr.shutdown();
    });
  }
});

describe('corruption: garbage after the last batch, clean shutdown', () => {
  const tails = [
    { name: '777 random bytes', bytes: (rnd: () => number) => Buffer.from(Array.from({ length: 777 }, () => Math.floor(rnd() * 256))) },
    { name: '4096 zero bytes', bytes: () => Buffer.alloc(4096) },
    { name: 'a batch header declaring 1 MiB', bytes: () => {
      const b = Buffer.alloc(100, 0x5a);
      b.writeBigInt64BE(0n, 0);
      b.writeInt32BE(1 << 20, 8);
      b[16] = 2;
      return b;
    } },
    { name: '5 bytes', bytes: () => Buffer.from([1, 2, 3, 4, 5]) },
  ];
  for (const [i, t] of tails.entries()) {
    it(`${t.name}: cut at the next start, log end unchanged`, async () => {
      const f = await populate(60 + i);
      const active = f.segments[f.segments.length - 1]!;
      const size = fs.statSync(active.files.log).size;
      const junk = t.bytes(prng(600 + i));
      fs.appendFileSync(active.files.log, junk);

      const { mgr, log } = await open(f);
      expect(mgr.startup.hadCleanShutdown).toEqual([true]);
      expect(mgr.startup.truncatedBytes).toBe(junk.length);
      expect(fs.statSync(active.files.log).size).toBe(size);
      expect(log.logEndOffset).toBe(f.logEndOffset);
      const all = readAll(log);
      expectContiguous(all, f.logEndOffset);
      expectBatches(all, f.written);
      const appended = await expectAppendAtEnd(log, 'after-garbage');
      await mgr.shutdown();

      const again = await open(f);
      expectBatches(readAll(again.log), [...f.written, appended]);
      await again.mgr.shutdown();
    });
  }
});
