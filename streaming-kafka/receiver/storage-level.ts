/**
 * Spark's `StorageLevel` (core/storage/StorageLevel.scala) by name. In this one-process port every
 * received block is kept in memory as the JavaScript array the receiver stored (no eviction, no
 * disk tier, no replica): the level only matters for the write-ahead log handler, which reproduces
 * Spark's warnings and "effective storage level" (serialized, replication 1).
 */

/** Spark's storage level names. */
export type StorageLevel =
  | 'NONE'
  | 'DISK_ONLY'
  | 'DISK_ONLY_2'
  | 'DISK_ONLY_3'
  | 'MEMORY_ONLY'
  | 'MEMORY_ONLY_2'
  | 'MEMORY_ONLY_SER'
  | 'MEMORY_ONLY_SER_2'
  | 'MEMORY_AND_DISK'
  | 'MEMORY_AND_DISK_2'
  | 'MEMORY_AND_DISK_SER'
  | 'MEMORY_AND_DISK_SER_2'
  | 'OFF_HEAP';

/** The flags of a storage level (Spark's constructor arguments). */
export interface StorageLevelFlags {
  useDisk: boolean;
  useMemory: boolean;
  useOffHeap: boolean;
  deserialized: boolean;
  replication: number;
}

const FLAGS: Record<StorageLevel, StorageLevelFlags> = {
  NONE: { useDisk: false, useMemory: false, useOffHeap: false, deserialized: false, replication: 1 },
  DISK_ONLY: { useDisk: true, useMemory: false, useOffHeap: false, deserialized: false, replication: 1 },
  DISK_ONLY_2: { useDisk: true, useMemory: false, useOffHeap: false, deserialized: false, replication: 2 },
  DISK_ONLY_3: { useDisk: true, useMemory: false, useOffHeap: false, deserialized: false, replication: 3 },
  MEMORY_ONLY: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: true, replication: 1 },
  MEMORY_ONLY_2: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: true, replication: 2 },
  MEMORY_ONLY_SER: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: false, replication: 1 },
  MEMORY_ONLY_SER_2: { useDisk: false, useMemory: true, useOffHeap: false, deserialized: false, replication: 2 },
  MEMORY_AND_DISK: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: true, replication: 1 },
  MEMORY_AND_DISK_2: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: true, replication: 2 },
  MEMORY_AND_DISK_SER: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: false, replication: 1 },
  MEMORY_AND_DISK_SER_2: { useDisk: true, useMemory: true, useOffHeap: false, deserialized: false, replication: 2 },
  OFF_HEAP: { useDisk: true, useMemory: true, useOffHeap: true, deserialized: false, replication: 1 },
};

/** The default storage level of a Receiver (Spark's KafkaUtils.createStream default). */
export const DEFAULT_RECEIVER_STORAGE_LEVEL: StorageLevel = 'MEMORY_AND_DISK_SER_2';

/** Flags of a named level. */
export function storageLevelFlags(level: StorageLevel): StorageLevelFlags {
  return { ...FLAGS[level] };
}

/** True when `x` is one of Spark's level names. */
export function isStorageLevel(x: unknown): x is StorageLevel {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(FLAGS, x);
}

/** Spark's `StorageLevel.toString`, e.g. `StorageLevel(disk, memory, 2 replicas)`. */
export function describeStorageLevel(level: StorageLevel | StorageLevelFlags): string {
  const f = typeof level === 'string' ? FLAGS[level] : level;
  const parts = [f.useDisk ? 'disk' : '', f.useMemory ? 'memory' : '', f.useOffHeap ? 'offheap' : '', f.deserialized ? 'deserialized' : '', `${f.replication} replicas`].filter((p) => p !== '');
  return `StorageLevel(${parts.join(', ')})`;
}

/** The level name with these flags (undefined when Spark has no name for them). */
export function storageLevelOf(flags: StorageLevelFlags): StorageLevel | undefined {
  for (const [name, f] of Object.entries(FLAGS) as [StorageLevel, StorageLevelFlags][]) {
    if (f.useDisk === flags.useDisk && f.useMemory === flags.useMemory && f.useOffHeap === flags.useOffHeap && f.deserialized === flags.deserialized && f.replication === flags.replication) return name;
  }
  return undefined;
}

/**
 * Spark's WriteAheadLogBasedBlockHandler.effectiveStorageLevel: the same disk/memory/off-heap
 * flags, serialized, replication 1; with Spark's warnings (returned, to be logged):
 * "Storage level serialization true is not supported when write ahead log is enabled, change to serialization false",
 * "Storage level replication <n> is unnecessary when write ahead log is enabled, change to replication 1",
 * "User defined storage level <level> is changed to effective storage level <level> when write ahead log is enabled".
 */
export function effectiveStorageLevelWithWal(level: StorageLevel): { flags: StorageLevelFlags; name: StorageLevel | undefined; warnings: string[] } {
  const f = FLAGS[level];
  const warnings: string[] = [];
  if (f.deserialized) warnings.push(`Storage level serialization ${f.deserialized} is not supported when write ahead log is enabled, change to serialization false`);
  if (f.replication > 1) warnings.push(`Storage level replication ${f.replication} is unnecessary when write ahead log is enabled, change to replication 1`);
  const eff: StorageLevelFlags = { ...f, deserialized: false, replication: 1 };
  if (eff.deserialized !== f.deserialized || eff.replication !== f.replication) {
    warnings.push(`User defined storage level ${describeStorageLevel(f)} is changed to effective storage level ${describeStorageLevel(eff)} when write ahead log is enabled`);
  }
  return { flags: eff, name: storageLevelOf(eff), warnings };
}
