/**
 * The embedded {@link CoordinationStore}: ZooKeeper's model on an lmdb environment in a directory,
 * shared by any number of sessions in any number of processes of one machine.
 *
 * Layout (one lmdb database, JSON values):
 * - `zxid` → the store-wide change counter, incremented by every mutation (ZooKeeper's zxid);
 * - `n:<path>` → a znode: data (base64), czxid/mzxid/pzxid, ctime/mtime (ms), version, cversion,
 *   ephemeral owner (session id, decimal string, "0" when persistent) and its child names;
 * - `s:<sessionId>` → a live session: timeout (ms), last heartbeat (ms since the epoch, wall clock of
 *   the machine) and the paths of its ephemeral nodes.
 *
 * Consistency: every mutation is one lmdb write transaction (`transactionSync`, serialized across
 * processes by lmdb's writer lock) that reads what it checks (existence, versions, the session)
 * and writes the nodes, the parent and `zxid` together: compare-and-set by version is atomic.
 *
 * Sessions: each session rewrites its heartbeat every sessionTimeout/3 ms. Every process checks the
 * sessions of the store every `reapIntervalMs` (100 ms) and expires those whose heartbeat is older than
 * their timeout — deleting the session and its ephemeral nodes in one transaction. A process killed
 * with SIGKILL therefore loses its ephemeral nodes between sessionTimeoutMs and
 * sessionTimeoutMs + sessionTimeoutMs/3 + reapIntervalMs after its last heartbeat, provided some other
 * process has the store open. A session that finds its record gone (it was expired, e.g. its event
 * loop was blocked longer than the timeout) turns Expired, fires `None`/Expired to its watchers and
 * throws SessionExpired from then on.
 *
 * Watches: each process reads `zxid` every `pollIntervalMs` (25 ms); when it moved, it re-reads the
 * watched nodes and compares them with what the watching read saw (czxid, mzxid, pzxid). Latency:
 * a change made by another process reaches a watcher within pollIntervalMs (+ the read, well under
 * a millisecond) — typically ≤ 30 ms; a change made through the same process is checked right after
 * its transaction commits, before the mutating call resolves. Limit of polling: a node created and
 * deleted again by another process within one poll interval is not seen by an exists() watch on the
 * absent node (ZooKeeper would fire NodeCreated); data and child watches on existing nodes never miss
 * a change (versions only grow), but several changes in one interval fire one event, as one-shot
 * watches do in ZooKeeper as well.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import {
  BadArgumentsException,
  BadVersionException,
  CreateMode,
  EventType,
  KeeperState,
  NoChildrenForEphemeralsException,
  NodeExistsException,
  NoNodeException,
  NotEmptyException,
  SessionExpiredException,
  isEphemeralMode,
  isSequentialMode,
  parentPath,
  validatePath,
  type ConnectOptions,
  type CoordinationStore,
  type CreateOptions,
  type Stat,
  type WatchedEvent,
  type Watcher,
} from './coordination-store.js';

/** A znode as stored. */
interface NodeRec {
  d: string;
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  owner: string;
  children: string[];
}
/** A session as stored. */
interface SessionRec {
  timeoutMs: number;
  heartbeat: number;
  ephemerals: string[];
}
type Val = NodeRec | SessionRec | number;

/** Options of {@link EmbeddedCoordinationStore.connect} beyond ZooKeeper's. */
export interface EmbeddedConnectOptions extends ConnectOptions {
  /** How often this session polls the change counter for watches, ms (default 25). */
  pollIntervalMs?: number;
  /** How often this session looks for expired sessions of any process, ms (default 100). */
  reapIntervalMs?: number;
}

/** One lmdb environment per directory per process, shared by the sessions opened on it. */
const envs = new Map<string, { db: RootDatabase<Val, string>; refs: number }>();

