/**
 * The real-ZooKeeper {@link CoordinationStore}: one ZooKeeper session through the pure-JavaScript
 * client `node-zookeeper-client` (1.1.x; no native build). Every method is one client call, with
 * the semantics of ZooKeeper's Java client (`org.apache.zookeeper.ZooKeeper`), which Kafka 0.8's
 * ZookeeperConsumerConnector and Spark's Receiver-based Kafka input use (through ZkClient):
 *
 * - paths are checked with {@link validatePath} before anything is sent (BadArguments, as the Java
 *   client's `PathUtils.validatePath` throws IllegalArgumentException); the chroot of the connect
 *   string ("host:port/chroot") is prepended and stripped by the client, as in Java;
 * - the client's `Exception` codes become our {@link KeeperException} subclasses (NoNode, NodeExists,
 *   BadVersion, NotEmpty, NoChildrenForEphemerals, BadArguments, SessionExpired); a request in flight
 *   when the TCP connection drops fails with {@link ConnectionLossException} (Java's
 *   `KeeperException.ConnectionLossException`: its outcome is unknown; the session itself lives on);
 *   requests made while disconnected are queued and sent after the reconnect, as in Java;
 * - `Stat`'s 64-bit fields (zxids, times) come as 8-byte Buffers and are converted to numbers
 *   (exact below 2^53), `ephemeralOwner` and the session id to bigint (signed, as Java's long);
 * - watches are ZooKeeper's own (server-side, one-shot, re-registered by the client after a
 *   reconnect); events are converted to {@link WatchedEvent} with state SyncConnected. A watcher
 *   set several times on one path and kind fires once, and once per event even if it was set both
 *   as data and as children watcher (Java's `ZKWatchManager.materialize` collects a set).
 *
 * Session events (Java client 3.5+): a transient disconnection is not reported (the client
 * reconnects within the session timeout, to the same or another server of the connect string). When
 * the client learns that the session expired (on reconnecting: the server answers with a zero
 * timeout), the state becomes Expired, the default watcher and every pending watcher get
 * `None`/Expired once, requests still queued are rejected with SessionExpired and later calls throw
 * SessionExpired. `close()` sends closeSession (the server deletes the session's ephemeral nodes at
 * once), then the state is Closed and the default and pending watchers get `None`/Closed.
 *
 * The client library lacks Java's connect and read timeouts; this module adds them (see
 * `startWatchdog`): a connection that stops answering is dropped and the client reconnects.
 */
import type net from 'node:net';
import zookeeper, { type Client, type Event as ZkEvent, type Stat as ZkStat } from 'node-zookeeper-client';
import {
  BadArgumentsException,
  BadVersionException,
  CreateMode,
  EventType,
  KeeperException,
  KeeperState,
  NoChildrenForEphemeralsException,
  NodeExistsException,
  NoNodeException,
  NotEmptyException,
  SessionExpiredException,
  validatePath,
  type ConnectOptions,
  type CoordinationStore,
  type CreateOptions,
  type Stat,
  type WatchedEvent,
  type Watcher,
} from './coordination-store.js';

/** Options of {@link ZooKeeperCoordinationStore.connect}: ZooKeeper's, plus Kafka's connection timeout. */
export interface ZooKeeperConnectOptions extends ConnectOptions {
  /**
   * Kafka's `zookeeper.connection.timeout.ms`: how long to wait for the first connection (a
   * session established with some server of the connect string), ms (> 0). Default: the session
   * timeout (Kafka 0.8's ZKConfig default).
   */
  connectionTimeoutMs?: number;
  /** The client's back-off between two rounds over all servers of the connect string, ms (default 250; random 0..spinDelayMs, as Java's 0..1000 ms). */
  spinDelayMs?: number;
}

/**
 * Java's `KeeperException.ConnectionLossException`: the connection to the server was lost while
 * the request was in flight; whether it was applied is unknown. Code `KTS_ERR_ZK_CONNECTION_LOSS`,
 * `keeperCode` 'ConnectionLoss'. The session lives on (the client reconnects); retry or re-read.
 */
export class ConnectionLossException extends KeeperException {
  override name = 'ConnectionLossException';
  constructor(path: string | null) {
    super('ConnectionLoss', 'KTS_ERR_ZK_CONNECTION_LOSS', path);
  }
}

