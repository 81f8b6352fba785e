/**
 * Interop with kafkajs 2.2.4 (devDependency): batches written by kafkajs decode here, ours decode in
 * kafkajs, for all five compression settings, comparing keys, values, headers, timestamps, offsets
 * and batch attributes.
 *
 * kafkajs codecs: gzip is built in; snappy is the `kafkajs-snappy` plugin (writes raw snappy, reads
 * raw and xerial); lz4 is the `kafkajs-lz4` plugin (npm `lz4`, a node-gyp build of bundled source).
 * The zstd plugin `@kafkajs/zstd` does not install here (its dependency `cppzst` fails to compile
 * against Node 20's headers), so zstd is registered as a small adapter on our own zstd module: that
 * direction checks the batch framing around zstd, not an independent zstd implementation.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeRecordBatch,
  encodeRecordBatch,
  encodeRecordBatchSync,
  type CompressionCode,
  type KafkaRecord,
  type RecordBatch,
} from '../../client/records/index.js';
import { zstdCompress, zstdDecompress } from '../../client/records/compression/index.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const { RecordBatch: KjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as any;
const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as any;
const KjsRecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as any;
const KjsDecoder = require('kafkajs/src/protocol/decoder.js') as any;
const KjsLong = require('kafkajs/src/utils/long.js') as any;
const { Codecs, Types } = require('kafkajs/src/protocol/message/compression/index.js') as any;
const SnappyCodec = require('kafkajs-snappy') as any;
const LZ4Codec = require('kafkajs-lz4') as any;

beforeAll(() => {
  Codecs[Types.Snappy] = SnappyCodec;
  Codecs[Types.LZ4] = new LZ4Codec().codec;
  Codecs[Types.ZSTD] = () => ({
    compress: (encoder: { buffer: Buffer }) => zstdCompress(encoder.buffer),
    decompress: (buffer: Buffer) => zstdDecompress(buffer, 1 << 26),
  });
});

const CODECS: CompressionCode[] = [0, 1, 2, 3, 4];
const BASE_TS = 1_700_000_000_000;

interface Msg {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  timestamp: number;
}

function messages(n: number): Msg[] {
  return Array.from({ length: n }, (_, i): Msg => ({
    key: i % 4 === 0 ? null : Buffer.from(`key-${i}`),
    value: i === 3 ? null : Buffer.from(`value ${i} `.repeat(1 + (i % 13))),
    headers: (i % 3 === 0 ? {} : i % 3 === 1 ? { 'trace-id': Buffer.from(`t-${i}`) } : { a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y')] }) as Msg['headers'],
    timestamp: BASE_TS + (i % 5 === 0 ? -i : i * 7),
  }));
}

/** kafkajs's header object (duplicate keys become arrays) from our ordered header list. */
function headersAsKafkajs(r: KafkaRecord): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const h of r.headers) {
    const prev = out[h.key];
    out[h.key] = prev === undefined ? h.value! : Array.isArray(prev) ? [...prev, h.value!] : [prev, h.value!];
  }
  return out;
}

async function kafkajsEncode(msgs: Msg[], codec: CompressionCode, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const firstTimestamp = msgs[0]!.timestamp;
  const records = msgs.map((m, i) => KjsRecord({ offsetDelta: i, timestampDelta: m.timestamp - firstTimestamp, key: m.key, value: m.value, headers: m.headers }));
  const encoder = await KjsRecordBatch({
    compression: codec,
    firstOffset: KjsLong.fromNumber(500),
    firstTimestamp,
    maxTimestamp: Math.max(...msgs.map((m) => m.timestamp)),
    partitionLeaderEpoch: 7,
    lastOffsetDelta: msgs.length - 1,
    producerId: KjsLong.fromNumber(1234),
    producerEpoch: 2,
    firstSequence: 40,
    records,
    ...extra,
  });
  return encoder.buffer as Buffer;
}

function kafkajsDecode(buf: Buffer): Promise<any> {
  return KjsRecordBatchDecoder(new KjsDecoder(buf));
}

