import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lz4CompressSync, snappyCompressSync, xxhash32 } from '../../client/records/compression/index.js';
import { decodeBatchesSync, decodeLegacyEntry, scanBatches } from '../../client/records/index.js';
import { expectCorrupt, legacyEntry } from './helpers.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const KjsMessageSet = require('kafkajs/src/protocol/messageSet/index.js') as any;
const KjsMessage = require('kafkajs/src/protocol/message/index.js') as any;
const KjsEncoder = require('kafkajs/src/protocol/encoder.js') as any;

function innerSet(magic: 0 | 1, n: number, firstOffset: number): Buffer {
  return Buffer.concat(
    Array.from({ length: n }, (_, i) =>
      legacyEntry({ offset: firstOffset + i, magic, timestamp: 5000 + i, key: i === 0 ? null : Buffer.from(`k${i}`), value: Buffer.from(`value ${i}`) }),
    ),
  );
}

function brokenHcLz4(data: Buffer): Buffer {
  const c = Buffer.from(lz4CompressSync(data));
  c[6] = (xxhash32(c, 0, 6) >>> 8) & 0xff; // KAFKA-1493: checksum over magic + descriptor
  return c;
}

describe('legacy message sets (magic 0 and 1)', () => {
  it('uncompressed magic 0 and magic 1 messages', () => {
    const m0 = decodeLegacyEntry(legacyEntry({ offset: 42, magic: 0, key: null, value: null }));
    expect(m0).toMatchObject({ magic: 0, baseOffset: 42, lastOffset: 42, compression: 0, timestampType: -1, maxTimestamp: -1 });
    expect(m0.records).toEqual([{ offset: 42, timestamp: -1, key: null, value: null, headers: [], attributes: 0 }]);
    const m1 = decodeLegacyEntry(legacyEntry({ offset: 43, magic: 1, attributes: 0x08, timestamp: 1_700_000_000_000, key: Buffer.from('k'), value: Buffer.from('v') }));
    expect(m1).toMatchObject({ magic: 1, baseOffset: 43, timestampType: 1, maxTimestamp: 1_700_000_000_000 });
    expect(m1.records[0]!.key!.toString()).toBe('k');
    expect(m1.records[0]!.timestamp).toBe(1_700_000_000_000);
  });

  const wrappers: [string, number, (b: Buffer) => Buffer][] = [
    ['gzip', 1, (b) => zlib.gzipSync(b)],
    ['snappy xerial', 2, (b) => snappyCompressSync(b)],
    ['snappy raw', 2, (b) => snappyCompressSync(b, 'raw')],
    ['lz4', 3, (b) => lz4CompressSync(b)],
  ];
  for (const [name, codec, fn] of wrappers) {
    it(`magic 1 ${name} wrapper: relative inner offsets become absolute`, () => {
      const wrapper = legacyEntry({ offset: 104, magic: 1, attributes: codec, timestamp: 9999, value: fn(innerSet(1, 5, 0)) });
      const b = decodeLegacyEntry(wrapper);
      expect(b.compression).toBe(codec);
      expect(b.baseOffset).toBe(100);
      expect(b.lastOffset).toBe(104);
      expect(b.records.map((r) => r.offset)).toEqual([100, 101, 102, 103, 104]);
      expect(b.records.map((r) => r.timestamp)).toEqual([5000, 5001, 5002, 5003, 5004]); // CreateTime
      expect(b.records.map((r) => r.value!.toString())).toEqual([0, 1, 2, 3, 4].map((i) => `value ${i}`));
      expect(b.records[0]!.key).toBeNull();
    });
    it(`magic 0 ${name} wrapper: inner offsets are absolute`, () => {
      const value = codec === 3 ? brokenHcLz4(innerSet(0, 3, 70)) : fn(innerSet(0, 3, 70));
      const b = decodeLegacyEntry(legacyEntry({ offset: 72, magic: 0, attributes: codec, value }));
      expect(b.records.map((r) => r.offset)).toEqual([70, 71, 72]);
      expect(b.records.every((r) => r.timestamp === -1)).toBe(true);
    });
  }

  it('magic 1 LogAppendTime wrapper: inner records take the wrapper timestamp', () => {
    const b = decodeLegacyEntry(legacyEntry({ offset: 2, magic: 1, attributes: 1 | 0x08, timestamp: 77_777, value: zlib.gzipSync(innerSet(1, 3, 0)) }));
    expect(b.timestampType).toBe(1);
    expect(b.records.map((r) => r.timestamp)).toEqual([77_777, 77_777, 77_777]);
  });

  it('KAFKA-1493: a broken lz4 header checksum is refused for magic 1', async () => {
    const w = legacyEntry({ offset: 2, magic: 1, attributes: 3, timestamp: 1, value: brokenHcLz4(innerSet(1, 3, 0)) });
    await expectCorrupt(() => decodeLegacyEntry(w), 'CORRUPT_MESSAGE');
  });

  it('bad CRC (outer and inner), bad sizes: CORRUPT_MESSAGE', async () => {
    const m = legacyEntry({ offset: 0, magic: 1, timestamp: 1, value: Buffer.from('abc') });
    m[m.length - 1] ^= 1;
    await expectCorrupt(() => decodeLegacyEntry(m), 'CORRUPT_MESSAGE');
    expect(decodeLegacyEntry(m, 0, { verifyCrc: false }).records[0]!.value!.toString()).toBe('abb');
    const inner = innerSet(1, 2, 0);
    inner[inner.length - 1] ^= 1;
    await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 1, magic: 1, attributes: 1, timestamp: 1, value: zlib.gzipSync(inner) })), 'CORRUPT_MESSAGE');
    const short = legacyEntry({ offset: 0, magic: 1, timestamp: 1, value: null });
    short.writeInt32BE(20, 8); // below the magic 1 minimum of 22
    await expectCorrupt(() => decodeLegacyEntry(short), 'CORRUPT_MESSAGE');
    const keyPast = legacyEntry({ offset: 0, magic: 0, key: Buffer.from('key'), value: Buffer.from('v') });
    keyPast.writeInt32BE(100, 18);
    await expectCorrupt(() => decodeLegacyEntry(keyPast, 0, { verifyCrc: false }), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 0, magic: 1, attributes: 1, timestamp: 1, value: null })), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 0, magic: 1, attributes: 1, timestamp: 1, value: Buffer.from('not gzip') })), 'CORRUPT_MESSAGE');
  });

  it('nested compression, magic mismatch, empty wrapper: INVALID_RECORD', async () => {
    const nested = legacyEntry({ offset: 0, magic: 1, attributes: 1, timestamp: 1, value: zlib.gzipSync(Buffer.from('x')) });
    await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 0, magic: 1, attributes: 1, timestamp: 1, value: zlib.gzipSync(nested) })), 'INVALID_RECORD');
    await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 0, magic: 1, attributes: 1, timestamp: 1, value: zlib.gzipSync(innerSet(0, 2, 0)) })), 'INVALID_RECORD');
    await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 0, magic: 1, attributes: 1, timestamp: 1, value: zlib.gzipSync(Buffer.alloc(0)) })), 'INVALID_RECORD');
  });

  it('zstd and ids 5-7 in magic 0/1: UNSUPPORTED_COMPRESSION_TYPE', async () => {
    for (const id of [4, 5, 6, 7]) {
      await expectCorrupt(() => decodeLegacyEntry(legacyEntry({ offset: 0, magic: 1, attributes: id, timestamp: 1, value: Buffer.from('x') })), 'UNSUPPORTED_COMPRESSION_TYPE');
    }
  });

  it('decodes message sets written by kafkajs (magic 0 and 1, plain and a gzip wrapper)', () => {
    for (const messageVersion of [0, 1]) {
      const entries = [
        { key: 'a', value: 'one', timestamp: 1_600_000_000_000 },
        { key: null, value: 'two', timestamp: 1_600_000_000_001 },
      ];
      const plain: Buffer = KjsMessageSet({ messageVersion, compression: 0, entries }).buffer;
      const d = decodeBatchesSync(plain, { allowPartial: false });
      expect(d.batches.map((b) => b.magic)).toEqual([messageVersion, messageVersion]);
      expect(d.batches.map((b) => b.records[0]!.value!.toString())).toEqual(['one', 'two']);
      expect(d.batches[0]!.records[0]!.key!.toString()).toBe('a');
      expect(d.batches[1]!.records[0]!.key).toBeNull();
      if (messageVersion === 1) expect(d.batches.map((b) => b.records[0]!.timestamp)).toEqual([1_600_000_000_000, 1_600_000_000_001]);
      // a gzip wrapper around kafkajs's compressed-style inner set (offsets 0..n-1)
      const inner: Buffer = KjsMessageSet({ messageVersion, compression: 1, entries }).buffer;
      const wrapperMsg = KjsMessage({ version: messageVersion })({ compression: 1, timestamp: 1_600_000_000_005, key: null, value: zlib.gzipSync(inner) });
      const set: Buffer = new KjsEncoder().writeInt64(11).writeInt32(wrapperMsg.size()).writeEncoder(wrapperMsg).buffer;
      const w = decodeBatchesSync(set, { allowPartial: false });
      expect(w.batches[0]!.records.map((r) => r.value!.toString())).toEqual(['one', 'two']);
      expect(w.batches[0]!.records.map((r) => r.offset)).toEqual(messageVersion === 1 ? [10, 11] : [0, 1]);
      expect(scanBatches(set).batches[0]!.lastOffset).toBe(11);
    }
  });
});