/**
 * No session could be established within the connection timeout (Kafka's
 * `zookeeper.connection.timeout.ms`; ZkClient's `ZkTimeoutException`). Code
 * `KTS_ERR_ZK_CONNECTION_TIMEOUT`. Message: "Unable to connect to zookeeper server '<connect
 * string>' within timeout: <ms> ms".
 */
export class ZkConnectionTimeoutException extends Error {
  override name = 'ZkConnectionTimeoutException';
  readonly code = 'KTS_ERR_ZK_CONNECTION_TIMEOUT';
  constructor(
    readonly connectString: string,
    readonly timeoutMs: number,
  ) {
    super(`Unable to connect to zookeeper server '${connectString}' within timeout: ${timeoutMs} ms`);
  }
}

/** The client's error codes (node-zookeeper-client's `Exception`, = Java's `KeeperException.Code` values). */
const ZK = zookeeper.Exception;
/** Java `KeeperException.Code` names of the client's codes that have no subclass of ours. */
const OTHER_CODE_NAMES: Record<number, string> = {
  [-1]: 'SystemError',
  [-2]: 'RuntimeInconsistency',
  [-3]: 'DataInconsistency',
  [-5]: 'MarshallingError',
  [-6]: 'Unimplemented',
  [-7]: 'OperationTimeout',
  [-100]: 'APIError',
  [-102]: 'NoAuth',
  [-113]: 'InvalidCallback',
  [-114]: 'InvalidACL',
  [-115]: 'AuthFailed',
};