function expectSame(ours: RecordBatch, msgs: Msg[], baseOffset: number): void {
  expect(ours.records.length).toBe(msgs.length);
  ours.records.forEach((r, i) => {
    const m = msgs[i]!;
    expect(r.offset).toBe(baseOffset + i);
    expect(r.timestamp).toBe(m.timestamp);
    expect(r.key).toEqual(m.key);
    expect(r.value).toEqual(m.value);
    expect(headersAsKafkajs(r)).toEqual(m.headers);
    expect(r.attributes).toBe(0);
  });
}

describe('kafkajs 2.2.4 interop', () => {
  for (const codec of CODECS) {
    it(`kafkajs-encoded batch decodes here (compression ${codec})`, async () => {
      const msgs = messages(60);
      const buf = await kafkajsEncode(msgs, codec, { transactional: codec === 1 });
      const b = await decodeRecordBatch(buf);
      expect(b.compression).toBe(codec);
      expect(b.baseOffset).toBe(500);
      expect(b.lastOffsetDelta).toBe(59);
      expect(b.partitionLeaderEpoch).toBe(7);
      expect(b.producerId).toBe(1234);
      expect(b.producerEpoch).toBe(2);
      expect(b.baseSequence).toBe(40);
      expect(b.isTransactional).toBe(codec === 1);
      expect(b.timestampType).toBe(0);
      expect(b.baseTimestamp).toBe(msgs[0]!.timestamp);
      expectSame(b, msgs, 500);
    });

    it(`our batch decodes in kafkajs (compression ${codec})`, async () => {
      const msgs = messages(60);
      const buf = await encodeRecordBatch({
        baseOffset: 900,
        compression: codec,
        partitionLeaderEpoch: 3,
        producerId: 88,
        producerEpoch: 1,
        baseSequence: 5,
        isTransactional: true,
        records: msgs.map((m) => ({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp })),
      });
      const k = await kafkajsDecode(buf);
      expect(k.firstOffset).toBe('900');
      expect(k.lastOffsetDelta).toBe(59);
      expect(k.partitionLeaderEpoch).toBe(3);
      expect(k.producerId).toBe('88');
      expect(k.producerEpoch).toBe(1);
      expect(k.firstSequence).toBe(5);
      expect(k.inTransaction).toBe(true);
      expect(k.isControlBatch).toBe(false);
      expect(k.timestampType).toBe(0);
      expect(k.firstTimestamp).toBe(String(msgs[0]!.timestamp));
      expect(k.maxTimestamp).toBe(String(Math.max(...msgs.map((m) => m.timestamp))));
      expect(k.records.length).toBe(60);
      k.records.forEach((r: any, i: number) => {
        const m = msgs[i]!;
        expect(r.offset).toBe(String(900 + i));
        expect(r.timestamp).toBe(String(m.timestamp));
        expect(r.key).toEqual(m.key);
        expect(r.value).toEqual(m.value);
        expect(r.headers).toEqual(m.headers);
        expect(r.attributes).toBe(0);
      });
    });
  }

  it('snappy: our raw framing decodes in kafkajs too', async () => {
    const msgs = messages(20);
    const buf = await encodeRecordBatch({ compression: 2, records: msgs }, { snappyFraming: 'raw' });
    const k = await kafkajsDecode(buf);
    expect(k.records.map((r: any) => r.value)).toEqual(msgs.map((m) => m.value));
  });

  it('uncompressed encoding is byte-identical to kafkajs for the same fields', async () => {
    const msgs = messages(30);
    const theirs = await kafkajsEncode(msgs, 0);
    const ours = encodeRecordBatchSync({
      baseOffset: 500,
      partitionLeaderEpoch: 7,
      producerId: 1234,
      producerEpoch: 2,
      baseSequence: 40,
      records: msgs,
    });
    expect(ours.equals(theirs)).toBe(true);
  });

  it('control and LogAppendTime flags are read the same by kafkajs', async () => {
    const buf = encodeRecordBatchSync({
      isControl: true,
      isTransactional: true,
      timestampType: 1,
      maxTimestamp: BASE_TS + 99,
      records: [{ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0, 0, 0, 0, 0]), timestamp: BASE_TS }],
    });
    const k = await kafkajsDecode(buf);
    expect(k.isControlBatch).toBe(true);
    expect(k.inTransaction).toBe(true);
    expect(k.timestampType).toBe(1);
    expect(k.records[0].timestamp).toBe(String(BASE_TS + 99));
  });
});
