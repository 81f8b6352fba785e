/**
 * Interop with kafkajs 2.2.4 (the npm package, unmodified) against the real broker program over
 * TCP: admin (createTopics, fetchTopicMetadata, fetchTopicOffsets, fetchOffsets, deleteTopics), an
 * idempotent gzip producer (checked in the broker's segment files), a two-consumer group where one
 * leaves and the other takes over every partition, manual commits, seek.
 */
import { CompressionTypes, Kafka, logLevel, type Consumer, type ConsumerConfig, type EachMessagePayload } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Compression } from '../../client/records/index.js';
import type { BrokerProcess } from '../broker/helpers.js';
import { expectApis, GROUP_APIS, startInteropBroker, stopInteropBroker, storedBatches, TOPIC_ADMIN_APIS, unique, waitFor } from './clients.js';

let broker: BrokerProcess;
let kafka: Kafka;
/** Clients to disconnect after each test (also when it fails). */
const open: { disconnect(): Promise<void> }[] = [];

beforeAll(async () => {
  broker = await startInteropBroker();
  kafka = new Kafka({ clientId: 'interop-kafkajs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.disconnect()));
});
afterAll(async () => {
  await stopInteropBroker(broker);
});

/** Group settings for fast tests: the remaining member sees a rebalance on its next heartbeat. */
const FAST_GROUP: Omit<ConsumerConfig, 'groupId'> = { sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };

function consumer(groupId: string): Consumer {
  const c = kafka.consumer({ groupId, ...FAST_GROUP });
  open.push(c);
  return c;
}

async function admin() {
  const a = kafka.admin();
  open.push(a);
  await a.connect();
  return a;
}

async function producer(config: Parameters<Kafka['producer']>[0] = {}) {
  const p = kafka.producer(config);
  open.push(p);
  await p.connect();
  return p;
}

describe('kafkajs 2.2.4', () => {
  it('admin: createTopics, listTopics, fetchTopicMetadata, fetchTopicOffsets, fetchOffsets, deleteTopics', async () => {
    await expectApis(broker, [...TOPIC_ADMIN_APIS, 'FindCoordinator', 'OffsetCommit', 'OffsetFetch']);
    const a = await admin();
    const topic = unique('kjs-admin');
    const group = unique('kjs-admin-grp');
    expect(await a.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    expect(await a.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false); // already exists
    expect(await a.listTopics()).toContain(topic);
    const md = await a.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics).toHaveLength(1);
    expect(md.topics[0]!.name).toBe(topic);
    expect(md.topics[0]!.partitions.map((p) => ({ ...p })).sort((x, y) => x.partitionId - y.partitionId)).toEqual(
      [0, 1, 2].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] })),
    );
    const p = await producer();
    await p.send({ topic, messages: [{ value: 'a', partition: 1 }, { value: 'b', partition: 1 }] });
    const offsets = (await a.fetchTopicOffsets(topic)).sort((x, y) => x.partition - y.partition);
    expect(offsets.map(({ partition, low, high }) => ({ partition, low, high }))).toEqual([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '0', high: '2' },
      { partition: 2, low: '0', high: '0' },
    ]);
    // A group that never committed: -1 everywhere (the manual-commit test reads committed offsets).
    const none = await a.fetchOffsets({ groupId: group, topics: [topic] });
    expect(none.map((t) => ({ ...t, partitions: [...t.partitions].sort((x, y) => x.partition - y.partition) }))).toEqual([
      { topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: '-1', metadata: null })) },
    ]);
    await a.deleteTopics({ topics: [topic], timeout: 5000 });
    expect(await a.listTopics()).not.toContain(topic);
  });

  it('idempotent producer with gzip: every record stored once, in gzip batches of one producer id with contiguous sequences', async () => {
    const topic = unique('kjs-idem');
    const p = await producer({ idempotent: true, maxInFlightRequests: 1 });
    const values: string[] = [];
    for (let s = 0; s < 10; s++) {
      const messages = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 5}`, value: `idem-${s}-${i}`, partition: 0 }));
      values.push(...messages.map((m) => m.value));
      const [meta] = await p.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages });
      expect(meta).toMatchObject({ topicName: topic, partition: 0, errorCode: 0, baseOffset: String(s * 100) });
    }
    const batches = (await storedBatches(broker.logDir, topic)).map((b) => {
      if (b.magic !== 2) throw new Error(`magic ${b.magic} batch stored`);
      return b;
    });
    expect(batches.map((b) => b.compression)).toEqual(batches.map(() => Compression.GZIP));
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.value!.toString())).toEqual(values);
    expect(records.map((r) => r.offset)).toEqual(values.map((_, i) => i));
    expect(new Set(batches.map((b) => `${b.producerId}/${b.producerEpoch}`)).size).toBe(1);
    expect(batches[0]!.producerId).toBeGreaterThanOrEqual(0);
    let seq = 0;
    for (const b of batches) {
      expect(b.baseSequence).toBe(seq);
      seq += b.records.length;
    }
  });

  it('a group of two: both consume, one leaves, the other takes over every partition and nothing is lost', async () => {
    await expectApis(broker, [...TOPIC_ADMIN_APIS, ...GROUP_APIS]);
    const topic = unique('kjs-group');
    const groupId = unique('kjs-grp');
    const a0 = await admin();
    await a0.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const got = new Map<string, string[]>(); // value -> members that received it
    const assignment: Record<string, number[]> = { a: [], b: [] };
    const start = async (name: string) => {
      const c = consumer(groupId);
      c.on(c.events.GROUP_JOIN, (e) => {
        assignment[name] = [...(e.payload.memberAssignment[topic] ?? [])].sort();
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({
        eachMessage: async ({ message }: EachMessagePayload) => {
          const v = message.value!.toString();
          got.set(v, [...(got.get(v) ?? []), name]);
        },
      });
      return c;
    };
    await start('a');
    await waitFor(() => assignment.a!.length === 4, 15_000, 'a to own the 4 partitions');
    const b = await start('b');
    await waitFor(() => assignment.a!.length > 0 && assignment.b!.length > 0 && assignment.a!.length + assignment.b!.length === 4, 15_000, 'a and b to share the partitions');
    expect([...assignment.a!, ...assignment.b!].sort()).toEqual([0, 1, 2, 3]);
    const p = await producer();
    const phase1 = Array.from({ length: 200 }, (_, i) => ({ value: `one-${i}`, partition: i % 4 }));
    await p.send({ topic, messages: phase1 });
    await waitFor(() => got.size >= 200, 15_000, 'the first 200 records');
    const byMember = (name: string) => [...got.values()].filter((m) => m.includes(name)).length;
    expect(byMember('a')).toBeGreaterThan(0);
    expect(byMember('b')).toBeGreaterThan(0);

    await b.disconnect(); // commits what it consumed and leaves the group
    await waitFor(() => assignment.a!.length === 4, 15_000, 'a to take over every partition after b left');
    const phase2 = Array.from({ length: 200 }, (_, i) => ({ value: `two-${i}`, partition: i % 4 }));
    await p.send({ topic, messages: phase2 });
    await waitFor(() => got.size >= 400, 15_000, 'all 400 records');
    await new Promise((r) => setTimeout(r, 500)); // time for a duplicate to show up
    const all = [...phase1, ...phase2].map((m) => m.value);
    expect([...got.keys()].sort()).toEqual(all.sort());
    expect([...got.entries()].filter(([, members]) => members.length !== 1)).toEqual([]);
    expect(phase2.every((m) => got.get(m.value)![0] === 'a')).toBe(true);
  }, 60_000);

  it('autoCommit false: commitOffsets commits exactly what it is given; a new consumer resumes there', async () => {
    await expectApis(broker, GROUP_APIS);
    const topic = unique('kjs-commit');
    const groupId = unique('kjs-commit-grp');
    const p = await producer();
    await p.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, partition: 0 })) });
    const first: string[] = [];
    const c1 = consumer(groupId);
    await c1.connect();
    await c1.subscribe({ topic, fromBeginning: true });
    await c1.run({ autoCommit: false, eachMessage: async ({ message }) => void first.push(`${message.offset}:${message.value}`) });
    await waitFor(() => first.length >= 10, 15_000, 'the 10 records');
    await c1.commitOffsets([{ topic, partition: 0, offset: '6' }]);
    await c1.disconnect();
    expect(first).toEqual(Array.from({ length: 10 }, (_, i) => `${i}:m${i}`));
    const a = await admin();
    expect(await a.fetchOffsets({ groupId, topics: [topic] })).toEqual([{ topic, partitions: [{ partition: 0, offset: '6', metadata: null }] }]);

    const second: string[] = [];
    const c2 = consumer(groupId);
    await c2.connect();
    await c2.subscribe({ topic, fromBeginning: true });
    await c2.run({ autoCommit: false, eachMessage: async ({ message }) => void second.push(`${message.offset}:${message.value}`) });
    await waitFor(() => second.length >= 4, 15_000, 'the records after the committed offset');
    await new Promise((r) => setTimeout(r, 300));
    expect(second).toEqual(['6:m6', '7:m7', '8:m8', '9:m9']);
    await c2.disconnect();
    // Nothing committed by c2 (autoCommit false).
    expect((await a.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset).toBe('6');
  });

  it('seek: before the first fetch, and back while running', async () => {
    await expectApis(broker, GROUP_APIS);
    const topic = unique('kjs-seek');
    const p = await producer();
    await p.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `s${i}`, partition: 0 })) });
    const seen: string[] = [];
    const c = consumer(unique('kjs-seek-grp'));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void seen.push(message.offset) });
    c.seek({ topic, partition: 0, offset: '7' });
    await waitFor(() => seen.includes('9'), 15_000, 'offset 9 after the seek to 7');
    expect(seen).toEqual(['7', '8', '9']);
    seen.length = 0;
    c.seek({ topic, partition: 0, offset: '2' });
    await waitFor(() => seen.includes('9'), 15_000, 'offset 9 after the seek back to 2');
    expect(seen).toEqual(['2', '3', '4', '5', '6', '7', '8', '9']);
  });
});
