/**
 * The real-ZooKeeper coordination store (streaming-kafka/zk/zookeeper-store.ts) against Debian's
 * ZooKeeper server (test/helpers/zookeeper-server.ts), one server for this file, over loopback:
 * - the CoordinationStore contract (test/streaming/zk-contract.ts), each test under its own base path;
 * - a member process (zk-zookeeper-child.ts): cross-process watches and compare-and-set; SIGKILL →
 *   its session expires after the session timeout and its ephemeral node disappears; SIGSTOP longer
 *   than its timeout → on SIGCONT it learns that its session expired (None/Expired to its default
 *   and pending watchers, SessionExpired afterwards);
 * - close(): None/Closed to the default and pending watchers, idempotent; argument checks;
 * - connectCoordinationStore picks ZooKeeper (with chroot) or the embedded store from zkQuorum;
 * - connecting to a closed port or a silent server fails after connectionTimeoutMs with
 *   KTS_ERR_ZK_CONNECTION_TIMEOUT and leaves no reconnecting client behind.
 * Skipped, with the reason in the titles, when the Debian package zookeeper is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleChildScript } from '../helpers/child-script.js';
import { hasZooKeeper, startZooKeeper, ZOOKEEPER_SKIP_REASON, type ZooKeeperServer } from '../helpers/zookeeper-server.js';
import {
  BadArgumentsException,
  BadVersionException,
  ConnectionLossException,
  connectCoordinationStore,
  CreateMode,
  EmbeddedCoordinationStore,
  EventType,
  KeeperState,
  NodeExistsException,
  resolveCoordinationTarget,
  SessionExpiredException,
  ZkConnectionTimeoutException,
  ZooKeeperCoordinationStore,
  type CoordinationStore,
} from '../../streaming-kafka/zk/index.js';
import { contractTests, recorder, waitUntil } from './zk-contract.js';

const SKIP = hasZooKeeper ? '' : ` ${ZOOKEEPER_SKIP_REASON}`;
let server: ZooKeeperServer | undefined;
beforeAll(async () => {
  if (hasZooKeeper) server = await startZooKeeper();
});
afterAll(async () => {
  await server?.stop();
});

if (hasZooKeeper) {
  contractTests('zookeeper (real server)', async () => ({
    connect: (opts) => ZooKeeperCoordinationStore.connect(server!.connectString, opts),
    teardown: async () => {},
  }));
} else {
  it.skip(`CoordinationStore contract: zookeeper${SKIP}`, () => {});
}

const b = (s: string): Buffer => Buffer.from(s);
const base = (): string => `/zk-test-${randomBytes(4).toString('hex')}`;

let child: ChildProcess | undefined;
const stores: CoordinationStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  child = undefined;
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open(sessionTimeoutMs = 4000, watcher?: (e: import('../../streaming-kafka/zk/index.js').WatchedEvent) => void): Promise<ZooKeeperCoordinationStore> {
  const zk = await ZooKeeperCoordinationStore.connect(server!.connectString, { sessionTimeoutMs, ...(watcher ? { watcher } : {}) });
  stores.push(zk);
  return zk;
}

function startChild(sessionTimeoutMs: number, basePath: string): { proc: ChildProcess; lines: string[] } {
  const script = bundleChildScript(path.join(path.dirname(fileURLToPath(import.meta.url)), 'zk-zookeeper-child.ts'));
  const proc = spawn(process.execPath, [script, server!.connectString, String(sessionTimeoutMs), basePath], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child = proc;
  return { proc, lines };
}

/**
 * A TCP relay on 127.0.0.1 in front of the ZooKeeper server (not a fake: the real server answers),
 * to make a connection go silent or drop where a test wants it: `silence()` swallows from then on
 * what the server sends on the current connections (requests still reach it, answers and ping
 * replies never come back), `holdNew` does so for connections accepted while it is true, `cut()`
 * destroys every relayed connection, `accepting = false` refuses new ones; `accepted()` counts.
 */
