/**
 * Timers: named one-shot timers (setTimeout, unref'd so they never keep the process alive), at most one
 * per name; setting a name again replaces its timer. The group coordinator's stand-in for Kafka's
 * `DelayedOperationPurgatory` (DelayedHeartbeat, DelayedJoin, InitialDelayedJoin, DelayedSync): the
 * "try to complete now" half of a delayed operation is a direct call in the coordinator, the expiry half
 * is a timer here. `clearAll` runs at shutdown.
 */
export class Timers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Run `fn` after `delayMs` (ms, clamped to ≥ 0) unless cleared or replaced first. */
  set(name: string, delayMs: number, fn: () => void): void {
    this.clear(name);
    const t = setTimeout(() => {
      if (this.timers.get(name) === t) this.timers.delete(name);
      fn();
    }, Math.max(0, Math.min(delayMs, 2_147_483_647)));
    t.unref();
    this.timers.set(name, t);
  }

  /** Cancel the timer `name` (no-op when none). Returns whether one was pending. */
  clear(name: string): boolean {
    const t = this.timers.get(name);
    if (!t) return false;
    clearTimeout(t);
    this.timers.delete(name);
    return true;
  }

  /** Whether timer `name` is pending. */
  has(name: string): boolean {
    return this.timers.has(name);
  }

  /** Cancel every timer whose name starts with `prefix`. */
  clearPrefix(prefix: string): void {
    for (const name of [...this.timers.keys()]) if (name.startsWith(prefix)) this.clear(name);
  }

  /** Cancel every timer. */
  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Number of pending timers. */
  get size(): number {
    return this.timers.size;
  }
}
