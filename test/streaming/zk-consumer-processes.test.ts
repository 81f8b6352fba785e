/**
 * Three consumer processes of one group (zk-consumer-child.ts: ZookeeperConsumerConnector.open on
 * one embedded coordination store directory, real broker in this process) while records keep coming:
 * - the range split over the three members is reflected in the owner nodes;
 * - SIGKILL of one member: once its session times out its partitions move to the other two;
 * - a member whose event loop is blocked longer than its session timeout loses its session, the
 *   other takes everything, then the blocked one opens a new session, registers again and gets its
 *   share back (Kafka 0.8's handleNewSession);
 * - every record is read by some member (none lost); how many were read twice is measured and
 *   bounded by what the killed/blocked member read after its last commit;
 * - at the end the offsets nodes hold the log end offsets (the members committed what they read).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedCoordinationStore } from '../../streaming-kafka/zk/index.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { createTopic, endOffsets, producer, sleep, waitFor } from './zk-consumer-helpers.js';

const script = bundleChildScript(path.join(path.dirname(fileURLToPath(import.meta.url)), 'zk-consumer-child.ts'));
const SESSION_TIMEOUT_MS = 2000;
/** Longer than the timeout + timeout/3 (heartbeat period) + the reaper's 100 ms, with room for c's rebalance. */
const BLOCK_MS = 5000;
const TOPIC = 'zkp-events';
const GROUP = 'gp';
const P = 6;

let broker: TestBroker;
let dir = '';
const children: ChildProcess[] = [];

