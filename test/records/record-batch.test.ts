import { describe, expect, it } from 'vitest';
import {
  Compression,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  readBatchHeader,
  recordBatchSize,
  setBaseOffset,
  setMaxTimestamp,
  setPartitionLeaderEpoch,
  SyncCodecUnavailableError,
  validateRecordBatch,
  computeBatchCrc,
  type CompressionCode,
  type RecordBatch,
  type RecordInput,
} from '../../client/records/index.js';
import { compressibleRecords, sampleRecords } from './helpers.js';

const CODECS: CompressionCode[] = [0, 1, 2, 3, 4];

function expectRecordsMatch(batch: RecordBatch, input: RecordInput[], baseOffset: number): void {
  expect(batch.records.length).toBe(input.length);
  batch.records.forEach((r, i) => {
    const want = input[i]!;
    expect(r.offset).toBe(baseOffset + i);
    expect(r.timestamp).toBe(want.timestamp);
    const asBuf = (v: unknown) => (v === null || v === undefined ? null : Buffer.from(v as string));
    expect(r.key).toEqual(asBuf(want.key));
    expect(r.value).toEqual(asBuf(want.value));
    const headers = (want.headers as { key: string; value: Buffer | null }[] | undefined) ?? [];
    expect(r.headers.map((h) => ({ key: h.key, value: h.value }))).toEqual(headers.map((h) => ({ key: h.key, value: asBuf(h.value) })));
    expect(r.attributes).toBe(0);
  });
}

