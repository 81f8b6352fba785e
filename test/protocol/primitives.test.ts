/**
 * Reader and Writer: every primitive round-trips, encodings match Kafka's byte layouts (KIP-482
 * compact types, zigzag varints as in ByteUtils), and malformed input raises ProtocolDecodeError
 * instead of hanging or allocating.
 */
import { describe, expect, it } from 'vitest';
import { KafkaTsError, ProtocolDecodeError, ProtocolEncodeError } from '../../client/errors.js';
import { Reader } from '../../client/protocol/reader.js';
import { Writer } from '../../client/protocol/writer.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('fixed-width integers', () => {
  it('round-trip at their limits, big-endian', () => {
    const w = new Writer(4);
    w.int8(-128).int8(127).int16(-32768).int16(32767).uint16(65535).int32(-2147483648).int32(2147483647).uint32(4294967295);
    w.int64(Number.MAX_SAFE_INTEGER).int64(-Number.MAX_SAFE_INTEGER).int64(-1).int64(0).float64(3.25).bool(true).bool(false);
    const r = new Reader(w.finish());
    expect([r.int8(), r.int8(), r.int16(), r.int16(), r.uint16(), r.int32(), r.int32(), r.uint32()]).toEqual([
      -128, 127, -32768, 32767, 65535, -2147483648, 2147483647, 4294967295,
    ]);
    expect([r.int64(), r.int64(), r.int64(), r.int64(), r.float64(), r.bool(), r.bool()]).toEqual([
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      -1,
      0,
      3.25,
      true,
      false,
    ]);
    expect(r.remaining).toBe(0);
  });

  it('int64 matches BigInt encoding and rejects unsafe values', () => {
    for (const v of [0, 1, -1, 2 ** 32, -(2 ** 32) - 5, 1700000000000, -2, -3, Number.MAX_SAFE_INTEGER]) {
      const w = new Writer();
      w.int64(v);
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(v));
      expect(hex(w.finish())).toBe(hex(b));
    }
    expect(() => new Writer().int64(2 ** 60)).toThrow(ProtocolEncodeError);
    const big = Buffer.alloc(8);
    big.writeBigInt64BE(9223372036854775807n);
    expect(() => new Reader(big).int64()).toThrow(ProtocolDecodeError);
    big.writeBigInt64BE(-(2n ** 53n));
    expect(() => new Reader(big).int64()).toThrow(ProtocolDecodeError);
    big.writeBigInt64BE(-(2n ** 53n) + 1n);
    expect(new Reader(big).int64()).toBe(-Number.MAX_SAFE_INTEGER);
  });
});

describe('varints', () => {
  it('unsigned varints use 7-bit groups, low first (KIP-482 UNSIGNED_VARINT)', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [16383, 'ff7f'],
      [16384, '808001'],
      [4294967295, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      const w = new Writer();
      w.uvarint(v);
      expect(hex(w.finish())).toBe(h);
      expect(new Reader(Buffer.from(h, 'hex')).uvarint()).toBe(v);
    }
  });

  it('zigzag varints and varlongs match protobuf/Kafka ByteUtils', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [-1, '01'],
      [1, '02'],
      [-2, '03'],
      [63, '7e'],
      [-64, '7f'],
      [64, '8001'],
      [2147483647, 'feffffff0f'],
      [-2147483648, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) {
      const w = new Writer();
      w.varint(v);
      expect(hex(w.finish())).toBe(h);
      expect(new Reader(Buffer.from(h, 'hex')).varint()).toBe(v);
    }
    // varlong: values beyond 32 bits, checked against a BigInt reference encoder
    const ref = (v: bigint): string => {
      let u = (v << 1n) ^ (v >> 63n);
      u &= (1n << 64n) - 1n;
      const out: number[] = [];
      while (u > 0x7fn) {
        out.push(Number(u & 0x7fn) | 0x80);
        u >>= 7n;
      }
      out.push(Number(u));
      return Buffer.from(out).toString('hex');
    };
    for (const v of [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 40 + 3, -(2 ** 45), 1700000000000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      const w = new Writer();
      w.varlong(v);
      expect(hex(w.finish()), `varlong ${v}`).toBe(ref(BigInt(v)));
      expect(new Reader(Buffer.from(ref(BigInt(v)), 'hex')).varlong()).toBe(v);
    }
  });

  it('rejects over-long varints (11 bytes), 6-byte varints, and truncated ones', () => {
    expect(() => new Reader(Buffer.from('ffffffffffffffffffff01', 'hex')).varlong()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffffffffff01', 'hex')).uvarint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffffffff7f', 'hex')).uvarint()).toThrow(/too long/);
    expect(() => new Reader(Buffer.from('ff', 'hex')).varint()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffffffffffffffff7f', 'hex')).varlong()).toThrow(ProtocolDecodeError);
  });
});

