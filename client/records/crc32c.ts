/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of record batch v2: it covers
 * the bytes from the attributes field to the end of the batch (Kafka's `DefaultRecordBatch.computeChecksum`,
 * `org.apache.kafka.common.utils.Crc32C`). Backed by `@node-rs/crc32` (a napi-rs build shipped as a
 * prebuilt package on the npm registry, about 5 GB/s on 16 KiB here).
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC-32C of `buf[start, end)` as an unsigned 32-bit number.
 * @param buf bytes
 * @param start first byte (default 0)
 * @param end exclusive end (default `buf.length`)
 * @param initial running CRC to continue from (default 0, a fresh CRC)
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return nativeCrc32c(view, initial) >>> 0;
}