describe('record batch v2 round trip', () => {
  for (const codec of CODECS) {
    it(`codec ${codec}: async encode, async decode`, async () => {
      const records = sampleRecords(50);
      const buf = await encodeRecordBatch({ baseOffset: 1000, compression: codec, records, producerId: 77, producerEpoch: 3, baseSequence: 12, partitionLeaderEpoch: 5 });
      expect(recordBatchSize(buf)).toBe(buf.length);
      expect(validateRecordBatch(buf)).toBe(buf.length);
      const batch = await decodeRecordBatch(buf);
      expect(batch.compression).toBe(codec);
      expect(batch.baseOffset).toBe(1000);
      expect(batch.lastOffsetDelta).toBe(49);
      expect(batch.lastOffset).toBe(1049);
      expect(batch.recordCount).toBe(50);
      expect(batch.producerId).toBe(77);
      expect(batch.producerEpoch).toBe(3);
      expect(batch.baseSequence).toBe(12);
      expect(batch.partitionLeaderEpoch).toBe(5);
      expect(batch.baseTimestamp).toBe(records[0]!.timestamp);
      expect(batch.maxTimestamp).toBe(records[49]!.timestamp);
      expect(batch.timestampType).toBe(0);
      expect(batch.isTransactional).toBe(false);
      expect(batch.isControl).toBe(false);
      expectRecordsMatch(batch, records, 1000);
    });
    if (codec !== 4) {
      it(`codec ${codec}: sync encode equals async encode and decodes sync`, async () => {
        const records = compressibleRecords(200);
        const a = encodeRecordBatchSync({ compression: codec, records });
        const b = await encodeRecordBatch({ compression: codec, records });
        expect(a.equals(b)).toBe(true);
        expectRecordsMatch(decodeRecordBatchSync(a), records, 0);
        if (codec !== 0) expect(a.length).toBeLessThan(encodeRecordBatchSync({ records }).length);
      });
    }
  }

  it('large compressible batches (threadpool path) round trip for every codec', async () => {
    const records = compressibleRecords(3000); // ~250 KB of records, above the async threshold
    for (const codec of CODECS) {
      const buf = await encodeRecordBatch({ compression: codec, records });
      const batch = await decodeRecordBatch(buf);
      expect(batch.records.length).toBe(3000);
      const mismatches = batch.records.filter((r, i) => r.offset !== i || r.timestamp !== records[i]!.timestamp || r.key !== null || !r.value!.equals(records[i]!.value as Buffer));
      expect(mismatches.length).toBe(0);
      if (codec !== 4) expect(decodeRecordBatchSync(buf).records.length).toBe(3000);
    }
  });

  it('zstd has no sync path', async () => {
    const buf = await encodeRecordBatch({ compression: 'zstd', records: sampleRecords(3) });
    expect(() => encodeRecordBatchSync({ compression: 'zstd', records: sampleRecords(3) })).toThrow(SyncCodecUnavailableError);
    expect(() => decodeRecordBatchSync(buf)).toThrow(SyncCodecUnavailableError);
  });

  it('accepts strings, object headers (repeated keys), tombstones and explicit offset deltas', () => {
    const buf = encodeRecordBatchSync({
      baseOffset: 5,
      baseTimestamp: 1000,
      records: [
        { key: 'k€y', value: 'välue', headers: { a: 'x', b: ['1', '2'], c: null }, timestamp: 1000 },
        { key: Buffer.alloc(0), value: null, offsetDelta: 3, timestamp: 990 },
        { value: new Uint8Array([1, 2, 3]), offsetDelta: 4 },
      ],
    });
    const b = decodeRecordBatchSync(buf);
    expect(b.lastOffsetDelta).toBe(4);
    expect(b.maxTimestamp).toBe(1000);
    expect(b.records.map((r) => r.offset)).toEqual([5, 8, 9]);
    expect(b.records[0]!.key!.toString()).toBe('k€y');
    expect(b.records[0]!.value!.toString()).toBe('välue');
    expect(b.records[0]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ['a', 'x'],
      ['b', '1'],
      ['b', '2'],
      ['c', null],
    ]);
    expect(b.records[1]!.key).toEqual(Buffer.alloc(0));
    expect(b.records[1]!.value).toBeNull();
    expect(b.records[1]!.timestamp).toBe(990); // negative delta
    expect(b.records[2]!.timestamp).toBe(1000); // default = baseTimestamp
    expect([...b.records[2]!.value!]).toEqual([1, 2, 3]);
  });

  it('timestamp deltas beyond 31 bits and negative base timestamps', () => {
    const records: RecordInput[] = [
      { value: 'a', timestamp: 1_000 },
      { value: 'b', timestamp: 1_000 + 2 ** 40 },
      { value: 'c', timestamp: 1_000 - 2 ** 45 },
      { value: 'd', timestamp: -1 },
    ];
    const b = decodeRecordBatchSync(encodeRecordBatchSync({ records }));
    expect(b.records.map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
    expect(b.maxTimestamp).toBe(1_000 + 2 ** 40);
  });

  it('big values (multi-byte lengths) and many headers', () => {
    const value = Buffer.alloc(300_000, 7);
    const headers = Array.from({ length: 200 }, (_, i) => ({ key: `h${i}`, value: Buffer.alloc(i, i) }));
    const b = decodeRecordBatchSync(encodeRecordBatchSync({ records: [{ key: Buffer.alloc(200, 1), value, headers }] }));
    expect(b.records[0]!.value!.equals(value)).toBe(true);
    expect(b.records[0]!.headers.length).toBe(200);
    expect(b.records[0]!.headers[199]!.value!.length).toBe(199);
  });

  it('flags: transactional, control, LogAppendTime, delete horizon', () => {
    const buf = encodeRecordBatchSync({
      isTransactional: true,
      isControl: true,
      hasDeleteHorizon: true,
      timestampType: 1,
      maxTimestamp: 99_999,
      records: [
        { key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: 10 },
        { key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: 20 },
      ],
    });
    const b = decodeRecordBatchSync(buf);
    expect(b.isTransactional).toBe(true);
    expect(b.isControl).toBe(true);
    expect(b.hasDeleteHorizon).toBe(true);
    expect(b.timestampType).toBe(1);
    expect(b.attributes).toBe(0x10 | 0x20 | 0x40 | 0x08);
    // LogAppendTime: records carry the batch's maxTimestamp (Kafka DefaultRecord.readFrom)
    expect(b.records.map((r) => r.timestamp)).toEqual([99_999, 99_999]);
  });

  it('empty batches, including a compressed one with no payload (as compaction leaves them)', async () => {
    const empty = encodeRecordBatchSync({ records: [], baseOffset: 10, lastOffsetDelta: 4, baseTimestamp: 5 });
    const b = decodeRecordBatchSync(empty);
    expect(b.records).toEqual([]);
    expect(b.lastOffset).toBe(14);
    expect(b.maxTimestamp).toBe(5);
    for (const codec of [1, 2, 3, 4] as const) {
      const e = Buffer.from(empty);
      e.writeInt16BE(codec, 21);
      e.writeUInt32BE(computeBatchCrc(e, 0, e.length), 17);
      expect((await decodeRecordBatch(e)).records).toEqual([]);
    }
  });

  it('setBaseOffset and setPartitionLeaderEpoch patch in place without touching the CRC', () => {
    const buf = encodeRecordBatchSync({ records: sampleRecords(5) });
    const crc = buf.readUInt32BE(17);
    setBaseOffset(buf, 0, 2 ** 40 + 3);
    setPartitionLeaderEpoch(buf, 0, 42);
    expect(buf.readUInt32BE(17)).toBe(crc);
    expect(validateRecordBatch(buf)).toBe(buf.length);
    const b = decodeRecordBatchSync(buf);
    expect(b.baseOffset).toBe(2 ** 40 + 3);
    expect(b.partitionLeaderEpoch).toBe(42);
    expect(b.records[4]!.offset).toBe(2 ** 40 + 7);
  });

  it('setMaxTimestamp switches to LogAppendTime and recomputes the CRC', () => {
    const buf = encodeRecordBatchSync({ records: sampleRecords(5) });
    const crc = buf.readUInt32BE(17);
    setMaxTimestamp(buf, 0, 1, 1_800_000_000_000);
    expect(buf.readUInt32BE(17)).not.toBe(crc);
    validateRecordBatch(buf);
    const b = decodeRecordBatchSync(buf);
    expect(b.timestampType).toBe(1);
    expect(b.maxTimestamp).toBe(1_800_000_000_000);
    expect(b.records.every((r) => r.timestamp === 1_800_000_000_000)).toBe(true);
    const before = Buffer.from(buf);
    setMaxTimestamp(buf, 0, 1, 1_800_000_000_000); // no-op
    expect(buf.equals(before)).toBe(true);
    setMaxTimestamp(buf, 0, 0, 5);
    expect(decodeRecordBatchSync(buf).timestampType).toBe(0);
  });

  it('readBatchHeader and validateRecordBatch work at an offset inside a larger buffer', () => {
    const a = encodeRecordBatchSync({ records: sampleRecords(3), baseOffset: 0 });
    const b = encodeRecordBatchSync({ records: sampleRecords(4), baseOffset: 3 });
    const both = Buffer.concat([a, b]);
    expect(validateRecordBatch(both, a.length, { checkRecords: true })).toBe(b.length);
    const h = readBatchHeader(both, a.length);
    expect(h.baseOffset).toBe(3);
    expect(h.recordCount).toBe(4);
    expect(decodeRecordBatchSync(both, a.length).records[3]!.offset).toBe(6);
  });

  it('verifyCrc: false skips the CRC check', () => {
    const buf = encodeRecordBatchSync({ records: sampleRecords(3) });
    buf.writeUInt32BE(0, 17);
    expect(() => decodeRecordBatchSync(buf)).toThrow(/crc/);
    expect(decodeRecordBatchSync(buf, 0, { verifyCrc: false }).records.length).toBe(3);
  });

  it('rejects bad encoder input with typed errors', () => {
    expect(() => encodeRecordBatchSync({ records: [{ value: 5 as unknown as string }] })).toThrow(/value must be/);
    expect(() => encodeRecordBatchSync({ producerEpoch: 40000, records: [] })).toThrow(/int16/);
    expect(() => encodeRecordBatchSync({ baseOffset: 2 ** 60, records: [] })).toThrow(/safe integer/);
    expect(() => encodeRecordBatchSync({ compression: 9 as CompressionCode, records: [] })).toThrow(TypeError);
    expect(Compression.ZSTD).toBe(4);
  });
});
