/**
 * Config admin APIs against the real broker over TCP: DescribeConfigs (v0-4: every topic key with
 * value, source, synonyms, type and documentation; broker resources; errors), AlterConfigs (v0-2,
 * replace-all semantics) and IncrementalAlterConfigs (v0-1: SET, DELETE, APPEND, SUBTRACT), with the
 * changes seen in the partition logs' config and kept across a restart.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Apis, errorCode } from '../../client/protocol/index.js';
import { LOG_CONFIG_DEFS } from '../../broker/log/index.js';
import { connect, startBroker, tempDir, type RawClient, type TestBroker } from './helpers.js';

const E = (name: Parameters<typeof errorCode>[0]) => errorCode(name);
const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

let broker: TestBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startBroker({ 'log.retention.hours': 24, 'log.segment.bytes': 1048576 });
  client = await connect(broker);
});
afterAll(async () => {
  client?.close();
  await broker?.stop();
});

async function createTopic(name: string, configs: Record<string, string> = {}, partitions = 1) {
  const r = await client.request(Apis.CreateTopics, 4, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })) }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  expect(r.topics[0].errorCode).toBe(0);
}

async function describeTopic(name: string, version = 4, extra: object = {}) {
  const r = await client.request(Apis.DescribeConfigs, version, { resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false, ...extra });
  return r.results[0];
}

async function topicValues(name: string): Promise<Record<string, string>> {
  const res = await describeTopic(name);
  expect(res.errorCode).toBe(0);
  return Object.fromEntries(res.configs.map((c: any) => [c.name, c.value]));
}

function alter(version: number, resources: object[], validateOnly = false) {
  return client.request(Apis.AlterConfigs, version, { resources, validateOnly });
}

function incremental(version: number, resources: object[], validateOnly = false) {
  return client.request(Apis.IncrementalAlterConfigs, version, { resources, validateOnly });
}

const logOf = (topic: string, partition = 0) => broker.context.logManager.getLog({ topic, partition })!;

describe('DescribeConfigs', () => {
  it('returns every topic key with its value and source, in every version', async () => {
    await createTopic('dc', { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' });
    for (let v = 0; v <= 4; v++) {
      const res = await describeTopic('dc', v);
      expect(res).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'dc' });
      expect(res.configs.map((c: any) => c.name)).toEqual(LOG_CONFIG_DEFS.map((d) => d.key));
      const by = new Map<string, any>(res.configs.map((c: any) => [c.name, c]));
      expect(by.get('retention.ms')).toMatchObject({ value: '1000', readOnly: false, isSensitive: false });
      expect(by.get('cleanup.policy').value).toBe('compact,delete');
      expect(by.get('segment.bytes').value).toBe('1048576');
      expect(by.get('max.message.bytes').value).toBe('1048588');
      expect(by.get('flush.messages').value).toBe('9223372036854775807');
      if (v === 0) {
        expect(by.get('retention.ms').isDefault).toBe(false);
        expect(by.get('segment.bytes').isDefault).toBe(false);
        expect(by.get('index.interval.bytes').isDefault).toBe(true);
      } else {
        expect(by.get('retention.ms').configSource).toBe(1); // DYNAMIC_TOPIC_CONFIG
        expect(by.get('segment.bytes').configSource).toBe(4); // STATIC_BROKER_CONFIG
        expect(by.get('index.interval.bytes').configSource).toBe(5); // DEFAULT_CONFIG
        expect(by.get('retention.ms').synonyms).toEqual([]);
      }
      if (v >= 3) {
        expect(by.get('retention.ms').configType).toBe(5); // LONG
        expect(by.get('segment.bytes').configType).toBe(3); // INT
        expect(by.get('cleanup.policy').configType).toBe(7); // LIST
        expect(by.get('message.timestamp.type').configType).toBe(2); // STRING
        expect(by.get('retention.ms').documentation).toBeNull();
      }
    }
  });

  it('gives synonyms (v1+) and documentation (v3+) when asked, and filters by configurationKeys', async () => {
    await createTopic('dc-syn', { 'retention.ms': '2000' });
    const r = await client.request(Apis.DescribeConfigs, 3, {
      resources: [{ resourceType: TOPIC, resourceName: 'dc-syn', configurationKeys: ['retention.ms', 'segment.bytes', 'segment.ms', 'no.such.key'] }],
      includeSynonyms: true,
      includeDocumentation: true,
    });
    const by = new Map<string, any>(r.results[0].configs.map((c: any) => [c.name, c]));
    expect([...by.keys()]).toEqual(['retention.ms', 'segment.bytes', 'segment.ms']);
    expect(by.get('retention.ms').synonyms).toEqual([
      { name: 'retention.ms', value: '2000', source: 1 },
      { name: 'log.retention.hours', value: '24', source: 4 },
      // Kafka declares the default on the coarsest key: log.retention.hours=168.
      { name: 'log.retention.hours', value: '168', source: 5 },
    ]);
    expect(by.get('segment.bytes').synonyms).toEqual([
      { name: 'log.segment.bytes', value: '1048576', source: 4 },
      { name: 'log.segment.bytes', value: '1073741824', source: 5 },
    ]);
    expect(by.get('segment.ms')).toMatchObject({ value: '604800000', configSource: 5, synonyms: [{ name: 'log.roll.hours', value: '168', source: 5 }] });
    expect(by.get('retention.ms').documentation).toMatch(/segment/);
    // Without an override retention.ms comes from the static log.retention.hours.
    await createTopic('dc-plain');
    const plain = (await describeTopic('dc-plain', 2, { includeSynonyms: true })).configs.find((c: any) => c.name === 'retention.ms');
    expect(plain).toMatchObject({ value: '86400000', configSource: 4 });
    expect(plain.synonyms[0]).toEqual({ name: 'log.retention.hours', value: '24', source: 4 });
  });

  it('answers errors per resource', async () => {
    const r = await client.request(Apis.DescribeConfigs, 1, {
      resources: [
        { resourceType: TOPIC, resourceName: 'dc-missing', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad name!', configurationKeys: null },
        { resourceType: BROKER, resourceName: '5', configurationKeys: null },
        { resourceType: BROKER, resourceName: 'zero', configurationKeys: null },
        { resourceType: 8, resourceName: '0', configurationKeys: null },
        { resourceType: 99, resourceName: 'x', configurationKeys: null },
      ],
      includeSynonyms: false,
    });
    expect(r.results.map((x: any) => [x.resourceType, x.resourceName, x.errorCode, x.configs.length])).toEqual([
      [TOPIC, 'dc-missing', E('UNKNOWN_TOPIC_OR_PARTITION'), 0],
      [TOPIC, 'bad name!', E('INVALID_TOPIC_EXCEPTION'), 0],
      [BROKER, '5', E('INVALID_REQUEST'), 0],
      [BROKER, 'zero', E('INVALID_REQUEST'), 0],
      [8, '0', E('INVALID_REQUEST'), 0],
      [99, 'x', E('INVALID_REQUEST'), 0],
    ]);
    expect(r.results[0].errorMessage).toBeNull();
    expect(r.results[2].errorMessage).toBe('Unexpected broker id, expected 0 or empty string, but received 5');
    expect(r.results[3].errorMessage).toBe('Broker id must be an integer, but it is: zero');
  });

  it('describes this broker (all read-only) and an empty cluster-wide default', async () => {
    const r = await client.request(Apis.DescribeConfigs, 4, {
      resources: [
        { resourceType: BROKER, resourceName: '0', configurationKeys: null },
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
        { resourceType: BROKER, resourceName: '0', configurationKeys: ['log.retention.hours', 'log.retention.ms'] },
      ],
      includeSynonyms: true,
      includeDocumentation: false,
    });
    const [self, dflt, some] = r.results;
    expect(self.errorCode).toBe(0);
    const by = new Map<string, any>(self.configs.map((c: any) => [c.name, c]));
    expect(by.get('num.partitions')).toMatchObject({ value: '1', readOnly: true, configSource: 5, isSensitive: false, configType: 3 });
    expect(by.get('log.retention.hours')).toMatchObject({
      value: '24',
      configSource: 4,
      synonyms: [
        { name: 'log.retention.hours', value: '24', source: 4 },
        { name: 'log.retention.hours', value: '168', source: 5 },
      ],
    });
    expect(by.get('delete.topic.enable')).toMatchObject({ value: 'true', configType: 1 });
    expect(self.configs.every((c: any) => c.readOnly)).toBe(true);
    expect(dflt).toMatchObject({ errorCode: 0, resourceName: '', configs: [] });
    expect(some.configs.map((c: any) => c.name)).toEqual(['log.retention.hours', 'log.retention.ms']);
    expect(some.configs[1].synonyms.map((s: any) => [s.name, s.value])).toEqual([
      ['log.retention.hours', '24'],
      ['log.retention.hours', '168'],
    ]);
  });
});

describe('AlterConfigs', () => {
  it('replaces all overrides of a topic, in every version, and the logs follow', async () => {
    await createTopic('ac', { 'retention.ms': '1000', 'segment.ms': '60000' }, 2);
    for (let v = 0; v <= 2; v++) {
      const r = await alter(v, [{ resourceType: TOPIC, resourceName: 'ac', configs: [{ name: 'retention.ms', value: String(5000 + v) }, { name: 'max.message.bytes', value: '2000' }] }]);
      expect(r.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'ac' }]);
      expect(broker.context.logManager.topicOverrides('ac')).toEqual({ 'retention.ms': String(5000 + v), 'max.message.bytes': '2000' });
      expect(logOf('ac', 1).config['retention.ms']).toBe(5000 + v);
      // segment.ms was not in the set: back to the broker default.
      expect(logOf('ac', 0).config['segment.ms']).toBe(604800000);
    }
    const values = await topicValues('ac');
    expect(values['retention.ms']).toBe('5002');
    // An empty set removes every override.
    await alter(1, [{ resourceType: TOPIC, resourceName: 'ac', configs: [] }]);
    expect(broker.context.logManager.topicOverrides('ac')).toEqual({});
    expect(logOf('ac').config['retention.ms']).toBe(86400000);
  });

  it('changes nothing with validateOnly or on error', async () => {
    await createTopic('ac-v', { 'retention.ms': '1000' });
    const dry = await alter(2, [{ resourceType: TOPIC, resourceName: 'ac-v', configs: [{ name: 'retention.ms', value: '9' }] }], true);
    expect(dry.responses[0].errorCode).toBe(0);
    const r = await alter(2, [
      { resourceType: TOPIC, resourceName: 'ac-v', configs: [{ name: 'retention.ms', value: 'x' }] },
      { resourceType: TOPIC, resourceName: 'ac-missing', configs: [] },
      { resourceType: TOPIC, resourceName: 'ac-v2', configs: [{ name: 'no.such.key', value: '1' }] },
    ]);
    expect(r.responses.map((x: any) => x.errorCode)).toEqual([E('INVALID_CONFIG'), E('UNKNOWN_TOPIC_OR_PARTITION'), E('UNKNOWN_TOPIC_OR_PARTITION')]);
    expect(r.responses[0].errorMessage).toMatch(/retention\.ms/);
    await createTopic('ac-v2');
    const unknownKey = await alter(0, [{ resourceType: TOPIC, resourceName: 'ac-v2', configs: [{ name: 'retention.ms', value: '5' }, { name: 'no.such.key', value: '1' }] }]);
    expect(unknownKey.responses[0].errorCode).toBe(E('INVALID_CONFIG'));
    expect(broker.context.logManager.topicOverrides('ac-v2')).toEqual({});
    expect(broker.context.logManager.topicOverrides('ac-v')).toEqual({ 'retention.ms': '1000' });
    expect(logOf('ac-v').config['retention.ms']).toBe(1000);
  });

  it('refuses duplicates, null values, broker changes and other resource types', async () => {
    await createTopic('ac-e');
    const r = await alter(1, [
      { resourceType: TOPIC, resourceName: 'ac-e', configs: [] },
      { resourceType: TOPIC, resourceName: 'ac-e', configs: [] },
      { resourceType: TOPIC, resourceName: 'ac-x', configs: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] },
      { resourceType: TOPIC, resourceName: 'ac-y', configs: [{ name: 'retention.ms', value: null }] },
      { resourceType: BROKER, resourceName: '0', configs: [{ name: 'log.retention.ms', value: '1' }] },
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'num.partitions', value: '3' }] },
      { resourceType: BROKER, resourceName: '3', configs: [] },
      { resourceType: 8, resourceName: '0', configs: [] },
    ]);
    expect(r.responses.map((x: any) => [x.errorCode, x.errorMessage])).toEqual([
      [E('INVALID_REQUEST'), 'Each resource must appear at most once.'],
      [E('INVALID_REQUEST'), 'Each resource must appear at most once.'],
      [E('INVALID_REQUEST'), 'Error due to duplicate config keys'],
      [E('INVALID_REQUEST'), 'Null value not supported for : retention.ms'],
      [E('INVALID_REQUEST'), expect.stringContaining('Cannot update these configs dynamically: Set(log.retention.ms)')],
      [E('INVALID_REQUEST'), expect.stringContaining('Cannot update these configs dynamically: Set(num.partitions)')],
      [E('INVALID_REQUEST'), 'Unexpected broker id, expected 0, but received 3'],
      [E('INVALID_REQUEST'), expect.stringContaining('Unsupported resource type: BROKER_LOGGER')],
    ]);
    // Changing nothing on this broker succeeds.
    const none = await alter(0, [{ resourceType: BROKER, resourceName: '0', configs: [] }]);
    expect(none.responses[0]).toMatchObject({ errorCode: 0, resourceType: BROKER, resourceName: '0' });
  });
});

describe('IncrementalAlterConfigs', () => {
  it('sets and deletes single keys, leaving the others, in v0 and v1', async () => {
    await createTopic('iac', { 'retention.ms': '1000', 'segment.ms': '60000' }, 2);
    for (const v of [0, 1]) {
      const r = await incremental(v, [{ resourceType: TOPIC, resourceName: 'iac', configs: [{ name: 'retention.bytes', configOperation: SET, value: String(1000 + v) }] }]);
      expect(r.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'iac' }]);
    }
    expect(broker.context.logManager.topicOverrides('iac')).toEqual({ 'retention.ms': '1000', 'segment.ms': '60000', 'retention.bytes': '1001' });
    expect(logOf('iac', 1).config['retention.bytes']).toBe(1001);
    const del = await incremental(1, [
      {
        resourceType: TOPIC,
        resourceName: 'iac',
        configs: [
          { name: 'retention.ms', configOperation: DELETE, value: null },
          { name: 'segment.ms', configOperation: SET, value: '120000' },
          { name: 'no.such.key', configOperation: DELETE, value: null },
        ],
      },
    ]);
    expect(del.responses[0].errorCode).toBe(0);
    expect(broker.context.logManager.topicOverrides('iac')).toEqual({ 'segment.ms': '120000', 'retention.bytes': '1001' });
    expect(logOf('iac').config['retention.ms']).toBe(86400000);
    const values = await topicValues('iac');
    expect(values['segment.ms']).toBe('120000');
  });

  it('applies concurrent changes from several connections one after another (none lost)', async () => {
    await createTopic('iac-conc');
    const others = await Promise.all([connect(broker), connect(broker), connect(broker)]);
    const keys = ['retention.ms', 'segment.ms', 'retention.bytes', 'max.message.bytes', 'flush.messages', 'segment.jitter.ms'];
    await Promise.all(
      keys.map((k, i) =>
        others[i % others.length]!.request(Apis.IncrementalAlterConfigs, 1, { resources: [{ resourceType: TOPIC, resourceName: 'iac-conc', configs: [{ name: k, configOperation: SET, value: String(1000 + i) }] }], validateOnly: false }),
      ),
    );
    for (const o of others) o.close();
    expect(Object.keys(broker.context.logManager.topicOverrides('iac-conc')!).sort()).toEqual([...keys].sort());
  });

  it('appends to and subtracts from cleanup.policy', async () => {
    await createTopic('iac-list');
    const op = (configOperation: number, value: string) => incremental(1, [{ resourceType: TOPIC, resourceName: 'iac-list', configs: [{ name: 'cleanup.policy', configOperation, value }] }]);
    expect((await op(APPEND, 'compact')).responses[0].errorCode).toBe(0);
    expect(broker.context.logManager.topicOverrides('iac-list')).toEqual({ 'cleanup.policy': 'delete,compact' });
    expect((await op(APPEND, 'delete')).responses[0].errorCode).toBe(0);
    expect(logOf('iac-list').config['cleanup.policy']).toBe('delete,compact');
    expect((await op(SUBTRACT, 'delete')).responses[0].errorCode).toBe(0);
    expect(logOf('iac-list').config['cleanup.policy']).toBe('compact');
    // Subtracting the last item leaves an empty policy, which Kafka 3.8 accepts (nothing is deleted).
    expect((await op(SUBTRACT, 'compact')).responses[0].errorCode).toBe(0);
    expect(logOf('iac-list').config['cleanup.policy']).toBe('');
    expect((await op(APPEND, 'shred')).responses[0].errorCode).toBe(E('INVALID_CONFIG'));
    expect(logOf('iac-list').config['cleanup.policy']).toBe('');
  });

  it('refuses bad operations, keeps everything on error or validateOnly, and accepts a broker DELETE', async () => {
    await createTopic('iac-e', { 'retention.ms': '1000' });
    const one = (configs: object[], resourceType = TOPIC, resourceName = 'iac-e', validateOnly = false) => incremental(1, [{ resourceType, resourceName, configs }], validateOnly).then((r: any) => r.responses[0]);
    expect(await one([{ name: 'retention.ms', configOperation: APPEND, value: '5' }])).toMatchObject({ errorCode: E('INVALID_CONFIG'), errorMessage: 'Config value append is not allowed for config key: retention.ms' });
    expect(await one([{ name: 'retention.ms', configOperation: SUBTRACT, value: '5' }])).toMatchObject({ errorCode: E('INVALID_CONFIG') });
    expect(await one([{ name: 'retention.ms', configOperation: 7, value: '5' }])).toMatchObject({ errorCode: E('INVALID_REQUEST'), errorMessage: 'Unknown operations type 7' });
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: null }])).toMatchObject({ errorCode: E('INVALID_REQUEST'), errorMessage: 'Null value not supported for : retention.ms' });
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: DELETE, value: null }])).toMatchObject({ errorCode: E('INVALID_REQUEST') });
    expect(await one([{ name: 'segment.ms', configOperation: SET, value: '5' }, { name: 'retention.ms', configOperation: SET, value: 'never' }])).toMatchObject({ errorCode: E('INVALID_CONFIG') });
    expect(await one([{ name: 'no.such.key', configOperation: SET, value: '1' }])).toMatchObject({ errorCode: E('INVALID_CONFIG') });
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: '5' }], TOPIC, 'iac-e', true)).toMatchObject({ errorCode: 0 });
    expect(await one([], TOPIC, 'iac-missing')).toMatchObject({ errorCode: E('UNKNOWN_TOPIC_OR_PARTITION') });
    expect(broker.context.logManager.topicOverrides('iac-e')).toEqual({ 'retention.ms': '1000' });
    expect(await one([{ name: 'log.retention.ms', configOperation: SET, value: '5' }], BROKER, '0')).toMatchObject({ errorCode: E('INVALID_REQUEST') });
    expect(await one([{ name: 'log.retention.ms', configOperation: DELETE, value: null }], BROKER, '')).toMatchObject({ errorCode: 0 });
    expect(await one([], 8, '0')).toMatchObject({ errorCode: E('INVALID_REQUEST') });
  });
});

describe('topic configs across a restart', () => {
  it('keeps altered overrides and topic ids', async () => {
    const dir = tempDir();
    try {
      let b = await startBroker({ 'log.dirs': dir });
      let c = await connect(b);
      await c.request(Apis.CreateTopics, 7, { topics: [{ name: 'persist', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
      const id = b.context.metadata.topic('persist')!.topicId;
      await c.request(Apis.IncrementalAlterConfigs, 1, { resources: [{ resourceType: TOPIC, resourceName: 'persist', configs: [{ name: 'retention.ms', configOperation: SET, value: '4242' }] }], validateOnly: false });
      c.close();
      await b.stop();
      b = await startBroker({ 'log.dirs': dir });
      c = await connect(b);
      expect(b.context.metadata.topic('persist')?.topicId).toBe(id);
      expect(b.context.logManager.getLog({ topic: 'persist', partition: 1 })!.config['retention.ms']).toBe(4242);
      const d = await c.request(Apis.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: 'persist', configurationKeys: ['retention.ms'] }], includeSynonyms: false, includeDocumentation: false });
      expect(d.results[0].configs).toEqual([expect.objectContaining({ name: 'retention.ms', value: '4242', configSource: 1 })]);
      c.close();
      await b.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
