/**
 * The contract of a {@link CoordinationStore} (ZooKeeper's semantics), as a function so that each
 * implementation's test file runs the same tests: `contractTests('embedded', setup)` in
 * zk-contract.test.ts, and against a real ZooKeeper server in zk-zookeeper.test.ts (real ZooKeeper
 * is the reference where the two could differ).
 *
 * `setup()` is called before each test and returns a factory of sessions on one fresh store plus a
 * teardown. Every test works under its own random base path (so a shared ZooKeeper ensemble can be
 * reused) and closes its sessions. Watches are awaited with a deadline of 2 s.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
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
  type CoordinationStore,
  type CoordinationStoreFactory,
  type WatchedEvent,
  type Watcher,
} from '../../streaming-kafka/zk/index.js';

/** What an implementation's test file provides for each test. */
export interface ContractSetup {
  connect: CoordinationStoreFactory;
  teardown(): Promise<void>;
}

/** A watcher that records its events, and a way to wait for them. */
export function recorder(): { watcher: Watcher; events: WatchedEvent[]; next(timeoutMs?: number): Promise<WatchedEvent> } {
  const events: WatchedEvent[] = [];
  return {
    events,
    watcher: (e) => events.push(e),
    next: (timeoutMs = 2000) => waitUntil(() => events[0], timeoutMs, 'watch event'),
  };
}