const CREATE_MODES: Record<CreateMode, number> = {
  [CreateMode.PERSISTENT]: zookeeper.CreateMode.PERSISTENT,
  [CreateMode.EPHEMERAL]: zookeeper.CreateMode.EPHEMERAL,
  [CreateMode.PERSISTENT_SEQUENTIAL]: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  [CreateMode.EPHEMERAL_SEQUENTIAL]: zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

const EVENT_TYPES: Record<number, EventType> = {
  [zookeeper.Event.NODE_CREATED]: EventType.NodeCreated,
  [zookeeper.Event.NODE_DELETED]: EventType.NodeDeleted,
  [zookeeper.Event.NODE_DATA_CHANGED]: EventType.NodeDataChanged,
  [zookeeper.Event.NODE_CHILDREN_CHANGED]: EventType.NodeChildrenChanged,
};

/** A 64-bit big-endian long of the wire (8-byte Buffer) as a signed bigint. */
function longToBigInt(b: Buffer | undefined): bigint {
  return b && b.length === 8 ? b.readBigInt64BE(0) : 0n;
}
/** A 64-bit long of the wire as a number (zxids and ms times stay far below 2^53). */
function longToNumber(b: Buffer | undefined): number {
  return Number(longToBigInt(b));
}

/** The client's Stat (longs as Buffers) as ours. */
export function convertStat(s: ZkStat): Stat {
  return {
    czxid: longToNumber(s.czxid),
    mzxid: longToNumber(s.mzxid),
    pzxid: longToNumber(s.pzxid),
    ctime: longToNumber(s.ctime),
    mtime: longToNumber(s.mtime),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: longToBigInt(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

/**
 * Checks a ZooKeeper connect string "host:port[,host:port...][/chroot]" (port optional, default
 * 2181, as Java's `ConnectStringParser`) and returns its servers and chroot (null when none or "/").
 * Errors: {@link BadArgumentsException} (empty host list, bad port, invalid chroot path).
 */
export function parseConnectString(connectString: string): { servers: Array<{ host: string; port: number }>; chroot: string | null } {
  if (typeof connectString !== 'string' || connectString.trim() === '') throw new BadArgumentsException(null, 'empty ZooKeeper connect string');
  const slash = connectString.indexOf('/');
  const hostList = slash === -1 ? connectString : connectString.slice(0, slash);
  let chroot: string | null = slash === -1 ? null : connectString.slice(slash);
  if (chroot === '/') chroot = null;
  if (chroot !== null) validatePath(chroot);
  const servers = hostList
    .split(',')
    .filter((s) => s.length > 0)
    .map((item) => {
      const m = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(item);
      const port = m ? Number(m[2] ?? 2181) : NaN;
      if (!m || !(port > 0 && port < 65536)) throw new BadArgumentsException(null, `invalid server '${item}' in ZooKeeper connect string '${connectString}' (host:port expected)`);
      return { host: m[1]!, port };
    });
  if (servers.length === 0) throw new BadArgumentsException(null, `no server in ZooKeeper connect string '${connectString}'`);
  return { servers, chroot };
}

/** What of the client's internals this module touches (node-zookeeper-client 1.1.x ConnectionManager). */
interface ClientInternals {
  connectionManager?: { socket?: net.Socket; connect: () => void; state: number };
}
/** ConnectionManager.STATES of node-zookeeper-client 1.1.x. */
const CM_CONNECTING = 1;
const CM_CONNECTED = 2;

/**
 * Stops the client for good: node-zookeeper-client 1.1.3 starts a new connection when `close()`
 * falls in its reconnect back-off (its `connect()` overwrites the CLOSING state), so the instance's
 * `connect` is replaced by a no-op and the socket (if any) destroyed.
 */
function shutdownClient(client: Client): void {
  const cm = (client as unknown as ClientInternals).connectionManager;
  if (cm === undefined) return;
  cm.connect = () => {};
  cm.socket?.destroy();
}

/**
 * The client-side timeouts of Java's `ClientCnxn.SendThread` that node-zookeeper-client 1.1.3 lacks
 * (without them a connection that stops answering hangs for ever: e.g. ZooKeeper 3.8.0 leaves a
 * connection made while it starts up open and unanswered after an internal NullPointerException):
 * - handshake: a TCP connection without a ConnectResponse after sessionTimeout/3 ms is dropped, and
 *   the client tries again (Java waits sessionTimeout/#servers; a third leaves time for further
 *   attempts before the session expires on the server);
 * - read timeout: a session connection on which nothing arrived for 2/3 of the session timeout
 *   (Java's readTimeout; the client pings after sessionTimeout/3 of silence) is dropped, and the
 *   client reconnects within the session.
 * Checked every sessionTimeout/10 ms (50..500 ms) by an unref'd timer; a late check (the event loop
 * was blocked, so received data may not have been read yet) only restarts the clocks.
 * Returns the function that stops it.
 */
function startWatchdog(client: Client): () => void {
  const cm = (client as unknown as ClientInternals).connectionManager;
  if (cm === undefined) return () => {};
  let socket: net.Socket | undefined;
  let lastRecv = Date.now();
  const onData = (): void => {
    lastRecv = Date.now();
  };
  const intervalMs = (): number => Math.min(500, Math.max(50, Math.floor(client.getSessionTimeout() / 10)));
  let lastTick = Date.now();
  let timer: NodeJS.Timeout;
  const tick = (): void => {
    const now = Date.now();
    const late = now - lastTick > 2 * intervalMs() + 100;
    lastTick = now;
    timer = setTimeout(tick, intervalMs());
    timer.unref();
    const current = cm.socket;
    if (current !== socket) {
      socket?.removeListener('data', onData);
      socket = current;
      socket?.on('data', onData);
      lastRecv = now;
    }
    if (socket === undefined || socket.destroyed || socket.connecting || late) {
      lastRecv = now; // the TCP connect has its own timeout in the client
      return;
    }
    const silentMs = now - lastRecv;
    const sessionTimeout = client.getSessionTimeout();
    if ((cm.state === CM_CONNECTING && silentMs > sessionTimeout / 3) || (cm.state === CM_CONNECTED && silentMs > (sessionTimeout * 2) / 3)) socket.destroy();
  };
  timer = setTimeout(tick, intervalMs());
  timer.unref();
  return () => {
    clearTimeout(timer);
    socket?.removeListener('data', onData);
  };
}

type WatchKind = 'data' | 'exist' | 'child';

/**
 * A {@link CoordinationStore} on a real ZooKeeper ensemble (see the module comment for the
 * mapping). Open with {@link ZooKeeperCoordinationStore.connect}.
 */
export class ZooKeeperCoordinationStore implements CoordinationStore {
  readonly sessionId: bigint;
  readonly sessionTimeoutMs: number;
  private _state = KeeperState.SyncConnected;
  private closing: Promise<void> | null = null;
  private connected = true;
  /** Our watchers by kind and path, mirroring the client's data/existence/child watcher tables. */
  private readonly watches: Record<WatchKind, Map<string, Set<Watcher>>> = { data: new Map(), exist: new Map(), child: new Map() };
  /** Client events already dispatched (the client calls our one function once per table it filed it in). */
  private readonly handled = new WeakSet<ZkEvent>();
  /** Rejections of the requests in flight (settled by the client's callback or by the end of the session). */
  private readonly inflight = new Set<(e: Error) => void>();

  private constructor(
    private readonly client: Client,
    private readonly defaultWatcher: Watcher | undefined,
    private readonly stopWatchdog: () => void,
  ) {
    this.sessionId = longToBigInt(client.getSessionId());
    this.sessionTimeoutMs = client.getSessionTimeout();
    client.on('connected', () => (this.connected = true));
    client.on('disconnected', () => (this.connected = false));
    client.on('expired', () => {
      shutdownClient(client);
      this.endSession(KeeperState.Expired);
    });
  }

  /**
   * Open a session, as `new ZooKeeper(connectString, sessionTimeout, watcher)` followed by waiting
   * for SyncConnected (Kafka's ZkClient waits `zookeeper.connection.timeout.ms`).
   * `connectString`: "host:port[,host:port...][/chroot]". `sessionTimeoutMs` is the requested
   * timeout; the server grants one within its [minSessionTimeout, maxSessionTimeout]
   * ({@link sessionTimeoutMs} is the negotiated value).
   * Errors: {@link BadArgumentsException} for a bad connect string or a timeout not > 0;
   * {@link ZkConnectionTimeoutException} (`KTS_ERR_ZK_CONNECTION_TIMEOUT`) when no server accepted a
   * session within `connectionTimeoutMs` (the client is then stopped: no reconnect attempts remain).
   */
  static async connect(connectString: string, options: ZooKeeperConnectOptions): Promise<ZooKeeperCoordinationStore> {
    const connectionTimeoutMs = options.connectionTimeoutMs ?? options.sessionTimeoutMs;
    for (const [k, v] of [['sessionTimeoutMs', options.sessionTimeoutMs], ['connectionTimeoutMs', connectionTimeoutMs], ['spinDelayMs', options.spinDelayMs ?? 250]] as const) {
      if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new BadArgumentsException(null, `${k} must be > 0, got ${String(v)}`);
    }
    parseConnectString(connectString);
    const client = zookeeper.createClient(connectString, { sessionTimeout: Math.round(options.sessionTimeoutMs), spinDelay: options.spinDelayMs ?? 250, retries: 0 });
    const stopWatchdog = startWatchdog(client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.removeListener('connected', onConnected);
        stopWatchdog();
        client.close();
        shutdownClient(client);
        reject(new ZkConnectionTimeoutException(connectString, connectionTimeoutMs));
      }, connectionTimeoutMs);
      const onConnected = (): void => {
        clearTimeout(timer);
        resolve();
      };
      client.once('connected', onConnected);
      client.connect();
    });
    return new ZooKeeperCoordinationStore(client, options.watcher, stopWatchdog);
  }

  /** SyncConnected while the session lives (also while transiently disconnected), then Expired or Closed. */
  get state(): KeeperState {
    return this._state;
  }

  /**
   * Run one client call: rejects with SessionExpired at once when the session has ended or is
   * closing; maps the client's error; a synchronous throw of the client (its own argument
   * assertions, e.g. data over 1 MiB) becomes BadArguments.
   */
  private call<T>(p: string, run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    if (this._state !== KeeperState.SyncConnected || this.closing !== null) return Promise.reject(new SessionExpiredException());
    return new Promise<T>((resolve, reject) => {
      const rejectOnEnd = (e: Error): void => reject(e);
      this.inflight.add(rejectOnEnd);
      const done = (err: unknown, value?: T): void => {
        if (!this.inflight.delete(rejectOnEnd)) return; // already rejected: the session ended
        if (err) reject(this.mapError(err, p));
        else resolve(value as T);
      };
      try {
        run(done);
      } catch (e) {
        this.inflight.delete(rejectOnEnd);
        reject(e instanceof KeeperException ? e : new BadArgumentsException(p, e instanceof Error ? e.message : String(e)));
      }
    });
  }

  private mapError(err: unknown, p: string): Error {
    const code = typeof (err as { getCode?: unknown }).getCode === 'function' ? (err as { getCode(): number }).getCode() : undefined;
    switch (code) {
      case undefined:
        return err instanceof Error ? err : new Error(String(err));
      case ZK.NO_NODE:
        return new NoNodeException(p);
      case ZK.NODE_EXISTS:
        return new NodeExistsException(p);
      case ZK.BAD_VERSION:
        return new BadVersionException(p);
      case ZK.NOT_EMPTY:
        return new NotEmptyException(p);
      case ZK.NO_CHILDREN_FOR_EPHEMERALS:
        return new NoChildrenForEphemeralsException(p);
      case ZK.BAD_ARGUMENTS:
        return new BadArgumentsException(p, 'rejected by the server');
      case ZK.SESSION_EXPIRED:
        return new SessionExpiredException();
      case ZK.CONNECTION_LOSS:
        // after close() (or expiry) the client fails what it did not send with CONNECTION_LOSS
        return this._state !== KeeperState.SyncConnected || this.closing !== null ? new SessionExpiredException() : new ConnectionLossException(p);
      default: {
        const name = OTHER_CODE_NAMES[code] ?? `Code${code}`;
        const snake = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
        return new KeeperException(name, `KTS_ERR_ZK_${snake}`, p);
      }
    }
  }

  /**
   * Record `watcher` after a successful watching call. The client registers its own watcher just
   * before calling back, in the same tick (its retry loop, async's `whilst`, is synchronous), so no
   * event can fall between the two registrations.
   */
  private addWatch(kind: WatchKind, p: string, watcher: Watcher): void {
    let set = this.watches[kind].get(p);
    if (set === undefined) this.watches[kind].set(p, (set = new Set()));
    set.add(watcher);
  }

  /**
   * The one function registered with the client for every watch (it de-duplicates by function per
   * path and table). On an event it fires and drops ours as the client's `WatcherManager.emit` does
   * with its tables: NodeCreated/NodeDataChanged → data and exist watchers of the path, NodeDeleted →
   * data and child watchers, NodeChildrenChanged → child watchers; each watcher once per event.
   */
  private readonly onEvent = (e: ZkEvent): void => {
    if (this.handled.has(e)) return;
    this.handled.add(e);
    const type = EVENT_TYPES[e.getType()];
    if (type === undefined) return;
    const p = e.getPath();
    const kinds: WatchKind[] =
      type === EventType.NodeChildrenChanged ? ['child'] : type === EventType.NodeDeleted ? ['data', 'child'] : ['data', 'exist'];
    const targets = new Set<Watcher>();
    for (const kind of kinds) {
      for (const w of this.watches[kind].get(p) ?? []) targets.add(w);
      this.watches[kind].delete(p);
    }
    if (this._state !== KeeperState.SyncConnected) return;
    const event: WatchedEvent = { type, state: KeeperState.SyncConnected, path: p };
    for (const w of targets) fire(w, event);
  };

  /** ZooKeeper's `create(path, data, OPEN_ACL_UNSAFE, mode)`; see {@link CoordinationStore}. */
  async create(p: string, data: Buffer, options: CreateOptions = {}): Promise<string> {
    validatePath(p);
    const mode = options.mode ?? CreateMode.PERSISTENT;
    const flags = CREATE_MODES[mode];
    if (flags === undefined) throw new BadArgumentsException(p, `unknown CreateMode ${String(mode)}`);
    const bytes = toBuffer(data);
    return this.call<string>(p, (done) => this.client.create(p, bytes, flags, (err, created) => done(err, created)));
  }

  /** ZooKeeper's `getData(path, watcher, stat)`; see {@link CoordinationStore}. */
  async getData(p: string, watcher?: Watcher): Promise<{ data: Buffer; stat: Stat }> {
    validatePath(p);
    const cb = (done: (err: unknown, value?: { data: Buffer; stat: Stat }) => void) => (err: unknown, data: Buffer | undefined, stat: ZkStat) => {
      if (!err && watcher) this.addWatch('data', p, watcher);
      done(err, err ? undefined : { data: data ?? Buffer.alloc(0), stat: convertStat(stat) });
    };
    return this.call(p, (done) => (watcher ? this.client.getData(p, this.onEvent, cb(done)) : this.client.getData(p, cb(done))));
  }

  /** ZooKeeper's `setData(path, data, version)` (version -1: any); see {@link CoordinationStore}. */
  async setData(p: string, data: Buffer, version = -1): Promise<Stat> {
    validatePath(p);
    checkVersion(p, version);
    const bytes = toBuffer(data);
    return this.call<Stat>(p, (done) => this.client.setData(p, bytes, version, (err, stat) => done(err, err ? undefined : convertStat(stat))));
  }

  /** ZooKeeper's `delete(path, version)` (version -1: any); the root cannot be deleted (BadArguments). */
  async delete(p: string, version = -1): Promise<void> {
    validatePath(p);
    checkVersion(p, version);
    if (p === '/') throw new BadArgumentsException(p, 'cannot delete the root');
    return this.call<void>(p, (done) => this.client.remove(p, version, (err) => done(err)));
  }

  /** ZooKeeper's `exists(path, watcher)`: the watch is set whether the node exists or not. */
  async exists(p: string, watcher?: Watcher): Promise<Stat | null> {
    validatePath(p);
    const cb = (done: (err: unknown, value?: Stat | null) => void) => (err: unknown, stat: ZkStat | null) => {
      if (!err && watcher) this.addWatch(stat ? 'data' : 'exist', p, watcher);
      done(err, err ? undefined : stat ? convertStat(stat) : null);
    };
    return this.call(p, (done) => (watcher ? this.client.exists(p, this.onEvent, cb(done)) : this.client.exists(p, cb(done))));
  }

  /** ZooKeeper's `getChildren(path, watcher)`: child names, sorted (ZooKeeper returns them unordered). */
  async getChildren(p: string, watcher?: Watcher): Promise<string[]> {
    validatePath(p);
    const cb = (done: (err: unknown, value?: string[]) => void) => (err: unknown, children: string[]) => {
      if (!err && watcher) this.addWatch('child', p, watcher);
      done(err, err ? undefined : [...children].sort());
    };
    return this.call(p, (done) => (watcher ? this.client.getChildren(p, this.onEvent, cb(done)) : this.client.getChildren(p, cb(done))));
  }

  /**
   * ZooKeeper's `close()`: sends closeSession and waits for the server to end the session (its
   * ephemeral nodes are deleted before the answer), at most the session timeout; then stops the
   * client, the state is Closed and the default and pending watchers get `None`/Closed. While
   * disconnected, nothing can be sent: the server expires the session after its timeout (as with
   * Java's client). Requests not answered by then reject with SessionExpired. Idempotent (a second
   * call waits for the first); a no-op on an expired session.
   */
  async close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (this._state !== KeeperState.SyncConnected) return;
    this.closing = (async () => {
      if (this.connected) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, this.sessionTimeoutMs);
          function finish(): void {
            clearTimeout(timer);
            resolve();
          }
          this.client.once('disconnected', finish);
          this.client.close();
        });
      } else {
        this.client.close();
      }
      shutdownClient(this.client);
      this.endSession(KeeperState.Closed);
    })();
    return this.closing;
  }

  private endSession(state: KeeperState.Expired | KeeperState.Closed): void {
    if (this._state !== KeeperState.SyncConnected) return;
    this._state = state;
    this.stopWatchdog();
    this.client.removeAllListeners('connected');
    this.client.removeAllListeners('disconnected');
    this.client.removeAllListeners('expired');
    for (const rejectOnEnd of [...this.inflight]) rejectOnEnd(new SessionExpiredException());
    this.inflight.clear();
    const pending: Watcher[] = [];
    for (const kind of ['data', 'exist', 'child'] as const) {
      for (const set of this.watches[kind].values()) pending.push(...set);
      this.watches[kind].clear();
    }
    const event: WatchedEvent = { type: EventType.None, state, path: null };
    const notified = new Set<Watcher>();
    for (const w of [...(this.defaultWatcher ? [this.defaultWatcher] : []), ...pending]) {
      if (notified.has(w)) continue;
      notified.add(w);
      fire(w, event);
    }
  }
}

function toBuffer(data: Buffer | Uint8Array | null | undefined): Buffer {
  if (data === null || data === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function checkVersion(p: string, version: number): void {
  if (!Number.isInteger(version) || version < -1 || version > 0x7fffffff) throw new BadArgumentsException(p, `version must be an int >= -1, got ${String(version)}`);
}

function fire(w: Watcher, e: WatchedEvent): void {
  try {
    w(e);
  } catch {
    // as ZooKeeper's event thread: a watcher's exception does not stop the delivery of others
  }
}
