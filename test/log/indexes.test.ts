/** OffsetIndex and TimeIndex: entry layout, lookups, truncation, the checks before a file is trusted. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { OffsetIndex } from '../../broker/log/offset-index.js';
import { TimeIndex } from '../../broker/log/time-index.js';
import { cleanup, tempDir } from './helpers.js';

let dir: string;
afterEach(() => cleanup(dir));

describe('OffsetIndex', () => {
  test('greatest entry <= target, (base, 0) below the first; big-endian 8-byte file entries; truncation', () => {
    dir = tempDir();
    const file = path.join(dir, '00000000000000000100.index');
    const idx = new OffsetIndex(file, 100, 1024);
    expect(idx.lookup(150)).toEqual({ offset: 100, position: 0 });
    idx.append(110, 4100);
    idx.append(125, 8300);
    idx.append(140, 12500);
    expect(idx.lookup(109)).toEqual({ offset: 100, position: 0 });
    expect(idx.lookup(110)).toEqual({ offset: 110, position: 4100 });
    expect(idx.lookup(139)).toEqual({ offset: 125, position: 8300 });
    expect(idx.lookup(1e9)).toEqual({ offset: 140, position: 12500 });
    expect(() => idx.append(140, 13000)).toThrow();
    idx.writeToFile();
    const bytes = fs.readFileSync(file);
    expect(bytes.toString('hex')).toBe('0000000a00001004' + '000000190000206c' + '00000028000030d4');
    const back = new OffsetIndex(file, 100, 1024);
    expect(back.loadFromFile()).toBe(true);
    expect(back.checksum()).toBe(idx.checksum());
    expect(back.lookup(130)).toEqual({ offset: 125, position: 8300 });
    expect(back.check(20000)).toBeNull();
    expect(back.check(12000)).toMatch(/position/);
    idx.truncateToEntries(1);
    expect(idx.entries).toBe(1);
    expect(fs.statSync(file).size).toBe(8); // entries already written are cut from the file too
    idx.close();
    expect(fs.statSync(file).size).toBe(8);
    back.closeHandle();
  });

  test('full at segment.index.bytes / 8 entries; a file of a partial entry is not loaded', () => {
    dir = tempDir();
    const idx = new OffsetIndex(path.join(dir, 'a.index'), 0, 17);
    idx.append(1, 10);
    expect(idx.isFull()).toBe(false);
    idx.append(2, 20);
    expect(idx.isFull()).toBe(true);
    fs.writeFileSync(path.join(dir, 'b.index'), Buffer.alloc(12));
    expect(new OffsetIndex(path.join(dir, 'b.index'), 0, 1024).loadFromFile()).toBe(false);
    expect(new OffsetIndex(path.join(dir, 'missing.index'), 0, 1024).loadFromFile()).toBe(false);
  });
});

describe('TimeIndex', () => {
  test('only rising timestamps are kept; lookup gives the greatest entry <= T', () => {
    dir = tempDir();
    const file = path.join(dir, '00000000000000000000.timeindex');
    const idx = new TimeIndex(file, 0, 1200);
    expect(idx.lookup(5)).toEqual({ timestamp: -1, offset: 0 });
    idx.maybeAppend(1000, 3);
    idx.maybeAppend(900, 5); // not larger: ignored
    idx.maybeAppend(2000, 9);
    expect(idx.entries).toBe(2);
    expect(() => idx.maybeAppend(3000, 8)).toThrow();
    expect(idx.lookup(999)).toEqual({ timestamp: -1, offset: 0 });
    expect(idx.lookup(1500)).toEqual({ timestamp: 1000, offset: 3 });
    expect(idx.lookup(2000)).toEqual({ timestamp: 2000, offset: 9 });
    expect(idx.lastEntry()).toEqual({ timestamp: 2000, offset: 9 });
    expect(idx.check(9)).toBeNull();
    expect(idx.check(8)).toMatch(/offset/);
    idx.close();
    expect(fs.readFileSync(file).length).toBe(24);
    expect(fs.readFileSync(file).readBigInt64BE(12)).toBe(2000n);
  });

  test('keeps one slot for the entry written at roll', () => {
    dir = tempDir();
    const idx = new TimeIndex(path.join(dir, 'x.timeindex'), 0, 36);
    idx.maybeAppend(1, 1);
    idx.maybeAppend(2, 2);
    expect(idx.isFull()).toBe(true);
    idx.maybeAppend(3, 3, true);
    expect(idx.entries).toBe(3);
  });
});
