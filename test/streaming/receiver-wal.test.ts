/**
 * FileBasedWriteAheadLog on real files (Spark's WriteAheadLogSuite behaviours): handles, rolling
 * files `log-<start>-<end>`, readAll, clean by end time (never the current file), torn tails and
 * corrupt records after a crash, no appending to an old file; and the block serializer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BlockSerializationException,
  FileBasedWriteAheadLog,
  WriteAheadLogClosedException,
  WriteAheadLogCorruptRecordException,
  deserializeBlock,
  serializeBlock,
  timeToLogFile,
} from '../../streaming-kafka/index.js';
import { memoryLogger, tempDir } from './helpers.js';

const rec = (s: string): Buffer => Buffer.from(s);
const files = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('FileBasedWriteAheadLog', () => {
  it('writes records to rolling files log-<start>-<end>, reads them by handle and all in order', async () => {
    const dir = path.join(tempDir('wal-'), 'log');
    const wal = new FileBasedWriteAheadLog(dir, { rollingIntervalSecs: 1, logger: memoryLogger() });
    const h1 = await wal.write(rec('one'), 1000);
    const h2 = await wal.write(rec('two'), 1500);
    const h3 = await wal.write(rec('three'), 2000); // end time inclusive: same file
    const h4 = await wal.write(rec('four'), 2001); // past the end: a new file
    const h5 = await wal.write(Buffer.alloc(0), 5000);
    expect(files(dir)).toEqual([timeToLogFile(1000, 2000), timeToLogFile(2001, 3001), timeToLogFile(5000, 6000)]);
    expect(h1).toEqual({ path: path.join(dir, 'log-1000-2000'), offset: 0, length: 3 });
    expect(h2).toEqual({ path: path.join(dir, 'log-1000-2000'), offset: 11, length: 3 });
    expect(h3.offset).toBe(22);
    expect(h4).toEqual({ path: path.join(dir, 'log-2001-3001'), offset: 0, length: 4 });
    for (const [h, s] of [[h1, 'one'], [h2, 'two'], [h3, 'three'], [h4, 'four'], [h5, '']] as const) expect((await wal.read(h)).toString()).toBe(s);
    expect((await wal.readAll()).map(String)).toEqual(['one', 'two', 'three', 'four', '']);
    // a record is 8 header bytes + payload
    expect(fs.statSync(h1.path).size).toBe(3 * 8 + 3 + 3 + 5);
    await wal.close();
    await expect(wal.write(rec('x'), 6000)).rejects.toBeInstanceOf(WriteAheadLogClosedException);
    // a new log on the directory recovers the files and reads everything
    const again = new FileBasedWriteAheadLog(dir, { rollingIntervalSecs: 1, fsync: false, logger: memoryLogger() });
    expect((await again.readAll()).map(String)).toEqual(['one', 'two', 'three', 'four', '']);
    await again.close();
  });

  it('clean(t) deletes the files that end before t, never the file being written', async () => {
    const dir = tempDir('wal-clean-');
    const wal = new FileBasedWriteAheadLog(dir, { rollingIntervalSecs: 1, logger: memoryLogger() });
    for (const t of [0, 1500, 3000, 4500]) await wal.write(rec(`at ${t}`), t);
    expect(files(dir)).toEqual(['log-0-1000', 'log-1500-2500', 'log-3000-4000', 'log-4500-5500']);
    await wal.clean(2500); // log-1500-2500 ends at 2500: not before
    expect(files(dir)).toEqual(['log-1500-2500', 'log-3000-4000', 'log-4500-5500']);
    await wal.clean(1e12);
    expect(files(dir)).toEqual(['log-4500-5500']);
    expect((await wal.readAll()).map(String)).toEqual(['at 4500']);
    await wal.close();
    // after a restart, every old file is a past file
    const again = new FileBasedWriteAheadLog(dir, { rollingIntervalSecs: 1, logger: memoryLogger() });
    await again.clean(1e12);
    expect(files(dir)).toEqual([]);
    await again.close();
  });

  it('a torn tail (a crash during a write) is ignored with a warning; a new log never appends to an old file', async () => {
    const dir = tempDir('wal-torn-');
    const wal = new FileBasedWriteAheadLog(dir, { logger: memoryLogger() });
    const handles = [];
    for (const s of ['alpha', 'beta', 'gamma']) handles.push(await wal.write(rec(s), 1000));
    await wal.close();
    const file = handles[0]!.path;
    const whole = fs.readFileSync(file);

    // 1) a record header promising more bytes than were written
    const torn = Buffer.alloc(8 + 4);
    torn.writeUInt32LE(100, 0);
    fs.appendFileSync(file, torn);
    let logger = memoryLogger();
    let w = new FileBasedWriteAheadLog(dir, { logger });
    expect((await w.readAll()).map(String)).toEqual(['alpha', 'beta', 'gamma']);
    expect(logger.lines.some((l) => l.startsWith(`WARN Ignoring the end of write ahead log file ${file} from byte ${whole.length} (12 bytes): record of 100 bytes runs past the end of the file`))).toBe(true);
    // the new writer starts a file of its own (same start time: the name moves on by 1 ms)
    const h = await w.write(rec('delta'), 1000);
    expect(path.basename(h.path)).toBe('log-1001-61001');
    expect((await w.readAll()).map(String)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    await w.close();

    // 2) the last record cut in the middle, and a partial header
    fs.writeFileSync(file, whole.subarray(0, whole.length - 2));
    logger = memoryLogger();
    w = new FileBasedWriteAheadLog(dir, { logger });
    expect((await w.readAll()).map(String)).toEqual(['alpha', 'beta', 'delta']);
    await expect(w.read(handles[2]!)).rejects.toThrow(WriteAheadLogCorruptRecordException);
    fs.writeFileSync(file, Buffer.concat([whole, Buffer.from([1, 2, 3])]));
    expect((await w.readAll()).map(String)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(logger.lines.some((l) => l.includes('incomplete record header'))).toBe(true);

    // 3) a flipped payload byte: CRC mismatch; reading stops there; read(handle) says so
    const bad = Buffer.from(whole);
    bad[handles[1]!.offset + 8 + 1]! ^= 0xff;
    fs.writeFileSync(file, bad);
    expect((await w.readAll()).map(String)).toEqual(['alpha', 'delta']);
    const err = await w.read(handles[1]!).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteAheadLogCorruptRecordException);
    expect((err as WriteAheadLogCorruptRecordException).code).toBe('KTS_ERR_WAL_CORRUPT_RECORD');
    expect(String(err)).toContain('CRC-32C mismatch');
    expect((await w.read(handles[0]!)).toString()).toBe('alpha');
    await w.close();
  });

  it('with closeFileAfterWrite every record gets its own file', async () => {
    const dir = tempDir('wal-close-');
    const wal = new FileBasedWriteAheadLog(dir, { closeFileAfterWrite: true, fsync: false, logger: memoryLogger() });
    await wal.write(rec('a'), 10);
    await wal.write(rec('b'), 10);
    await wal.write(rec('c'), 20);
    expect(files(dir)).toEqual(['log-10-60010', 'log-11-60011', 'log-20-60020']);
    expect((await wal.readAll()).map(String)).toEqual(['a', 'b', 'c']);
    await wal.close();
  });
});

describe('block serializer', () => {
  it('round-trips the values receivers store: [key, value] pairs, Buffers, JSON-able objects, and more', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const items: unknown[] = [
      ['k', 'v'],
      [null, 'only a value'],
      [null, null],
      { key: Buffer.from([0, 1, 2, 255]), value: Buffer.alloc(0), partition: 3, offset: 1234567890123 },
      'x'.repeat(1000),
      'héllo wörld ✓ 𝄞',
      42,
      -7,
      2 ** 31,
      1.5,
      -0,
      NaN,
      Infinity,
      true,
      false,
      undefined,
      null,
      123n,
      new Date(1700000000000),
      new Map<unknown, unknown>([['a', 1], [2, [3]]]),
      new Set([1, 'two']),
      [1, [2, [3, { deep: [4] }]]],
      new Uint8Array([9, 8]),
      new Point(1, 2),
      { toJSON: () => ({ as: 'json' }) },
    ];
    const back = deserializeBlock(serializeBlock(items));
    expect(back.slice(0, 22)).toEqual(items.slice(0, 22));
    expect(Object.is(back[10], -0)).toBe(true);
    expect(Buffer.isBuffer((back[3] as { key: Buffer }).key)).toBe(true);
    expect(back[22]).toEqual(Buffer.from([9, 8]));
    expect(back[23]).toEqual({ x: 1, y: 2 });
    expect(back[24]).toEqual({ as: 'json' });
    expect(deserializeBlock(serializeBlock([]))).toEqual([]);
  });

  it('refuses functions, symbols and cycles (BlockSerializationException)', () => {
    expect(() => serializeBlock([() => 1])).toThrow(BlockSerializationException);
    expect(() => serializeBlock([Symbol('s')])).toThrow('Cannot serialize a value of type symbol in a received block');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const err = (() => {
      try {
        serializeBlock([cyclic]);
      } catch (e) {
        return e as BlockSerializationException;
      }
    })();
    expect(err?.code).toBe('KTS_ERR_BLOCK_SERIALIZATION');
    expect(() => deserializeBlock(Buffer.from([1, 1, 0x42]))).toThrow('Unknown value tag 0x42');
  });

  it('serializes 100,000 [key, value] string pairs quickly', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => [`key-${i}`, `value number ${i} with some text`]);
    const t0 = performance.now();
    const buf = serializeBlock(items);
    const t1 = performance.now();
    const back = deserializeBlock(buf);
    const t2 = performance.now();
    expect(back).toEqual(items);
    expect(t1 - t0).toBeLessThan(1000);
    expect(t2 - t1).toBeLessThan(1000);
  });
});
