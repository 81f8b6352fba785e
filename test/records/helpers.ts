/**
 * Test helpers for the records tests: a seeded PRNG, sample records, a legacy (magic 0/1) message
 * writer (test-only; the library decodes legacy formats but does not write them) and error assertions.
 */
import { crc32 } from '../../client/records/crc32.js';
import { KafkaTsError, CorruptRecordError } from '../../client/errors.js';
import type { RecordInput } from '../../client/records/index.js';
import { expect } from 'vitest';

export { prng } from '../helpers/prng.js';

/** `n` varied records: keys (some null), values (one null), headers (some), increasing timestamps. */
export function sampleRecords(n: number, baseTs = 1_700_000_000_000): RecordInput[] {
  const out: RecordInput[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
      value: i === 1 ? null : Buffer.from(`value-${i}-`.repeat((i % 7) + 1)),
      headers: i % 2 === 0 ? [{ key: 'trace-id', value: Buffer.from(`t${i}`) }, { key: 'n', value: null }] : undefined,
      timestamp: baseTs + i * 3,
    });
  }
  return out;
}

/** Text that compresses (log-like lines). */
export function compressibleRecords(n: number): RecordInput[] {
  const out: RecordInput[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ key: null, value: Buffer.from(`10.0.${i % 256}.${i % 7} - - [21/Nov/2026:04:00:00 +0000] "GET /item/${i} HTTP/1.1" 200 ${1000 + i}`), timestamp: 1_700_000_000_000 + i });
  }
  return out;
}

/** One legacy message-set entry (magic 0 or 1), for tests. */
export function legacyEntry(m: { offset: number; magic: 0 | 1; attributes?: number; timestamp?: number; key?: Buffer | null; value: Buffer | null }): Buffer {
  const key = m.key ?? null;
  const value = m.value;
  const size = 4 + 1 + 1 + (m.magic === 1 ? 8 : 0) + 4 + (key ? key.length : 0) + 4 + (value ? value.length : 0);
  const b = Buffer.alloc(12 + size);
  b.writeBigInt64BE(BigInt(m.offset), 0);
  b.writeInt32BE(size, 8);
  let p = 16;
  b[p++] = m.magic;
  b[p++] = m.attributes ?? 0;
  if (m.magic === 1) {
    b.writeBigInt64BE(BigInt(m.timestamp ?? 0), p);
    p += 8;
  }
  b.writeInt32BE(key ? key.length : -1, p);
  p += 4;
  if (key) p += key.copy(b, p);
  b.writeInt32BE(value ? value.length : -1, p);
  p += 4;
  if (value) p += value.copy(b, p);
  b.writeUInt32BE(crc32(b, 16, b.length), 12);
  return b;
}

/** Run `fn` and return the CorruptRecordError it throws (fails the test otherwise). */
export async function corruptError(fn: () => unknown): Promise<CorruptRecordError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CorruptRecordError);
    expect(err).toBeInstanceOf(KafkaTsError);
    return err as CorruptRecordError;
  }
  throw new Error('expected a CorruptRecordError, nothing was thrown');
}

/** Assert `fn` throws CorruptRecordError with the Kafka error name `name`. */
export async function expectCorrupt(fn: () => unknown, name: string): Promise<CorruptRecordError> {
  const err = await corruptError(fn);
  expect(err.errorName, err.message).toBe(name);
  return err;
}
