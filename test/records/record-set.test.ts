import { describe, expect, it } from 'vitest';
import {
  decodeBatches,
  decodeBatchesSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  nextEntrySize,
  scanBatches,
  type RecordBatch,
} from '../../client/records/index.js';
import { expectCorrupt, legacyEntry, sampleRecords } from './helpers.js';

async function fiveBatches(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let offset = 0;
  for (const codec of [0, 1, 2, 3, 4] as const) {
    const records = sampleRecords(3 + codec);
    out.push(await encodeRecordBatch({ baseOffset: offset, compression: codec, records }));
    offset += records.length;
  }
  return out;
}

describe('concatenated batches', () => {
  it('scanBatches lists every batch with positions and offsets', async () => {
    const parts = await fiveBatches();
    const buf = Buffer.concat(parts);
    const scan = scanBatches(buf);
    expect(scan.partialBytes).toBe(0);
    expect(scan.validBytes).toBe(buf.length);
    expect(scan.batches.map((b) => b.sizeInBytes)).toEqual(parts.map((p) => p.length));
    expect(scan.batches.map((b) => [b.offset, b.lastOffset])).toEqual([
      [0, 2],
      [3, 6],
      [7, 11],
      [12, 17],
      [18, 24],
    ]);
    expect(scan.batches[2]!.position).toBe(parts[0]!.length + parts[1]!.length);
    const decoded = await decodeBatches(buf);
    expect(decoded.partialBytes).toBe(0);
    expect(decoded.batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('a partial trailing batch at every cut point is reported, not an error', async () => {
    const parts = await fiveBatches();
    const buf = Buffer.concat(parts);
    const ends: number[] = [];
    parts.reduce((acc, p) => (ends.push(acc + p.length), acc + p.length), 0);
    for (let cut = 0; cut <= buf.length; cut++) {
      const view = buf.subarray(0, cut);
      const complete = ends.filter((e) => e <= cut).length;
      const lastEnd = complete === 0 ? 0 : ends[complete - 1]!;
      const scan = scanBatches(view);
      expect(scan.batches.length).toBe(complete);
      expect(scan.partialBytes).toBe(cut - lastEnd);
      expect(scan.validBytes).toBe(lastEnd);
      const decoded = await decodeBatches(view);
      expect(decoded.batches.length).toBe(complete);
      expect(decoded.partialBytes).toBe(cut - lastEnd);
      if (cut !== lastEnd) await expectCorrupt(() => scanBatches(view, { allowPartial: false }), 'CORRUPT_MESSAGE');
    }
  });

  it('sync decode of uncompressed/gzip/snappy/lz4 batches, with start/end bounds', () => {
    const a = encodeRecordBatchSync({ records: sampleRecords(2), compression: 'gzip' });
    const b = encodeRecordBatchSync({ records: sampleRecords(3), baseOffset: 2, compression: 'lz4' });
    const junk = Buffer.from('JUNK');
    const buf = Buffer.concat([junk, a, b, junk]);
    const d = decodeBatchesSync(buf, { start: 4, end: 4 + a.length + b.length, allowPartial: false });
    expect(d.batches.map((x) => x.records.length)).toEqual([2, 3]);
  });

  it('entry framing: a size under 14 or over maxBatchBytes is CORRUPT_MESSAGE even when incomplete', async () => {
    const a = encodeRecordBatchSync({ records: sampleRecords(2) });
    const tiny = Buffer.from(a.subarray(0, 20));
    tiny.writeInt32BE(13, 8);
    await expectCorrupt(() => scanBatches(tiny), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => scanBatches(a.subarray(0, 30), { maxBatchBytes: a.length - 1 }), 'CORRUPT_MESSAGE');
    expect(nextEntrySize(a, 0, a.length, a.length)).toBe(a.length);
    expect(nextEntrySize(a, 0, a.length - 1)).toBe(-1);
    expect(nextEntrySize(a, 0, 11)).toBe(-1);
  });

  it('scanBatches validates CRCs (and can skip it)', async () => {
    const parts = await fiveBatches();
    const buf = Buffer.concat(parts);
    const at = parts[0]!.length + parts[1]!.length + 70;
    buf[at] ^= 0x55;
    await expectCorrupt(() => scanBatches(buf), 'CORRUPT_MESSAGE');
    expect(scanBatches(buf, { validate: false }).batches.length).toBe(5);
  });

  it('mixed legacy and v2 entries dispatch on the magic byte; rejectLegacy refuses legacy on purpose', async () => {
    const buf = Buffer.concat([
      legacyEntry({ offset: 0, magic: 0, key: Buffer.from('k0'), value: Buffer.from('v0') }),
      legacyEntry({ offset: 1, magic: 1, timestamp: 1234, key: null, value: Buffer.from('v1') }),
      encodeRecordBatchSync({ baseOffset: 2, records: [{ value: 'v2', timestamp: 5678 }] }),
    ]);
    const d = decodeBatchesSync(buf);
    expect(d.batches.map((b) => b.magic)).toEqual([0, 1, 2]);
    expect(d.batches.map((b) => b.records[0]!.value!.toString())).toEqual(['v0', 'v1', 'v2']);
    expect(d.batches.map((b) => b.records[0]!.timestamp)).toEqual([-1, 1234, 5678]);
    expect(d.batches.map((b) => b.records[0]!.offset)).toEqual([0, 1, 2]);
    expect(scanBatches(buf).batches.map((b) => b.magic)).toEqual([0, 1, 2]);
    await expectCorrupt(() => decodeBatchesSync(buf, { rejectLegacy: true }), 'CORRUPT_MESSAGE');
    const v2 = (await decodeBatches(buf)).batches[2] as RecordBatch;
    expect(v2.producerId).toBe(-1);
  });
});
