/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of legacy magic 0/1 messages; it
 * covers magic..end of the message (Kafka's `LegacyRecord.computeChecksum`, `java.util.zip.CRC32`).
 * node:zlib's `crc32` (Node >= 20.15; package.json requires >= 20.19).
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

/** CRC-32 (IEEE) of `buf[start, end)` as an unsigned 32-bit number. */
export function crc32(buf: Uint8Array, start = 0, end = buf.length): number {
  return zlibCrc32(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0;
}
