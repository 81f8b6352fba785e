/**
 * The read-only JSON API, over a real socket (fetch) and with fastify's inject, against a broker
 * holding a real topic produced to with kafkajs and a real group that consumed part of it (a lag of
 * LAG), plus the stream applications' registration and the API's errors (JSON with a stable code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTraffic, startHttpBroker, waitFor, type HttpTestBroker, type Traffic } from './helpers.js';

const TOPIC = 'payments';
const GROUP = 'payment-processor';
const CONSUMED = 200;
const LAG = 75;

let broker: HttpTestBroker;
let traffic: Traffic;

beforeAll(async () => {
  broker = await startHttpBroker();
  traffic = await makeTraffic(broker, { topic: TOPIC, partitions: 3, groupId: GROUP, clientId: 'payments-client', consumed: CONSUMED, lag: LAG });
}, 40_000);

afterAll(async () => {
  await traffic?.disconnect();
  await broker?.stop();
});

async function get(path: string): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(broker.http + path);
  return { status: r.status, body: await r.json(), headers: r.headers };
}

describe('HTTP API', () => {
  it('binds loopback on the port it was given (0 = a free one) and says so', async () => {
    expect(broker.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.http).not.toMatch(/:8080$/);
    const c = await get('/api/v1/cluster');
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      clusterId: broker.context.metadata.clusterId,
      nodeId: 0,
      version: '0.1.0',
      listeners: [`PLAINTEXT://127.0.0.1:${broker.port}`],
      advertisedListeners: [`PLAINTEXT://127.0.0.1:${broker.port}`],
      httpListener: broker.http,
      topics: 1,
      partitions: 3,
      groups: 1,
      adminEnabled: false,
    });
    expect(c.body.uptimeMs).toBeGreaterThan(0);
    expect(c.body.startTimeMs).toBeLessThanOrEqual(Date.now());
  });

  it('lists the topics with size and readable messages', async () => {
    const { status, body } = await get('/api/v1/topics');
    expect(status).toBe(200);
    expect(body.topics).toHaveLength(1);
    const t = body.topics[0];
    expect(t).toMatchObject({ name: TOPIC, partitions: 3, messages: CONSUMED + LAG });
    expect(t.sizeBytes).toBe(broker.context.logManager.allLogs().reduce((n, l) => n + l.size, 0));
    expect(t.sizeBytes).toBeGreaterThan((CONSUMED + LAG) * 100);
    expect(t.history).toBeUndefined();
  });

  it('describes a topic: partitions with offsets, sizes, segments, retention configs', async () => {
    const { status, body } = await get(`/api/v1/topics/${TOPIC}`);
    expect(status).toBe(200);
    expect(body.partitionDetails).toHaveLength(3);
    let messages = 0;
    for (const p of body.partitionDetails) {
      const log = broker.context.logManager.getLog({ topic: TOPIC, partition: p.partition })!;
      expect(p).toMatchObject({ leader: 0, replicas: [0], isr: [0], logStartOffset: 0, highWatermark: log.highWatermark, logEndOffset: log.logEndOffset, sizeBytes: log.size, segmentCount: 1 });
      expect(p.segments).toEqual([{ baseOffset: 0, nextOffset: log.logEndOffset, sizeBytes: log.size, largestTimestamp: log.activeSegment.maxTimestampSoFar }]);
      expect(p.segments[0].largestTimestamp).toBeGreaterThan(Date.now() - 60_000);
      messages += p.messages;
    }
    expect(messages).toBe(CONSUMED + LAG);
    const configs = Object.fromEntries(body.configs.map((c: any) => [c.name, c]));
    expect(configs['retention.ms']).toEqual({ name: 'retention.ms', value: '604800000', source: 'DEFAULT_CONFIG' });
    expect(configs['retention.bytes'].value).toBe('-1');
    expect(configs['cleanup.policy'].value).toBe('delete');
    expect(body.groups).toEqual([{ groupId: GROUP, lag: LAG }]);
  });

  it('shows topic overrides as DYNAMIC_TOPIC_CONFIG', async () => {
    await broker.context.metadata.createTopic('audit', { numPartitions: 1, configs: { 'retention.ms': '3600000' } });
    const { body } = await get('/api/v1/topics/audit');
    expect(body.configs.find((c: any) => c.name === 'retention.ms')).toEqual({ name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' });
    await broker.context.metadata.deleteTopic('audit');
  });

  it('describes the group: members with client id, host and decoded assignment; committed offsets and lag per partition', async () => {
    const { status, body } = await get(`/api/v1/groups/${GROUP}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ groupId: GROUP, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', topics: [TOPIC], partitions: 3, totalLag: LAG });
    expect(body.members).toHaveLength(1);
    const m = body.members[0];
    expect(m).toMatchObject({ clientId: 'payments-client', clientHost: '/127.0.0.1', groupInstanceId: null, subscription: [TOPIC], assignment: [{ topic: TOPIC, partitions: [0, 1, 2] }] });
    expect(m.memberId).toMatch(/^payments-client-/);
    let lag = 0;
    for (const p of body.partitionDetails) {
      const log = broker.context.logManager.getLog({ topic: TOPIC, partition: p.partition })!;
      const committed = broker.context.groups.fetchOffsets(GROUP, [{ topic: TOPIC, partition: p.partition }]).offsets[0]!.offset;
      expect(p).toMatchObject({ topic: TOPIC, committedOffset: committed, highWatermark: log.highWatermark, logStartOffset: 0, lag: log.highWatermark - committed, memberId: m.memberId, clientId: 'payments-client', host: '/127.0.0.1' });
      lag += p.lag;
    }
    expect(lag).toBe(LAG);
  });

  it('lists the groups with their total lag', async () => {
    const { body } = await get('/api/v1/groups');
    expect(body.groups).toEqual([{ groupId: GROUP, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', members: 1, topics: [TOPIC], partitions: 3, totalLag: LAG }]);
  });

  it('adds the sampled history with ?history=N: throughput per topic, lag per group and partition', async () => {
    // The sampler runs every second; take two more samples now so that the series hold values.
    broker.httpServer.history.sample();
    const t = await get(`/api/v1/topics/${TOPIC}?history=5`);
    expect(t.body.history.timestamps.length).toBeGreaterThan(0);
    expect(t.body.history.timestamps.length).toBeLessThanOrEqual(5);
    for (const k of ['bytesInPerSec', 'bytesOutPerSec', 'messagesInPerSec', 'messagesOutPerSec']) expect(t.body.history[k]).toHaveLength(t.body.history.timestamps.length);
    const g = await get(`/api/v1/groups/${GROUP}?history=3`);
    expect(g.body.history.totalLag.at(-1)).toBe(LAG);
    expect(g.body.history.partitions.map((p: any) => p.partition)).toEqual([0, 1, 2]);
    expect(g.body.history.partitions.reduce((n: number, p: any) => n + p.lag.at(-1), 0)).toBe(LAG);
    const list = await get('/api/v1/groups?history=2');
    expect(list.body.groups[0].history.totalLag.at(-1)).toBe(LAG);
  });

  it('counts the bytes and messages in and out, and turns them into rates', async () => {
    const h = broker.httpServer.history;
    // Produce and consume a known amount between two samples.
    h.sample();
    const before = Date.now();
    const reader = traffic.kafka.consumer({ groupId: 'rate-reader', maxWaitTimeInMs: 100 });
    let read = 0;
    await reader.connect();
    await reader.subscribe({ topic: TOPIC, fromBeginning: true });
    await reader.run({ eachMessage: async () => void read++ });
    await waitFor('the reader to read everything', () => read >= CONSUMED + LAG);
    await reader.disconnect();
    await new Promise((r) => setTimeout(r, 50));
    h.sample();
    const seconds = (Date.now() - before) / 1000;
    const { body } = await get(`/api/v1/topics/${TOPIC}`);
    // Everything was read once more (at least: a consumer may fetch a batch twice): messages out per
    // second over the interval ≥ what was read / interval.
    expect(body.rates.messagesOutPerSec * seconds).toBeGreaterThanOrEqual((CONSUMED + LAG) * 0.95);
    expect(body.rates.bytesOutPerSec).toBeGreaterThan(0);
    expect(body.rates.messagesInPerSec).toBe(0);
  });

  it('answers the same through fastify inject', async () => {
    const r = await broker.httpServer.app.inject({ method: 'GET', url: `/api/v1/topics/${TOPIC}` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json().name).toBe(TOPIC);
    const g = await broker.httpServer.app.inject({ method: 'GET', url: `/api/v1/groups/${GROUP}` });
    expect(g.json().totalLag).toBe(LAG);
  });

  it('answers errors as JSON with a stable code', async () => {
    const cases: [string, number, string][] = [
      ['/api/v1/topics/no-such-topic', 404, 'UNKNOWN_TOPIC_OR_PARTITION'],
      ['/api/v1/groups/no-such-group', 404, 'GROUP_ID_NOT_FOUND'],
      ['/api/v1/nothing-here', 404, 'NOT_FOUND'],
      ['/api/v1/topics?history=-1', 400, 'INVALID_REQUEST'],
      ['/api/v1/topics?history=abc', 400, 'INVALID_REQUEST'],
      ['/api/v1/topics?unknown=1', 400, 'INVALID_REQUEST'],
      [`/api/v1/topics/${'x'.repeat(300)}`, 400, 'INVALID_REQUEST'],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect(r.body.error, path).toBe(code);
      expect(typeof r.body.message, path).toBe('string');
      expect(Object.keys(r.body).sort(), path).toEqual(['error', 'message']);
    }
    expect((await get('/api/v1/topics/no-such-topic')).body.message).toBe('This server does not host this topic: no-such-topic');
  });

  it('refuses writes when admin is disabled (the default), before looking at the body', async () => {
    for (const [method, path] of [
      ['POST', '/api/v1/topics'],
      ['DELETE', `/api/v1/topics/${TOPIC}`],
      ['POST', `/api/v1/groups/${GROUP}/offsets/reset`],
    ] as const) {
      const r = await fetch(broker.http + path, { method, headers: { 'content-type': 'application/json', authorization: 'Bearer anything' }, body: method === 'POST' ? '{"name":"x","to":"earliest"}' : undefined });
      expect(r.status, path).toBe(403);
      expect(((await r.json()) as any).error).toBe('ADMIN_DISABLED');
    }
    expect(broker.context.metadata.topic(TOPIC)).toBeDefined();
  });

  it('registers, refreshes, lists and removes stream applications', async () => {
    const post = (body: unknown, contentType = 'application/json') => fetch(`${broker.http}/api/v1/streams`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const reg = { appId: 'local-1700000000000', name: 'wordcount', statusUrl: 'http://127.0.0.1:4040/api/v1', batchIntervalMs: 2000 };
    const r1 = await post(reg);
    expect(r1.status).toBe(201);
    const a1 = (await r1.json()) as any;
    expect(a1).toMatchObject({ ...reg });
    const r2 = await post({ ...reg, name: 'wordcount-2' });
    expect(r2.status).toBe(200);
    const a2 = (await r2.json()) as any;
    expect(a2.registeredAt).toBe(a1.registeredAt);
    expect(a2.lastSeenAt).toBeGreaterThanOrEqual(a1.lastSeenAt);
    await post({ appId: 'app-2', name: 'clicks-per-minute', statusUrl: 'https://stream.example:4041/' });
    const list = await get('/api/v1/streams');
    expect(list.body.streams.map((s: any) => [s.appId, s.name, s.batchIntervalMs])).toEqual([
      ['app-2', 'clicks-per-minute', null],
      ['local-1700000000000', 'wordcount-2', 2000],
    ]);
    // Bad registrations.
    for (const [body, code, contentType] of [
      [{ appId: 'a b', name: 'x', statusUrl: 'http://h:1' }, 400],
      [{ appId: 'a', name: '', statusUrl: 'http://h:1' }, 400],
      [{ appId: 'a', name: 'x', statusUrl: 'ftp://h/x' }, 400],
      [{ appId: 'a', name: 'x', statusUrl: 'http://h:1', extra: 1 }, 400],
      [{ appId: 'a', name: 'x' }, 400],
      ['{"appId": "a", ', 400],
      ['appId=a', 415, 'application/x-www-form-urlencoded'],
      [{ appId: 'a', name: 'x'.repeat(70_000), statusUrl: 'http://h:1' }, 413],
    ] as [unknown, number, string?][]) {
      const r = await post(body, contentType);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(code);
      expect(((await r.json()) as any).error).toMatch(/^[A-Z_]+$/);
    }
    expect((await fetch(`${broker.http}/api/v1/streams/app-2`, { method: 'DELETE' })).status).toBe(204);
    const gone = await fetch(`${broker.http}/api/v1/streams/app-2`, { method: 'DELETE' });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as any).error).toBe('NOT_FOUND');
    expect((await get('/api/v1/streams')).body.streams).toHaveLength(1);
  });

  it('serves the dashboard and uPlot from node_modules', async () => {
    const root = await fetch(`${broker.http}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const noSlash = await fetch(`${broker.http}/ui`, { redirect: 'manual' });
    expect(noSlash.status).toBe(301);
    expect(noSlash.headers.get('location')).toBe('/ui/');
    const index = await fetch(`${broker.http}/ui/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const html = await index.text();
    expect(html).toContain('vendor/uplot/uPlot.iife.min.js');
    for (const asset of ['app.js', 'style.css', 'vendor/uplot/uPlot.iife.min.js', 'vendor/uplot/uPlot.min.css']) {
      const r = await fetch(`${broker.http}/ui/${asset}`);
      expect(r.status, asset).toBe(200);
      expect((await r.text()).length, asset).toBeGreaterThan(100);
    }
    const traversal = await fetch(`${broker.http}/ui/vendor/uplot/..%2f..%2fpackage.json`);
    expect(traversal.status).toBe(404);
  });

  it('keeps the broker serving Kafka clients after bad HTTP input', async () => {
    const producer = traffic.producer;
    await producer.send({ topic: TOPIC, messages: [{ key: 'after', value: 'bad input' }] });
    const meta = await traffic.admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(meta.topics[0]!.partitions).toHaveLength(3);
  });
});
