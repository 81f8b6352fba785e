/**
 * A group of three receiver processes: three kafka-word-count processes (Receiver stream with the
 * write-ahead log) in one consumer group on the embedded coordination store, reading a 6-partition
 * topic at a limited rate. Killing one with SIGKILL moves its partitions to the other two within the
 * session timeout plus a rebalance (watched in /consumers/<group>/owners). Each process is its own
 * application (driver and receiver), so the blocks the killed one had stored in its write-ahead log
 * but not yet processed wait for it: started again with its checkpoint it processes them and rejoins,
 * and then the records are all counted (the blocks in the three outputs cover every offset).
 * A member stopped (SIGSTOP) past its session timeout is expired by the group; continued, its
 * receiver opens a new session, registers again and reads on without losing a record.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { EmbeddedCoordinationStore } from '../../streaming-kafka/zk/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { kafkajs } from '../client/consumer-helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { prng } from '../helpers/prng.js';
import { tempDir } from './helpers.js';
import { produceWordLines } from './word-input.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PARTITIONS = 6;
const PER_PARTITION = 5_000;
const SESSION_TIMEOUT_MS = 2000;
const GROUP = 'rwc-group';

let broker: TestBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await startBroker();
  kafka = kafkajs(broker.bootstrap);
});
afterAll(async () => {
  await broker?.stop();
});

interface BatchFile {
  blocks: { partition: number; fromOffset: number; untilOffset: number }[];
}

function blocksIn(dir: string): BatchFile['blocks'] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^batch-\d+\.json$/.test(f))
    .flatMap((f) => (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BatchFile).blocks);
}

describe('kafka-word-count: a group of three receiver processes', () => {
  it('SIGKILL of one member: its partitions move to the other two within the session timeout plus a rebalance; restarted, it processes its logged blocks and rejoins; every record counted', async () => {
    const topic = 'rwc-group';
    await produceWordLines(kafka, topic, { partitions: PARTITIONS, perPartition: PER_PARTITION, rnd: prng(21), vocab: ['a', 'b', 'c', 'd'] });
    const work = tempDir('rwc-group-');
    const zk = path.join(work, 'zk');
    const script = bundleChildScript(path.join(HERE, '../../streaming-kafka/examples/kafka-word-count.ts'));
    const start = (name: string): ChildProcess =>
      spawn(
        process.execPath,
        [script, '--bootstrap-server', broker.bootstrap, '--zookeeper', zk, '--group', GROUP, '--topics', topic, '--num-threads', '1', '--batch-interval-ms', '200',
          '--checkpoint', path.join(work, name, 'cp'), '--output-dir', path.join(work, name, 'out'), '--wal', '--max-rate', '2500', '--session-timeout-ms', String(SESSION_TIMEOUT_MS)],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    const store = await EmbeddedCoordinationStore.connect(zk, { sessionTimeoutMs: 10_000 });
    const children: ChildProcess[] = [];
    try {
      /** Partition → owning consumer thread id (`<consumerId>-<n>`), null when unowned. */
      const owners = async (): Promise<(string | null)[]> => {
        const out: (string | null)[] = [];
        for (let p = 0; p < PARTITIONS; p++) {
          const node = `/consumers/${GROUP}/owners/${topic}/${p}`;
          out.push((await store.exists(node)) ? (await store.getData(node).catch(() => null))?.data.toString() ?? null : null);
        }
        return out;
      };
      const consumerOf = (thread: string | null): string | null => (thread === null ? null : thread.slice(0, thread.lastIndexOf('-')));
      const waitOwners = async (cond: (o: (string | null)[]) => boolean, what: string, timeoutMs = 20_000): Promise<(string | null)[]> => {
        const t0 = Date.now();
        for (;;) {
          const o = await owners();
          if (cond(o)) return o;
          if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; owners: ${JSON.stringify(o)}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      };

      // the first member takes every partition; then two more join and the range assignment gives 2 each
      const a = start('a');
      children.push(a);
      const alone = await waitOwners((o) => o.every((x) => x !== null), 'the first member to own every partition');
      const aId = consumerOf(alone[0]!)!;
      expect(alone.every((t) => consumerOf(t) === aId)).toBe(true);
      children.push(start('b'), start('c'));
      const three = await waitOwners((o) => o.every((x) => x !== null) && new Set(o.map(consumerOf)).size === 3, 'three members with 2 partitions each');
      for (const id of new Set(three.map(consumerOf))) expect(three.filter((t) => consumerOf(t) === id).length).toBe(2);
      // still reading (the rate limit keeps the input from being drained already)
      expect(blocksIn(path.join(work, 'a', 'out')).reduce((n, b) => n + b.untilOffset - b.fromOffset, 0)).toBeLessThan(PARTITIONS * PER_PARTITION);

      const killedAt = Date.now();
      a.kill('SIGKILL');
      const after = await waitOwners((o) => o.every((x) => x !== null && consumerOf(x) !== aId), 'the killed member’s partitions to move', 30_000);
      const moveMs = Date.now() - killedAt;
      console.log(`partitions of the killed member moved after ${moveMs} ms (session timeout ${SESSION_TIMEOUT_MS} ms); owners: ${after.map(consumerOf).join(', ')}`);
      expect(new Set(after.map(consumerOf)).size).toBe(2);
      for (const id of new Set(after.map(consumerOf))) expect(after.filter((t) => consumerOf(t) === id).length).toBe(3);
      expect(moveMs).toBeLessThan(SESSION_TIMEOUT_MS + 10_000); // session timeout plus rebalance (backoff 2000 ms and retries)

      // the killed member is started again with its checkpoint: it processes the blocks it had stored
      // in its write-ahead log (acknowledged to the group, not yet in a batch) and rejoins the group
      children.push(start('a'));
      await waitOwners((o) => o.every((x) => x !== null) && new Set(o.map(consumerOf)).size === 3, 'the restarted member to rejoin');
      // every record is counted by one of the three
      const coverage = (): Uint16Array[] => {
        const cov = Array.from({ length: PARTITIONS }, () => new Uint16Array(PER_PARTITION));
        for (const m of ['a', 'b', 'c']) for (const b of blocksIn(path.join(work, m, 'out'))) for (let o = b.fromOffset; o < b.untilOffset; o++) cov[b.partition]![o]!++;
        return cov;
      };
      const t0 = Date.now();
      while (!coverage().every((c) => c.every((n) => n > 0)) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 200));
      let lost = 0;
      let twice = 0;
      for (const c of coverage()) for (const n of c) n === 0 ? lost++ : (twice += n - 1);
      console.log(`three receiver processes, one killed: ${PARTITIONS * PER_PARTITION} records, lost ${lost}, counted more than once ${twice}`);
      expect(lost).toBe(0);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
      await store.close();
    }
  }, 150_000);

  it('a member stopped (SIGSTOP) past its session timeout: the group expires it; on SIGCONT its receiver opens a new session, rejoins and reads on; nothing lost', async () => {
    const topic = 'rwc-expiry';
    const group = 'rwc-expiry';
    await produceWordLines(kafka, topic, { partitions: 2, perPartition: 5_000, rnd: prng(22), vocab: ['a', 'b'] });
    const work = tempDir('rwc-expiry-');
    const zk = path.join(work, 'zk');
    const script = bundleChildScript(path.join(HERE, '../../streaming-kafka/examples/kafka-word-count.ts'));
    const child = spawn(
      process.execPath,
      [script, '--bootstrap-server', broker.bootstrap, '--zookeeper', zk, '--group', group, '--topics', topic, '--num-threads', '1', '--batch-interval-ms', '200',
        '--checkpoint', path.join(work, 'cp'), '--output-dir', path.join(work, 'out'), '--wal', '--max-rate', '2000', '--session-timeout-ms', String(SESSION_TIMEOUT_MS)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // this session's reaper is what expires the stopped member (any process of the store expires stale sessions)
    const store = await EmbeddedCoordinationStore.connect(zk, { sessionTimeoutMs: 10_000 });
    const idsOf = async (): Promise<string[]> => ((await store.exists(`/consumers/${group}/ids`)) ? store.getChildren(`/consumers/${group}/ids`) : []);
    const until = async (cond: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> => {
      const t0 = Date.now();
      while (!(await cond())) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const covered = (): number => {
      const cov = [new Uint8Array(5_000), new Uint8Array(5_000)];
      for (const b of blocksIn(path.join(work, 'out'))) for (let o = b.fromOffset; o < b.untilOffset; o++) cov[b.partition]![o] = 1;
      return cov.reduce((n, c) => n + c.reduce((m, x) => m + x, 0), 0);
    };
    try {
      await until(async () => (await idsOf()).length === 1 && covered() > 0, 'the member to register and read');
      const [firstId] = await idsOf();
      child.kill('SIGSTOP');
      await until(async () => (await idsOf()).length === 0, 'the stopped member to be expired', SESSION_TIMEOUT_MS + 10_000);
      const coveredWhileStopped = covered();
      expect(coveredWhileStopped).toBeLessThan(10_000); // still reading when stopped (rate limited)
      child.kill('SIGCONT');
      await until(async () => (await idsOf()).length === 1, 'the member to register again with a new session');
      await until(async () => covered() === 10_000, 'every record to be counted', 60_000);
      expect((await idsOf())[0]).toBe(firstId); // the same consumer id, registered again (Kafka 0.8's handleNewSession)
      expect(stderr).not.toMatch(/ERROR|Error handling message/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        await new Promise((r) => child.on('exit', r));
      }
      await store.close();
    }
  }, 120_000);
});
