/**
 * A ZooKeeper-style coordination store: the data model and API of Apache ZooKeeper
 * (`org.apache.zookeeper.ZooKeeper`, `Stat`, `CreateMode`, `Watcher.Event.EventType`,
 * `KeeperException`), which Kafka 0.8's high-level consumer (ZookeeperConsumerConnector) and Spark's
 * Receiver-based Kafka input (`KafkaInputDStream`, `ReliableKafkaReceiver`) use for group membership,
 * partition ownership and offsets.
 *
 * One {@link CoordinationStore} is one ZooKeeper handle = one session. Implementations:
 * - {@link EmbeddedCoordinationStore} (embedded, lmdb in a directory, several processes of one machine);
 * - a real-ZooKeeper one (through a ZooKeeper client library), to come: every method here maps 1:1
 *   to a ZooKeeper client call, all are asynchronous, and paths, versions, modes, events and errors
 *   are ZooKeeper's, so that a client library can implement it without translation of semantics.
 *
 * Times are milliseconds since the epoch (ctime, mtime) or milliseconds (timeouts).
 */

/** ZooKeeper's `CreateMode`. Sequential modes append a 10-digit, zero-padded counter to the name. */
export enum CreateMode {
  PERSISTENT = 'PERSISTENT',
  EPHEMERAL = 'EPHEMERAL',
  PERSISTENT_SEQUENTIAL = 'PERSISTENT_SEQUENTIAL',
  EPHEMERAL_SEQUENTIAL = 'EPHEMERAL_SEQUENTIAL',
}

/** True for the EPHEMERAL and EPHEMERAL_SEQUENTIAL modes. */
export function isEphemeralMode(mode: CreateMode): boolean {
  return mode === CreateMode.EPHEMERAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL;
}
/** True for the PERSISTENT_SEQUENTIAL and EPHEMERAL_SEQUENTIAL modes. */
export function isSequentialMode(mode: CreateMode): boolean {
  return mode === CreateMode.PERSISTENT_SEQUENTIAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL;
}

/**
 * ZooKeeper's `Stat` of a znode.
 * - `czxid`/`mzxid`/`pzxid`: the store-wide change number (zxid) of the node's creation, of its last
 *   data change, and of the last change of its children (creation when none);
 * - `ctime`/`mtime`: creation / last data change, ms since the epoch;
 * - `version`: number of data changes (0 after create); `cversion`: number of child creations and
 *   deletions; `aversion`: ACL version (ACLs are not modelled: always 0);
 * - `ephemeralOwner`: the owning session id for ephemeral nodes, `0n` for persistent ones;
 * - `dataLength` bytes of data, `numChildren` children.
 */
export interface Stat {
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
}

/** ZooKeeper's `Watcher.Event.EventType`; `None` carries session state changes. */
export enum EventType {
  None = 'None',
  NodeCreated = 'NodeCreated',
  NodeDeleted = 'NodeDeleted',
  NodeDataChanged = 'NodeDataChanged',
  NodeChildrenChanged = 'NodeChildrenChanged',
}

/** ZooKeeper's `Watcher.Event.KeeperState` (the subset this store produces). */
export enum KeeperState {
  SyncConnected = 'SyncConnected',
  Expired = 'Expired',
  Closed = 'Closed',
}

/** ZooKeeper's `WatchedEvent`: `path` is null for session events (type `None`). */
export interface WatchedEvent {
  type: EventType;
  state: KeeperState;
  path: string | null;
}

/**
 * A watcher, called once per registration (ZooKeeper watches are one-shot). The same function
 * registered several times on the same path and kind (data/exists or children) is called once, as
 * in ZooKeeper. Exceptions thrown by a watcher are caught and ignored (ZooKeeper logs them).
 */
export type Watcher = (event: WatchedEvent) => void;

/** Options of {@link CoordinationStore.create}; `mode` defaults to PERSISTENT. */
export interface CreateOptions {
  mode?: CreateMode;
}

/** Options to open a session. */
export interface ConnectOptions {
  /** ZooKeeper's session timeout, ms (> 0): the session expires this long after its last heartbeat. */
  sessionTimeoutMs: number;
  /** The default watcher: receives session events (`None` with Expired or Closed). */
  watcher?: Watcher;
}

/**
 * One ZooKeeper handle (one session). All paths are absolute ("/a/b"), without a trailing slash
 * except the root "/". Errors are {@link KeeperException} subclasses:
 * - `create(path, data, {mode})` → the created path (with the sequential suffix for sequential
 *   modes: the number of children created under the parent so far — not its cversion, which also
 *   counts deletions — 10 digits, zero-padded, as ZooKeeper).
 *   NoNode (parent missing), NodeExists, NoChildrenForEphemerals (parent is ephemeral), BadArguments.
 * - `getData(path, watcher?)` → data and Stat; NoNode (no watch is set then). The watcher fires on
 *   NodeDataChanged or NodeDeleted.
 * - `setData(path, data, version = -1)` → the new Stat; compare-and-set: BadVersion when `version` is
 *   not -1 and differs from the node's; NoNode.
 * - `delete(path, version = -1)`; NoNode, BadVersion, NotEmpty (has children).
 * - `exists(path, watcher?)` → Stat or null; the watcher is set in both cases and fires on
 *   NodeCreated, NodeDataChanged or NodeDeleted.
 * - `getChildren(path, watcher?)` → child names (not paths), sorted; NoNode. The watcher fires on
 *   NodeChildrenChanged (a child created or deleted) or NodeDeleted (the node itself).
 * - `close()`: ends the session; its ephemeral nodes are deleted at once; pending watchers receive
 *   a `None`/Closed event. Idempotent.
 * Every operation on an expired or closed session throws SessionExpired (as ZooKeeper's Java client).
 */
