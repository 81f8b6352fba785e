/** Minimal declarations for `sse4_crc32` 7.x (the package ships none). */
declare module 'sse4_crc32' {
  /** CRC-32C of `input`, continuing from `initialCrc` (default 0). */
  export function calculate(input: Buffer | string, initialCrc?: number): number;
  const sse4: { calculate: typeof calculate; hardware_support?: boolean };
  export default sse4;
}
