import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  compress,
  compressSync,
  decompress,
  decompressSync,
  isXerialFramed,
  lz4CompressSync,
  lz4DecompressSync,
  snappyCompressSync,
  snappyDecompressSync,
  xxhash32,
  zstdDecompress,
  zstdDecompressedBound,
  XERIAL_MAGIC,
} from '../../client/records/compression/index.js';
import { crc32 } from '../../client/records/crc32.js';

/** Reference CRC-32 (IEEE), byte-table form, to check node:zlib's against. */
function crc32Table(data: Uint8Array): number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
import { crc32c } from '../../client/records/crc32c.js';
import { SyncCodecUnavailableError } from '../../client/records/index.js';
import { expectCorrupt, prng } from './helpers.js';

const require = createRequire(import.meta.url);
const npmLz4 = require('lz4') as { encode(b: Buffer, o?: object): Buffer; decode(b: Buffer): Buffer };
// kafkajs-snappy compresses with snappyjs (pure JS): raw snappy from an independent implementation.
const kafkajsSnappy = (require('kafkajs-snappy') as () => { compress(e: { buffer: Buffer }): Promise<Buffer> })();

function hasCli(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function text(n: number, seed = 1): Buffer {
  const rnd = prng(seed);
  const words = ['kafka', 'record', 'batch', 'offset', 'broker', 'topic', 'partition', 'lz4', 'zstd', 'snappy'];
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    const w = words[Math.floor(rnd() * words.length)]! + (rnd() < 0.2 ? String(Math.floor(rnd() * 1000)) : '') + ' ';
    parts.push(w);
    len += w.length;
  }
  return Buffer.from(parts.join('').slice(0, n));
}

const MAX = 64 * 1024 * 1024;

/** Add a content-size field to an LZ4 frame that has none (and fix the header checksum). */
function withContentSize(frame: Buffer, size: number): Buffer {
  const out = Buffer.alloc(frame.length + 8);
  frame.copy(out, 0, 0, 6);
  out[4] = out[4]! | 0x08;
  out.writeUInt32LE(size % 2 ** 32, 6);
  out.writeUInt32LE(Math.floor(size / 2 ** 32), 10);
  out[14] = (xxhash32(out, 4, 14) >>> 8) & 0xff;
  frame.copy(out, 15, 7);
  return out;
}

describe('checksums', () => {
  it('crc32c("123456789") = 0xE3069283', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const b = Buffer.from('xx123456789yy');
    expect(crc32c(b, 2, 11)).toBe(0xe3069283);
  });
  it('crc32 (IEEE) = 0xCBF43926 for "123456789", node:zlib agrees with a reference table', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
    const r = text(10_000);
    expect(crc32Table(r)).toBe(crc32(r));
  });
  it('xxhash32 vectors', () => {
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });
});

describe('codec round trips', () => {
  for (const codec of [0, 1, 2, 3] as const) {
    it(`codec ${codec} sync and async`, async () => {
      for (const size of [0, 1, 100, 40_000, 300_000]) {
        const data = text(size, size);
        const c = compressSync(codec, data);
        expect(decompressSync(codec, c, MAX).equals(data)).toBe(true);
        const c2 = await compress(codec, data);
        expect((await decompress(codec, c2, MAX)).equals(data)).toBe(true);
      }
    });
  }
  it('zstd async only', async () => {
    const data = text(200_000);
    const c = await compress(4, data);
    expect((await decompress(4, c, MAX)).equals(data)).toBe(true);
    expect(() => compressSync(4, data)).toThrow(SyncCodecUnavailableError);
    expect(() => decompressSync(4, c, MAX)).toThrow(SyncCodecUnavailableError);
  });
  it('codec ids 5-7 are UNSUPPORTED_COMPRESSION_TYPE', async () => {
    for (const id of [5, 6, 7]) {
      await expectCorrupt(() => decompressSync(id, Buffer.alloc(4), MAX), 'UNSUPPORTED_COMPRESSION_TYPE');
      await expectCorrupt(() => decompress(id, Buffer.alloc(4), MAX), 'UNSUPPORTED_COMPRESSION_TYPE');
    }
  });
});

