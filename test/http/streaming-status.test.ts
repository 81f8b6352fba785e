/**
 * A StreamingContext's status server (streaming-kafka/ui, `spark.ui.enabled`) and its registration
 * with the broker's dashboard, over real sockets: a real context (queue stream, then the Direct Kafka
 * stream on the real in-process broker) serves its batches as JSON on 127.0.0.1:0, registers with a
 * real broker's HTTP server, and the broker forwards `GET /api/v1/streams/:appId/status` to it (with
 * its errors for unknown, non-loopback, unreachable, slow and non-JSON applications).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, StreamingContext } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from '../../streaming-kafka/kafka/index.js';
import type { StreamingStatusJson } from '../../streaming-kafka/ui/streaming-progress.js';
import { createTopics, kafkajs } from '../client/consumer-helpers.js';
import { advanceBatches, memoryLogger } from '../streaming/helpers.js';
import { startHttpBroker, waitFor, type HttpTestBroker } from './helpers.js';

let broker: HttpTestBroker;
const contexts: StreamingContext[] = [];
const servers: http.Server[] = [];

beforeAll(async () => {
  broker = await startHttpBroker();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
afterAll(async () => {
  await broker?.stop();
});

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}

function context(conf: Record<string, string | number | boolean>): { ssc: StreamingContext; clock: ManualClock; logger: ReturnType<typeof memoryLogger> } {
  const clock = new ManualClock(0);
  const logger = memoryLogger();
  const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger, appName: 'status-test', stopOnShutdown: false, conf: { 'spark.ui.enabled': true, 'spark.ui.port': 0, ...conf } });
  contexts.push(ssc);
  return { ssc, clock, logger };
}

/** A loopback HTTP server answering every request with `handler` (none = never answers). */
async function fakeApp(handler?: (res: http.ServerResponse) => void): Promise<string> {
  const s = http.createServer((_req, res) => handler?.(res));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/v1/streaming/status`;
}

async function register(appId: string, statusUrl: string): Promise<void> {
  const r = await fetch(`${broker.http}/api/v1/streams`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId, name: appId, statusUrl }) });
  expect([200, 201]).toContain(r.status);
}

describe('StreamingContext status server', () => {
  it('is off unless spark.ui.enabled', async () => {
    const ssc = new StreamingContext({ batchDurationMs: 1000, clock: new ManualClock(0), logger: memoryLogger(), stopOnShutdown: false });
    contexts.push(ssc);
    ssc.queueStream<string>([]).foreachRDD(() => {});
    await ssc.start();
    expect(ssc.ui).toBeUndefined();
  });

  it('serves batches, delays, output operations and totals, keeps spark.streaming.ui.retainedBatches, registers with the broker and is forwarded by it', async () => {
    const { ssc, clock } = context({ 'spark.app.id': 'app-status-1', 'spark.streaming.ui.retainedBatches': 2, 'spark.ui.dashboard.url': broker.http });
    const lines = ssc.queueStream<string>([['a b', 'b'], ['c'], ['d e f', 'g', 'h']]);
    const seen: string[][] = [];
    lines.foreachRDD((d) => void seen.push(d.collect()));
    lines.foreachRDD((d) => {
      if (d.collect().includes('c')) throw new Error('boom on c');
    });
    await ssc.start();
    const ui = ssc.ui!;
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ui.appId).toBe('app-status-1');

    // registered with the broker at start
    const apps = (await getJson(`${broker.http}/api/v1/streams`)).body.streams;
    expect(apps).toEqual([expect.objectContaining({ appId: 'app-status-1', name: 'status-test', statusUrl: ui.statusUrl, batchIntervalMs: 1000 })]);

    await advanceBatches(ssc, clock, 3);
    const { status, body } = await getJson(ui.statusUrl);
    expect(status).toBe(200);
    const s = body as StreamingStatusJson;
    expect(s).toMatchObject({ appId: 'app-status-1', appName: 'status-test', state: 'ACTIVE', startTime: 0, batchIntervalMs: 1000, numCompletedBatches: 3, numRetainedCompletedBatches: 2, retainedBatches: 2, numActiveBatches: 0, numTotalReceivedRecords: 6, numTotalProcessedRecords: 6, receivers: [], activeBatches: [] });
    expect(s.inputStreams).toEqual([{ id: 0, name: expect.stringMatching(/^Queue stream \[0\]$/) }]);
    expect(s.outputOperations.map((o) => o.id)).toEqual([0, 1]);
    // newest first, the oldest (1000: 'a b', 'b') dropped
    expect(s.completedBatches.map((b) => [b.batchTime, b.numRecords, b.status])).toEqual([
      [3000, 3, 'COMPLETED'],
      [2000, 1, 'COMPLETED'],
    ]);
    for (const b of s.completedBatches) {
      // a ManualClock does not move while a batch runs: every delay is 0 here, but known
      expect(b).toMatchObject({ schedulingDelay: 0, processingDelay: 0, totalDelay: 0, submissionTime: b.batchTime, numTotalOutputOps: 2, numActiveOutputOps: 0 });
      expect(b.inputs).toEqual([{ inputStreamId: 0, inputStreamName: 'Queue stream [0]', numRecords: b.numRecords }]);
      expect(b.outputOperations).toHaveLength(2);
    }
    const failed = s.completedBatches.find((b) => b.batchTime === 2000)!;
    expect(failed).toMatchObject({ numCompletedOutputOps: 1, numFailedOutputOps: 1, firstFailureReason: expect.stringContaining('boom on c') });
    expect(failed.outputOperations[1]!.failureReason).toContain('boom on c');
    expect(s.completedBatches[0]).toMatchObject({ numCompletedOutputOps: 2, numFailedOutputOps: 0, firstFailureReason: null });
    expect(s.avgInputRate).toBe(2); // (3 + 1) records / 2 batches of 1 s
    expect(s.avgProcessingTime).toBe(0);

    // Spark-style per-batch routes
    expect((await getJson(`${ui.url}/api/v1/streaming/batches?status=COMPLETED`)).body.map((b: { batchTime: number }) => b.batchTime)).toEqual([3000, 2000]);
    expect((await getJson(`${ui.url}/api/v1/streaming/batches/2000`)).body.numFailedOutputOps).toBe(1);
    expect(await getJson(`${ui.url}/api/v1/streaming/batches/1000`)).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    expect(await getJson(`${ui.url}/api/v1/streaming/batches?status=LOST`)).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST' } });
    expect(await getJson(`${ui.url}/api/v1/streaming/receivers`)).toEqual({ status: 200, body: [] });
    expect(await getJson(`${ui.url}/nope`)).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });

    // the broker forwards the same document (same origin for the dashboard)
    const viaBroker = await getJson(`${broker.http}/api/v1/streams/app-status-1/status`);
    expect(viaBroker.status).toBe(200);
    expect({ ...viaBroker.body, now: 0 }).toEqual({ ...s, now: 0 });

    // stop: deregistered, server closed
    await ssc.stop();
    expect((await getJson(`${broker.http}/api/v1/streams`)).body.streams).toEqual([]);
    await expect(fetch(ui.statusUrl)).rejects.toThrow();
  });

  it('shows each batch’s offset ranges for the Direct Kafka stream on a real broker', async () => {
    const kafka = kafkajs(broker.bootstrap);
    await createTopics(kafka, [{ topic: 'status-words', numPartitions: 2 }]);
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'status-words', messages: [0, 1].flatMap((p) => Array.from({ length: 5 + p * 3 }, (_, i) => ({ partition: p, value: `w${i}` }))) });
      const { ssc, clock } = context({});
      const stream = KafkaUtils.createDirectStream(ssc, {
        locationStrategy: LocationStrategies.PreferConsistent,
        consumerStrategy: ConsumerStrategies.Assign([0, 1].map((partition) => ({ topic: 'status-words', partition })), { 'bootstrap.servers': broker.bootstrap, 'group.id': 'status-g', 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 }),
      });
      stream.map((r) => r.value).count().foreachRDD(() => {});
      await ssc.start();
      await advanceBatches(ssc, clock, 1);
      await producer.send({ topic: 'status-words', messages: [{ partition: 1, value: 'late' }] });
      await advanceBatches(ssc, clock, 1);
      const s = (await getJson(ssc.ui!.statusUrl)).body as StreamingStatusJson;
      expect(s.appId).toMatch(/^local-\d+$/);
      expect(s.inputStreams[0]!.name).toMatch(/^Kafka 0.10 direct stream \[0\]$/);
      expect(s.completedBatches.map((b) => [b.batchTime, b.numRecords])).toEqual([
        [2000, 1],
        [1000, 13],
      ]);
      expect(s.completedBatches[1]!.inputs[0]!.offsetRanges).toEqual([
        { topic: 'status-words', partition: 0, fromOffset: 0, untilOffset: 5, count: 5 },
        { topic: 'status-words', partition: 1, fromOffset: 0, untilOffset: 8, count: 8 },
      ]);
      expect(s.completedBatches[0]!.inputs[0]!.offsetRanges).toEqual([
        { topic: 'status-words', partition: 0, fromOffset: 5, untilOffset: 5, count: 0 },
        { topic: 'status-words', partition: 1, fromOffset: 8, untilOffset: 9, count: 1 },
      ]);
    } finally {
      await producer.disconnect();
    }
  });

  it('logs, and does not fail, when the dashboard is unreachable', async () => {
    const closed = await fakeApp();
    await new Promise((r) => servers.pop()!.close(r));
    const dashboard = new URL(closed).origin;
    const { ssc, logger } = context({ 'spark.ui.dashboard.url': dashboard });
    ssc.queueStream<string>([]).foreachRDD(() => {});
    await ssc.start();
    expect(ssc.getState()).toBe('ACTIVE');
    expect(logger.lines.join('\n')).toContain(`WARN Could not register with the dashboard ${dashboard} (spark.ui.dashboard.url)`);
  });
});

describe('broker: GET /api/v1/streams/:appId/status', () => {
  it('404 for an application that is not registered', async () => {
    expect(await getJson(`${broker.http}/api/v1/streams/no-such-app/status`)).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
  });

  it('only forwards to loopback status URLs', async () => {
    await register('remote-app', 'http://10.11.12.13:4040/api/v1/streaming/status');
    expect(await getJson(`${broker.http}/api/v1/streams/remote-app/status`)).toMatchObject({ status: 403, body: { error: 'STATUS_URL_NOT_LOOPBACK' } });
    await fetch(`${broker.http}/api/v1/streams/remote-app`, { method: 'DELETE' });
  });

  it('502 for a stopped application, an HTTP error or a non-JSON answer; 504 for one that does not answer', async () => {
    const stopped = await fakeApp();
    await new Promise((r) => servers.pop()!.close(r));
    await register('stopped-app', stopped);
    expect(await getJson(`${broker.http}/api/v1/streams/stopped-app/status`)).toMatchObject({ status: 502, body: { error: 'STREAM_APP_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') } });

    await register('failing-app', await fakeApp((res) => res.writeHead(500).end('oops')));
    expect(await getJson(`${broker.http}/api/v1/streams/failing-app/status`)).toMatchObject({ status: 502, body: { error: 'STREAM_APP_ERROR', message: expect.stringContaining('HTTP 500') } });

    await register('html-app', await fakeApp((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>')));
    expect(await getJson(`${broker.http}/api/v1/streams/html-app/status`)).toMatchObject({ status: 502, body: { error: 'STREAM_APP_BAD_RESPONSE' } });

    await register('redirecting-app', await fakeApp((res) => res.writeHead(302, { location: 'http://10.11.12.13/' }).end()));
    expect(await getJson(`${broker.http}/api/v1/streams/redirecting-app/status`)).toMatchObject({ status: 502, body: { error: 'STREAM_APP_ERROR' } });

    await register('slow-app', await fakeApp());
    const t0 = Date.now();
    expect(await getJson(`${broker.http}/api/v1/streams/slow-app/status`)).toMatchObject({ status: 504, body: { error: 'STREAM_APP_TIMEOUT' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
    for (const id of ['stopped-app', 'failing-app', 'html-app', 'redirecting-app', 'slow-app']) await fetch(`${broker.http}/api/v1/streams/${id}`, { method: 'DELETE' });
    await waitFor('no registrations', async () => (await getJson(`${broker.http}/api/v1/streams`)).body.streams.length === 0);
  });
});