describe('strings, bytes, arrays', () => {
  it('classic and compact encodings, with null', () => {
    const w = new Writer();
    w.string('héllo').string(null).compactString('ab').compactString(null).compactString('');
    w.bytes(Buffer.from([1, 2])).bytes(null).compactBytes(Buffer.from([3])).compactBytes(null);
    w.arrayLength(1, false).int8(9).arrayLength(null, false).arrayLength(1, true).int8(8).arrayLength(null, true);
    const b = w.finish();
    expect(hex(b.subarray(0, 8))).toBe('0006' + Buffer.from('héllo').toString('hex'));
    const r = new Reader(b);
    expect(r.string()).toBe('héllo');
    expect(r.nullableString()).toBeNull();
    expect(r.compactString()).toBe('ab');
    expect(r.compactNullableString()).toBeNull();
    expect(r.compactString()).toBe('');
    expect([...r.bytes()]).toEqual([1, 2]);
    expect(r.nullableBytes()).toBeNull();
    expect([...r.compactBytes()]).toEqual([3]);
    expect(r.compactNullableBytes()).toBeNull();
    expect(r.arrayLength(false)).toBe(1);
    expect(r.int8()).toBe(9);
    expect(r.arrayLength(false)).toBeNull();
    expect(r.arrayLength(true)).toBe(1);
    expect(r.int8()).toBe(8);
    expect(r.arrayLength(true)).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('uuids use Kafka base64 text form and 16 raw bytes', () => {
    const raw = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const text = raw.toString('base64url');
    expect(text).toHaveLength(22);
    const w = new Writer();
    w.uuid(text).uuid(null);
    const out = w.finish();
    expect(hex(out.subarray(0, 16))).toBe(hex(raw));
    expect(new Reader(out).uuid()).toBe(text);
    expect(new Reader(out, 16).uuid()).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('rejects lengths past the end and hostile array counts without allocating', () => {
    expect(() => new Reader(Buffer.from('0005616263', 'hex')).string()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('7fffffff00', 'hex')).bytes()).toThrow(/runs past the end/);
    expect(() => new Reader(Buffer.from('7fffffff', 'hex')).arrayLength(false)).toThrow(/only 0 bytes left/);
    expect(() => new Reader(Buffer.from('ffffffff0f', 'hex')).arrayLength(true)).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('fffe', 'hex')).nullableString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.from('ffff', 'hex')).string()).toThrow(/non-nullable/);
    expect(() => new Reader(Buffer.from('00', 'hex')).compactString()).toThrow(ProtocolDecodeError);
    expect(() => new Reader(Buffer.alloc(3)).int32()).toThrow(KafkaTsError);
    expect(() => new Writer().string('x'.repeat(40000))).toThrow(ProtocolEncodeError);
  });

  it('tagged-field sections are skipped, including unknown tags', () => {
    const w = new Writer();
    w.uvarint(2).uvarint(0).uvarint(3).raw(Buffer.from('abcdef', 'hex')).uvarint(7).uvarint(0).int8(42);
    const r = new Reader(w.finish());
    r.skipTaggedFields();
    expect(r.int8()).toBe(42);
    const bad = new Writer();
    bad.uvarint(1).uvarint(0).uvarint(100);
    expect(() => new Reader(bad.finish()).skipTaggedFields()).toThrow(ProtocolDecodeError);
  });

  it('writer grows from a tiny buffer', () => {
    const w = new Writer(1);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const r = new Reader(w.finish());
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i);
  });
});

describe('zero-copy writer', () => {
  it('keeps large runs by reference, survives an exactly full buffer, and fills the size prefix', () => {
    const big = Buffer.alloc(8192, 5);
    const w = new Writer(8, true);
    w.int32(0).int32(7); // own buffer now exactly full (8 of 8 bytes)
    w.raw(big); // pushes the full own buffer, leaving an empty one behind
    w.int16(3).raw(Buffer.from([1, 2])); // must grow from an empty buffer
    w.patchSizePrefix();
    expect(w.length).toBe(8 + 8192 + 4);
    const chunks = w.finishChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    const all = Buffer.concat(chunks);
    expect(all.readInt32BE(0)).toBe(all.length - 4);
    expect(all.readInt32BE(4)).toBe(7);
    expect(all.subarray(8 + 8192).toString('hex')).toBe('00030102');
  });

  it('copies runs below the threshold, and copies everything without zero-copy mode', () => {
    const small = Buffer.alloc(100, 1);
    const w = new Writer(16, true);
    w.raw(small);
    expect(w.finishChunks()).toHaveLength(1);
    const plain = new Writer(16);
    plain.int32(0).raw(Buffer.alloc(10_000, 2)).patchSizePrefix();
    const out = plain.finish();
    expect(out.readInt32BE(0)).toBe(10_000);
    expect(plain.finishChunks()).toHaveLength(1);
  });
});
