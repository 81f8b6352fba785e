/**
 * xxHash32 (seed 0 by default), used only for the LZ4 frame header checksum ("HC" byte, a hash of the
 * 2-10 byte frame descriptor). Not a codec and not a checksum of data: lz4-napi (compression/lz4.ts)
 * does the LZ4 work and verifies the HC itself. lz4.ts needs this hash to recognise KAFKA-1493's
 * "broken" HC of magic 0 messages (computed over magic + descriptor) and patch in the correct byte
 * before handing such a frame to lz4-napi, and to recompute the HC when it copies a frame without its
 * block checksums. That is a one-byte header-checksum fix-up, not a codec, so it stays our own code
 * (checked against the spec's test vectors in test/records/compression.test.ts).
 * Source: the xxHash specification (`doc/xxhash_spec.md` of Cyan4973/xxHash), as the LZ4 frame format
 * references it.
 */
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function round(acc: number, lane: number): number {
  acc = (acc + Math.imul(lane, P2)) | 0;
  acc = rotl(acc, 13);
  return Math.imul(acc, P1);
}

function readU32LE(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** xxHash32 of `buf[start, end)`, unsigned 32-bit. */
export function xxhash32(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  const len = end - start;
  let i = start;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const limit = end - 16;
    while (i <= limit) {
      v1 = round(v1, readU32LE(buf, i));
      v2 = round(v2, readU32LE(buf, i + 4));
      v3 = round(v3, readU32LE(buf, i + 8));
      v4 = round(v4, readU32LE(buf, i + 12));
      i += 16;
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + len) | 0;
  while (i + 4 <= end) {
    h = (h + Math.imul(readU32LE(buf, i), P3)) | 0;
    h = Math.imul(rotl(h, 17), P4);
    i += 4;
  }
  while (i < end) {
    h = (h + Math.imul(buf[i]!, P5)) | 0;
    h = Math.imul(rotl(h, 11), P1);
    i++;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}
