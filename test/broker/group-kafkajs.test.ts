/**
 * End to end with kafkajs 2.2.4 (the npm package) against an in-process broker: a consumer group of
 * two members shares a 4-partition topic; when one member disconnects (LeaveGroup) the other takes
 * over every partition, keeps consuming, and its commits are visible to admin.fetchOffsets.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers.js';

let broker: TestBroker;
let kafka: Kafka;
const open: { disconnect(): Promise<void> }[] = [];

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'group-kjs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
});
afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.disconnect()));
  await broker?.stop();
});

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A consumer that records its latest assignment and the values it consumed. */
function member(groupId: string, topic: string) {
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 200, maxWaitTimeInMs: 100 });
  open.push(consumer);
  const state = { consumer, assignment: [] as number[], generations: 0, values: [] as string[] };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort();
    state.generations++;
  });
  return {
    state,
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void state.values.push(message.value!.toString()) });
    },
  };
}

describe('kafkajs consumer group', () => {
  it('two consumers share the partitions; when one leaves the other takes over all of them', async () => {
    const topic = 'kjs-group-topic';
    const groupId = 'kjs-group';
    const admin = kafka.admin();
    open.push(admin);
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const producer = kafka.producer();
    open.push(producer);
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ value: `m${i}`, partition: i % 4 })) });

    const a = member(groupId, topic);
    await a.start();
    await waitFor('A to own every partition', () => a.state.assignment.length === 4);

    const b = member(groupId, topic);
    await b.start();
    await waitFor('A and B to share the partitions', () => a.state.assignment.length === 2 && b.state.assignment.length === 2);
    expect([...a.state.assignment, ...b.state.assignment].sort()).toEqual([0, 1, 2, 3]);
    await waitFor('all 40 messages consumed', () => new Set([...a.state.values, ...b.state.values]).size === 40);

    const before = a.state.generations;
    await b.state.consumer.disconnect(); // LeaveGroup
    await waitFor('A to own every partition again', () => a.state.generations > before && a.state.assignment.length === 4);

    await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ value: `late-${p}`, partition: p })) });
    await waitFor('A to consume from every partition', () => [0, 1, 2, 3].every((p) => a.state.values.includes(`late-${p}`)));

    // Committed offsets reach the high watermarks (10 + 1 per partition).
    const expected = [0, 1, 2, 3].map((partition) => ({ partition, offset: '11' }));
    let committed: { partition: number; offset: string }[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000) {
      const r = await admin.fetchOffsets({ groupId, topics: [topic] });
      committed = r[0]!.partitions.map(({ partition, offset }) => ({ partition, offset })).sort((x, y) => x.partition - y.partition);
      if (JSON.stringify(committed) === JSON.stringify(expected)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(committed).toEqual(expected);
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0]!.members).toHaveLength(1);
  });
});
