/**
 * Topic admin APIs against the real broker over TCP: CreateTopics (v0-7, per-topic errors,
 * validateOnly, manual assignments, v5+ configs and v7 topic ids), DeleteTopics (v0-6, by name and
 * by id, delete.topic.enable=false), CreatePartitions (v0-3) and DeleteRecords (v0-2), and
 * DescribeCluster (v0-1). Topic ids survive a restart on the same log dir.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Apis, errorCode } from '../../client/protocol/index.js';
import { encodeRecordBatchSync } from '../../client/records/index.js';
import { connect, startBroker, tempDir, type RawClient, type TestBroker } from './helpers.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const E = (name: Parameters<typeof errorCode>[0]) => errorCode(name);

let broker: TestBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startBroker({ 'num.partitions': 2, 'log.retention.hours': 24 });
  client = await connect(broker);
});
afterAll(async () => {
  client?.close();
  await broker?.stop();
});

function topic(name: string, numPartitions = 1, extra: object = {}) {
  return { name, numPartitions, replicationFactor: 1, assignments: [], configs: [], ...extra };
}

async function create(version: number, topics: object[], validateOnly = false) {
  return client.request(Apis.CreateTopics, version, { topics, timeoutMs: 5000, validateOnly });
}

async function produce(name: string, partition: number, values: string[]) {
  const records = encodeRecordBatchSync({ records: values.map((v) => ({ value: Buffer.from(v) })) } as never);
  const r = await client.request(Apis.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name, partitionData: [{ index: partition, records }] }] });
  expect(r.responses[0].partitionResponses[0].errorCode).toBe(0);
}

describe('CreateTopics', () => {
  it('creates topics in every version, with v5+ metadata and configs and v7 topic ids', async () => {
    for (let v = 0; v <= 7; v++) {
      const r = await create(v, [topic(`ct-v${v}`, 3, { configs: [{ name: 'retention.ms', value: '1000' }] })]);
      const t = r.topics[0];
      expect(t).toMatchObject({ name: `ct-v${v}`, errorCode: 0 });
      expect(broker.context.metadata.topic(`ct-v${v}`)?.partitions).toBe(3);
      expect(broker.context.logManager.getLog({ topic: `ct-v${v}`, partition: 2 })!.config['retention.ms']).toBe(1000);
      if (v >= 1) expect(t.errorMessage).toBeNull();
      if (v >= 5) {
        expect(t).toMatchObject({ numPartitions: 3, replicationFactor: 1 });
        const byName = new Map(t.configs.map((c: any) => [c.name, c]));
        expect(byName.get('retention.ms')).toEqual({ name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false });
        expect(byName.get('segment.bytes')).toMatchObject({ value: '1073741824', configSource: 5 });
        expect(byName.size).toBeGreaterThanOrEqual(13);
      } else expect(t.numPartitions).toBe(-1);
      if (v >= 7) expect(t.topicId).toBe(broker.context.metadata.topic(`ct-v${v}`)!.topicId);
      else expect(t.topicId).toBe(ZERO_UUID);
    }
  });

  it('uses the broker defaults for -1 partitions and replication factor', async () => {
    const r = await create(7, [topic('ct-defaults', -1, { replicationFactor: -1 })]);
    expect(r.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    // log.retention.hours=24 in server.properties: the source is STATIC_BROKER_CONFIG.
    expect(r.topics[0].configs.find((c: any) => c.name === 'retention.ms')).toMatchObject({ value: '86400000', configSource: 4 });
  });

  it('answers per-topic errors with Kafka codes and messages', async () => {
    await create(4, [topic('ct-exists')]);
    const r = await create(7, [
      topic('ct-exists'),
      topic('bad name!'),
      topic('ct-zero', 0),
      topic('ct-rf3', 1, { replicationFactor: 3 }),
      topic('ct-badcfg', 1, { configs: [{ name: 'retention.ms', value: 'soon' }] }),
      topic('ct-unknowncfg', 1, { configs: [{ name: 'no.such.key', value: '1' }] }),
      topic('ct-nullcfg', 1, { configs: [{ name: 'retention.ms', value: null }] }),
      topic('ct-dup'),
      topic('ct-dup', 2),
      topic('ct-ok'),
    ]);
    const byIndex = r.topics.map((t: any) => [t.name, t.errorCode]);
    expect(byIndex).toEqual([
      ['ct-exists', E('TOPIC_ALREADY_EXISTS')],
      ['bad name!', E('INVALID_TOPIC_EXCEPTION')],
      ['ct-zero', E('INVALID_PARTITIONS')],
      ['ct-rf3', E('INVALID_REPLICATION_FACTOR')],
      ['ct-badcfg', E('INVALID_CONFIG')],
      ['ct-unknowncfg', E('INVALID_CONFIG')],
      ['ct-nullcfg', E('INVALID_CONFIG')],
      ['ct-dup', E('INVALID_REQUEST')],
      ['ct-dup', E('INVALID_REQUEST')],
      ['ct-ok', 0],
    ]);
    expect(r.topics[0].errorMessage).toBe("Topic 'ct-exists' already exists.");
    expect(r.topics[7].errorMessage).toBe('Found multiple entries for this topic.');
    expect(r.topics[6].errorMessage).toBe('Null value not supported for topic configs: retention.ms');
    for (const t of r.topics.slice(0, 9)) expect(t).toMatchObject({ topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: [] });
    expect(broker.context.metadata.topic('ct-dup')).toBeUndefined();
    // v0 has no error message field: the code alone.
    const v0 = await create(0, [topic('ct-exists')]);
    expect(v0.topics[0].errorCode).toBe(E('TOPIC_ALREADY_EXISTS'));
  });

  it('validateOnly checks without creating, and still describes the topic (v5+)', async () => {
    const r = await create(7, [topic('ct-dry', 4, { configs: [{ name: 'cleanup.policy', value: 'compact' }] }), topic('ct-exists')], true);
    expect(r.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 4, replicationFactor: 1 });
    expect(r.topics[0].configs.find((c: any) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1 });
    expect(r.topics[1].errorCode).toBe(E('TOPIC_ALREADY_EXISTS'));
    expect(broker.context.metadata.topic('ct-dry')).toBeUndefined();
    const v1 = await create(1, [topic('ct-dry-v1', 0)], true);
    expect(v1.topics[0].errorCode).toBe(E('INVALID_PARTITIONS'));
  });

  it('accepts a manual assignment to this broker and refuses others', async () => {
    const manual = (name: string, assignments: object[], extra: object = {}) => topic(name, -1, { replicationFactor: -1, assignments, ...extra });
    const r = await create(5, [
      manual('ct-man', [{ partitionIndex: 1, brokerIds: [0] }, { partitionIndex: 0, brokerIds: [0] }]),
      manual('ct-man-other', [{ partitionIndex: 0, brokerIds: [1] }]),
      manual('ct-man-rf2', [{ partitionIndex: 0, brokerIds: [0, 1] }]),
      manual('ct-man-twice', [{ partitionIndex: 0, brokerIds: [0, 0] }]),
      manual('ct-man-empty', [{ partitionIndex: 0, brokerIds: [] }]),
      manual('ct-man-gap', [{ partitionIndex: 0, brokerIds: [0] }, { partitionIndex: 2, brokerIds: [0] }]),
      manual('ct-man-count', [{ partitionIndex: 0, brokerIds: [0] }], { numPartitions: 1 }),
    ]);
    expect(r.topics.map((t: any) => t.errorCode)).toEqual([
      0,
      E('INVALID_REPLICA_ASSIGNMENT'),
      E('INVALID_REPLICA_ASSIGNMENT'),
      E('INVALID_REPLICA_ASSIGNMENT'),
      E('INVALID_REPLICA_ASSIGNMENT'),
      E('INVALID_REPLICA_ASSIGNMENT'),
      E('INVALID_REQUEST'),
    ]);
    expect(r.topics[0]).toMatchObject({ numPartitions: 2, replicationFactor: 1 });
    expect(r.topics[1].errorMessage).toBe('The manual partition assignment includes broker 1, but no such broker is registered.');
    expect(broker.context.metadata.topic('ct-man')?.partitions).toBe(2);
  });
});

describe('CreatePartitions', () => {
  it('grows a topic in every version; every topic gets a result, validateOnly too', async () => {
    await create(4, [topic('cp', 1, { configs: [{ name: 'retention.ms', value: '5000' }] })]);
    for (let v = 0; v <= 3; v++) {
      const want = v + 2;
      const dry = await client.request(Apis.CreatePartitions, v, { topics: [{ name: 'cp', count: want + 10, assignments: null }], timeoutMs: 1000, validateOnly: true });
      expect(dry.results).toEqual([{ name: 'cp', errorCode: 0, errorMessage: null }]);
      const r = await client.request(Apis.CreatePartitions, v, { topics: [{ name: 'cp', count: want, assignments: null }], timeoutMs: 1000, validateOnly: false });
      expect(r.results).toEqual([{ name: 'cp', errorCode: 0, errorMessage: null }]);
      expect(broker.context.metadata.topic('cp')!.partitions).toBe(want);
    }
    // New partitions keep the topic's id and overrides.
    const last = broker.context.logManager.getLog({ topic: 'cp', partition: 4 })!;
    expect(last.config['retention.ms']).toBe(5000);
    expect(last.topicId).toBe(broker.context.metadata.topic('cp')!.topicId);
  });

  it('answers per-topic errors', async () => {
    await create(4, [topic('cp-a', 2), topic('cp-b', 1)]);
    const r = await client.request(Apis.CreatePartitions, 3, {
      topics: [
        { name: 'cp-missing', count: 3, assignments: null },
        { name: 'cp-a', count: 2, assignments: null },
        { name: 'cp-a', count: 3, assignments: null },
        { name: 'cp-b', count: 1, assignments: null },
        { name: 'cp-b', count: 0, assignments: null },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(r.results.map((x: any) => [x.name, x.errorCode])).toEqual([
      ['cp-missing', E('UNKNOWN_TOPIC_OR_PARTITION')],
      ['cp-a', E('INVALID_REQUEST')],
      ['cp-a', E('INVALID_REQUEST')],
      ['cp-b', E('INVALID_REQUEST')],
      ['cp-b', E('INVALID_REQUEST')],
    ]);
    expect(r.results[1].errorMessage).toBe('Duplicate topic in request.');
    const one = async (count: number, assignments: object[] | null) =>
      (await client.request(Apis.CreatePartitions, 1, { topics: [{ name: 'cp-b', count, assignments }], timeoutMs: 1000, validateOnly: false })).results[0];
    expect(await one(1, null)).toMatchObject({ errorCode: E('INVALID_PARTITIONS'), errorMessage: 'Topic already has 1 partitions.' });
    expect((await one(0, null)).errorCode).toBe(E('INVALID_PARTITIONS'));
    expect(await one(3, [{ brokerIds: [0] }])).toMatchObject({ errorCode: E('INVALID_REPLICA_ASSIGNMENT'), errorMessage: 'Increasing the number of partitions by 2 but 1 assignments provided.' });
    expect((await one(2, [{ brokerIds: [7] }])).errorCode).toBe(E('INVALID_REPLICA_ASSIGNMENT'));
    expect(broker.context.metadata.topic('cp-b')!.partitions).toBe(1);
    expect((await one(2, [{ brokerIds: [0] }])).errorCode).toBe(0);
    expect(broker.context.metadata.topic('cp-b')!.partitions).toBe(2);
  });
});

describe('DeleteRecords', () => {
  it('moves the low watermark in every version; -1 means the high watermark', async () => {
    await create(4, [topic('dr', 2)]);
    await produce('dr', 0, ['a', 'b', 'c', 'd', 'e', 'f']);
    await produce('dr', 1, ['x', 'y']);
    const del = (v: number, partitions: object[], name = 'dr') => client.request(Apis.DeleteRecords, v, { topics: [{ name, partitions }], timeoutMs: 1000 });
    const r0 = await del(0, [{ partitionIndex: 0, offset: 2 }]);
    expect(r0.topics).toEqual([{ name: 'dr', partitions: [{ partitionIndex: 0, lowWatermark: 2, errorCode: 0 }] }]);
    const r1 = await del(1, [{ partitionIndex: 0, offset: 1 }]);
    expect(r1.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 2, errorCode: 0 });
    const r2 = await del(2, [{ partitionIndex: 0, offset: -1 }, { partitionIndex: 1, offset: 1 }]);
    expect(r2.topics[0].partitions).toEqual([
      { partitionIndex: 0, lowWatermark: 6, errorCode: 0 },
      { partitionIndex: 1, lowWatermark: 1, errorCode: 0 },
    ]);
    expect(broker.context.logManager.getLog({ topic: 'dr', partition: 0 })!.logStartOffset).toBe(6);
    const lo = await client.request(Apis.ListOffsets, 1, { replicaId: -1, topics: [{ name: 'dr', partitions: [{ partitionIndex: 1, timestamp: -2 }] }] });
    expect(lo.topics[0].partitions[0].offset).toBe(1);
  });

  it('answers per-partition errors with lowWatermark -1', async () => {
    await create(4, [topic('dr-e', 1), topic('dr-compact', 1, { configs: [{ name: 'cleanup.policy', value: 'compact' }] })]);
    await produce('dr-e', 0, ['a', 'b']);
    const r = await client.request(Apis.DeleteRecords, 2, {
      topics: [
        { name: 'dr-e', partitions: [{ partitionIndex: 0, offset: 3 }, { partitionIndex: 0, offset: -5 }, { partitionIndex: 9, offset: 0 }] },
        { name: 'dr-missing', partitions: [{ partitionIndex: 0, offset: 0 }] },
        { name: 'dr-compact', partitions: [{ partitionIndex: 0, offset: 0 }] },
      ],
      timeoutMs: 1000,
    });
    expect(r.topics.map((t: any) => t.partitions.map((p: any) => [p.errorCode, p.lowWatermark]))).toEqual([
      [[E('OFFSET_OUT_OF_RANGE'), -1], [E('OFFSET_OUT_OF_RANGE'), -1], [E('UNKNOWN_TOPIC_OR_PARTITION'), -1]],
      [[E('UNKNOWN_TOPIC_OR_PARTITION'), -1]],
      [[E('POLICY_VIOLATION'), -1]],
    ]);
    expect(broker.context.logManager.getLog({ topic: 'dr-e', partition: 0 })!.logStartOffset).toBe(0);
  });
});

describe('DeleteTopics', () => {
  it('deletes by name in v0-5 and by name or id in v6', async () => {
    for (let v = 0; v <= 5; v++) {
      await create(4, [topic(`dt-v${v}`)]);
      const r = await client.request(Apis.DeleteTopics, v, { topicNames: [`dt-v${v}`, `dt-none-${v}`], timeoutMs: 1000 });
      expect(r.responses.map((x: any) => [x.name, x.errorCode])).toEqual([
        [`dt-v${v}`, 0],
        [`dt-none-${v}`, E('UNKNOWN_TOPIC_OR_PARTITION')],
      ]);
      expect(broker.context.metadata.topic(`dt-v${v}`)).toBeUndefined();
      expect(broker.context.logManager.getLog({ topic: `dt-v${v}`, partition: 0 })).toBeUndefined();
    }
    const made = await create(7, [topic('dt-id'), topic('dt-name')]);
    const id = made.topics[0].topicId;
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const r = await client.request(Apis.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: id },
        { name: 'dt-name', topicId: ZERO_UUID },
        { name: null, topicId: unknownId },
      ],
      timeoutMs: 1000,
    });
    expect(r.responses).toEqual([
      { name: 'dt-id', topicId: id, errorCode: 0, errorMessage: null },
      { name: 'dt-name', topicId: made.topics[1].topicId, errorCode: 0, errorMessage: null },
      { name: null, topicId: unknownId, errorCode: E('UNKNOWN_TOPIC_ID'), errorMessage: expect.any(String) },
    ]);
    expect(broker.context.metadata.topicById(id)).toBeUndefined();
    // A topic of the same name gets a new id.
    const again = await create(7, [topic('dt-id')]);
    expect(again.topics[0].topicId).not.toBe(id);
  });

  it('refuses duplicates, and entries with both or neither of name and id', async () => {
    await create(4, [topic('dt-dup')]);
    const dup = await client.request(Apis.DeleteTopics, 5, { topicNames: ['dt-dup', 'dt-dup'], timeoutMs: 1000 });
    expect(dup.responses.map((x: any) => [x.errorCode, x.errorMessage])).toEqual([
      [E('INVALID_REQUEST'), 'Duplicate topic name.'],
      [E('INVALID_REQUEST'), 'Duplicate topic name.'],
    ]);
    expect(broker.context.metadata.topic('dt-dup')).toBeDefined();
    const both = await client.request(Apis.DeleteTopics, 6, {
      topics: [{ name: 'dt-dup', topicId: broker.context.metadata.topic('dt-dup')!.topicId }, { name: 'other', topicId: ZERO_UUID }],
      timeoutMs: 1000,
    });
    expect(both.responses.map((x: any) => x.errorCode)).toEqual([E('INVALID_REQUEST'), E('INVALID_REQUEST')]);
    expect(broker.context.metadata.topic('dt-dup')).toBeDefined();
  });
});

describe('DescribeCluster', () => {
  it('describes this broker as the whole cluster and its controller, v0 and v1', async () => {
    for (const v of [0, 1]) {
      const r = await client.request(Apis.DescribeCluster, v, { includeClusterAuthorizedOperations: false, endpointType: 1 });
      expect(r).toMatchObject({
        errorCode: 0,
        errorMessage: null,
        clusterId: broker.context.metadata.clusterId,
        controllerId: 0,
        brokers: [{ brokerId: 0, host: '127.0.0.1', port: broker.port, rack: null }],
        clusterAuthorizedOperations: -2147483648,
      });
      if (v === 1) expect(r.endpointType).toBe(1);
    }
    const ops = await client.request(Apis.DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
    expect(ops.clusterAuthorizedOperations).toBe(8096);
    const controller = await client.request(Apis.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
    expect(controller).toMatchObject({ errorCode: E('MISMATCHED_ENDPOINT_TYPE'), brokers: [] });
    const unknown = await client.request(Apis.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 9 });
    expect(unknown.errorCode).toBe(E('UNSUPPORTED_ENDPOINT_TYPE'));
  });
});

describe('a broker with delete.topic.enable=false, restarted', () => {
  it('refuses deletion (INVALID_REQUEST before v3) and keeps topic ids and configs across a restart', async () => {
    const dir = tempDir();
    try {
      let b = await startBroker({ 'log.dirs': dir, 'delete.topic.enable': false });
      let c = await connect(b);
      const made = await c.request(Apis.CreateTopics, 7, { topics: [topic('keep', 2, { configs: [{ name: 'retention.ms', value: '777' }] })], timeoutMs: 1000, validateOnly: false });
      const id = made.topics[0].topicId;
      for (const [v, code] of [[2, E('INVALID_REQUEST')], [3, E('TOPIC_DELETION_DISABLED')], [5, E('TOPIC_DELETION_DISABLED')]] as const) {
        const r = await c.request(Apis.DeleteTopics, v, { topicNames: ['keep'], timeoutMs: 1000 });
        expect(r.responses[0]).toMatchObject({ name: 'keep', errorCode: code });
      }
      const r6 = await c.request(Apis.DeleteTopics, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 1000 });
      expect(r6.responses[0]).toMatchObject({ topicId: id, errorCode: E('TOPIC_DELETION_DISABLED') });
      c.close();
      await b.stop();

      b = await startBroker({ 'log.dirs': dir });
      c = await connect(b);
      expect(b.context.metadata.topic('keep')).toMatchObject({ topicId: id, partitions: 2 });
      const md = await c.request(Apis.Metadata, 12, { topics: [{ name: 'keep', topicId: ZERO_UUID }], allowAutoTopicCreation: false });
      expect(md.topics[0].topicId).toBe(id);
      expect(b.context.logManager.getLog({ topic: 'keep', partition: 1 })!.config['retention.ms']).toBe(777);
      const del = await c.request(Apis.DeleteTopics, 6, { topics: [{ name: null, topicId: id }], timeoutMs: 1000 });
      expect(del.responses[0]).toMatchObject({ name: 'keep', topicId: id, errorCode: 0 });
      c.close();
      await b.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
