/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of legacy magic 0/1 messages; it
 * covers magic..end of the message (Kafka's `LegacyRecord.computeChecksum`, `java.util.zip.CRC32`).
 * Uses node:zlib's `crc32` (Node >= 20.15) and falls back to a 256-entry table otherwise.
 */
import * as zlib from 'node:zlib';

type Crc32Fn = (data: Uint8Array, value?: number) => number;
const native: Crc32Fn | undefined = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

let table: Uint32Array | undefined;
function tableCrc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE) of `buf[start, end)` as an unsigned 32-bit number. */
export function crc32(buf: Uint8Array, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return native ? native(view) >>> 0 : tableCrc32(view);
}

/** The pure-JS table implementation (exported for tests). */
export const crc32Table = (buf: Uint8Array): number => tableCrc32(buf);