describe('snappy framing', () => {
  it('writes xerial framing by default (Java SnappyOutputStream layout, 32 KiB blocks)', () => {
    const data = text(100_000);
    const c = snappyCompressSync(data);
    expect(c.subarray(0, 8).equals(XERIAL_MAGIC)).toBe(true);
    expect(c.readInt32BE(8)).toBe(1);
    expect(c.readInt32BE(12)).toBe(1);
    let pos = 16;
    let blocks = 0;
    while (pos < c.length) {
      pos += 4 + c.readInt32BE(pos);
      blocks++;
    }
    expect(pos).toBe(c.length);
    expect(blocks).toBe(4);
    expect(snappyDecompressSync(c, MAX).equals(data)).toBe(true);
  });
  it('reads raw snappy (librdkafka) and raw from another implementation (snappyjs)', async () => {
    const data = text(50_000);
    const raw = snappyCompressSync(data, 'raw');
    expect(isXerialFramed(raw)).toBe(false);
    expect(snappyDecompressSync(raw, MAX).equals(data)).toBe(true);
    expect(snappyDecompressSync(await kafkajsSnappy.compress({ buffer: data }), MAX).equals(data)).toBe(true);
  });
  it('refuses a declared length over the limit before allocating (zip-bomb guard)', async () => {
    const bomb = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    await expectCorrupt(() => snappyDecompressSync(bomb, MAX), 'MESSAGE_TOO_LARGE');
    const data = Buffer.alloc(1_000_000);
    const c = snappyCompressSync(data);
    await expectCorrupt(() => snappyDecompressSync(c, 999_999), 'MESSAGE_TOO_LARGE');
    expect(snappyDecompressSync(c, 1_000_000).length).toBe(1_000_000);
  });
  it('bad xerial framing is CORRUPT_MESSAGE', async () => {
    const c = snappyCompressSync(text(1000));
    await expectCorrupt(() => snappyDecompressSync(c.subarray(0, c.length - 3), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => snappyDecompressSync(Buffer.concat([c, Buffer.from([0, 0])]), MAX), 'CORRUPT_MESSAGE');
    const lying = Buffer.from(c);
    lying[20] = (lying[20]! + 1) & 0x7f; // first preamble byte of the first block: declared length changes
    await expectCorrupt(() => snappyDecompressSync(lying, MAX), 'CORRUPT_MESSAGE');
  });
});

describe('lz4 frames', () => {
  const data = text(600_000, 7);
  it('lz4-napi output: independent blocks, no content size, no checksums; read by npm lz4', () => {
    const c = lz4CompressSync(data);
    expect(c.readUInt32LE(0)).toBe(0x184d2204);
    expect(c[4]! & 0x20).toBe(0x20); // block independence
    expect(c[4]! & 0x08).toBe(0); // no content size
    expect(npmLz4.decode(c).equals(data)).toBe(true);
  });
  it('decodes npm lz4 frames: 4 MiB blocks, content checksum, block checksums, content size, 64 KiB blocks', () => {
    // (npm lz4's own streamSize option is broken in 0.6.5; content sizes are covered below)
    for (const opts of [{}, { blockChecksum: true }, { blockMaxSize: 64 << 10 }, { blockMaxSize: 256 << 10, streamChecksum: false }]) {
      const c = npmLz4.encode(data, opts);
      expect(lz4DecompressSync(c, MAX).equals(data), JSON.stringify(opts)).toBe(true);
    }
  });
  it('decodes lz4 CLI frames, linked blocks and uncompressible data included', () => {
    expect(hasCli('lz4'), 'the lz4 CLI (Debian package lz4, installed by .ci/run)').toBe(true);
    const random = Buffer.alloc(200_000);
    const rnd = prng(3);
    for (let i = 0; i < random.length; i++) random[i] = Math.floor(rnd() * 256);
    for (const input of [data, random, Buffer.concat([data.subarray(0, 100_000), random.subarray(0, 70_000), data.subarray(0, 100_000)])]) {
      for (const args of [['-B4', '-BD'], ['-B4', '-BX', '--content-size'], ['-B5'], ['-B7', '-9']]) {
        const c = execFileSync('lz4', ['-q', '-c', ...args], { input });
        expect(lz4DecompressSync(c, MAX).equals(input), args.join(' ')).toBe(true);
      }
    }
  });
  it('KAFKA-1493: the pre-KIP-57 header checksum is accepted only for magic 0 (legacyLz4Checksum)', async () => {
    const c = Buffer.from(lz4CompressSync(data.subarray(0, 5000)));
    // descriptor = FLG BD (no content size): HC at byte 6; broken HC = xxh32 over magic + descriptor
    c[6] = (xxhash32(c, 0, 6) >>> 8) & 0xff;
    expect(c[6]).not.toBe((xxhash32(c, 4, 6) >>> 8) & 0xff);
    await expectCorrupt(() => lz4DecompressSync(c, MAX), 'CORRUPT_MESSAGE');
    expect(lz4DecompressSync(c, MAX, true).equals(data.subarray(0, 5000))).toBe(true);
    expect(decompressSync(3, c, MAX, { legacyLz4Checksum: true }).length).toBe(5000);
  });
  it('zip-bomb guard: output never grows past the limit', async () => {
    const zeros = Buffer.alloc(20_000_000);
    const c = lz4CompressSync(zeros);
    expect(c.length).toBeLessThan(200_000);
    await expectCorrupt(() => lz4DecompressSync(c, 1_000_000), 'MESSAGE_TOO_LARGE');
    expect(lz4DecompressSync(c, 20_000_000).length).toBe(20_000_000);
    const withSize = withContentSize(lz4CompressSync(Buffer.alloc(2_000_000)), 2_000_000);
    expect(lz4DecompressSync(withSize, MAX).length).toBe(2_000_000);
    await expectCorrupt(() => lz4DecompressSync(withSize, 1_000_000), 'MESSAGE_TOO_LARGE');
    await expectCorrupt(() => lz4DecompressSync(withContentSize(lz4CompressSync(Buffer.alloc(100)), 2 ** 40), MAX), 'MESSAGE_TOO_LARGE');
    await expectCorrupt(() => lz4DecompressSync(withContentSize(lz4CompressSync(Buffer.alloc(100)), 99), MAX), 'CORRUPT_MESSAGE');
  });
  it('malformed frames are CORRUPT_MESSAGE', async () => {
    const c = lz4CompressSync(data.subarray(0, 100_000));
    await expectCorrupt(() => lz4DecompressSync(c.subarray(0, c.length - 2), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(Buffer.from([1, 2, 3, 4, 5, 6, 7]), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(Buffer.alloc(0), MAX), 'CORRUPT_MESSAGE');
    const badOffset = Buffer.from(c);
    badOffset[11] = 0x00; // first token: 0 literals, then a match at the start of the block
    badOffset[12] = 0x05;
    await expectCorrupt(() => lz4DecompressSync(badOffset, MAX), 'CORRUPT_MESSAGE');
  });
  it('lz4-napi errors are CORRUPT_MESSAGE with the native error as cause, sync and async', async () => {
    const c = lz4CompressSync(data.subarray(0, 100_000));
    const badOffset = Buffer.from(c);
    badOffset[11] = 0x00;
    badOffset[12] = 0x05;
    expect((await expectCorrupt(() => lz4DecompressSync(badOffset, MAX), 'CORRUPT_MESSAGE')).cause).toBeInstanceOf(Error);
    expect(badOffset.length).toBeGreaterThanOrEqual(16 * 1024); // the async path uses the threadpool
    expect((await expectCorrupt(() => decompress(3, badOffset, MAX), 'CORRUPT_MESSAGE')).cause).toBeInstanceOf(Error);
  });
  it('concatenated frames and skippable frames anywhere (lz4-napi alone decodes only the first frame)', async () => {
    const a = lz4CompressSync(data.subarray(0, 100_000));
    const b = execFileSync('lz4', ['-q', '-c', '-B4', '-BD', '--content-size'], { input: data.subarray(100_000, 300_000) });
    const skip = Buffer.alloc(13);
    skip.writeUInt32LE(0x184d2a5f, 0);
    skip.writeUInt32LE(5, 4);
    const all = Buffer.concat([skip, a, skip, b, skip]);
    expect(lz4DecompressSync(all, MAX).equals(data.subarray(0, 300_000))).toBe(true);
    expect((await decompress(3, all, MAX)).equals(data.subarray(0, 300_000))).toBe(true);
    expect(lz4DecompressSync(Buffer.concat([a, a]), MAX).equals(Buffer.concat([data.subarray(0, 100_000), data.subarray(0, 100_000)]))).toBe(true);
    // the limit applies to the sum of the frames, exactly
    expect(lz4DecompressSync(Buffer.concat([a, b]), 300_000).length).toBe(300_000);
    await expectCorrupt(() => lz4DecompressSync(Buffer.concat([a, b]), 299_999), 'MESSAGE_TOO_LARGE');
    await expectCorrupt(() => decompress(3, Buffer.concat([a, b]), 299_999), 'MESSAGE_TOO_LARGE');
    // whatever follows the last frame must be a frame
    await expectCorrupt(() => lz4DecompressSync(Buffer.concat([a, Buffer.from('garbage!')]), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(Buffer.concat([a, Buffer.from([0, 0])]), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(Buffer.concat([a, b.subarray(0, b.length - 1)]), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(skip, MAX), 'CORRUPT_MESSAGE');
    // the legacy frame format (magic 0x184C2102) is not Kafka's: refused
    const legacyFormat = execFileSync('lz4', ['-q', '-c', '-l'], { input: data.subarray(0, 1000) });
    expect(legacyFormat.readUInt32LE(0)).toBe(0x184c2102);
    await expectCorrupt(() => lz4DecompressSync(legacyFormat, MAX), 'CORRUPT_MESSAGE');
  });
  it('block checksums are not verified (npm lz4 0.6.5 writes wrong ones), the content checksum is', async () => {
    const input = data.subarray(0, 200_000);
    const c = execFileSync('lz4', ['-q', '-c', '-B4', '-BX'], { input }); // block and content checksums
    expect(c[4]! & 0x14).toBe(0x14);
    const badBlockSum = Buffer.from(c);
    const first = badBlockSum.readUInt32LE(7) & 0x7fffffff;
    badBlockSum[11 + first] ^= 0xff; // first block's checksum
    expect(lz4DecompressSync(badBlockSum, MAX).equals(input)).toBe(true);
    expect((await decompress(3, badBlockSum, MAX)).equals(input)).toBe(true);
    const badContentSum = Buffer.from(c);
    badContentSum[badContentSum.length - 1] ^= 0xff;
    await expectCorrupt(() => lz4DecompressSync(badContentSum, MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => decompress(3, badContentSum, MAX), 'CORRUPT_MESSAGE');
  });
  it('KAFKA-1493 patch-up works with block checksums, several frames and the async path', async () => {
    const broken = (frame: Buffer): Buffer => {
      const f = Buffer.from(frame);
      const hc = f[4]! & 0x08 ? 14 : 6;
      f[hc] = (xxhash32(f, 0, hc) >>> 8) & 0xff;
      return f;
    };
    const input = data.subarray(0, 200_000);
    const x = broken(execFileSync('lz4', ['-q', '-c', '-B4', '-BX', '--content-size'], { input }));
    const y = broken(lz4CompressSync(input));
    const both = Buffer.concat([x, y]);
    await expectCorrupt(() => lz4DecompressSync(both, MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => decompress(3, both, MAX), 'CORRUPT_MESSAGE');
    expect(lz4DecompressSync(both, MAX, true).equals(Buffer.concat([input, input]))).toBe(true);
    expect((await decompress(3, both, MAX, { legacyLz4Checksum: true })).equals(Buffer.concat([input, input]))).toBe(true);
    expect(x.readUInt32LE(0)).toBe(0x184d2204); // the input is not modified
    expect(lz4DecompressSync(x, MAX, true).equals(input)).toBe(true);
  });
  it('a block decoding past its maximum block size is CORRUPT_MESSAGE, or MESSAGE_TOO_LARGE when the limit is tighter', async () => {
    // one block in a 64 KiB-block frame: literal 'a', then a match of 69,999 bytes at offset 1, then 5 literals
    const seq = [0x1f, 0x61, 0x01, 0x00];
    let ml = 69_999 - 4 - 15;
    for (; ml >= 255; ml -= 255) seq.push(255);
    seq.push(ml, 0x50, 1, 2, 3, 4, 5);
    const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0]);
    header[6] = (xxhash32(header, 4, 6) >>> 8) & 0xff;
    const size = Buffer.alloc(4);
    size.writeUInt32LE(seq.length);
    const frame = Buffer.concat([header, size, Buffer.from(seq), Buffer.alloc(4)]);
    await expectCorrupt(() => lz4DecompressSync(frame, MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(frame, 200_000), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => lz4DecompressSync(frame, 60_000), 'MESSAGE_TOO_LARGE');
  });
  it('size guard before decoding: a declared content size does not lower the bound (lz4-napi checks it only at the end)', async () => {
    const lying = withContentSize(lz4CompressSync(Buffer.alloc(20_000_000)), 10);
    await expectCorrupt(() => lz4DecompressSync(lying, 1_000_000), 'MESSAGE_TOO_LARGE');
    await expectCorrupt(() => decompress(3, lying, 1_000_000), 'MESSAGE_TOO_LARGE');
    await expectCorrupt(() => lz4DecompressSync(lying, MAX), 'CORRUPT_MESSAGE');
    const zeros = lz4CompressSync(Buffer.alloc(20_000_000));
    expect((await decompress(3, zeros, 20_000_000)).length).toBe(20_000_000);
    await expectCorrupt(() => decompress(3, zeros, 19_999_999), 'MESSAGE_TOO_LARGE');
  });
});

describe('zstd', () => {
  // Made with the zstd 1.5.4 CLI: `zstd --no-content-size -19` (frame header without Frame_Content_Size,
  // as streaming compressors such as zstd-jni write it), input = 300 lines "record N of a zstd stream without content size; ".
  const NO_CONTENT_SIZE = Buffer.from('KLUv/QQg7Q0ARp9FF5ApbbCFrtSFob7/zPTT7u7eKaVQd4MQRwA9ADsAdDKVCuXxd3ud/vt9eRp9NpfJt10XZ7FXa5X6um3iWdHdGcDRMCgmQRwJAhFMskAKiYExh8CRSBQzSBSNCQwBmTKDBCI4EgFt4lnR3VKaiXlpWUn5dDZLJiIeGhYSHo3Fgnl4d3Z1dD9fr1wa2plZGdnNViuWhXVlVUX1crVKJSEdGRVRd0udeFZ0txQnnhXd2WwTz4ruFmziWdHdck08K7pbrIlnRXdLNfGs6G6hJp4V3S1v4lnR3eImnhXdLQHj8Xg8Ho/H4/F4PB6Px+PxeDwej8fj8dgt58SzorvFnHhWdLeUE8+K7hZy4lnR3XInnhXdLXbiWVGBLKgRQGr3/w3RKy1zElAQ+P9/BAH+dLvdbrdvt9vtdncbw8WBiFolJQjWZqkoLCmzKGpLmiBYy1JxWFKyUKwtKUGwLUupQlFwUMuiBMFaNiqGJSUbRW1JCQZrWSqGS4osirolJQjWZqkYljRZBK0RAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAEfQnOREAIBxNhwn4q1Str3c=', 'base64');
  const expected = Buffer.from(Array.from({ length: 300 }, (_, i) => `record ${i} of a zstd stream without content size; `).join(''));

  it('decompresses a frame without a content size (zstd CLI --no-content-size)', async () => {
    expect(NO_CONTENT_SIZE[4]! & 0xc0).toBe(0); // FCS flag 0
    expect(NO_CONTENT_SIZE[4]! & 0x20).toBe(0); // not single-segment: no FCS byte at all
    expect((await zstdDecompress(NO_CONTENT_SIZE, MAX)).equals(expected)).toBe(true);
  });

  it('decompresses a crafted frame without content size made of raw and RLE blocks', async () => {
    const payload = Buffer.from('hello raw block');
    const frame = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x30]), // magic, FHD 0 (no FCS, no checksum), window 64 KiB
      Buffer.from([(payload.length << 3) | (0 << 1) | 0, 0, 0]), // raw block, not last
      payload,
      Buffer.from([(1000 << 3) & 0xff | (1 << 1) | 1, (1000 << 3) >> 8, 0]), // RLE block of 1000, last
      Buffer.from('z'),
    ]);
    const out = await zstdDecompress(frame, MAX);
    expect(out.equals(Buffer.concat([payload, Buffer.alloc(1000, 'z')]))).toBe(true);
    expect(zstdDecompressedBound(frame, MAX)).toBe(payload.length + 1000);
  });

  it('decompresses zstd CLI streams (piped, multi-frame, checksums)', async () => {
    expect(hasCli('zstd'), 'the zstd CLI (Debian package zstd, installed by .ci/run)').toBe(true);
    const input = text(1_000_000, 9);
    const a = execFileSync('zstd', ['-q', '-c', '--no-content-size', '-3'], { input });
    const b = execFileSync('zstd', ['-q', '-c', '-1', '--no-check'], { input });
    expect((await zstdDecompress(a, MAX)).equals(input)).toBe(true);
    expect((await zstdDecompress(Buffer.concat([a, b]), MAX)).equals(Buffer.concat([input, input]))).toBe(true);
  });

  it('zip-bomb guard: refuses before decompressing', async () => {
    const zeros = Buffer.alloc(50_000_000);
    const c = await compress(4, zeros);
    expect(c.length).toBeLessThan(10_000);
    await expectCorrupt(() => zstdDecompress(c, 10_000_000), 'MESSAGE_TOO_LARGE');
    // an RLE block frame claiming 128 KiB per 4 bytes
    const blocks: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58])];
    for (let i = 0; i < 1000; i++) blocks.push(Buffer.from([((131072 << 3) | (1 << 1) | (i === 999 ? 1 : 0)) & 0xff, ((131072 << 3) >> 8) & 0xff, (131072 << 3) >> 16, 0]));
    await expectCorrupt(() => zstdDecompress(Buffer.concat(blocks), 100_000_000), 'MESSAGE_TOO_LARGE');
  });

  it('malformed frames are CORRUPT_MESSAGE', async () => {
    await expectCorrupt(() => zstdDecompress(NO_CONTENT_SIZE.subarray(0, 100), MAX), 'CORRUPT_MESSAGE');
    await expectCorrupt(() => zstdDecompress(Buffer.from('not zstd at all'), MAX), 'CORRUPT_MESSAGE');
    const bad = Buffer.from(NO_CONTENT_SIZE);
    bad[40] ^= 0xff;
    await expectCorrupt(() => zstdDecompress(bad, MAX), 'CORRUPT_MESSAGE');
  });
});

describe('gzip', () => {
  it('zip-bomb guard via maxOutputLength, sync and async', async () => {
    const c = zlib.gzipSync(Buffer.alloc(30_000_000));
    await expectCorrupt(() => decompressSync(1, c, 1_000_000), 'MESSAGE_TOO_LARGE');
    await expectCorrupt(() => decompress(1, c, 1_000_000), 'MESSAGE_TOO_LARGE');
    expect((await decompress(1, c, 30_000_000)).length).toBe(30_000_000);
  });
  it('bad gzip is CORRUPT_MESSAGE', async () => {
    await expectCorrupt(() => decompressSync(1, Buffer.from('nope'), MAX), 'CORRUPT_MESSAGE');
    const c = zlib.gzipSync(text(100_000));
    await expectCorrupt(() => decompress(1, c.subarray(0, c.length - 10), MAX), 'CORRUPT_MESSAGE');
  });
});
