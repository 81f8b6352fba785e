/**
 * AdminClient against the real broker (in process, over TCP): topics, partitions, configs, records,
 * offsets, and consumer groups (a kafkajs consumer makes an active group with a real assignment).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { AdminClient } from '../../client/admin/index.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../client/consumer/consumer-protocol.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';

let broker: TestBroker;
let admin: AdminClient;
beforeAll(async () => {
  broker = await startBroker();
  admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap, 'client.id': 'admin-test' });
});
afterAll(async () => {
  await admin?.close();
  await broker?.stop();
});

async function produce(topic: string, messages: { key?: string; value: string; partition?: number }[]): Promise<void> {
  const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, messages });
  await p.disconnect();
}

describe('AdminClient topics', () => {
  it('creates, lists, describes, grows and deletes topics with Kafka error names', async () => {
    await admin.createTopics([{ name: 'ad-a', numPartitions: 3, configs: { 'retention.ms': '60000' } }, { name: 'ad-b' }]);
    await expect(admin.createTopics([{ name: 'ad-a', numPartitions: 1 }])).rejects.toMatchObject({ errorName: 'TOPIC_ALREADY_EXISTS' });
    await admin.createTopics([{ name: 'ad-validate', numPartitions: 1 }], { validateOnly: true });
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['ad-a', 'ad-b']));
    expect(await admin.listTopics()).not.toContain('ad-validate');
    const [a] = await admin.describeTopics(['ad-a']);
    expect(a!.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr])).toEqual([
      [0, 0, [0], [0]],
      [1, 0, [0], [0]],
      [2, 0, [0], [0]],
    ]);
    expect(a!.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await expect(admin.describeTopics(['ad-missing'])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });

    await admin.createPartitions({ 'ad-a': 5 });
    expect((await admin.describeTopics(['ad-a']))[0]!.partitions).toHaveLength(5);
    await expect(admin.createPartitions({ 'ad-a': 2 })).rejects.toMatchObject({ errorName: 'INVALID_PARTITIONS' });

    await admin.deleteTopics(['ad-b']);
    expect(await admin.listTopics()).not.toContain('ad-b');
    await expect(admin.deleteTopics(['ad-b'])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('describes and alters configs incrementally', async () => {
    await admin.createTopics([{ name: 'ad-cfg', numPartitions: 1, configs: { 'cleanup.policy': 'delete' } }]);
    await admin.incrementalAlterConfigs([{ type: 'topic', name: 'ad-cfg', ops: [{ name: 'retention.ms', op: 'set', value: '12345' }] }]);
    const [d] = await admin.describeConfigs([{ type: 'topic', name: 'ad-cfg' }]);
    const byName = new Map(d!.entries.map((e) => [e.name, e]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '12345', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false });
    expect(byName.get('segment.bytes')?.isDefault ?? byName.get('segment.bytes')?.source !== 'DYNAMIC_TOPIC_CONFIG').toBe(true);
    await admin.incrementalAlterConfigs([{ type: 'topic', name: 'ad-cfg', ops: [{ name: 'retention.ms', op: 'delete' }] }]);
    const [d2] = await admin.describeConfigs([{ type: 'topic', name: 'ad-cfg' }]);
    expect(d2!.entries.find((e) => e.name === 'retention.ms')?.source).not.toBe('DYNAMIC_TOPIC_CONFIG');
    const [b] = await admin.describeConfigs([{ type: 'broker', name: '0' }]);
    expect(b!.entries.find((e) => e.name === 'log.retention.hours')?.value).toBe('168');
    await expect(admin.describeConfigs([{ type: 'topic', name: 'ad-nope' }])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(admin.incrementalAlterConfigs([{ type: 'topic', name: 'ad-cfg', ops: [{ name: 'retention.ms', op: 'set', value: 'abc' }] }])).rejects.toMatchObject({ errorName: 'INVALID_CONFIG' });
  });

  it('lists offsets and deletes records at the leader', async () => {
    await admin.createTopics([{ name: 'ad-rec', numPartitions: 2 }]);
    await produce('ad-rec', Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })));
    const q = (spec: 'earliest' | 'latest' | number) => [0, 1].map((partition) => ({ topic: 'ad-rec', partition, spec }));
    expect([...(await admin.listOffsets(q('latest')))]).toEqual([
      ['ad-rec-0', 5],
      ['ad-rec-1', 5],
    ]);
    expect(await admin.deleteRecords([{ topic: 'ad-rec', partition: 0, offset: 3 }])).toEqual(new Map([['ad-rec-0', 3]]));
    const earliest = await admin.listOffsets(q('earliest'));
    expect(earliest.get('ad-rec-0')).toBe(3);
    expect(earliest.get('ad-rec-1')).toBe(0);
    expect((await admin.listOffsets([{ topic: 'ad-rec', partition: 1, spec: Date.now() + 60_000 }])).get('ad-rec-1')).toBe(-1);
    expect((await admin.listOffsets([{ topic: 'ad-rec', partition: 1, spec: 0 }])).get('ad-rec-1')).toBe(0);
    await expect(admin.deleteRecords([{ topic: 'ad-rec', partition: 0, offset: 99 }])).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    await expect(admin.listOffsets([{ topic: 'ad-rec', partition: 7, spec: 'latest' }])).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});

describe('AdminClient groups', () => {
  it('describes an active group with decoded assignments, lag, and refuses to delete it', async () => {
    await admin.createTopics([{ name: 'ad-grp', numPartitions: 2 }]);
    await produce('ad-grp', Array.from({ length: 6 }, (_, i) => ({ value: `v${i}`, partition: i % 2 })));
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'kjs-consumer', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'ad-g1', sessionTimeout: 6000, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'ad-grp', fromBeginning: true });
    let seen = 0;
    await consumer.run({ autoCommit: false, eachMessage: async () => void seen++ });
    while (seen < 6) await new Promise((r) => setTimeout(r, 50));
    await consumer.commitOffsets([{ topic: 'ad-grp', partition: 0, offset: '2' }]);
    try {
      const groups = await admin.listGroups();
      expect(groups).toContainEqual({ groupId: 'ad-g1', protocolType: 'consumer', state: 'Stable' });
      const [g] = await admin.describeGroups(['ad-g1']);
      expect(g).toMatchObject({ groupId: 'ad-g1', state: 'Stable', protocolType: 'consumer', coordinator: 0 });
      expect(g!.members).toHaveLength(1);
      expect(g!.members[0]!.clientId).toBe('kjs-consumer');
      expect(g!.members[0]!.subscription).toEqual(['ad-grp']);
      expect(g!.members[0]!.assignment.sort((a, b) => a.partition - b.partition)).toEqual([
        { topic: 'ad-grp', partition: 0 },
        { topic: 'ad-grp', partition: 1 },
      ]);
      expect(await admin.listConsumerGroupOffsets('ad-g1')).toEqual(new Map([['ad-grp-0', { offset: 2, metadata: '' }]]));
      const lag = await admin.consumerGroupLag('ad-g1');
      expect(lag.map((r) => [r.partition, r.currentOffset, r.logEndOffset, r.lag, r.clientId])).toEqual([
        [0, 2, 3, 1, 'kjs-consumer'],
        [1, null, 3, null, 'kjs-consumer'],
      ]);
      await expect(admin.deleteGroups(['ad-g1'])).rejects.toMatchObject({ errorName: 'NON_EMPTY_GROUP' });
      await expect(admin.alterConsumerGroupOffsets('ad-g1', [{ topic: 'ad-grp', partition: 0, offset: 0 }])).rejects.toBeInstanceOf(Error);
    } finally {
      await consumer.disconnect();
    }
    const [after] = await admin.describeGroups(['ad-g1']);
    expect(after!.state).toBe('Empty');
    await admin.alterConsumerGroupOffsets('ad-g1', [
      { topic: 'ad-grp', partition: 0, offset: 0 },
      { topic: 'ad-grp', partition: 1, offset: 3 },
    ]);
    expect((await admin.consumerGroupLag('ad-g1')).map((r) => [r.partition, r.currentOffset, r.lag, r.consumerId])).toEqual([
      [0, 0, 3, null],
      [1, 3, 0, null],
    ]);
    await admin.deleteGroups(['ad-g1']);
    await expect(admin.deleteGroups(['ad-g1'])).rejects.toMatchObject({ errorName: 'GROUP_ID_NOT_FOUND' });
    expect((await admin.describeGroups(['ad-g1']))[0]!.state).toBe('Dead');
    expect(await admin.listConsumerGroupOffsets('ad-g1')).toEqual(new Map());
  });
});

describe('AdminClient errors', () => {
  it('says which bootstrap server it could not reach', async () => {
    const a = new AdminClient({ 'bootstrap.servers': '127.0.0.1:1' });
    await expect(a.listTopics()).rejects.toMatchObject({ code: 'KTS_ERR_CONNECT', message: expect.stringMatching(/could not connect to any bootstrap server \(127\.0\.0\.1:1\)/) });
    await a.close();
    expect(() => new AdminClient({})).toThrow(/bootstrap.servers/);
  });
});

describe('consumer protocol codec', () => {
  it('round-trips subscriptions and assignments of every version', () => {
    for (const version of [0, 1, 2, 3]) {
      const s = decodeSubscription(encodeSubscription({ topics: ['a', 'b'], userData: Buffer.from('u'), ownedPartitions: [{ topic: 'a', partitions: [1] }], generationId: 7, rackId: 'r1' }, version));
      expect(s.topics).toEqual(['a', 'b']);
      expect(s.userData).toEqual(Buffer.from('u'));
      if (version >= 1) expect(s.ownedPartitions).toEqual([{ topic: 'a', partitions: [1] }]);
      if (version >= 2) expect(s.generationId).toBe(7);
      if (version >= 3) expect(s.rackId).toBe('r1');
    }
    const a = decodeAssignment(encodeAssignment({ partitions: [{ topic: 't', partitions: [0, 3] }, { topic: 'u', partitions: [2] }], userData: null }));
    expect(a.partitions).toEqual([
      { topic: 't', partitions: [0, 3] },
      { topic: 'u', partitions: [2] },
    ]);
    expect(decodeAssignment(Buffer.alloc(0)).partitions).toEqual([]);
    expect(() => decodeAssignment(Buffer.from([0, 0, 0, 0, 0, 5]))).toThrow();
  });
});