function acquireEnv(dir: string): RootDatabase<Val, string> {
  const key = path.resolve(dir);
  let e = envs.get(key);
  if (e === undefined) {
    fs.mkdirSync(key, { recursive: true });
    const db = open<Val, string>({ path: path.join(key, 'zk.mdb'), encoding: 'json' });
    e = { db, refs: 0 };
    envs.set(key, e);
  }
  e.refs++;
  return e.db;
}
async function releaseEnv(dir: string): Promise<void> {
  const key = path.resolve(dir);
  const e = envs.get(key);
  if (e === undefined) return;
  if (--e.refs === 0) {
    envs.delete(key);
    await e.db.close();
  }
}

const nodeKey = (p: string): string => `n:${p}`;
const sessionKey = (id: bigint): string => `s:${id.toString()}`;

function toStat(rec: NodeRec): Stat {
  return {
    czxid: rec.czxid,
    mzxid: rec.mzxid,
    pzxid: rec.pzxid,
    ctime: rec.ctime,
    mtime: rec.mtime,
    version: rec.version,
    cversion: rec.cversion,
    aversion: 0,
    ephemeralOwner: BigInt(rec.owner),
    dataLength: Buffer.from(rec.d, 'base64').length,
    numChildren: rec.children.length,
  };
}

/** A pending one-shot watch and what the watching read saw. */
interface Registration {
  kind: 'data' | 'child';
  path: string;
  watcher: Watcher;
  /** null: the node was absent (exists() watch). */
  czxid: number | null;
  mzxid: number;
  pzxid: number;
}

/**
 * A session on the embedded store (see the module comment for layout, expiry and watch latency).
 * Open with {@link EmbeddedCoordinationStore.connect}.
 */
export class EmbeddedCoordinationStore implements CoordinationStore {
  readonly sessionId: bigint;
  readonly sessionTimeoutMs: number;
  private _state = KeeperState.SyncConnected;
  private regs: Registration[] = [];
  private lastZxid = -1;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastReap = 0;

  private constructor(
    private readonly dir: string,
    private readonly db: RootDatabase<Val, string>,
    opts: EmbeddedConnectOptions,
    sessionId: bigint,
  ) {
    this.sessionId = sessionId;
    this.sessionTimeoutMs = opts.sessionTimeoutMs;
    this.defaultWatcher = opts.watcher;
    this.pollIntervalMs = opts.pollIntervalMs ?? 25;
    this.reapIntervalMs = opts.reapIntervalMs ?? 100;
  }
  private readonly defaultWatcher: Watcher | undefined;
  private readonly pollIntervalMs: number;
  private readonly reapIntervalMs: number;

  /**
   * Open a new session on the store in directory `dir` (created if missing), as ZooKeeper's
   * `new ZooKeeper(connectString, sessionTimeout, watcher)`. Timers are unref'd: an open session
   * does not keep the process alive by itself.
   * Errors: BadArgumentsException when sessionTimeoutMs, pollIntervalMs or reapIntervalMs is not > 0;
   * lmdb's error when the directory cannot be opened.
   */
  static async connect(dir: string, opts: EmbeddedConnectOptions): Promise<EmbeddedCoordinationStore> {
    for (const [k, v] of [['sessionTimeoutMs', opts.sessionTimeoutMs], ['pollIntervalMs', opts.pollIntervalMs ?? 25], ['reapIntervalMs', opts.reapIntervalMs ?? 100]] as const) {
      if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new BadArgumentsException(null, `${k} must be > 0, got ${String(v)}`);
    }
    const db = acquireEnv(dir);
    let id = 0n;
    while (id === 0n) id = randomBytes(8).readBigUInt64BE() & 0x7fffffffffffffffn;
    const now = Date.now();
    db.transactionSync(() => {
      if (db.get(nodeKey('/')) === undefined) {
        const root: NodeRec = { d: '', czxid: 0, mzxid: 0, pzxid: 0, ctime: now, mtime: now, version: 0, cversion: 0, owner: '0', children: [] };
        db.putSync(nodeKey('/'), root);
        db.putSync('zxid', 0);
      }
      const s: SessionRec = { timeoutMs: opts.sessionTimeoutMs, heartbeat: now, ephemerals: [] };
      db.putSync(sessionKey(id), s);
    });
    const store = new EmbeddedCoordinationStore(dir, db, opts, id);
    store.start();
    return store;
  }