interface Relay {
  port: number;
  accepting: boolean;
  holdNew: boolean;
  accepted(): number;
  connections(): number;
  silence(): void;
  cut(): void;
  close(): Promise<void>;
}
async function startRelay(targetPort: number): Promise<Relay> {
  const pairs = new Set<{ c: net.Socket; u: net.Socket; held: boolean }>();
  let accepted = 0;
  const srv = net.createServer((c) => {
    if (!relay.accepting) {
      c.destroy();
      return;
    }
    accepted++;
    const u = net.connect(targetPort, '127.0.0.1');
    const pair = { c, u, held: relay.holdNew };
    pairs.add(pair);
    c.on('data', (d: Buffer) => u.write(d));
    u.on('data', (d: Buffer) => {
      if (!pair.held) c.write(d);
    });
    const end = (): void => {
      c.destroy();
      u.destroy();
      pairs.delete(pair);
    };
    for (const sock of [c, u]) {
      sock.on('close', end);
      sock.on('error', end);
    }
  });
  const relay: Relay = {
    port: 0,
    accepting: true,
    holdNew: false,
    accepted: () => accepted,
    connections: () => pairs.size,
    silence: () => {
      for (const pair of pairs) pair.held = true;
    },
    cut: () => {
      for (const { c, u } of pairs) {
        c.destroy();
        u.destroy();
      }
      pairs.clear();
    },
    close: async () => {
      relay.cut();
      await new Promise((r) => srv.close(r));
    },
  };
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  relay.port = (srv.address() as net.AddressInfo).port;
  return relay;
}

