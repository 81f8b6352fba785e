/**
 * Bad bytes raise CorruptRecordError with Kafka's error name: CORRUPT_MESSAGE for framing/CRC faults,
 * INVALID_RECORD for record-level faults (Kafka's InvalidRecordException), UNSUPPORTED_COMPRESSION_TYPE
 * for codec ids 5-7.
 */
import { describe, expect, it } from 'vitest';
import { Writer } from '../../client/protocol/writer.js';
import { computeBatchCrc, writeBatchHeader } from '../../client/records/batch-header.js';
import {
  checkBatchBounds,
  decodeBatchesSync,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  readBatchHeader,
  validateRecordBatch,
} from '../../client/records/index.js';
import { expectCorrupt, sampleRecords } from './helpers.js';

/** A v2 batch around hand-made record bytes (valid header and CRC). */
function rawBatch(records: Buffer, count: number, attributes = 0): Buffer {
  const buf = Buffer.alloc(61 + records.length);
  records.copy(buf, 61);
  writeBatchHeader(buf, 0, buf.length, {
    baseOffset: 0,
    partitionLeaderEpoch: -1,
    attributes,
    lastOffsetDelta: Math.max(0, count - 1),
    baseTimestamp: 1000,
    maxTimestamp: 1000,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    recordCount: count,
  });
  return buf;
}

/** Record bytes; `body` writes the fields after the length, `lengthAdjust` makes the length lie. */
function record(body: (w: Writer) => void, lengthAdjust = 0): Buffer {
  const inner = new Writer();
  body(inner);
  const bytes = inner.finish();
  return new Writer().varint(bytes.length + lengthAdjust).raw(bytes).finish();
}

const plainFields = (w: Writer) => w.int8(0).varlong(0).varint(0).varint(-1).varint(3).raw(Buffer.from('abc')).varint(0);

function fixCrc(b: Buffer): Buffer {
  b.writeUInt32BE(computeBatchCrc(b, 0, b.length), 17);
  return b;
}

