/**
 * Fuzz-style robustness test: seeded random mutations and truncations of valid batches (every codec,
 * v2 and legacy) must either decode or throw a KafkaTsError subclass: never another exception, never
 * a hang. Half of the mutants get their CRC fixed so that the mutation reaches the record parser and
 * the decompressors instead of stopping at the checksum.
 */
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KafkaTsError } from '../../client/errors.js';
import { lz4CompressSync, snappyCompressSync } from '../../client/records/compression/index.js';
import { crc32 } from '../../client/records/crc32.js';
import {
  computeBatchCrc,
  decodeBatches,
  decodeBatchesSync,
  decodeLegacyEntry,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  readBatchHeader,
  scanBatches,
  validateRecordBatch,
} from '../../client/records/index.js';
import { legacyEntry, prng, sampleRecords } from './helpers.js';

async function corpus(): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const codec of [0, 1, 2, 3, 4] as const) {
    out.push(await encodeRecordBatch({ baseOffset: 10, compression: codec, records: sampleRecords(12) }));
    out.push(await encodeRecordBatch({ compression: codec, records: [{ key: 'k', value: 'v', headers: [{ key: 'h', value: null }] }] }));
  }
  out.push(await encodeRecordBatch({ compression: 2, records: sampleRecords(20) }, { snappyFraming: 'raw' }));
  out.push(await encodeRecordBatch({ records: [] }));
  const inner = Buffer.concat([0, 1, 2].map((i) => legacyEntry({ offset: i, magic: 1, timestamp: 100 + i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })));
  out.push(legacyEntry({ offset: 5, magic: 0, key: Buffer.from('key'), value: Buffer.from('value') }));
  out.push(legacyEntry({ offset: 2, magic: 1, attributes: 1, timestamp: 1, value: zlib.gzipSync(inner) }));
  out.push(legacyEntry({ offset: 2, magic: 1, attributes: 2, timestamp: 1, value: snappyCompressSync(inner) }));
  out.push(legacyEntry({ offset: 2, magic: 1, attributes: 3, timestamp: 1, value: lz4CompressSync(inner) }));
  out.push(Buffer.concat([out[0]!, out[12]!, out[4]!]));
  return out;
}

function mutate(src: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(src);
  const pick = (lo = 0) => lo + Math.floor(rnd() * Math.max(1, b.length - lo));
  const ops = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < ops; k++) {
    const op = Math.floor(rnd() * 8);
    if (b.length === 0) break;
    switch (op) {
      case 0: // bit flip, biased to the records region
        b[pick(rnd() < 0.7 ? Math.min(61, b.length - 1) : 0)] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1:
        b[pick()] = Math.floor(rnd() * 256);
        break;
      case 2:
        b[pick()] = [0x00, 0xff, 0x7f, 0x80, 0x01][Math.floor(rnd() * 5)]!;
        break;
      case 3: // truncate
        b = b.subarray(0, pick());
        break;
      case 4: // delete a run
        {
          const at = pick();
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(rnd() * 8))]);
        }
        break;
      case 5: // insert bytes
        {
          const at = pick();
          const ins = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256)));
          b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        }
        break;
      case 6: // rewrite a length / count field
        if (b.length >= 61) {
          const field = [8, 57, 23][Math.floor(rnd() * 3)]!;
          const values = [0, -1, 1, 0x7fffffff, -0x80000000, b.length, b.length - 12, Math.floor(rnd() * 1000)];
          b.writeInt32BE(values[Math.floor(rnd() * values.length)]!, field);
        }
        break;
      case 7: // attributes: codec / flags
        if (b.length >= 23) b[22] = Math.floor(rnd() * 256);
        break;
    }
  }
  return b;
}

function fixCrcs(b: Buffer): void {
  if (b.length < 17) return;
  const size = b.readInt32BE(8) + 12;
  if (size < 14 || size > b.length) return;
  if (b[16] === 2 && size >= 61) b.writeUInt32BE(computeBatchCrc(b, 0, size), 17);
  else if (b[16]! <= 1) b.writeUInt32BE(crc32(b, 16, size), 12);
}

async function attempt(what: string, fn: () => unknown, failures: string[]): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (!(err instanceof KafkaTsError)) failures.push(`${what}: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
    return false;
  }
}

describe('fuzz', () => {
  it('seeded mutants (4000 by default): decode or throw KafkaTsError, nothing else', async () => {
    const inputs = await corpus();
    // RECORDS_FUZZ_SEED / RECORDS_FUZZ_ITERATIONS override the fixed defaults for longer local runs.
    const rnd = prng(Number(process.env.RECORDS_FUZZ_SEED ?? 0xc0ffee));
    const iterations = Number(process.env.RECORDS_FUZZ_ITERATIONS ?? 4000);
    const failures: string[] = [];
    let decoded = 0;
    const limits = { maxDecompressedBytes: 1 << 20 };
    for (let i = 0; i < iterations; i++) {
      const src = inputs[Math.floor(rnd() * inputs.length)]!;
      const m = mutate(src, rnd);
      if (rnd() < 0.5) fixCrcs(m);
      const tag = `#${i}`;
      const verifyCrc = rnd() < 0.7;
      const opts = { ...limits, verifyCrc };
      if (await attempt(`${tag} decodeBatches`, () => decodeBatches(m, opts), failures)) decoded++;
      await attempt(`${tag} decodeBatchesSync`, () => decodeBatchesSync(m, opts), failures);
      await attempt(`${tag} scanBatches`, () => scanBatches(m), failures);
      await attempt(`${tag} decodeRecordBatch`, () => decodeRecordBatch(m, 0, opts), failures);
      await attempt(`${tag} decodeRecordBatchSync`, () => decodeRecordBatchSync(m, 0, opts), failures);
      await attempt(`${tag} validateRecordBatch`, () => validateRecordBatch(m, 0, { checkRecords: true }), failures);
      await attempt(`${tag} readBatchHeader`, () => readBatchHeader(m), failures);
      await attempt(`${tag} decodeLegacyEntry`, () => decodeLegacyEntry(m, 0, opts), failures);
      if (failures.length > 10) break;
    }
    expect(failures).toEqual([]);
    // sanity: the mutants are not all rejected at the first check
    expect(decoded).toBeGreaterThan(200);
  });
});