/** Resolve with the first defined value of `probe()` (polled every 5 ms), or reject after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const b = (s: string): Buffer => Buffer.from(s);
/** Let a watch that should NOT fire have the time to (several poll intervals). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

export function contractTests(label: string, setup: () => Promise<ContractSetup>): void {
  describe(`CoordinationStore contract: ${label}`, () => {
    let env: ContractSetup;
    let sessions: CoordinationStore[];
    let base: string;
    const connect = async (sessionTimeoutMs = 4000): Promise<CoordinationStore> => {
      const s = await env.connect({ sessionTimeoutMs });
      sessions.push(s);
      return s;
    };

    beforeEach(async () => {
      env = await setup();
      sessions = [];
      base = `/contract-${randomBytes(4).toString('hex')}`;
      const zk = await connect();
      await zk.create(base, b(''), { mode: CreateMode.PERSISTENT });
    });
    afterEach(async () => {
      for (const s of sessions) await s.close();
      await env.teardown();
    });

    it('create / getData / setData / delete with ZooKeeper Stats', async () => {
      const zk = sessions[0]!;
      const before = Date.now();
      expect(await zk.create(`${base}/a`, b('one'))).toBe(`${base}/a`);
      const { data, stat } = await zk.getData(`${base}/a`);
      expect(data.toString()).toBe('one');
      expect(stat).toMatchObject({ version: 0, cversion: 0, ephemeralOwner: 0n, dataLength: 3, numChildren: 0 });
      expect(stat.ctime).toBeGreaterThanOrEqual(before - 1000);
      expect(stat.mtime).toBe(stat.ctime);
      const s2 = await zk.setData(`${base}/a`, b('two!'));
      expect(s2).toMatchObject({ version: 1, dataLength: 4, czxid: stat.czxid });
      expect(s2.mzxid).toBeGreaterThan(stat.mzxid);
      expect((await zk.getData(`${base}/a`)).data.toString()).toBe('two!');
      const parent = await zk.exists(base);
      expect(parent).toMatchObject({ numChildren: 1, cversion: 1 });
      await zk.delete(`${base}/a`);
      expect(await zk.exists(`${base}/a`)).toBeNull();
      expect(await zk.exists(base)).toMatchObject({ numChildren: 0, cversion: 2 });
    });

    it('errors: NoNode, NodeExists, BadVersion, NotEmpty with stable codes', async () => {
      const zk = sessions[0]!;
      const err = async (p: Promise<unknown>): Promise<KeeperException> => {
        const e = await p.then(() => null, (x: unknown) => x);
        expect(e).toBeInstanceOf(KeeperException);
        return e as KeeperException;
      };
      const noParent = await err(zk.create(`${base}/missing/child`, b('')));
      expect(noParent).toBeInstanceOf(NoNodeException);
      expect(noParent).toMatchObject({ code: 'KTS_ERR_ZK_NO_NODE', keeperCode: 'NoNode' });
      expect((await err(zk.getData(`${base}/nope`))).code).toBe('KTS_ERR_ZK_NO_NODE');
      expect((await err(zk.setData(`${base}/nope`, b('')))).code).toBe('KTS_ERR_ZK_NO_NODE');
      expect((await err(zk.delete(`${base}/nope`))).code).toBe('KTS_ERR_ZK_NO_NODE');
      expect((await err(zk.getChildren(`${base}/nope`))).code).toBe('KTS_ERR_ZK_NO_NODE');
      await zk.create(`${base}/x`, b(''));
      const exists = await err(zk.create(`${base}/x`, b('')));
      expect(exists).toBeInstanceOf(NodeExistsException);
      expect(exists).toMatchObject({ code: 'KTS_ERR_ZK_NODE_EXISTS', keeperCode: 'NodeExists', path: `${base}/x` });
      const bad = await err(zk.setData(`${base}/x`, b(''), 5));
      expect(bad).toBeInstanceOf(BadVersionException);
      expect(bad.code).toBe('KTS_ERR_ZK_BAD_VERSION');
      expect((await err(zk.delete(`${base}/x`, 3))).code).toBe('KTS_ERR_ZK_BAD_VERSION');
      await zk.create(`${base}/x/y`, b(''));
      const notEmpty = await err(zk.delete(`${base}/x`));
      expect(notEmpty).toBeInstanceOf(NotEmptyException);
      expect(notEmpty.code).toBe('KTS_ERR_ZK_NOT_EMPTY');
      expect(notEmpty.message).toBe(`KeeperErrorCode = NotEmpty for ${base}/x`);
      await zk.delete(`${base}/x/y`, 0);
      await zk.delete(`${base}/x`, 0);
      expect(await zk.exists(`${base}/x`)).toBeNull();
    });

    it('compare-and-set: of two sessions writing the same version, exactly one wins', async () => {
      const a = sessions[0]!;
      const c = await connect();
      await a.create(`${base}/cas`, b('0'));
      const { stat } = await a.getData(`${base}/cas`);
      const results = await Promise.allSettled([a.setData(`${base}/cas`, b('a'), stat.version), c.setData(`${base}/cas`, b('c'), stat.version)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.reason).toBeInstanceOf(BadVersionException);
      const after = await c.getData(`${base}/cas`);
      expect(after.stat.version).toBe(1);
      expect(await c.setData(`${base}/cas`, b('next'), 1)).toMatchObject({ version: 2 });
    });

    it('sequential nodes: 10-digit suffix = number of children created under the parent (not cversion, which counts deletions too); getChildren lists names sorted', async () => {
      const zk = sessions[0]!;
      await zk.create(`${base}/q`, b(''));
      expect(await zk.create(`${base}/q/item-`, b(''), { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe(`${base}/q/item-0000000000`);
      await zk.create(`${base}/q/plain`, b(''));
      await zk.delete(`${base}/q/plain`);
      // cversion is now 3 (create, create, delete), but 2 children were created: ZooKeeper's counter
      // (DataNode.copyStat reports cversion as creations × 2 − numChildren)
      expect(await zk.exists(`${base}/q`)).toMatchObject({ cversion: 3, numChildren: 1 });
      expect(await zk.create(`${base}/q/item-`, b(''), { mode: CreateMode.EPHEMERAL_SEQUENTIAL })).toBe(`${base}/q/item-0000000002`);
      expect(await zk.create(`${base}/q/a-`, b(''), { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe(`${base}/q/a-0000000003`);
      await zk.delete(`${base}/q/a-0000000003`);
      await zk.delete(`${base}/q/item-0000000000`);
      expect(await zk.create(`${base}/q/b-`, b(''), { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe(`${base}/q/b-0000000004`);
      expect(await zk.exists(`${base}/q`)).toMatchObject({ cversion: 8, numChildren: 2 }); // 5 creations, 3 deletions
      expect(await zk.getChildren(`${base}/q`)).toEqual(['b-0000000004', 'item-0000000002']);
    });

    it('data watches fire once: NodeDataChanged, NodeDeleted; exists() on an absent node: NodeCreated', async () => {
      const zk = sessions[0]!;
      const other = await connect();
      await zk.create(`${base}/w`, b('v0'));
      const changed = recorder();
      await zk.getData(`${base}/w`, changed.watcher);
      await other.setData(`${base}/w`, b('v1'));
      expect(await changed.next()).toEqual({ type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: `${base}/w` });
      await other.setData(`${base}/w`, b('v2'));
      await settle();
      expect(changed.events).toHaveLength(1); // one-shot

      const deleted = recorder();
      await zk.exists(`${base}/w`, deleted.watcher);
      await other.delete(`${base}/w`);
      expect(await deleted.next()).toMatchObject({ type: EventType.NodeDeleted, path: `${base}/w` });

      const created = recorder();
      expect(await zk.exists(`${base}/later`, created.watcher)).toBeNull();
      await other.create(`${base}/later`, b(''));
      expect(await created.next()).toMatchObject({ type: EventType.NodeCreated, path: `${base}/later` });
      await other.setData(`${base}/later`, b('x'));
      await settle();
      expect(created.events).toHaveLength(1);
    });

    it('children watches fire once: NodeChildrenChanged on create/delete of a child, not on child data; NodeDeleted on the node', async () => {
      const zk = sessions[0]!;
      const other = await connect();
      await zk.create(`${base}/p`, b(''));
      await zk.create(`${base}/p/c1`, b(''));
      const kids = recorder();
      expect(await zk.getChildren(`${base}/p`, kids.watcher)).toEqual(['c1']);
      await other.setData(`${base}/p/c1`, b('data does not change the children'));
      await settle();
      expect(kids.events).toHaveLength(0);
      await other.create(`${base}/p/c2`, b(''));
      expect(await kids.next()).toEqual({ type: EventType.NodeChildrenChanged, state: KeeperState.SyncConnected, path: `${base}/p` });
      await other.create(`${base}/p/c3`, b(''));
      await settle();
      expect(kids.events).toHaveLength(1);

      const again = recorder();
      await zk.getChildren(`${base}/p`, again.watcher);
      await other.delete(`${base}/p/c3`);
      expect(await again.next()).toMatchObject({ type: EventType.NodeChildrenChanged, path: `${base}/p` });

      await other.delete(`${base}/p/c1`);
      await other.delete(`${base}/p/c2`);
      const gone = recorder();
      expect(await zk.getChildren(`${base}/p`, gone.watcher)).toEqual([]);
      await other.delete(`${base}/p`);
      expect(await gone.next()).toMatchObject({ type: EventType.NodeDeleted, path: `${base}/p` });
    });

    it('ephemeral nodes belong to their session, cannot have children, and go away when it closes', async () => {
      const watcherSession = sessions[0]!;
      const member = await connect();
      await watcherSession.create(`${base}/ids`, b(''));
      const p = await member.create(`${base}/ids/m1`, b('member'), { mode: CreateMode.EPHEMERAL });
      expect((await watcherSession.exists(p))!.ephemeralOwner).toBe(member.sessionId);
      const e = await member.create(`${p}/child`, b('')).then(() => null, (x: unknown) => x);
      expect(e).toBeInstanceOf(NoChildrenForEphemeralsException);
      expect((e as KeeperException).code).toBe('KTS_ERR_ZK_NO_CHILDREN_FOR_EPHEMERALS');
      const kids = recorder();
      expect(await watcherSession.getChildren(`${base}/ids`, kids.watcher)).toEqual(['m1']);
      const nodeWatch = recorder();
      await watcherSession.getData(p, nodeWatch.watcher);
      await member.close();
      expect(member.state).toBe(KeeperState.Closed);
      expect(await kids.next()).toMatchObject({ type: EventType.NodeChildrenChanged, path: `${base}/ids` });
      expect(await nodeWatch.next()).toMatchObject({ type: EventType.NodeDeleted, path: p });
      expect(await watcherSession.getChildren(`${base}/ids`)).toEqual([]);
      const closed = await member.getData(`${base}/ids`).then(() => null, (x: unknown) => x);
      expect(closed).toBeInstanceOf(SessionExpiredException);
      expect((closed as KeeperException).code).toBe('KTS_ERR_ZK_SESSION_EXPIRED');
    });
  });
}