beforeAll(async () => {
  broker = await startBroker();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-consumer-procs-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await broker?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Member {
  id: string;
  proc: ChildProcess;
  lines: string[];
  /** `partition:offset` of every message read, in order. */
  reads: string[];
}

function startMember(id: string): Member {
  const proc = spawn(process.execPath, [script, dir, broker.bootstrap, TOPIC, GROUP, id, String(SESSION_TIMEOUT_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(proc);
  const m: Member = { id, proc, lines: [], reads: [] };
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      if (l.startsWith('read ')) {
        const [, p, o] = l.split(' ');
        m.reads.push(`${p}:${o}`);
      } else m.lines.push(l);
    }
  });
  return m;
}

describe('consumer group of three processes on the embedded coordination store', () => {
  it('SIGKILL and an expired session move partitions within the session timeout plus a rebalance; every record is read', { timeout: 90_000 }, async () => {
    await createTopic(broker.bootstrap, TOPIC, P);
    const prod = producer(broker.bootstrap);
    await prod.send(TOPIC, P, 100, 'first-');
    const zk = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 5000 });
    const ownerOf = async (): Promise<string> =>
      (await Promise.all(Array.from({ length: P }, async (_, p) => (await zk.getData(`/consumers/${GROUP}/owners/${TOPIC}/${p}`).catch(() => null))?.data.toString() ?? '-'))).join(',');
    try {
      const [a, b, c] = ['a', 'b', 'c'].map(startMember) as [Member, Member, Member];
      for (const m of [a, b, c]) await waitFor(`member ${m.id} ready`, () => m.lines.some((l) => l.startsWith('ready ')), 20_000);
      // range over the thread ids gp_a-0 < gp_b-0 < gp_c-0: two partitions each
      await waitFor('range split a,a,b,b,c,c', async () => (await ownerOf()) === 'gp_a-0,gp_a-0,gp_b-0,gp_b-0,gp_c-0,gp_c-0', 20_000);
      expect(await zk.getChildren(`/consumers/${GROUP}/ids`)).toEqual(['gp_a', 'gp_b', 'gp_c']);
      const union = (): Set<string> => new Set([...a.reads, ...b.reads, ...c.reads]);
      await waitFor('first 600 records read', () => union().size >= 600, 15_000);
      // each member's last rebalance gave it its two partitions (the first to start may have read others' before the group formed)
      for (const [m, owns] of [[a, 'owns 0,1'], [b, 'owns 2,3'], [c, 'owns 4,5']] as const) expect(m.lines.filter((l) => l.startsWith('owns ')).at(-1)).toBe(owns);

      // records keep coming from now on
      let producing = true;
      let round = 0;
      const background = (async () => {
        while (producing) {
          await prod.send(TOPIC, P, 2, `r${round++}-`);
          await sleep(25);
        }
      })();
      await sleep(600);

      // SIGKILL of a: no goodbye; its session expires after SESSION_TIMEOUT_MS without heartbeats
      const aReadsAtKill = a.reads.length;
      const killedAt = Date.now();
      a.proc.kill('SIGKILL');
      await waitFor('a\'s partitions moved to b and c', async () => (await ownerOf()) === 'gp_b-0,gp_b-0,gp_b-0,gp_c-0,gp_c-0,gp_c-0', 20_000);
      const movedAfterKillMs = Date.now() - killedAt;
      expect(await zk.getChildren(`/consumers/${GROUP}/ids`)).toEqual(['gp_b', 'gp_c']);
      await sleep(600);

      // b's event loop blocked past its session timeout: c takes everything, then b comes back with a new session
      const bSession = b.lines.find((l) => l.startsWith('ready '))!.split(' ')[2]!;
      const blockedAt = Date.now();
      b.proc.stdin!.write(`block ${BLOCK_MS}\n`);
      await waitFor('c owns everything while b is blocked', async () => (await ownerOf()) === Array(P).fill('gp_c-0').join(','), 20_000);
      const takenOverMs = Date.now() - blockedAt;
      await waitFor('b opened a new session', () => b.lines.find((l) => l.startsWith('session ')), 20_000);
      await waitFor('b got its share back', async () => (await ownerOf()) === 'gp_b-0,gp_b-0,gp_b-0,gp_c-0,gp_c-0,gp_c-0', 20_000);
      const backMs = Date.now() - blockedAt;
      const bNewSession = b.lines.find((l) => l.startsWith('session '))!.split(' ')[1]!;
      expect(bNewSession).not.toBe(bSession);
      expect(String((await zk.getData(`/consumers/${GROUP}/ids/gp_b`)).stat.ephemeralOwner)).toBe(bNewSession);
      await sleep(400);

      producing = false;
      await background;
      const ends = await endOffsets(broker.bootstrap, TOPIC, P);
      const total = ends.reduce((x, y) => x + y, 0);
      await waitFor('every record read', () => union().size >= total, 20_000);
      const seen = union();
      const missing: string[] = [];
      for (let p = 0; p < P; p++) for (let o = 0; o < ends[p]!; o++) if (!seen.has(`${p}:${o}`)) missing.push(`${p}:${o}`);
      expect(missing).toEqual([]);

      // stop b and c: they commit what they read and leave
      for (const m of [b, c]) m.proc.stdin!.write('stop\n');
      for (const m of [b, c]) await waitFor(`${m.id} stopped`, () => m.lines.includes('stopped'), 15_000);
      expect(await zk.getChildren(`/consumers/${GROUP}/ids`)).toEqual([]);
      expect(await ownerOf()).toBe(Array(P).fill('-').join(','));
      for (let p = 0; p < P; p++) expect((await zk.getData(`/consumers/${GROUP}/offsets/${TOPIC}/${p}`)).data.toString()).toBe(String(ends[p]));

      const reads = a.reads.length + b.reads.length + c.reads.length;
      const duplicates = reads - seen.size;
      const count = (m: Member, p: number[]): number => m.reads.filter((r) => p.includes(Number(r.split(':')[0]))).length;
      const readTwice = (xs: string[], ys: string[]): number => {
        const s = new Set(ys);
        return xs.filter((x) => s.has(x)).length;
      };
      const aAgain = readTwice(a.reads, [...b.reads, ...c.reads]);
      const errors = [a, b, c].flatMap((m) => m.lines.filter((l) => l.startsWith('error ')).map((l) => `${m.id}: ${l}`));
      console.log(
        `three processes: ${total} records, ${reads} reads (a ${a.reads.length} [${aReadsAtKill} at kill], b ${b.reads.length}, c ${c.reads.length}; c read ${count(c, [0, 1, 2])} of partitions 0-2), ` +
          `read twice ${duplicates} (of a's reads ${aAgain} were read again after the kill, the rest around b's expiry); ` +
          `partitions moved ${movedAfterKillMs} ms after SIGKILL (session timeout ${SESSION_TIMEOUT_MS} ms); ` +
          `b blocked ${BLOCK_MS} ms: c owned everything after ${takenOverMs} ms, b had its share back after ${backMs} ms; reported errors: ${errors.length ? errors.join(' | ') : 'none'}`,
      );
      // expiry needs the full timeout (+ up to timeout/3 since the last heartbeat + the reaper's 100 ms), then one rebalance (backoff 250 ms between attempts)
      expect(movedAfterKillMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS / 2);
      expect(movedAfterKillMs).toBeLessThan(SESSION_TIMEOUT_MS + SESSION_TIMEOUT_MS / 3 + 3000);
      // duplicates only come from reads after the last commit (every 200 ms) of the killed / expired member
      expect(duplicates).toBeLessThan(total / 4);
    } finally {
      await prod.close();
      await zk.close();
    }
  });
});
