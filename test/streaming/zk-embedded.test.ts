/**
 * The embedded coordination store across real processes sharing one lmdb directory: a child
 * process (zk-embedded-child.ts) holds an ephemeral node and a watch; the parent sees its node and
 * its writes, the child sees the parent's (watch by polling, latency measured); both increment one
 * counter by compare-and-set without losing an update; after SIGKILL of the child its ephemeral node
 * disappears once its session times out and the parent's children watch fires. Also: session
 * events on close, and argument checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleChildScript } from '../helpers/child-script.js';
import {
  BadArgumentsException,
  BadVersionException,
  CreateMode,
  EmbeddedCoordinationStore,
  EventType,
  KeeperState,
  NodeExistsException,
  type CoordinationStore,
} from '../../streaming-kafka/zk/index.js';
import { recorder, waitUntil } from './zk-contract.js';

const script = bundleChildScript(path.join(path.dirname(fileURLToPath(import.meta.url)), 'zk-embedded-child.ts'));
const SESSION_TIMEOUT_MS = 1000;

let dir = '';
let child: ChildProcess | undefined;
const stores: CoordinationStore[] = [];
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  for (const s of stores.splice(0)) await s.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function startChild(): { proc: ChildProcess; lines: string[] } {
  const proc = spawn(process.execPath, [script, dir, String(SESSION_TIMEOUT_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
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

describe('embedded coordination store: several processes on one directory', () => {
  it('cross-process nodes, watches and CAS; SIGKILL of the member expires its session and removes its ephemeral node', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-embedded-'));
    const zk = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 4000 });
    stores.push(zk);
    const { proc, lines } = startChild();
    const ready = await waitUntil(() => lines.find((l) => l.startsWith('ready ')), 10_000, 'child ready');
    const childSession = BigInt(ready.split(' ')[1]!);

    // the parent sees the child's ephemeral node, owned by the child's session
    const kids = recorder();
    expect(await zk.getChildren('/group/ids', kids.watcher)).toEqual(['child']);
    const node = await zk.getData('/group/ids/child');
    expect(node.data.toString()).toBe('hello');
    expect(node.stat.ephemeralOwner).toBe(childSession);

    // the child's exists watch fires on the parent's create; its answer fires the parent's data watch
    const answer = recorder();
    await zk.getData('/group/ids/child', answer.watcher);
    const t0 = Date.now();
    await zk.create('/group/config', Buffer.from('{}'));
    await waitUntil(() => lines.find((l) => l === 'event NodeCreated /group/config'), 2000, 'child sees NodeCreated');
    const childLatencyMs = Date.now() - t0;
    expect(await answer.next()).toMatchObject({ type: EventType.NodeDataChanged, path: '/group/ids/child' });
    const roundTripMs = Date.now() - t0;
    expect((await zk.getData('/group/ids/child')).data.toString()).toBe('saw NodeCreated');
    await zk.setData('/group/config', Buffer.from('{"v":2}'));
    await waitUntil(() => lines.find((l) => l === 'event NodeDataChanged /group/config'), 2000, 'child sees NodeDataChanged');
    console.log(`cross-process watch latency: parent write → child event ${childLatencyMs} ms, round trip ${roundTripMs} ms`);
    expect(childLatencyMs).toBeLessThan(500);

    // both processes increment /counter by compare-and-set at once: no update is lost
    const N = 300;
    proc.stdin!.write(`inc ${N}\n`);
    let parentRetries = 0;
    for (let i = 0; i < N; i++) {
      for (;;) {
        const { data, stat } = await zk.getData('/counter');
        try {
          await zk.setData('/counter', Buffer.from(String(Number(data.toString() || '0') + 1)), stat.version);
          break;
        } catch (e) {
          expect(e).toBeInstanceOf(BadVersionException);
          parentRetries++;
        }
        await new Promise((r) => setImmediate(r));
      }
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const done = await waitUntil(() => lines.find((l) => l.startsWith('incdone ')), 10_000, 'child increments');
    const { data: counter, stat: counterStat } = await zk.getData('/counter');
    expect(Number(counter.toString())).toBe(2 * N);
    expect(counterStat.version).toBe(2 * N);
    console.log(`CAS contention: parent retries ${parentRetries}, child retries ${done.split(' ')[1]}`);

    // SIGKILL: no close, no more heartbeats; the parent's reaper expires the session
    expect(kids.events).toHaveLength(0);
    const killedAt = Date.now();
    proc.kill('SIGKILL');
    const ev = await kids.next(SESSION_TIMEOUT_MS * 3);
    const goneAfterMs = Date.now() - killedAt;
    expect(ev).toEqual({ type: EventType.NodeChildrenChanged, state: KeeperState.SyncConnected, path: '/group/ids' });
    expect(await zk.getChildren('/group/ids')).toEqual([]);
    expect(await zk.exists('/group/ids/child')).toBeNull();
    console.log(`ephemeral removed ${goneAfterMs} ms after SIGKILL (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    // the last heartbeat was at most timeout/3 before the kill; expiry needs the full timeout since it
    // (timers may run late: the bound keeps half the timeout; an immediate removal would be ~0 ms)
    expect(goneAfterMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS / 2);
    expect(goneAfterMs).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + SESSION_TIMEOUT_MS / 3 + 500);
    // the persistent nodes the child created remain
    expect(await zk.exists('/group/config')).not.toBeNull();
    expect(kids.events).toHaveLength(1);
  });

  it('a live session in another process is not expired: heartbeats keep its ephemeral node past the timeout', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-embedded-'));
    const zk = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 4000 });
    stores.push(zk);
    const { lines } = startChild();
    await waitUntil(() => lines.find((l) => l.startsWith('ready ')), 10_000, 'child ready');
    const kids = recorder();
    await zk.getChildren('/group/ids', kids.watcher);
    await new Promise((r) => setTimeout(r, SESSION_TIMEOUT_MS * 2.5));
    expect(kids.events).toHaveLength(0);
    expect(await zk.getChildren('/group/ids')).toEqual(['child']);
  });

  it('a member whose event loop is blocked longer than its timeout is expired by another process and then finds itself Expired', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-embedded-'));
    const zk = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 4000 });
    stores.push(zk);
    const { proc, lines } = startChild();
    await waitUntil(() => lines.find((l) => l.startsWith('ready ')), 10_000, 'child ready');
    const kids = recorder();
    await zk.getChildren('/group/ids', kids.watcher);
    proc.stdin!.write(`block ${SESSION_TIMEOUT_MS * 2}\n`);
    expect(await kids.next(SESSION_TIMEOUT_MS * 3)).toMatchObject({ type: EventType.NodeChildrenChanged, path: '/group/ids' });
    expect(await zk.getChildren('/group/ids')).toEqual([]);
    await waitUntil(() => lines.find((l) => l.startsWith('getData ')), 5000, 'child reports');
    expect(lines).toContain('session Expired');
    expect(lines).toContain('event None null'); // its pending exists watch got the session event
    expect(lines).toContain('state Expired');
    expect(lines).toContain('getData KTS_ERR_ZK_SESSION_EXPIRED');
  });

  it('close(): ephemerals of the session deleted, pending watchers and the default watcher get None/Closed', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-embedded-'));
    const sessionEvents = recorder();
    const a = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 2000, watcher: sessionEvents.watcher });
    const b = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 2000 });
    stores.push(b);
    await a.create('/e', Buffer.from(''), { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    const pending = recorder();
    await a.exists('/never', pending.watcher);
    await a.close();
    await a.close(); // idempotent
    expect(sessionEvents.events).toEqual([{ type: EventType.None, state: KeeperState.Closed, path: null }]);
    expect(pending.events).toEqual([{ type: EventType.None, state: KeeperState.Closed, path: null }]);
    expect(await b.getChildren('/')).toEqual([]);
    expect(await b.create('/e', Buffer.from(''))).toBe('/e');
    await expect(b.create('/e', Buffer.from(''))).rejects.toBeInstanceOf(NodeExistsException);
  });

  it('argument checks: invalid paths and timeouts are BadArguments (KTS_ERR_ZK_BAD_ARGUMENTS)', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-embedded-'));
    await expect(EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 0 })).rejects.toBeInstanceOf(BadArgumentsException);
    const zk = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 2000 });
    stores.push(zk);
    for (const bad of ['', 'a', '/a/', '/a//b', '/a/./b', '/a/../b']) {
      await expect(zk.create(bad, Buffer.from(''))).rejects.toMatchObject({ code: 'KTS_ERR_ZK_BAD_ARGUMENTS', keeperCode: 'BadArguments' });
    }
    await expect(zk.delete('/')).rejects.toBeInstanceOf(BadArgumentsException);
  });
});
