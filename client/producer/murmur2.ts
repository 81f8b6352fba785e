/**
 * The Java client's murmur2 hash (`org.apache.kafka.common.utils.Utils.murmur2`, seed 0x9747b28c),
 * via the `murmurhash` package's MurmurHash2, and `toPositive` (`Utils.toPositive`).
 */
import murmurhash from 'murmurhash';

/** Seed of Kafka's murmur2. */
export const MURMUR2_SEED = 0x9747b28c;

/** Kafka's murmur2 of `data` as Java's signed 32-bit int (e.g. murmur2("21") = -973932308). */
export function murmur2(data: Uint8Array | string): number {
  return murmurhash.v2(typeof data === 'string' ? Buffer.from(data) : data, MURMUR2_SEED) | 0;
}

/** Java's `Utils.toPositive`: `n & 0x7fffffff` (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}
