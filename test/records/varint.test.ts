import { describe, expect, it } from 'vitest';
import { Reader } from '../../client/protocol/reader.js';
import { Writer } from '../../client/protocol/writer.js';
import { readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, varintEnd, writeVarint, writeVarlong } from '../../client/records/varint.js';
import { CorruptRecordError } from '../../client/errors.js';

const INTS = [0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, 2 ** 20, -(2 ** 20), 2 ** 27, 2 ** 30, -(2 ** 30), 2 ** 31 - 1, -(2 ** 31)];
const LONGS = [...INTS, 2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 1_700_000_000_000, -1_700_000_000_000, 2 ** 52, -(2 ** 52), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];

describe('zigzag varints', () => {
  it('varint: matches the protocol Writer/Reader byte for byte', () => {
    for (const v of INTS) {
      const buf = Buffer.alloc(10);
      const end = writeVarint(buf, 0, v);
      const ref = new Writer().varint(v).finish();
      expect(buf.subarray(0, end).equals(ref), String(v)).toBe(true);
      expect(sizeOfVarint(v)).toBe(ref.length);
      expect(readVarint(buf, 0, end)).toBe(v);
      expect(varintEnd).toBe(end);
      expect(new Reader(buf, 0, end).varint()).toBe(v);
    }
  });
  it('varlong: matches the protocol Writer/Reader byte for byte', () => {
    for (const v of LONGS) {
      const buf = Buffer.alloc(12);
      const end = writeVarlong(buf, 0, v);
      const ref = new Writer().varlong(v).finish();
      expect(buf.subarray(0, end).equals(ref), String(v)).toBe(true);
      expect(sizeOfVarlong(v)).toBe(ref.length);
      expect(readVarlong(buf, 0, end)).toBe(v);
      expect(varintEnd).toBe(end);
      expect(new Reader(buf, 0, end).varlong()).toBe(v);
    }
  });
  it('over-long or truncated varints raise INVALID_RECORD', () => {
    const eleven = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => readVarlong(eleven, 0, eleven.length)).toThrow(CorruptRecordError);
    expect(() => readVarint(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0, 6)).toThrow(/longer than 5 bytes/);
    expect(() => readVarint(Buffer.from([0x80, 0x80]), 0, 2)).toThrow(/past the end/);
    expect(() => readVarlong(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]), 0, 8)).toThrow(/past the end/);
    // 2^63 zigzag (outside the safe range)
    const big = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(() => readVarlong(big, 0, big.length)).toThrow(/safe-integer/);
    try {
      readVarint(Buffer.from([0x80]), 0, 1);
    } catch (e) {
      expect((e as CorruptRecordError).errorName).toBe('INVALID_RECORD');
    }
  });
});