describe('corrupt record batches', () => {
  it('the hand-made baseline decodes', () => {
    const b = decodeRecordBatchSync(rawBatch(record(plainFields), 1));
    expect(b.records[0]!.value!.toString()).toBe('abc');
  });

  it('wrong CRC: CORRUPT_MESSAGE (decode and validate)', async () => {
    const buf = encodeRecordBatchSync({ records: sampleRecords(4) });
    buf[buf.length - 1] ^= 1;
    await expectCorrupt(() => decodeRecordBatchSync(buf), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => decodeRecordBatch(buf), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => validateRecordBatch(buf), 'CORRUPT_MESSAGE');
  });

  it('truncated batch and lengths past the end: CORRUPT_MESSAGE', async () => {
    const buf = encodeRecordBatchSync({ records: sampleRecords(4) });
    for (const cut of [0, 5, 11, 12, 40, 60, 61, buf.length - 1]) {
      await expectCorrupt(() => decodeRecordBatchSync(buf.subarray(0, cut)), 'CORRUPT_MESSAGE');
      await expectCorrupt(() => validateRecordBatch(buf.subarray(0, cut)), 'CORRUPT_MESSAGE');
      if (cut > 0) await expectCorrupt(() => decodeBatchesSync(buf.subarray(0, cut), { allowPartial: false }), 'CORRUPT_MESSAGE');
    }
    expect(decodeBatchesSync(buf.subarray(0, 0), { allowPartial: false }).batches).toEqual([]);
    const long = Buffer.from(buf);
    long.writeInt32BE(buf.length, 8); // Length + 12 > buffer
    await expectCorrupt(() => decodeRecordBatchSync(long), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => readBatchHeader(long), 'CORRUPT_MESSAGE');
    const huge = Buffer.from(buf);
    huge.writeInt32BE(0x7fffffff, 8);
    await expectCorrupt(() => checkBatchBounds(huge), 'CORRUPT_MESSAGE');
    const small = Buffer.from(buf);
    small.writeInt32BE(48, 8); // under the 49-byte minimum
    await expectCorrupt(() => decodeRecordBatchSync(small), 'CORRUPT_MESSAGE');
    const negative = Buffer.from(buf);
    negative.writeInt32BE(-5, 8);
    await expectCorrupt(() => decodeRecordBatchSync(negative), 'CORRUPT_MESSAGE');
  });

  it('unknown magic: CORRUPT_MESSAGE', async () => {
    const buf = encodeRecordBatchSync({ records: sampleRecords(2) });
    for (const magic of [3, 4, 0x7f, 0xff]) {
      const b = Buffer.from(buf);
      b[16] = magic;
      await expectCorrupt(() => decodeRecordBatchSync(b), 'CORRUPT_MESSAGE');
      await expectCorrupt(() => decodeBatchesSync(b), 'CORRUPT_MESSAGE');
    }
  });

  it('compression ids 5-7: UNSUPPORTED_COMPRESSION_TYPE', async () => {
    for (const id of [5, 6, 7]) {
      const b = rawBatch(record(plainFields), 1, id);
      await expectCorrupt(() => decodeRecordBatchSync(b), 'UNSUPPORTED_COMPRESSION_TYPE');
      await expectCorrupt(() => decodeRecordBatch(b), 'UNSUPPORTED_COMPRESSION_TYPE');
      await expectCorrupt(() => validateRecordBatch(b), 'UNSUPPORTED_COMPRESSION_TYPE');
    }
  });

  it('compressed payload that does not decompress: CORRUPT_MESSAGE', async () => {
    for (const id of [1, 2, 3, 4]) {
      const b = rawBatch(Buffer.from('definitely not compressed data'), 1, id);
      await expectCorrupt(() => decodeRecordBatch(b), 'CORRUPT_MESSAGE');
    }
  });

  it('a varint of 11 bytes (and a 6-byte varint): INVALID_RECORD', async () => {
    const elevenByteVarlong = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const r1 = record((w) => w.int8(0).raw(elevenByteVarlong).varint(0).varint(-1).varint(-1).varint(0));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(r1, 1)), 'INVALID_RECORD');
    const sixByteVarint = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    const r2 = record((w) => w.int8(0).varlong(0).raw(sixByteVarint).varint(-1).varint(-1).varint(0));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(r2, 1)), 'INVALID_RECORD');
    await expectCorrupt(() => validateRecordBatch(rawBatch(r2, 1), 0, { checkRecords: true }), 'INVALID_RECORD');
    // the record-length varint itself
    const r3 = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.alloc(10)]);
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(r3, 1)), 'INVALID_RECORD');
  });

  it('record count that does not match: INVALID_RECORD', async () => {
    const two = Buffer.concat([record(plainFields), record(plainFields)]);
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(two, 3)), 'INVALID_RECORD');
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(two, 1)), 'INVALID_RECORD');
    await expectCorrupt(() => validateRecordBatch(rawBatch(two, 1), 0, { checkRecords: true }), 'INVALID_RECORD');
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(two, 1_000_000)), 'INVALID_RECORD');
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(two, -1)), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => validateRecordBatch(rawBatch(two, -1)), 'CORRUPT_MESSAGE');
    expect(decodeRecordBatchSync(rawBatch(two, 2)).records.length).toBe(2);
  });

  it('record lengths that disagree with their content: INVALID_RECORD', async () => {
    const longer = Buffer.concat([record(plainFields, 1), Buffer.from([0])]);
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(longer, 1)), 'INVALID_RECORD');
    const shorter = record(plainFields, -1);
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(shorter, 1)), 'INVALID_RECORD');
    const past = record(plainFields, 50);
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(past, 1)), 'INVALID_RECORD');
    const negative = Buffer.concat([Buffer.from([0x03]), Buffer.alloc(10)]); // length -2
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(negative, 1)), 'INVALID_RECORD');
    const valueTooLong = record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(100).raw(Buffer.from('abc')).varint(0));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(valueTooLong, 1)), 'INVALID_RECORD');
  });

  it('bad key length, header count and header key: INVALID_RECORD', async () => {
    const badKey = record((w) => w.int8(0).varlong(0).varint(0).varint(-2).varint(-1).varint(0));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(badKey, 1)), 'INVALID_RECORD');
    const negHeaders = record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(-1));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(negHeaders, 1)), 'INVALID_RECORD');
    const manyHeaders = record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(1_000_000));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(manyHeaders, 1)), 'INVALID_RECORD');
    const nullHeaderKey = record((w) => w.int8(0).varlong(0).varint(0).varint(-1).varint(-1).varint(1).varint(-1).varint(-1));
    await expectCorrupt(() => decodeRecordBatchSync(rawBatch(nullHeaderKey, 1)), 'INVALID_RECORD');
    await expectCorrupt(() => validateRecordBatch(rawBatch(nullHeaderKey, 1), 0, { checkRecords: true }), 'INVALID_RECORD');
  });

  it('the same faults inside a compressed batch', async () => {
    const { gzipSync } = await import('node:zlib');
    const two = Buffer.concat([record(plainFields), record(plainFields)]);
    await expectCorrupt(() => decodeRecordBatchSync(fixCrc(rawBatch(gzipSync(two), 3, 1))), 'INVALID_RECORD');
    await expectCorrupt(() => decodeRecordBatchSync(fixCrc(rawBatch(gzipSync(two), 1, 1))), 'INVALID_RECORD');
    expect(decodeRecordBatchSync(rawBatch(gzipSync(two), 2, 1)).records.length).toBe(2);
  });
});