  /** SyncConnected, Expired or Closed. */
  get state(): KeeperState {
    return this._state;
  }

  private start(): void {
    const hb = setInterval(() => this.heartbeat(), Math.max(1, Math.floor(this.sessionTimeoutMs / 3)));
    const poll = setInterval(() => this.poll(), this.pollIntervalMs);
    hb.unref();
    poll.unref();
    this.timers.push(hb, poll);
  }

  private alive(): void {
    if (this._state !== KeeperState.SyncConnected) throw new SessionExpiredException();
  }

  private heartbeat(): void {
    if (this._state !== KeeperState.SyncConnected) return;
    const ok = this.db.transactionSync(() => {
      const s = this.db.get(sessionKey(this.sessionId)) as SessionRec | undefined;
      if (s === undefined) return false;
      this.db.putSync(sessionKey(this.sessionId), { ...s, heartbeat: Date.now() });
      return true;
    });
    if (!ok) this.endSession(KeeperState.Expired);
  }

  private poll(): void {
    if (this._state !== KeeperState.SyncConnected) return;
    const now = Date.now();
    if (now - this.lastReap >= this.reapIntervalMs) {
      this.lastReap = now;
      this.reapExpired(now);
      if (this.db.get(sessionKey(this.sessionId)) === undefined) {
        this.endSession(KeeperState.Expired);
        return;
      }
    }
    this.checkWatches();
  }

  /** Expire every other session whose heartbeat is older than its timeout; returns how many. */
  private reapExpired(now: number): number {
    this.db.resetReadTxn();
    const expired: string[] = [];
    for (const { key, value } of this.db.getRange({ start: 's:', end: 's;' })) {
      const s = value as SessionRec;
      if (key !== sessionKey(this.sessionId) && now - s.heartbeat > s.timeoutMs) expired.push(key);
    }
    for (const key of expired) {
      this.db.transactionSync(() => {
        const s = this.db.get(key) as SessionRec | undefined;
        if (s === undefined || Date.now() - s.heartbeat <= s.timeoutMs) return;
        const owner = key.slice(2);
        let zxid = this.db.get('zxid') as number;
        for (const p of s.ephemerals) {
          const rec = this.db.get(nodeKey(p)) as NodeRec | undefined;
          if (rec === undefined || rec.owner !== owner) continue;
          zxid++;
          this.removeNode(p, zxid);
        }
        this.db.putSync('zxid', zxid);
        this.db.removeSync(key);
      });
    }
    if (expired.length > 0) this.checkWatches();
    return expired.length;
  }

  /** Inside a write transaction: remove node `p` (known to exist, childless) and update its parent. */
  private removeNode(p: string, zxid: number): void {
    this.db.removeSync(nodeKey(p));
    const pp = parentPath(p);
    const parent = this.db.get(nodeKey(pp)) as NodeRec;
    const name = p.slice(pp === '/' ? 1 : pp.length + 1);
    this.db.putSync(nodeKey(pp), { ...parent, children: parent.children.filter((c) => c !== name), cversion: parent.cversion + 1, pzxid: zxid });
  }

  /** Inside a write transaction: the session record, or SessionExpired (and the session ends). */
  private sessionInTxn(): SessionRec {
    const s = this.db.get(sessionKey(this.sessionId)) as SessionRec | undefined;
    if (s === undefined) throw new SessionExpiredException();
    return s;
  }

  /** Run a mutation transaction; a missing session record ends the session. Then check watches. */
  private mutate<T>(fn: () => T): T {
    this.alive();
    let result: T;
    try {
      result = this.db.transactionSync(fn);
    } catch (e) {
      if (e instanceof SessionExpiredException) this.endSession(KeeperState.Expired);
      throw e;
    }
    this.checkWatches();
    return result;
  }

