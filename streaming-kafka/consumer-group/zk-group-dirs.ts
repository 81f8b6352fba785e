/**
 * The ZooKeeper layout of a Kafka 0.8 high-level consumer group (`kafka.utils.ZKGroupDirs`,
 * `ZKGroupTopicDirs`) and the few `kafka.utils.ZkUtils` helpers the connector uses, on a
 * {@link CoordinationStore}:
 *
 * | path | mode | data |
 * |---|---|---|
 * | `/consumers/<group>/ids/<consumerId>` | EPHEMERAL | registration JSON, as Kafka 0.8: `{"version":1,"subscription":{"<topic>":<numThreads>},"pattern":"static","timestamp":"<ms>"}` (see topic-count.ts) |
 * | `/consumers/<group>/owners/<topic>/<partition>` | EPHEMERAL | the owning consumer thread id, `<consumerId>-<n>` |
 * | `/consumers/<group>/offsets/<topic>/<partition>` | PERSISTENT | the offset as a decimal string |
 *
 * **Offset convention: the stored offset is the NEXT offset to read** (one past the last message
 * consumed), Kafka's convention for committed offsets. Spark's ReliableKafkaReceiver (kafka-0-8)
 * wrote the offset of the last stored message instead, which re-delivers one message per partition
 * after each restart; this port deliberately differs. A consumer that finds offset `n` in the node
 * starts reading at `n`.
 *
 * The persistent parents (`/consumers`, `/consumers/<group>`, `.../ids`, `.../owners/<topic>`,
 * `.../offsets/<topic>`) are created on demand by {@link makeSurePersistentPathExists}, which
 * tolerates NodeExists (several consumers create them concurrently).
 * Errors: the store's `KeeperException`s (codes `KTS_ERR_ZK_*`), as noted per function.
 */
import { CreateMode, NodeExistsException, NoNodeException, parentPath, type CoordinationStore } from '../zk/coordination-store.js';

/** Kafka 0.8's `ZkUtils.ConsumersPath`. */
export const CONSUMERS_PATH = '/consumers';

/** Kafka 0.8's `ZKGroupDirs`: the group's directories. */
export class ZKGroupDirs {
  /** `/consumers` */
  readonly consumerDir = CONSUMERS_PATH;
  /** `/consumers/<group>` */
  readonly consumerGroupDir: string;
  /** `/consumers/<group>/ids`: one ephemeral registration node per live consumer. */
  readonly consumerRegistryDir: string;
  /** `/consumers/<group>/offsets` */
  readonly consumerGroupOffsetsDir: string;
  /** `/consumers/<group>/owners` */
  readonly consumerGroupOwnersDir: string;

  constructor(readonly group: string) {
    this.consumerGroupDir = `${this.consumerDir}/${group}`;
    this.consumerRegistryDir = `${this.consumerGroupDir}/ids`;
    this.consumerGroupOffsetsDir = `${this.consumerGroupDir}/offsets`;
    this.consumerGroupOwnersDir = `${this.consumerGroupDir}/owners`;
  }

  /** `/consumers/<group>/ids/<consumerId>` */
  consumerRegistryPath(consumerId: string): string {
    return `${this.consumerRegistryDir}/${consumerId}`;
  }
}

/** Kafka 0.8's `ZKGroupTopicDirs`: a group's directories for one topic. */
export class ZKGroupTopicDirs extends ZKGroupDirs {
  /** `/consumers/<group>/offsets/<topic>` */
  readonly consumerOffsetDir: string;
  /** `/consumers/<group>/owners/<topic>` */
  readonly consumerOwnerDir: string;

  constructor(
    group: string,
    readonly topic: string,
  ) {
    super(group);
    this.consumerOffsetDir = `${this.consumerGroupOffsetsDir}/${topic}`;
    this.consumerOwnerDir = `${this.consumerGroupOwnersDir}/${topic}`;
  }

  /** `/consumers/<group>/offsets/<topic>/<partition>` (PERSISTENT, the next offset to read). */
  offsetPath(partition: number): string {
    return `${this.consumerOffsetDir}/${partition}`;
  }

  /** `/consumers/<group>/owners/<topic>/<partition>` (EPHEMERAL, the owner thread id). */
  ownerPath(partition: number): string {
    return `${this.consumerOwnerDir}/${partition}`;
  }
}

/**
 * Create `path` and its missing ancestors as empty PERSISTENT nodes (ZooKeeper's "mkdirs"; ZkClient's
 * `createPersistent(path, createParents = true)`); NodeExists on any level is fine.
 * Errors: SessionExpired, NoChildrenForEphemerals, BadArguments.
 */