export interface CoordinationStore {
  /** The session id (ZooKeeper's 64-bit session id), the `ephemeralOwner` of its ephemeral nodes. */
  readonly sessionId: bigint;
  /** The negotiated session timeout, ms. */
  readonly sessionTimeoutMs: number;
  /** SyncConnected while the session lives, then Expired or Closed. */
  readonly state: KeeperState;
  create(path: string, data: Buffer, options?: CreateOptions): Promise<string>;
  getData(path: string, watcher?: Watcher): Promise<{ data: Buffer; stat: Stat }>;
  setData(path: string, data: Buffer, version?: number): Promise<Stat>;
  delete(path: string, version?: number): Promise<void>;
  exists(path: string, watcher?: Watcher): Promise<Stat | null>;
  getChildren(path: string, watcher?: Watcher): Promise<string[]>;
  close(): Promise<void>;
}

/** Opens a session on some store: what contract tests and users are given. */
export type CoordinationStoreFactory = (options: ConnectOptions) => Promise<CoordinationStore>;

// ---------------------------------------------------------------------------------------------
// Errors: ZooKeeper's KeeperException classes with stable codes.

/** ZooKeeper's `KeeperException.Code` names used by this store. */
export type KeeperCode =
  | 'NoNode'
  | 'NodeExists'
  | 'BadVersion'
  | 'NotEmpty'
  | 'SessionExpired'
  | 'NoChildrenForEphemerals'
  | 'BadArguments'
  /** The connection dropped with the request in flight (real ZooKeeper only; the session may live on: retry or re-read). */
  | 'ConnectionLoss'
  /** Any other ZooKeeper server code (NoAuth, ...), by its Java name. */
  | (string & {});

/**
 * Base of the store's errors, as ZooKeeper's `KeeperException`: message
 * "KeeperErrorCode = <Code> for <path>", `keeperCode` the ZooKeeper code name, `code` a stable
 * `KTS_ERR_ZK_*` string, `path` the path concerned (null for session errors).
 */
export class KeeperException extends Error {
  override name = 'KeeperException';
  constructor(
    readonly keeperCode: KeeperCode,
    readonly code: string,
    readonly path: string | null,
    detail?: string,
  ) {
    super(`KeeperErrorCode = ${keeperCode}${path !== null ? ` for ${path}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}
/** The node (or, for create, its parent) does not exist. Code `KTS_ERR_ZK_NO_NODE`. */
export class NoNodeException extends KeeperException {
  override name = 'NoNodeException';
  constructor(path: string) { super('NoNode', 'KTS_ERR_ZK_NO_NODE', path); }
}
/** create of a path that exists. Code `KTS_ERR_ZK_NODE_EXISTS`. */
export class NodeExistsException extends KeeperException {
  override name = 'NodeExistsException';
  constructor(path: string) { super('NodeExists', 'KTS_ERR_ZK_NODE_EXISTS', path); }
}
/** setData/delete with an expected version that is not the node's. Code `KTS_ERR_ZK_BAD_VERSION`. */
export class BadVersionException extends KeeperException {
  override name = 'BadVersionException';
  constructor(path: string) { super('BadVersion', 'KTS_ERR_ZK_BAD_VERSION', path); }
}
/** delete of a node that has children. Code `KTS_ERR_ZK_NOT_EMPTY`. */
export class NotEmptyException extends KeeperException {
  override name = 'NotEmptyException';
  constructor(path: string) { super('NotEmpty', 'KTS_ERR_ZK_NOT_EMPTY', path); }
}
/** The session has expired or was closed. Code `KTS_ERR_ZK_SESSION_EXPIRED`. */
export class SessionExpiredException extends KeeperException {
  override name = 'SessionExpiredException';
  constructor() { super('SessionExpired', 'KTS_ERR_ZK_SESSION_EXPIRED', null); }
}
/** create under an ephemeral node. Code `KTS_ERR_ZK_NO_CHILDREN_FOR_EPHEMERALS`. */
export class NoChildrenForEphemeralsException extends KeeperException {
  override name = 'NoChildrenForEphemeralsException';
  constructor(path: string) { super('NoChildrenForEphemerals', 'KTS_ERR_ZK_NO_CHILDREN_FOR_EPHEMERALS', path); }
}
/** An invalid path or argument (ZooKeeper's client throws IllegalArgumentException for paths). Code `KTS_ERR_ZK_BAD_ARGUMENTS`. */
export class BadArgumentsException extends KeeperException {
  override name = 'BadArgumentsException';
  constructor(path: string | null, detail: string) { super('BadArguments', 'KTS_ERR_ZK_BAD_ARGUMENTS', path, detail); }
}

/**
 * ZooKeeper's `PathUtils.validatePath` (the rules that matter here): absolute, no trailing slash
 * (except "/"), no empty, "." or ".." component, no NUL character.
 * Errors: {@link BadArgumentsException}.
 */
export function validatePath(path: string): void {
  if (typeof path !== 'string' || path.length === 0) throw new BadArgumentsException(null, 'Path length must be > 0');
  if (!path.startsWith('/')) throw new BadArgumentsException(path, 'Path must start with / character');
  if (path === '/') return;
  if (path.endsWith('/')) throw new BadArgumentsException(path, 'Path must not end with / character');
  for (const part of path.slice(1).split('/')) {
    if (part.length === 0) throw new BadArgumentsException(path, 'empty node name specified');
    if (part === '.' || part === '..') throw new BadArgumentsException(path, 'relative paths not allowed');
    if (part.includes('\u0000')) throw new BadArgumentsException(path, 'null character not allowed');
  }
}

/** The parent path of a validated non-root path ("/a/b" → "/a", "/a" → "/"). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i === 0 ? '/' : path.slice(0, i);
}