  async create(p: string, data: Buffer, options: CreateOptions = {}): Promise<string> {
    validatePath(p);
    const mode = options.mode ?? CreateMode.PERSISTENT;
    if (!Object.values(CreateMode).includes(mode)) throw new BadArgumentsException(p, `unknown CreateMode ${String(mode)}`);
    if (p === '/') throw new NodeExistsException(p);
    const bytes = Buffer.from(data);
    return this.mutate(() => {
      const session = this.sessionInTxn();
      const pp = parentPath(p);
      const parent = this.db.get(nodeKey(pp)) as NodeRec | undefined;
      if (parent === undefined) throw new NoNodeException(p);
      if (parent.owner !== '0') throw new NoChildrenForEphemeralsException(p);
      // ZooKeeper's sequence number is the count of child creations under the parent (its internal
      // cversion; the reported cversion, creations + deletions, is that count × 2 − numChildren)
      const created = (parent.cversion + parent.children.length) / 2;
      const actual = isSequentialMode(mode) ? `${p}${String(created).padStart(10, '0')}` : p;
      if (this.db.get(nodeKey(actual)) !== undefined) throw new NodeExistsException(actual);
      const zxid = (this.db.get('zxid') as number) + 1;
      const now = Date.now();
      const owner = isEphemeralMode(mode) ? this.sessionId.toString() : '0';
      const rec: NodeRec = { d: bytes.toString('base64'), czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: now, mtime: now, version: 0, cversion: 0, owner, children: [] };
      const name = actual.slice(pp === '/' ? 1 : pp.length + 1);
      this.db.putSync(nodeKey(actual), rec);
      this.db.putSync(nodeKey(pp), { ...parent, children: [...parent.children, name], cversion: parent.cversion + 1, pzxid: zxid });
      this.db.putSync('zxid', zxid);
      if (owner !== '0') this.db.putSync(sessionKey(this.sessionId), { ...session, ephemerals: [...session.ephemerals, actual] });
      return actual;
    });
  }

  async getData(p: string, watcher?: Watcher): Promise<{ data: Buffer; stat: Stat }> {
    validatePath(p);
    this.alive();
    const rec = this.read(p);
    if (rec === undefined) throw new NoNodeException(p);
    if (watcher) this.register('data', p, watcher, rec);
    return { data: Buffer.from(rec.d, 'base64'), stat: toStat(rec) };
  }

  async setData(p: string, data: Buffer, version = -1): Promise<Stat> {
    validatePath(p);
    const bytes = Buffer.from(data);
    return this.mutate(() => {
      this.sessionInTxn();
      const rec = this.db.get(nodeKey(p)) as NodeRec | undefined;
      if (rec === undefined) throw new NoNodeException(p);
      if (version !== -1 && version !== rec.version) throw new BadVersionException(p);
      const zxid = (this.db.get('zxid') as number) + 1;
      const next: NodeRec = { ...rec, d: bytes.toString('base64'), mzxid: zxid, mtime: Date.now(), version: rec.version + 1 };
      this.db.putSync(nodeKey(p), next);
      this.db.putSync('zxid', zxid);
      return toStat(next);
    });
  }

  async delete(p: string, version = -1): Promise<void> {
    validatePath(p);
    if (p === '/') throw new BadArgumentsException(p, 'cannot delete the root');
    this.mutate(() => {
      this.sessionInTxn();
      const rec = this.db.get(nodeKey(p)) as NodeRec | undefined;
      if (rec === undefined) throw new NoNodeException(p);
      if (version !== -1 && version !== rec.version) throw new BadVersionException(p);
      if (rec.children.length > 0) throw new NotEmptyException(p);
      const zxid = (this.db.get('zxid') as number) + 1;
      this.removeNode(p, zxid);
      this.db.putSync('zxid', zxid);
      if (rec.owner !== '0') {
        const ownerKey = `s:${rec.owner}`;
        const s = this.db.get(ownerKey) as SessionRec | undefined;
        if (s !== undefined) this.db.putSync(ownerKey, { ...s, ephemerals: s.ephemerals.filter((e) => e !== p) });
      }
    });
  }

  async exists(p: string, watcher?: Watcher): Promise<Stat | null> {
    validatePath(p);
    this.alive();
    const rec = this.read(p);
    if (watcher) this.register('data', p, watcher, rec);
    return rec === undefined ? null : toStat(rec);
  }

