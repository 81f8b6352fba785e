/**
 * ZookeeperConsumerConnector (consumer-group/) on the real in-process broker and a real embedded
 * coordination store in a temp dir: one connector (reads everything; ids/owners/offsets nodes and
 * their data; commitOffsets writes the NEXT offset; a restart continues from it; auto.offset.reset
 * smallest vs largest), two connectors (range split, a shutdown moves partitions, never owned twice,
 * no record lost or read twice), backpressure (an unread stream stops fetching), config errors, and
 * the coordination session going away (fail without a reconnect factory, re-register with one).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/index.js';
import {
  ConsumerRebalanceFailedException,
  ConsumerSessionExpiredException,
  InvalidConfigException,
  MessageStreamsExistException,
  ZookeeperConsumerConnector,
  type OwnedPartition,
} from '../../streaming-kafka/consumer-group/index.js';
import { CreateMode, EmbeddedCoordinationStore, type CoordinationStore } from '../../streaming-kafka/zk/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { collect, createTopic, endOffsets, producer, quietLogger, sleep, waitFor } from './zk-consumer-helpers.js';

let broker: TestBroker;
let prod: ReturnType<typeof producer>;
const dirs: string[] = [];
const stores: CoordinationStore[] = [];
const connectors: ZookeeperConsumerConnector[] = [];

beforeAll(async () => {
  broker = await startBroker();
  prod = producer(broker.bootstrap);
});
afterEach(async () => {
  for (const c of connectors.splice(0)) await c.shutdown();
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await prod?.close();
  await broker?.stop();
});

async function store(dir?: string): Promise<{ dir: string; zk: EmbeddedCoordinationStore }> {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'zk-consumer-'));
  if (!dir) dirs.push(d);
  const zk = await EmbeddedCoordinationStore.connect(d, { sessionTimeoutMs: 3000 });
  stores.push(zk);
  return { dir: d, zk };
}

function connector(zk: CoordinationStore, props: Record<string, string | number | boolean>, options: ConstructorParameters<typeof ZookeeperConsumerConnector>[2] = {}): ZookeeperConsumerConnector {
  const c = new ZookeeperConsumerConnector(zk, { 'bootstrap.servers': broker.bootstrap, 'rebalance.backoff.ms': 100, 'rebalance.max.retries': 30, 'fetch.wait.max.ms': 50, ...props }, { logger: quietLogger(), ...options });
  connectors.push(c);
  return c;
}

const owners = (c: ZookeeperConsumerConnector): string => c.ownedPartitions().map((o) => o.partition).join(',');

describe('ZookeeperConsumerConnector: one connector', () => {
  it('reads every record of a 3-partition topic; ids/owners nodes as Kafka 0.8; commitOffsets stores the next offset; a restart continues from it', async () => {
    const topic = 'zkc-one';
    await createTopic(broker.bootstrap, topic, 3);
    await prod.send(topic, 3, 30);
    const { zk } = await store();
    const c = connector(zk, { 'group.id': 'g1', 'consumer.id': 'c1', 'auto.offset.reset': 'smallest', 'auto.commit.enable': false });
    expect(c.consumerId).toBe('g1_c1');
    const streams = await c.createMessageStreams({ [topic]: 2 });
    const list = streams.get(topic)!;
    expect(list.map((s) => [s.topic, s.threadId])).toEqual([
      [topic, 'g1_c1-0'],
      [topic, 'g1_c1-1'],
    ]);

    // layout: the ephemeral registration with Kafka 0.8's JSON; ephemeral owner nodes holding thread ids
    expect(await zk.getChildren('/consumers/g1/ids')).toEqual(['g1_c1']);
    const reg = await zk.getData('/consumers/g1/ids/g1_c1');
    expect(reg.data.toString()).toMatch(/^\{"version":1,"subscription":\{"zkc-one":2\},"pattern":"static","timestamp":"\d{13}"\}$/);
    expect(reg.stat.ephemeralOwner).toBe(zk.sessionId);
    expect(await zk.getChildren(`/consumers/g1/owners/${topic}`)).toEqual(['0', '1', '2']);
    const ownerData: string[] = [];
    for (const p of [0, 1, 2]) {
      const o = await zk.getData(`/consumers/g1/owners/${topic}/${p}`);
      expect(o.stat.ephemeralOwner).toBe(zk.sessionId);
      ownerData.push(o.data.toString());
    }
    expect(ownerData).toEqual(['g1_c1-0', 'g1_c1-0', 'g1_c1-1']); // 3 partitions over 2 threads: 2/1
    expect(c.ownedPartitions()).toEqual<OwnedPartition[]>([
      { topic, partition: 0, threadId: 'g1_c1-0' },
      { topic, partition: 1, threadId: 'g1_c1-0' },
      { topic, partition: 2, threadId: 'g1_c1-1' },
    ]);

    const got = collect(list);
    await waitFor('90 messages', () => got.messages.length >= 90);
    await sleep(100);
    expect(got.messages).toHaveLength(90);
    for (const p of [0, 1, 2]) {
      const ms = got.messages.filter((m) => m.partition === p);
      expect(ms.map((m) => m.offset)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(ms.map((m) => m.message!.toString())).toEqual(Array.from({ length: 30 }, (_, i) => `p${p}-${i}`));
      expect(ms[0]!.key!.toString()).toBe('k0');
      expect(new Set(ms.map((m) => m.threadId))).toEqual(new Set([p < 2 ? 'g1_c1-0' : 'g1_c1-1']));
      expect(ms[0]!.timestamp).toBeGreaterThan(Date.now() - 60_000);
    }

    // nothing committed without auto-commit; commitOffsets() writes the NEXT offset to read
    expect(await zk.exists(`/consumers/g1/offsets/${topic}/0`)).toBeNull();
    expect(c.consumedOffsets().map((o) => o.offset)).toEqual([30, 30, 30]);
    await c.commitOffsets();
    for (const p of [0, 1, 2]) expect((await zk.getData(`/consumers/g1/offsets/${topic}/${p}`)).data.toString()).toBe('30');
    expect((await zk.exists(`/consumers/g1/offsets/${topic}/0`))!.ephemeralOwner).toBe(0n);

    await c.shutdown();
    await c.shutdown(); // idempotent
    await got.done; // the streams ended
    expect(got.errors).toEqual([]);
    expect(await zk.getChildren('/consumers/g1/ids')).toEqual([]);
    expect(await zk.getChildren(`/consumers/g1/owners/${topic}`)).toEqual([]);
    await expect(c.createMessageStreams({ [topic]: 1 })).rejects.toMatchObject({ code: 'KTS_ERR_ZK_CONSUMER_SHUT_DOWN' });

    // commitOffsets still works after shutdown (the caller's session is open), e.g. for a receiver's last blocks
    await c.commitOffsets([{ topic, partition: 2, offset: 25 }]);
    expect((await zk.getData(`/consumers/g1/offsets/${topic}/2`)).data.toString()).toBe('25');
    await c.commitOffsets([{ topic, partition: 2, offset: 30 }]);

    // restart (another member id): continues from the committed offsets
    await prod.send(topic, 3, 10, 'second-');
    const c2 = connector(zk, { 'group.id': 'g1', 'consumer.id': 'c2', 'auto.offset.reset': 'smallest', 'auto.commit.enable': false });
    const got2 = collect(((await c2.createMessageStreams({ [topic]: 1 })).get(topic))!);
    await waitFor('30 new messages', () => got2.messages.length >= 30);
    await sleep(100);
    expect(got2.messages.map((m) => `${m.partition}:${m.offset}:${m.message}`).sort()).toEqual(
      [0, 1, 2].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}:${30 + i}:second-p${p}-${i}`)).sort(),
    );
  });

  it('auto.offset.reset: smallest starts at the log start, largest at the log end; auto-commit at shutdown stores the position', async () => {
    const topic = 'zkc-reset';
    await createTopic(broker.bootstrap, topic, 1);
    await prod.send(topic, 1, 5);
    const { zk } = await store();
    const small = connector(zk, { 'group.id': 'gs', 'auto.offset.reset': 'smallest' });
    const large = connector(zk, { 'group.id': 'gl' }); // largest is the default
    expect(large.config.autoOffsetReset).toBe('largest');
    const s = collect((await small.createMessageStreams({ [topic]: 1 })).get(topic)!);
    const l = collect((await large.createMessageStreams({ [topic]: 1 })).get(topic)!);
    await waitFor('smallest reads the 5 old records', () => s.messages.length >= 5);
    await sleep(300);
    expect(l.messages).toHaveLength(0);
    await prod.send(topic, 1, 3, 'new-');
    await waitFor('both read the 3 new records', () => s.messages.length >= 8 && l.messages.length >= 3);
    expect(s.messages.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(l.messages.map((m) => m.offset)).toEqual([5, 6, 7]);
    expect(l.messages.map((m) => m.message!.toString())).toEqual(['new-p0-0', 'new-p0-1', 'new-p0-2']);
    await large.shutdown(); // auto.commit.enable defaults to true: commits at shutdown
    expect((await zk.getData(`/consumers/gl/offsets/${topic}/0`)).data.toString()).toBe('8');
  });

  it('config: Kafka 0.8 defaults; errors name the key (KTS_ERR_ZK_CONSUMER_CONFIG); streams at most once', async () => {
    const { zk } = await store();
    const c = connector(zk, { 'group.id': 'gc' });
    expect(c.config).toMatchObject({
      zkSessionTimeoutMs: 6000,
      zkConnectionTimeoutMs: 6000,
      autoCommitEnable: true,
      autoCommitIntervalMs: 60000,
      autoOffsetReset: 'largest',
      queuedMaxMessageChunks: 2,
      fetchMessageMaxBytes: 1048576,
      clientId: 'gc',
    });
    const d = new ZookeeperConsumerConnector(zk, { 'group.id': 'gd', 'bootstrap.servers': 'x:1' });
    expect(d.config.rebalanceMaxRetries).toBe(4);
    expect(d.config.rebalanceBackoffMs).toBe(2000);
    expect(d.consumerId).toMatch(new RegExp(`^gd_${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{13}-[0-9a-f]{8}$`));
    expect(c.config.kafkaConsumerProps).toMatchObject({ 'bootstrap.servers': broker.bootstrap, 'auto.offset.reset': 'latest', 'max.partition.fetch.bytes': 1048576, 'fetch.max.wait.ms': 50, 'client.id': 'gc' });
    expect(c.config.kafkaConsumerProps['group.id']).toBeUndefined();

    const bad = (props: Record<string, string | number | boolean>) => () => new ZookeeperConsumerConnector(zk, { 'bootstrap.servers': 'x:1', 'group.id': 'g', ...props });
    expect(bad({ 'auto.offset.reset': 'earliest' })).toThrow(InvalidConfigException);
    expect(bad({ 'auto.offset.reset': 'earliest' })).toThrow('Wrong value earliest of auto.offset.reset in ConsumerConfig; Valid values are smallest and largest');
    expect(bad({ 'auto.offset.reset': 'earliest' })).toThrow(expect.objectContaining({ code: 'KTS_ERR_ZK_CONSUMER_CONFIG', key: 'auto.offset.reset' }));
    expect(bad({ 'group.id': '' })).toThrow("Missing required property 'group.id'");
    expect(bad({ 'group.id': 'a/b' })).toThrow(expect.objectContaining({ key: 'group.id' }));
    expect(bad({ 'rebalance.max.retries': 'x' })).toThrow(expect.objectContaining({ key: 'rebalance.max.retries' }));
    expect(bad({ 'auto.commit.enable': 'yes' })).toThrow(expect.objectContaining({ key: 'auto.commit.enable' }));
    expect(() => new ZookeeperConsumerConnector(zk, { 'group.id': 'g' })).toThrow(expect.objectContaining({ key: 'bootstrap.servers' }));
    expect(bad({ 'max.poll.records': 'x' })).toThrow(expect.objectContaining({ code: 'KTS_ERR_CLIENT_CONFIG', key: 'max.poll.records' })); // passed to our KafkaConsumer

    const topic = 'zkc-once';
    await createTopic(broker.bootstrap, topic, 1);
    await c.createMessageStreams({ [topic]: 1 });
    await expect(c.createMessageStreams({ [topic]: 1 })).rejects.toThrow(MessageStreamsExistException);
    await expect(c.createMessageStreams({ [topic]: 1 })).rejects.toThrow('ZookeeperConsumerConnector can create message streams at most once');
    await expect(c.createMessageStreams({ [topic]: 1 })).rejects.toMatchObject({ code: 'KTS_ERR_ZK_CONSUMER_STREAMS_EXIST' });
  });
});

describe('ZookeeperConsumerConnector: rebalance failure and partition changes', () => {
  it('an owner node held by another session: ConsumerRebalanceFailedException after rebalance.max.retries ("<id> can\'t rebalance after <n> retries")', async () => {
    const topic = 'zkc-stuck';
    await createTopic(broker.bootstrap, topic, 2);
    const { dir, zk } = await store();
    const other = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 3000 });
    stores.push(other);
    await other.create('/consumers', Buffer.from(''));
    await other.create('/consumers/gf', Buffer.from(''));
    await other.create('/consumers/gf/owners', Buffer.from(''));
    await other.create(`/consumers/gf/owners/${topic}`, Buffer.from(''));
    await other.create(`/consumers/gf/owners/${topic}/1`, Buffer.from('gf_ghost-0'), { mode: CreateMode.EPHEMERAL });
    const c = connector(zk, { 'group.id': 'gf', 'consumer.id': 'c', 'rebalance.max.retries': 3, 'rebalance.backoff.ms': 50 });
    const t0 = Date.now();
    const err = await c.createMessageStreams({ [topic]: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsumerRebalanceFailedException);
    expect(err).toMatchObject({ code: 'KTS_ERR_ZK_CONSUMER_REBALANCE_FAILED', message: "gf_c can't rebalance after 3 retries" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 50);
    // nothing half-claimed; still registered (as Kafka 0.8, it rebalances again on the next group change)
    expect(c.ownedPartitions()).toEqual([]);
    expect(await zk.getChildren(`/consumers/gf/owners/${topic}`)).toEqual(['1']);
    expect(await zk.getChildren('/consumers/gf/ids')).toEqual(['gf_c']);
    // the ghost goes away and a member joins: the next rebalance succeeds
    await other.close();
    const d = connector(zk, { 'group.id': 'gf', 'consumer.id': 'd' });
    await d.createMessageStreams({ [topic]: 1 });
    await waitFor('c and d own one partition each', () => owners(c) === '0' && owners(d) === '1');
  });

  it('a subscribed topic gaining partitions triggers a rebalance (partition.check.interval.ms)', async () => {
    const topic = 'zkc-grow';
    await createTopic(broker.bootstrap, topic, 2);
    const { zk } = await store();
    const c = connector(zk, { 'group.id': 'gg', 'auto.offset.reset': 'smallest', 'partition.check.interval.ms': 200 });
    const got = collect((await c.createMessageStreams({ [topic]: 1 })).get(topic)!);
    expect(owners(c)).toBe('0,1');
    const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
    await admin.createPartitions({ [topic]: 4 });
    await admin.close();
    await waitFor('owns 4 partitions', () => owners(c) === '0,1,2,3', 5000);
    await prod.send(topic, 4, 3);
    await waitFor('12 messages', () => got.messages.length >= 12);
    expect(new Set(got.messages.map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
  });
});

describe('ZookeeperConsumerConnector: two connectors in one process', () => {
  it('range split; shutting one down moves its partitions to the other; never owned twice; nothing lost or read twice', async () => {
    const topic = 'zkc-two';
    const P = 5;
    await createTopic(broker.bootstrap, topic, P);
    await prod.send(topic, P, 20);
    const { zk } = await store();
    const props = { 'group.id': 'g2', 'auto.offset.reset': 'smallest', 'auto.commit.interval.ms': 200 };
    const events: string[] = [];
    const a = connector(zk, { ...props, 'consumer.id': 'a' }, {
      rebalanceListener: {
        beforeReleasingPartitions: (owned) => void events.push(`release ${owned.map((o) => o.partition).join(',')}`),
        afterStartingFetchers: (assignment) => void events.push(`start ${assignment.map((o) => o.partition).join(',')}`),
      },
    });
    const b = connector(zk, { ...props, 'consumer.id': 'b' });

    // observe ownership every 2 ms: through the connectors and through the owner nodes
    const violations: string[] = [];
    let observations = 0;
    let observing = true;
    const observer = (async () => {
      while (observing) {
        const pa = a.ownedPartitions().map((o) => o.partition);
        const pb = new Set(b.ownedPartitions().map((o) => o.partition));
        const both = pa.filter((p) => pb.has(p));
        if (both.length > 0) violations.push(`both own ${both.join(',')}`);
        for (const p of pa) {
          const d = await zk.getData(`/consumers/g2/owners/${topic}/${p}`).catch(() => null);
          if (d && d.data.toString() !== 'g2_a-0' && a.ownedPartitions().some((o) => o.partition === p)) violations.push(`a owns ${p} but the node says ${d.data}`);
        }
        observations++;
        await sleep(2);
      }
    })();
    // produce in the background all along
    let producing = true;
    let rounds = 0;
    const background = (async () => {
      while (producing) {
        await prod.send(topic, P, 2, `r${rounds++}-`);
        await sleep(20);
      }
    })();

    const ga = collect((await a.createMessageStreams({ [topic]: 1 })).get(topic)!, 'a');
    expect(owners(a)).toBe('0,1,2,3,4');
    const gb = collect((await b.createMessageStreams({ [topic]: 1 })).get(topic)!, 'b');
    await waitFor('a owns 0-2 and b 3-4', () => owners(a) === '0,1,2' && owners(b) === '3,4');
    const owned = async (): Promise<string[]> => Promise.all(Array.from({ length: P }, async (_, p) => (await zk.getData(`/consumers/g2/owners/${topic}/${p}`).catch(() => null))?.data.toString() ?? '-'));
    await waitFor('owner nodes a,a,a,b,b', async () => (await owned()).join() === 'g2_a-0,g2_a-0,g2_a-0,g2_b-0,g2_b-0');
    await sleep(300);
    const t0 = Date.now();
    await a.shutdown();
    await waitFor('b owns everything', () => owners(b) === '0,1,2,3,4');
    const movedMs = Date.now() - t0;
    await sleep(300);
    producing = false;
    await background;
    const ends = await endOffsets(broker.bootstrap, topic, P);
    await waitFor('everything read', () => {
      const seen = new Set([...ga.messages, ...gb.messages].map((m) => `${m.partition}:${m.offset}`));
      return ends.every((e, p) => Array.from({ length: e }, (_, o) => seen.has(`${p}:${o}`)).every(Boolean));
    });
    observing = false;
    await observer;

    const all = [...ga.messages, ...gb.messages];
    const unique = new Set(all.map((m) => `${m.partition}:${m.offset}`));
    const total = ends.reduce((x, y) => x + y, 0);
    console.log(`two connectors: ${total} records, ${all.length} reads (a ${ga.messages.length}, b ${gb.messages.length}), duplicates ${all.length - unique.size}; partitions moved ${movedMs} ms after a.shutdown(); ${observations} ownership observations`);
    expect(unique.size).toBe(total);
    expect(all.length - unique.size).toBe(0); // auto-commit before releasing: the new owner starts where the old one stopped
    expect(violations).toEqual([]);
    expect(observations).toBeGreaterThan(50);
    // per partition, a's reads precede b's reads (handover, no overlap)
    for (let p = 0; p < P; p++) {
      const offs = all.filter((m) => m.partition === p).map((m) => m.offset);
      expect(offs).toEqual(Array.from({ length: ends[p]! }, (_, i) => i));
    }
    expect(events[0]).toBe('release ');
    expect(events[1]).toBe('start 0,1,2,3,4');
    expect(events).toContain('release 0,1,2,3,4');
    expect(events).toContain('start 0,1,2');
    expect((await zk.getData(`/consumers/g2/offsets/${topic}/0`)).data.toString()).toMatch(/^\d+$/);
  });
});

describe('ZookeeperConsumerConnector: backpressure', () => {
  it('a stream that is not pulled stops fetching: the log end grows, the fetched count stays bounded; pulling resumes it', async () => {
    const topic = 'zkc-backpressure';
    await createTopic(broker.bootstrap, topic, 1);
    await prod.send(topic, 1, 2000);
    const { zk } = await store();
    const c = connector(zk, { 'group.id': 'gb', 'auto.offset.reset': 'smallest', 'queued.max.message.chunks': 2, 'max.poll.records': 50 });
    const [stream] = (await c.createMessageStreams({ [topic]: 1 })).get(topic)!;
    const bound = (2 + 1) * 50; // queued.max.message.chunks chunks + one poll's batch
    await waitFor('paused', () => c.stats().pausedStreams === 1);
    await sleep(500);
    const before = c.stats();
    await prod.send(topic, 1, 2000);
    await sleep(800);
    const after = c.stats();
    const [end] = await endOffsets(broker.bootstrap, topic, 1);
    console.log(`backpressure: log end ${end}, fetched ${before.fetchedMessages} → ${after.fetchedMessages} (bound ${bound}), queued ${after.queuedChunks} chunks / ${after.queuedMessages} messages`);
    expect(end).toBe(4000);
    expect(after.fetchedMessages).toBeLessThanOrEqual(bound);
    expect(after.fetchedMessages).toBe(before.fetchedMessages);
    expect(after.queuedChunks).toBeLessThanOrEqual(3);
    expect(after.consumedMessages).toBe(0);

    // pull: fetching resumes, everything arrives in order
    const it = stream![Symbol.asyncIterator]();
    const offsets: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const r = await it.next();
      offsets.push(r.value!.offset);
      if (i === 200) expect(c.stats().fetchedMessages).toBeGreaterThan(bound);
      if (i % 500 === 0) expect(c.stats().queuedMessages).toBeLessThanOrEqual(bound + 1);
    }
    expect(offsets).toEqual(Array.from({ length: 4000 }, (_, i) => i));
  });
});

describe('ZookeeperConsumerConnector: losing the coordination session', () => {
  it('without a reconnect factory: error event KTS_ERR_ZK_CONSUMER_SESSION_EXPIRED and the streams throw it', async () => {
    const topic = 'zkc-lost';
    await createTopic(broker.bootstrap, topic, 2);
    await prod.send(topic, 2, 5);
    const { dir, zk } = await store();
    const own = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: 3000 });
    const c = connector(own, { 'group.id': 'gx', 'auto.offset.reset': 'smallest' });
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    const got = collect((await c.createMessageStreams({ [topic]: 1 })).get(topic)!);
    await waitFor('10 messages', () => got.messages.length >= 10);
    expect(await zk.getChildren('/consumers/gx/ids')).toHaveLength(1);
    await own.close(); // the session goes: its ephemeral nodes with it
    await got.done;
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]).toBeInstanceOf(ConsumerSessionExpiredException);
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['KTS_ERR_ZK_CONSUMER_SESSION_EXPIRED']);
    expect(c.ownedPartitions()).toEqual([]);
    expect(await zk.getChildren('/consumers/gx/ids')).toEqual([]);
  });

  it('with open(factory): a new session, registered again (handleNewSession), partitions claimed again, reading continues', async () => {
    const topic = 'zkc-renew';
    await createTopic(broker.bootstrap, topic, 2);
    await prod.send(topic, 2, 5);
    const { dir, zk } = await store();
    const c = await ZookeeperConsumerConnector.open((o) => EmbeddedCoordinationStore.connect(dir, o), {
      'bootstrap.servers': broker.bootstrap,
      'group.id': 'gr',
      'consumer.id': 'r',
      'auto.offset.reset': 'smallest',
      'zookeeper.session.timeout.ms': 3000,
      'rebalance.backoff.ms': 100,
      'fetch.wait.max.ms': 50,
    }, { logger: quietLogger() });
    connectors.push(c);
    const first = c.store.sessionId;
    expect(c.store.sessionTimeoutMs).toBe(3000);
    const got = collect((await c.createMessageStreams({ [topic]: 1 })).get(topic)!);
    await waitFor('10 messages', () => got.messages.length >= 10);
    await c.store.close();
    await waitFor('a new session', () => c.store.sessionId !== first);
    await waitFor('owner nodes again', async () => (await zk.getChildren(`/consumers/gr/owners/${topic}`)).length === 2 && c.ownedPartitions().length === 2);
    expect((await zk.getData('/consumers/gr/ids/gr_r')).stat.ephemeralOwner).toBe(c.store.sessionId);
    expect((await zk.getData(`/consumers/gr/owners/${topic}/0`)).stat.ephemeralOwner).toBe(c.store.sessionId);
    await prod.send(topic, 2, 5, 'after-');
    await waitFor('20 messages', () => got.messages.length >= 20);
    await sleep(100);
    expect(got.messages.map((m) => `${m.partition}:${m.offset}`).sort()).toEqual([0, 1].flatMap((p) => Array.from({ length: 10 }, (_, i) => `${p}:${i}`)).sort());
    await c.shutdown();
    expect(c.store.state).toBe('Closed'); // it owned its session
    expect(await zk.getChildren('/consumers/gr/ids')).toEqual([]);
  });
});
