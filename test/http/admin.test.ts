/**
 * The HTTP API's writes on a broker with `http.admin.enabled=true`: refused without the bearer token
 * or with a wrong one (401), accepted with it; topic creation and deletion seen by a kafkajs admin;
 * Kafka's errors with their names; a group's offsets reset (refused with 409 while it has members, as
 * kafka-consumer-groups refuses) and checked with kafkajs's fetchOffsets. The default (writes off) is
 * checked in api.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTraffic, startHttpBroker, waitFor, type HttpTestBroker, type Traffic } from './helpers.js';

const TOKEN = 'test-token-0123456789';
const TOPIC = 'inventory';
const GROUP = 'inventory-sync';

let broker: HttpTestBroker;
let traffic: Traffic;

beforeAll(async () => {
  broker = await startHttpBroker({ 'http.admin.enabled': true, 'http.admin.token': TOKEN });
  traffic = await makeTraffic(broker, { topic: TOPIC, partitions: 2, groupId: GROUP, clientId: 'inventory-client', consumed: 60, lag: 40 });
}, 40_000);

afterAll(async () => {
  await traffic?.disconnect();
  await broker?.stop();
});

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const r = await fetch(broker.http + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

async function committed(groupId: string, topic = TOPIC): Promise<number[]> {
  const o = await traffic.admin.fetchOffsets({ groupId, topics: [topic] });
  return o[0]!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

describe('HTTP admin writes', () => {
  it('refuses a missing, malformed or wrong token with 401 and WWW-Authenticate, before reading the body', async () => {
    for (const [token, message] of [
      [null, /Authorization: Bearer/],
      ['wrong-token', /not http.admin.token/],
      [`${TOKEN}x`, /not http.admin.token/],
      ['', /Authorization: Bearer/],
    ] as const) {
      const r = await call('POST', '/api/v1/topics', { name: 'never-created' }, token);
      expect(r.status).toBe(401);
      expect(r.body.error).toBe('UNAUTHORIZED');
      expect(r.body.message).toMatch(message);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="kafka-ts"');
    }
    const basic = await fetch(`${broker.http}/api/v1/topics/${TOPIC}`, { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(401);
    expect(broker.context.metadata.topic('never-created')).toBeUndefined();
    expect(broker.context.metadata.topic(TOPIC)).toBeDefined();
  });

  it('creates a topic (with configs) that kafkajs sees; Kafka errors keep their names', async () => {
    const r = await call('POST', '/api/v1/topics', { name: 'shipments', partitions: 4, configs: { 'retention.ms': '86400000' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'shipments', partitions: 4, replicationFactor: 1, sizeBytes: 0 });
    expect(r.body.partitionDetails).toHaveLength(4);
    expect(r.body.configs.find((c: any) => c.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '86400000', source: 'DYNAMIC_TOPIC_CONFIG' });
    const meta = await traffic.admin.fetchTopicMetadata({ topics: ['shipments'] });
    expect(meta.topics[0]!.partitions).toHaveLength(4);
    const errors: [unknown, number, string][] = [
      [{ name: 'shipments' }, 409, 'TOPIC_ALREADY_EXISTS'],
      [{ name: 'bad/name' }, 400, 'INVALID_TOPIC_EXCEPTION'],
      [{ name: 'zero', partitions: 0 }, 400, 'INVALID_PARTITIONS'],
      [{ name: 'rf3', replicationFactor: 3 }, 400, 'INVALID_REPLICATION_FACTOR'],
      [{ name: 'badcfg', configs: { 'retention.ms': 'soon' } }, 400, 'INVALID_CONFIG'],
      [{ name: 'unknowncfg', configs: { 'no.such.key': '1' } }, 400, 'INVALID_CONFIG'],
      [{ partitions: 1 }, 400, 'INVALID_REQUEST'],
      [{ name: 'x', extra: true }, 400, 'INVALID_REQUEST'],
    ];
    for (const [body, status, code] of errors) {
      const e = await call('POST', '/api/v1/topics', body);
      expect(e.status, JSON.stringify(body)).toBe(status);
      expect(e.body.error, JSON.stringify(body)).toBe(code);
    }
    expect(broker.context.metadata.topics().map((t) => t.name).sort()).toEqual([TOPIC, 'shipments']);
  });

  it('deletes a topic; a second delete is 404', async () => {
    const r = await call('DELETE', '/api/v1/topics/shipments');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'shipments', deleted: true });
    expect((await traffic.admin.listTopics()).sort()).toEqual([TOPIC]);
    const again = await call('DELETE', '/api/v1/topics/shipments');
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('refuses to reset the offsets of a group with members (409 NON_EMPTY_GROUP), changing nothing', async () => {
    const before = await committed(GROUP);
    const r = await call('POST', `/api/v1/groups/${GROUP}/offsets/reset`, { topic: TOPIC, to: 'earliest' });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: 'NON_EMPTY_GROUP', message: `Assignments can only be reset if the group '${GROUP}' is inactive, but the current state is Stable.` });
    expect(await committed(GROUP)).toEqual(before);
  });

  it('resets the offsets of an inactive group: dry run, earliest, latest, offset, shift, timestamp', async () => {
    await traffic.consumer.disconnect();
    await waitFor('the group to be Empty', () => broker.context.groups.describeGroup(GROUP).state === 'Empty');
    const logs = [0, 1].map((p) => broker.context.logManager.getLog({ topic: TOPIC, partition: p })!);
    const hw = logs.map((l) => l.highWatermark);
    const before = await committed(GROUP);
    const reset = (body: object) => call('POST', `/api/v1/groups/${GROUP}/offsets/reset`, body);

    const dry = await reset({ topic: TOPIC, to: 'earliest', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual({ groupId: GROUP, dryRun: true, offsets: [0, 1].map((p) => ({ topic: TOPIC, partition: p, previousOffset: before[p], newOffset: 0 })) });
    expect(await committed(GROUP)).toEqual(before);

    expect((await reset({ topic: TOPIC, to: 'earliest' })).status).toBe(200);
    expect(await committed(GROUP)).toEqual([0, 0]);
    const lag = await call('GET', `/api/v1/groups/${GROUP}`);
    expect(lag.body.totalLag).toBe(hw[0]! + hw[1]!);

    expect((await reset({ allTopics: true, to: 'latest' })).body.offsets.map((o: any) => o.newOffset)).toEqual(hw);
    expect(await committed(GROUP)).toEqual(hw);

    // --to-offset and --shift-by are clamped to [log start offset, high watermark].
    await reset({ topic: TOPIC, partitions: [1], to: 'offset', offset: 5 });
    expect(await committed(GROUP)).toEqual([hw[0], 5]);
    await reset({ topic: TOPIC, partitions: [1], to: 'offset', offset: 1_000_000 });
    expect(await committed(GROUP)).toEqual(hw);
    await reset({ topic: TOPIC, to: 'shift', shiftBy: -10 });
    expect(await committed(GROUP)).toEqual(hw.map((h) => h - 10));
    await reset({ topic: TOPIC, to: 'shift', shiftBy: -1_000_000 });
    expect(await committed(GROUP)).toEqual([0, 0]);

    // --to-datetime: the first offset with a timestamp at or after it; after every record: the high watermark.
    await reset({ topic: TOPIC, to: 'timestamp', timestamp: Date.now() + 60_000 });
    expect(await committed(GROUP)).toEqual(hw);
    await reset({ topic: TOPIC, to: 'timestamp', timestamp: 0 });
    expect(await committed(GROUP)).toEqual([0, 0]);
  });

  it('answers bad reset requests with their codes', async () => {
    const cases: [string, unknown, number, string][] = [
      [GROUP, { to: 'earliest' }, 400, 'INVALID_REQUEST'],
      [GROUP, { topic: TOPIC, allTopics: true, to: 'earliest' }, 400, 'INVALID_REQUEST'],
      [GROUP, { topic: TOPIC, to: 'offset' }, 400, 'INVALID_REQUEST'],
      [GROUP, { topic: TOPIC, to: 'sideways' }, 400, 'INVALID_REQUEST'],
      [GROUP, { topic: 'no-such-topic', to: 'earliest' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
      [GROUP, { topic: TOPIC, partitions: [7], to: 'earliest' }, 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
      ['no-such-group', { allTopics: true, to: 'earliest' }, 404, 'GROUP_ID_NOT_FOUND'],
      ['fresh-group', { topic: TOPIC, to: 'shift', shiftBy: 1 }, 400, 'INVALID_REQUEST'],
    ];
    for (const [group, body, status, code] of cases) {
      const r = await call('POST', `/api/v1/groups/${group}/offsets/reset`, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error, JSON.stringify(body)).toBe(code);
    }
  });

  it('resets a group that does not exist yet for a topic (creating its offsets, as Kafka\'s tool does)', async () => {
    const r = await call('POST', '/api/v1/groups/new-group/offsets/reset', { topic: TOPIC, to: 'latest' });
    expect(r.status).toBe(200);
    expect(r.body.offsets.map((o: any) => o.previousOffset)).toEqual([null, null]);
    const hw = [0, 1].map((p) => broker.context.logManager.getLog({ topic: TOPIC, partition: p })!.highWatermark);
    expect(await committed('new-group')).toEqual(hw);
    expect((await call('GET', '/api/v1/groups/new-group')).body).toMatchObject({ state: 'Empty', totalLag: 0, members: [] });
  });
});