  async getChildren(p: string, watcher?: Watcher): Promise<string[]> {
    validatePath(p);
    this.alive();
    const rec = this.read(p);
    if (rec === undefined) throw new NoNodeException(p);
    if (watcher) this.register('child', p, watcher, rec);
    return [...rec.children].sort();
  }

  /** Closes the session: deletes its ephemeral nodes and its record, fires `None`/Closed. Idempotent. */
  async close(): Promise<void> {
    if (this._state !== KeeperState.SyncConnected) return;
    this.db.transactionSync(() => {
      const s = this.db.get(sessionKey(this.sessionId)) as SessionRec | undefined;
      if (s === undefined) return;
      let zxid = this.db.get('zxid') as number;
      const owner = this.sessionId.toString();
      for (const p of s.ephemerals) {
        const rec = this.db.get(nodeKey(p)) as NodeRec | undefined;
        if (rec === undefined || rec.owner !== owner) continue;
        zxid++;
        this.removeNode(p, zxid);
      }
      this.db.putSync('zxid', zxid);
      this.db.removeSync(sessionKey(this.sessionId));
    });
    await this.endSession(KeeperState.Closed);
  }

  private async endSession(state: KeeperState.Expired | KeeperState.Closed): Promise<void> {
    if (this._state !== KeeperState.SyncConnected) return;
    this._state = state;
    for (const t of this.timers) clearInterval(t);
    const pending = this.regs;
    this.regs = [];
    const event: WatchedEvent = { type: EventType.None, state, path: null };
    const notified = new Set<Watcher>();
    for (const w of [...(this.defaultWatcher ? [this.defaultWatcher] : []), ...pending.map((r) => r.watcher)]) {
      if (notified.has(w)) continue;
      notified.add(w);
      fire(w, event);
    }
    await releaseEnv(this.dir);
  }

  /** A fresh read of node `p` (renews lmdb's read snapshot so other processes' commits are seen). */
  private read(p: string): NodeRec | undefined {
    this.db.resetReadTxn();
    return this.db.get(nodeKey(p)) as NodeRec | undefined;
  }

  private register(kind: Registration['kind'], p: string, watcher: Watcher, rec: NodeRec | undefined): void {
    if (this.regs.some((r) => r.kind === kind && r.path === p && r.watcher === watcher)) return;
    this.regs.push({ kind, path: p, watcher, czxid: rec?.czxid ?? null, mzxid: rec?.mzxid ?? -1, pzxid: rec?.pzxid ?? -1 });
  }

  /** Compare every pending watch with the node now; fire and drop those that changed. */
  private checkWatches(): void {
    if (this._state !== KeeperState.SyncConnected) return;
    this.db.resetReadTxn();
    const zxid = this.db.get('zxid') as number;
    if (zxid === this.lastZxid || this.regs.length === 0) {
      this.lastZxid = zxid;
      return;
    }
    this.lastZxid = zxid;
    const nodes = new Map<string, NodeRec | undefined>();
    const now = (p: string): NodeRec | undefined => {
      if (!nodes.has(p)) nodes.set(p, this.db.get(nodeKey(p)) as NodeRec | undefined);
      return nodes.get(p);
    };
    const fired: Array<[Watcher, WatchedEvent]> = [];
    this.regs = this.regs.filter((r) => {
      const rec = now(r.path);
      let type: EventType | null = null;
      if (r.czxid === null) {
        if (rec !== undefined) type = EventType.NodeCreated;
      } else if (rec === undefined || rec.czxid !== r.czxid) {
        type = EventType.NodeDeleted;
      } else if (r.kind === 'data' && rec.mzxid !== r.mzxid) {
        type = EventType.NodeDataChanged;
      } else if (r.kind === 'child' && rec.pzxid !== r.pzxid) {
        type = EventType.NodeChildrenChanged;
      }
      if (type === null) return true;
      fired.push([r.watcher, { type, state: KeeperState.SyncConnected, path: r.path }]);
      return false;
    });
    for (const [w, e] of fired) fire(w, e);
  }
}

function fire(w: Watcher, e: WatchedEvent): void {
  try {
    w(e);
  } catch {
    // as ZooKeeper's event thread: a watcher's exception does not stop the delivery of others
  }
}
