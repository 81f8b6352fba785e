/**
 * Key handling for pair operations (`[key, value]` tuples). JavaScript `Map`s compare objects by
 * reference; Spark compares keys with `equals`/`hashCode`. `keyId` gives a value-based identity:
 * primitives stand for themselves, arrays and plain objects are compared by their JSON text.
 * `partitionOf` is Spark's `HashPartitioner` on that identity.
 */

/** A Map key that is equal for equal keys (strings, numbers, booleans, null, JSON-able values). */
export function keyId(key: unknown): unknown {
  if (key === null || key === undefined) return key;
  const t = typeof key;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint') return key;
  return `\u0000json:${JSON.stringify(key)}`;
}

/** A stable 32-bit hash of a key (FNV-1a on its string form). */
export function keyHash(key: unknown): number {
  const s = typeof key === 'string' ? key : key === undefined ? 'undefined' : JSON.stringify(key) ?? String(key);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Spark's `HashPartitioner(n).getPartition(key)`: a partition index in [0, n). */
export function partitionOf(key: unknown, numPartitions: number): number {
  return numPartitions <= 1 ? 0 : keyHash(key) % numPartitions;
}

/** A Map from keys (by value, see keyId) to entries that keep the original key. */
export class KeyedMap<K, V> {
  private readonly map = new Map<unknown, [K, V]>();
  get size(): number {
    return this.map.size;
  }
  get(key: K): V | undefined {
    return this.map.get(keyId(key))?.[1];
  }
  has(key: K): boolean {
    return this.map.has(keyId(key));
  }
  set(key: K, value: V): void {
    const id = keyId(key);
    const e = this.map.get(id);
    if (e) e[1] = value;
    else this.map.set(id, [key, value]);
  }
  delete(key: K): boolean {
    return this.map.delete(keyId(key));
  }
  /** Entries in insertion order (first time a key was set). */
  entries(): IterableIterator<[K, V]> {
    return this.map.values();
  }
}