describe('ZooKeeperCoordinationStore: member processes and sessions', () => {
  it.skipIf(!hasZooKeeper)(`cross-process watches and CAS; SIGKILL of the member: its session expires after the timeout and its ephemeral node goes${SKIP}`, async () => {
    const SESSION_TIMEOUT_MS = 2000;
    const root = base();
    const zk = await open();
    await zk.create(root, b(''));
    const { proc, lines } = startChild(SESSION_TIMEOUT_MS, root);
    const ready = await waitUntil(() => lines.find((l) => l.startsWith('ready ')), 15_000, 'child ready');
    const childSession = BigInt(ready.split(' ')[1]!);
    expect(childSession).not.toBe(zk.sessionId);

    const kids = recorder();
    expect(await zk.getChildren(`${root}/group/ids`, kids.watcher)).toEqual(['child']);
    const node = await zk.getData(`${root}/group/ids/child`);
    expect(node.data.toString()).toBe('hello');
    expect(node.stat.ephemeralOwner).toBe(childSession);

    // the child's exists watch fires on our create; its answer fires our data watch
    const answer = recorder();
    await zk.getData(`${root}/group/ids/child`, answer.watcher);
    await zk.create(`${root}/group/config`, b('{}'));
    await waitUntil(() => lines.find((l) => l === `event NodeCreated ${root}/group/config`), 5000, 'child sees NodeCreated');
    expect(await answer.next(5000)).toEqual({ type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: `${root}/group/ids/child` });
    expect((await zk.getData(`${root}/group/ids/child`)).data.toString()).toBe('saw NodeCreated');

    // both processes increment one counter by compare-and-set at once: no update is lost
    const N = 100;
    proc.stdin!.write(`inc ${N}\n`);
    let retries = 0;
    for (let i = 0; i < N; i++) {
      for (;;) {
        const { data, stat } = await zk.getData(`${root}/counter`);
        try {
          await zk.setData(`${root}/counter`, b(String(Number(data.toString() || '0') + 1)), stat.version);
          break;
        } catch (e) {
          expect(e).toBeInstanceOf(BadVersionException);
          retries++;
        }
      }
    }
    await waitUntil(() => lines.find((l) => l.startsWith('incdone ')), 15_000, 'child increments');
    const counter = await zk.getData(`${root}/counter`);
    expect(Number(counter.data.toString())).toBe(2 * N);
    expect(counter.stat.version).toBe(2 * N);
    console.log(`CAS contention on ZooKeeper: parent retries ${retries}, child ${lines.find((l) => l.startsWith('incdone '))}`);

    // SIGKILL: no closeSession, no more pings; the server expires the session after its timeout
    expect(kids.events).toHaveLength(0);
    const killedAt = Date.now();
    proc.kill('SIGKILL');
    const ev = await kids.next(SESSION_TIMEOUT_MS * 4);
    const goneAfterMs = Date.now() - killedAt;
    expect(ev).toEqual({ type: EventType.NodeChildrenChanged, state: KeeperState.SyncConnected, path: `${root}/group/ids` });
    expect(await zk.getChildren(`${root}/group/ids`)).toEqual([]);
    expect(await zk.exists(`${root}/group/ids/child`)).toBeNull();
    console.log(`ZooKeeper removed the ephemeral node ${goneAfterMs} ms after SIGKILL (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    // the client pings after timeout/3 of silence, so the session's last contact was at most that
    // long before the kill; an immediate removal (a close, not an expiry) would take a few ms
    expect(goneAfterMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS / 2);
    expect(goneAfterMs).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + 2500);
    expect(await zk.exists(`${root}/group/config`)).not.toBeNull(); // persistent nodes stay
    expect(kids.events).toHaveLength(1);
  });

  it.skipIf(!hasZooKeeper)(`a member stopped (SIGSTOP) longer than its timeout finds its session Expired on SIGCONT: None/Expired to its watchers, then SessionExpired${SKIP}`, async () => {
    const SESSION_TIMEOUT_MS = 1000;
    const root = base();
    const zk = await open();
    await zk.create(root, b(''));
    const { proc, lines } = startChild(SESSION_TIMEOUT_MS, root);
    await waitUntil(() => lines.find((l) => l.startsWith('ready ')), 15_000, 'child ready');
    const kids = recorder();
    await zk.getChildren(`${root}/group/ids`, kids.watcher);
    proc.kill('SIGSTOP');
    expect(await kids.next(SESSION_TIMEOUT_MS * 5)).toMatchObject({ type: EventType.NodeChildrenChanged, path: `${root}/group/ids` });
    expect(await zk.getChildren(`${root}/group/ids`)).toEqual([]);
    proc.kill('SIGCONT');
    await waitUntil(() => lines.find((l) => l.startsWith('getData ')), 10_000, 'child reports');
    expect(lines).toContain('session Expired');
    expect(lines).toContain('event None null'); // its pending exists watch got the session event
    expect(lines).toContain('state Expired');
    expect(lines).toContain('getData KTS_ERR_ZK_SESSION_EXPIRED');
    expect(lines.filter((l) => l.startsWith('session '))).toEqual(['session Expired']);
  });

  it.skipIf(!hasZooKeeper)(`a dropped connection is not expiry: the request in flight fails with ConnectionLoss, requests made meanwhile wait, the client reconnects to the same session with its watches${SKIP}`, async () => {
    const root = base();
    const relay = await startRelay(server!.port);
    try {
      const sessionEvents = recorder();
      const zk = await ZooKeeperCoordinationStore.connect(`127.0.0.1:${relay.port}`, { sessionTimeoutMs: 4000, watcher: sessionEvents.watcher, spinDelayMs: 50 });
      stores.push(zk);
      const other = await open();
      await zk.create(root, b(''));
      const eph = await zk.create(`${root}/member`, b('m'), { mode: CreateMode.EPHEMERAL });
      const dataWatch = recorder();
      const childWatch = recorder();
      await zk.getData(root, dataWatch.watcher);
      await zk.getChildren(root, childWatch.watcher);

      // a request whose answer never comes back, then the connection is cut
      relay.silence();
      const inflight = zk.getData(`${root}/member`).then(() => null, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      relay.accepting = false;
      relay.cut();
      const lost = await inflight;
      expect(lost).toBeInstanceOf(ConnectionLossException);
      expect(lost).toMatchObject({ code: 'KTS_ERR_ZK_CONNECTION_LOSS', path: `${root}/member` });
      expect(zk.state).toBe(KeeperState.SyncConnected);

      // while it cannot connect: requests wait; changes made meanwhile are reported after the reconnect
      const queued = zk.setData(root, b('written while disconnected'));
      await other.create(`${root}/other`, b(''));
      await new Promise((r) => setTimeout(r, 300));
      expect(dataWatch.events).toHaveLength(0);
      relay.accepting = true;
      expect(await queued).toMatchObject({ version: 1 });
      expect(await childWatch.next(5000)).toEqual({ type: EventType.NodeChildrenChanged, state: KeeperState.SyncConnected, path: root });
      expect(await dataWatch.next(5000)).toEqual({ type: EventType.NodeDataChanged, state: KeeperState.SyncConnected, path: root });
      expect(relay.connections()).toBe(1);
      expect((await other.exists(eph))!.ephemeralOwner).toBe(zk.sessionId); // same session: its ephemeral node stayed
      expect(zk.state).toBe(KeeperState.SyncConnected);
      expect(sessionEvents.events).toEqual([]); // Disconnected/SyncConnected are not reported
    } finally {
      await relay.close();
    }
  });

  it.skipIf(!hasZooKeeper)(`silent connections are dropped (Java's handshake and read timeouts): the client reconnects within its session${SKIP}`, async () => {
    const SESSION_TIMEOUT_MS = 1500;
    const root = base();
    const relay = await startRelay(server!.port);
    try {
      // handshake: the first connection never gets its ConnectResponse; dropped after timeout/3
      relay.holdNew = true;
      const t0 = Date.now();
      const connecting = ZooKeeperCoordinationStore.connect(`127.0.0.1:${relay.port}`, { sessionTimeoutMs: SESSION_TIMEOUT_MS, connectionTimeoutMs: 10_000, spinDelayMs: 50 });
      await waitUntil(() => (relay.accepted() >= 1 ? true : undefined), 5000, 'first connection');
      relay.holdNew = false;
      const zk = await connecting;
      stores.push(zk);
      const handshakeMs = Date.now() - t0;
      expect(relay.accepted()).toBe(2);
      expect(handshakeMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS / 3 - 50);
      expect(handshakeMs).toBeLessThan(5000);

      // read timeout: answers (and ping replies) stop coming; dropped after 2/3 of the session timeout
      await zk.create(root, b(''));
      const eph = await zk.create(`${root}/member`, b(''), { mode: CreateMode.EPHEMERAL });
      relay.silence();
      const tSilent = Date.now();
      const unanswered = await zk.getData(root).then(() => null, (e: unknown) => e);
      const droppedAfterMs = Date.now() - tSilent;
      expect(unanswered).toBeInstanceOf(ConnectionLossException);
      expect(droppedAfterMs).toBeGreaterThanOrEqual((SESSION_TIMEOUT_MS * 2) / 3 - 50);
      expect(droppedAfterMs).toBeLessThan(SESSION_TIMEOUT_MS * 2);
      expect((await zk.exists(eph))!.ephemeralOwner).toBe(zk.sessionId); // reconnected, same session
      expect(relay.accepted()).toBe(3);
      expect(zk.state).toBe(KeeperState.SyncConnected);
      console.log(`silent connection dropped: handshake after ${handshakeMs} ms, session connection after ${droppedAfterMs} ms (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    } finally {
      await relay.close();
    }
  });

  it.skipIf(!hasZooKeeper)(`a server crash and restart within the session timeout: sessions, ephemeral nodes and watches survive${SKIP}`, async () => {
    const root = base();
    const sessionEvents = recorder();
    const zk = await ZooKeeperCoordinationStore.connect(server!.connectString, { sessionTimeoutMs: 6000, watcher: sessionEvents.watcher, spinDelayMs: 100 });
    stores.push(zk);
    await zk.create(root, b(''));
    const eph = await zk.create(`${root}/member`, b(''), { mode: CreateMode.EPHEMERAL });
    const watch = recorder();
    await zk.getData(root, watch.watcher);
    const t0 = Date.now();
    await server!.kill();
    await new Promise((r) => setTimeout(r, 200)); // the client has seen its connection drop: the request waits
    const during = zk.getChildren(root);
    await server!.restart();
    expect(await during).toEqual(['member']);
    console.log(`ZooKeeper restarted and the session resumed in ${Date.now() - t0} ms`);
    const other = await open();
    expect((await other.exists(eph))!.ephemeralOwner).toBe(zk.sessionId);
    await other.setData(root, b('after restart'));
    expect(await watch.next(5000)).toMatchObject({ type: EventType.NodeDataChanged, path: root });
    expect(zk.state).toBe(KeeperState.SyncConnected);
    expect(sessionEvents.events).toEqual([]);
  });

  it.skipIf(!hasZooKeeper)(`close(): ephemerals deleted at once, pending and default watchers get None/Closed, idempotent; a live session is not expired${SKIP}`, async () => {
    const root = base();
    const sessionEvents = recorder();
    const a = await ZooKeeperCoordinationStore.connect(server!.connectString, { sessionTimeoutMs: 1500, watcher: sessionEvents.watcher });
    const other = await open();
    expect(a.sessionTimeoutMs).toBe(1500); // negotiated: within the server's [min, max]
    expect(a.sessionId).toBeGreaterThan(0n);
    await other.create(root, b(''));
    const e = await a.create(`${root}/e-`, b(''), { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    expect(e).toBe(`${root}/e-0000000000`);
    // idle for 2 × its timeout: pings (after timeout/3 of silence) keep the session and its ephemeral node
    await new Promise((r) => setTimeout(r, 3000));
    expect(a.state).toBe(KeeperState.SyncConnected);
    expect(await other.getChildren(root)).toEqual(['e-0000000000']);
    expect(a.state).toBe(KeeperState.SyncConnected);
    const pending = recorder();
    const pendingChildren = recorder();
    expect(await a.exists(`${root}/never`, pending.watcher)).toBeNull();
    await other.create(`${root}/p`, b(''));
    await a.getChildren(`${root}/p`, pendingChildren.watcher);
    await a.getData(`${root}/p`, pendingChildren.watcher);
    // a children watch on the parent of its own ephemeral node: closeSession deletes the node, and
    // the server delivers that event before it closes the connection
    const own = recorder();
    await a.getChildren(root, own.watcher);
    const gone = recorder();
    await other.exists(e, gone.watcher);
    await Promise.all([a.close(), a.close()]);
    await a.close();
    expect(a.state).toBe(KeeperState.Closed);
    expect(sessionEvents.events).toEqual([{ type: EventType.None, state: KeeperState.Closed, path: null }]);
    expect(pending.events).toEqual([{ type: EventType.None, state: KeeperState.Closed, path: null }]);
    expect(pendingChildren.events).toEqual([{ type: EventType.None, state: KeeperState.Closed, path: null }]); // once, though set twice
    expect(own.events).toEqual([{ type: EventType.NodeChildrenChanged, state: KeeperState.SyncConnected, path: root }]);
    expect(await gone.next(5000)).toMatchObject({ type: EventType.NodeDeleted, path: e });
    expect(await other.getChildren(root)).toEqual(['p']);
    await expect(a.create(`${root}/x`, b(''))).rejects.toBeInstanceOf(SessionExpiredException);
    await expect(a.exists(root)).rejects.toMatchObject({ code: 'KTS_ERR_ZK_SESSION_EXPIRED' });
  });

  it.skipIf(!hasZooKeeper)(`one watcher set as data and children watcher gets NodeDeleted once; the same watcher set twice fires once${SKIP}`, async () => {
    const root = base();
    const zk = await open();
    const other = await open();
    await zk.create(root, b(''));
    await zk.create(`${root}/n`, b(''));
    const w = recorder();
    await zk.getData(`${root}/n`, w.watcher);
    await zk.exists(`${root}/n`, w.watcher);
    await zk.getChildren(`${root}/n`, w.watcher);
    await other.delete(`${root}/n`);
    expect(await w.next(5000)).toEqual({ type: EventType.NodeDeleted, state: KeeperState.SyncConnected, path: `${root}/n` });
    await new Promise((r) => setTimeout(r, 200));
    expect(w.events).toHaveLength(1);
    // a watcher that throws does not stop the others
    const after = recorder();
    await zk.exists(`${root}/n`, () => {
      throw new Error('watcher failure');
    });
    await zk.exists(`${root}/n`, after.watcher);
    await other.create(`${root}/n`, b(''));
    expect(await after.next(5000)).toMatchObject({ type: EventType.NodeCreated, path: `${root}/n` });
  });

  it.skipIf(!hasZooKeeper)(`argument checks: invalid paths, versions and timeouts are BadArguments before anything is sent; create('/') is NodeExists${SKIP}`, async () => {
    await expect(ZooKeeperCoordinationStore.connect(server!.connectString, { sessionTimeoutMs: 0 })).rejects.toBeInstanceOf(BadArgumentsException);
    await expect(ZooKeeperCoordinationStore.connect('', { sessionTimeoutMs: 1000 })).rejects.toMatchObject({ code: 'KTS_ERR_ZK_BAD_ARGUMENTS' });
    await expect(ZooKeeperCoordinationStore.connect('127.0.0.1:99999', { sessionTimeoutMs: 1000 })).rejects.toMatchObject({ code: 'KTS_ERR_ZK_BAD_ARGUMENTS' });
    await expect(ZooKeeperCoordinationStore.connect(`${server!.connectString}/bad/`, { sessionTimeoutMs: 1000 })).rejects.toMatchObject({ code: 'KTS_ERR_ZK_BAD_ARGUMENTS' });
    const zk = await open();
    for (const bad of ['', 'a', '/a/', '/a//b', '/a/./b', '/a/../b', '/a\u0000b']) {
      await expect(zk.create(bad, b(''))).rejects.toMatchObject({ code: 'KTS_ERR_ZK_BAD_ARGUMENTS', keeperCode: 'BadArguments' });
      await expect(zk.getData(bad)).rejects.toBeInstanceOf(BadArgumentsException);
    }
    await expect(zk.delete('/')).rejects.toBeInstanceOf(BadArgumentsException);
    await expect(zk.setData('/', b(''), 1.5)).rejects.toBeInstanceOf(BadArgumentsException);
    await expect(zk.create('/', b(''))).rejects.toBeInstanceOf(NodeExistsException);
    await expect(zk.create(`${base()}`, Buffer.alloc(1024 * 1024 + 1))).rejects.toBeInstanceOf(BadArgumentsException);
    expect(zk.state).toBe(KeeperState.SyncConnected);
  });
});

describe('connectCoordinationStore(zkQuorum)', () => {
  it('classifies zkQuorum: paths and file: URLs → embedded, host:port lists with optional chroot → ZooKeeper, others rejected', () => {
    expect(resolveCoordinationTarget('/var/lib/zk')).toEqual({ kind: 'embedded', dir: '/var/lib/zk' });
    expect(resolveCoordinationTarget('./zk')).toEqual({ kind: 'embedded', dir: path.resolve('zk') });
    expect(resolveCoordinationTarget('../zk')).toEqual({ kind: 'embedded', dir: path.resolve('../zk') });
    expect(resolveCoordinationTarget('file:///tmp/zk%20dir')).toEqual({ kind: 'embedded', dir: '/tmp/zk dir' });
    expect(resolveCoordinationTarget('file:./zk')).toEqual({ kind: 'embedded', dir: path.resolve('zk') });
    expect(resolveCoordinationTarget('127.0.0.1:2181')).toEqual({ kind: 'zookeeper', connectString: '127.0.0.1:2181' });
    expect(resolveCoordinationTarget('zk1:2181,zk2.example.com:2182/kafka/app')).toEqual({ kind: 'zookeeper', connectString: 'zk1:2181,zk2.example.com:2182/kafka/app' });
    expect(resolveCoordinationTarget('localhost')).toEqual({ kind: 'zookeeper', connectString: 'localhost' });
    for (const bad of ['', '   ', 'a b:1', 'host:port', 'h:1:2', 'h:70000', 'h:1/chroot/', 'file:']) {
      expect(() => resolveCoordinationTarget(bad), bad).toThrow(BadArgumentsException);
    }
  });

  it.skipIf(!hasZooKeeper)(`opens a ZooKeeper session (with chroot: paths and events relative to it) or an embedded store${SKIP}`, async () => {
    const chroot = base();
    const plain = await connectCoordinationStore(server!.connectString, { sessionTimeoutMs: 4000, connectionTimeoutMs: 10_000, pollIntervalMs: 10 });
    stores.push(plain);
    expect(plain).toBeInstanceOf(ZooKeeperCoordinationStore);
    await plain.create(chroot, b(''));
    const rooted = await connectCoordinationStore(`${server!.connectString}${chroot}`, { sessionTimeoutMs: 4000 });
    stores.push(rooted);
    expect(rooted).toBeInstanceOf(ZooKeeperCoordinationStore);
    const w = recorder();
    expect(await rooted.exists('/inside', w.watcher)).toBeNull();
    await plain.create(`${chroot}/inside`, b('via the full path'));
    expect(await w.next(5000)).toEqual({ type: EventType.NodeCreated, state: KeeperState.SyncConnected, path: '/inside' });
    expect((await rooted.getData('/inside')).data.toString()).toBe('via the full path');
    expect(await rooted.create('/seq-', b(''), { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe('/seq-0000000001');
    expect(await plain.getChildren(chroot)).toEqual(['inside', 'seq-0000000001']);
    expect(await rooted.getChildren('/')).toEqual(['inside', 'seq-0000000001']);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-connect-'));
    dirs.push(dir);
    for (const quorum of [dir, pathToFileURL(dir).href]) {
      const embedded = await connectCoordinationStore(quorum, { sessionTimeoutMs: 2000, connectionTimeoutMs: 5 });
      stores.push(embedded);
      expect(embedded).toBeInstanceOf(EmbeddedCoordinationStore);
    }
    await stores.at(-2)!.create('/shared', b('x'));
    expect((await stores.at(-1)!.getData('/shared')).data.toString()).toBe('x');
    expect(fs.existsSync(path.join(dir, 'zk.mdb'))).toBe(true);
  });

  it('connection timeout: a closed port or a silent server → KTS_ERR_ZK_CONNECTION_TIMEOUT after connectionTimeoutMs, no reconnecting left behind', async () => {
    // a closed port: bound then released
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const t0 = Date.now();
    const err = await connectCoordinationStore(`127.0.0.1:${closedPort}`, { sessionTimeoutMs: 4000, connectionTimeoutMs: 600 }).then(
      () => null,
      (e: unknown) => e,
    );
    const tookMs = Date.now() - t0;
    expect(err).toBeInstanceOf(ZkConnectionTimeoutException);
    expect(err).toMatchObject({ code: 'KTS_ERR_ZK_CONNECTION_TIMEOUT', timeoutMs: 600 });
    expect((err as Error).message).toBe(`Unable to connect to zookeeper server '127.0.0.1:${closedPort}' within timeout: 600 ms`);
    expect(tookMs).toBeGreaterThanOrEqual(550);
    expect(tookMs).toBeLessThan(3000);

    // a server that accepts TCP but never answers: counts the client's connection attempts
    let attempts = 0;
    let closed = 0;
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => {
      attempts++;
      sockets.push(s);
      s.resume(); // read (and ignore) the ConnectRequest, so that the client's close is seen
      s.on('close', () => closed++);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await expect(ZooKeeperCoordinationStore.connect(`127.0.0.1:${port}`, { sessionTimeoutMs: 4000, connectionTimeoutMs: 400, spinDelayMs: 50 })).rejects.toMatchObject({
        code: 'KTS_ERR_ZK_CONNECTION_TIMEOUT',
      });
      expect(attempts).toBeGreaterThanOrEqual(1);
      await waitUntil(() => (closed === attempts ? true : undefined), 2000, 'the client to drop its connection');
      const seen = attempts;
      await new Promise((r) => setTimeout(r, 500)); // 10 × spinDelay: a reconnecting client would be back
      expect(attempts).toBe(seen);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