export async function makeSurePersistentPathExists(store: CoordinationStore, path: string): Promise<void> {
  if (path === '/') return;
  try {
    await store.create(path, Buffer.alloc(0));
  } catch (e) {
    if (e instanceof NodeExistsException) return;
    if (!(e instanceof NoNodeException)) throw e;
    await makeSurePersistentPathExists(store, parentPath(path));
    try {
      await store.create(path, Buffer.alloc(0));
    } catch (e2) {
      if (!(e2 instanceof NodeExistsException)) throw e2;
    }
  }
}

/** Create the parent of `path` and its ancestors as needed (Kafka's `ZkUtils.createParentPath`). */
export function createParentPath(store: CoordinationStore, path: string): Promise<void> {
  return makeSurePersistentPathExists(store, parentPath(path));
}

/**
 * Write `data` into the PERSISTENT node `path`, creating it (and its parents) when missing
 * (Kafka 0.8's `ZkUtils.updatePersistentPath`). Errors: SessionExpired, BadArguments.
 */
export async function updatePersistentPath(store: CoordinationStore, path: string, data: string): Promise<void> {
  const bytes = Buffer.from(data);
  for (;;) {
    try {
      await store.setData(path, bytes);
      return;
    } catch (e) {
      if (!(e instanceof NoNodeException)) throw e;
    }
    await createParentPath(store, path);
    try {
      await store.create(path, bytes);
      return;
    } catch (e) {
      if (!(e instanceof NodeExistsException)) throw e; // created concurrently: set it
    }
  }
}

/**
 * Create the EPHEMERAL node `path` with `data`, creating persistent parents as needed (Kafka 0.8's
 * `ZkUtils.createEphemeralPathExpectConflict`). Returns `'created'`, `'own'` when the node already
 * exists and belongs to this session (ephemeralOwner = our session id: treated as success, as Kafka
 * treats a node holding its own data), or `'conflict'` when another session holds it.
 * Errors: SessionExpired, NoChildrenForEphemerals, BadArguments.
 */
export async function createEphemeralPathExpectConflict(store: CoordinationStore, path: string, data: string): Promise<'created' | 'own' | 'conflict'> {
  const bytes = Buffer.from(data);
  for (;;) {
    try {
      await store.create(path, bytes, { mode: CreateMode.EPHEMERAL });
      return 'created';
    } catch (e) {
      if (e instanceof NoNodeException) {
        await createParentPath(store, path);
        continue;
      }
      if (!(e instanceof NodeExistsException)) throw e;
    }
    const stat = await store.exists(path);
    if (stat === null) continue; // gone meanwhile: try again
    return stat.ephemeralOwner === store.sessionId ? 'own' : 'conflict';
  }
}

/** The data of `path` as UTF-8, or null when the node does not exist (Kafka's `readDataMaybeNull`). Errors: SessionExpired. */
export async function readDataMaybeNull(store: CoordinationStore, path: string): Promise<string | null> {
  try {
    return (await store.getData(path)).data.toString('utf8');
  } catch (e) {
    if (e instanceof NoNodeException) return null;
    throw e;
  }
}

/** Delete `path`; true when it was deleted, false when it did not exist (Kafka's `ZkUtils.deletePath`). Errors: SessionExpired, NotEmpty. */
export async function deletePath(store: CoordinationStore, path: string): Promise<boolean> {
  try {
    await store.delete(path);
    return true;
  } catch (e) {
    if (e instanceof NoNodeException) return false;
    throw e;
  }
}

/**
 * The committed offset of a partition: the NEXT offset to read (see the module comment), or null
 * when the group has none (no node, or data that is not a non-negative integer).
 * Errors: SessionExpired.
 */
export async function readOffset(store: CoordinationStore, dirs: ZKGroupTopicDirs, partition: number): Promise<number | null> {
  const s = await readDataMaybeNull(store, dirs.offsetPath(partition));
  if (s === null) return null;
  const n = Number(s.trim());
  return s.trim() !== '' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Commit `offset` (the NEXT offset to read) for a partition: writes its decimal string into the
 * offsets node, creating it and its parents when missing. Errors: SessionExpired.
 */
export function writeOffset(store: CoordinationStore, dirs: ZKGroupTopicDirs, partition: number, offset: number): Promise<void> {
  return updatePersistentPath(store, dirs.offsetPath(partition), String(offset));
}
