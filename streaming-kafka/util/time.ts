/**
 * Spark's `Duration`/`Time` in this port are plain numbers of milliseconds. This module holds the
 * few helpers Spark has on them: the `"<n> ms"` rendering used in every message
 * (`Duration.toString`), `isMultipleOf`, and `Time.until` (the down-time batch list of a restart).
 */

/** Spark's `Duration.toString` / `Time.toString`: `"10000 ms"`. */
export function fmtMs(ms: number): string {
  return `${ms} ms`;
}

/** Spark's `Duration.isMultipleOf(that)`: `a % b == 0` (in ms). */
export function isMultipleOf(aMs: number, bMs: number): boolean {
  return bMs !== 0 && aMs % bMs === 0;
}

/**
 * Spark's `Time.until(that, interval)`: `from, from + interval, ...` strictly below `untilMs`.
 */
export function timesUntil(fromMs: number, untilMs: number, intervalMs: number): number[] {
  const out: number[] = [];
  for (let t = fromMs; t < untilMs; t += intervalMs) out.push(t);
  return out;
}

/** Spark's `Time.to(that, interval)`: inclusive of `toMs` when aligned. */
export function timesTo(fromMs: number, toMs: number, intervalMs: number): number[] {
  const out: number[] = [];
  for (let t = fromMs; t <= toMs; t += intervalMs) out.push(t);
  return out;
}
