/**
 * The receivers table of the dashboard's Streaming page (issue 9) in a real browser. One
 * StreamingContext on the system clock (status server on port 0, registered with the broker's
 * dashboard) runs two Receiver input streams, with the receiver write-ahead log on:
 * - a word count over `KafkaUtils.createStream` (ReliableKafkaReceiver: the real broker, the embedded
 *   coordination store in a temp directory) while the test produces lines;
 * - `ssc.receiverStream` of a line receiver reading a real TCP socket on 127.0.0.1 (as Spark's
 *   socketTextStream), which reports an error through `reportError` when its source goes away: the
 *   test closes the server, the reconnect fails with ECONNREFUSED.
 * Headless Chromium opens the application's Streaming page and checks the receivers table (name,
 * ACTIVE, location, a numeric average event rate after some batches, then the error time and text,
 * then INACTIVE with the stop reason once the receiver stopped itself), and the
 * JSON `/api/v1/streaming/receivers` of the application's own status server and the broker's proxied
 * status. The page's screenshot goes to test-artifacts/dashboard-streaming-receivers.png; with
 * KAFKA_TS_DOCS_SCREENSHOTS=1 also to docs/dashboard-streaming-receivers.png for the README.
 *
 * Without /usr/bin/chromium the tests are skipped, saying so.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_SKIP_REASON, haveChromium, launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Receiver, StreamingContext } from '../../streaming-kafka/index.js';
import { KafkaUtils } from '../../streaming-kafka/kafka/index.js';
import type { ReceiverJson, StreamingStatusJson } from '../../streaming-kafka/ui/streaming-progress.js';
import { createTopics, kafkajs } from '../client/consumer-helpers.js';
import { memoryLogger, tempDir } from '../streaming/helpers.js';
import { startHttpBroker, waitFor, type HttpTestBroker } from './helpers.js';

if (!haveChromium) console.warn(`streaming receivers browser test skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`);

const ARTIFACTS = path.resolve('test-artifacts');
const DOCS = process.env.KAFKA_TS_DOCS_SCREENSHOTS === '1' ? path.resolve('docs') : undefined;
const TOPIC = 'receiver-lines';
const APP_ID = 'app-receiver-wordcount-0001';
const BATCH_MS = 500;
const WORDS = ['kafka', 'receiver', 'block', 'write', 'ahead', 'log', 'spark', 'offset'];

/**
 * A receiver of text lines from a TCP server (Spark's SocketReceiver, without its restart): each
 * line is stored through the default BlockGenerator. When the connection closes or fails it
 * reports the error (`reportError`: the receiver stays ACTIVE) and tries to connect again every
 * 300 ms until it is stopped — or, once `giveUp` is set, stops itself at the next failure
 * (`stop(message, err)`: INACTIVE until the tracker relaunches it after the restart delay).
 */
class LineSocketReceiver extends Receiver<string> {
  private socket: net.Socket | undefined;
  private retry: NodeJS.Timeout | undefined;
  connects = 0;
  errors = 0;
  /** Set by the test: the next failure stops the receiver (`stop(message, err)`) instead of reporting it. */
  giveUp = false;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super('MEMORY_AND_DISK_SER');
  }

  onStart(): void {
    this.connect();
  }

  onStop(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): void {
    if (this.isStopped()) return;
    const socket = net.connect({ host: this.host, port: this.port });
    this.socket = socket;
    let rest = '';
    let failed = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => void this.connects++);
    socket.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line !== '') this.store(line).catch(() => {}); // rejected only while stopping
    });
    socket.on('error', (err) => {
      failed = true;
      this.errors++;
      if (this.isStopped()) return;
      if (this.giveUp) this.stop(`Giving up on ${this.host}:${this.port}`, err);
      else this.reportError(`Error receiving data from ${this.host}:${this.port}`, err);
    });
    socket.on('close', () => {
      if (this.socket !== socket || this.isStopped()) return;
      if (!failed) this.reportError(`Connection to ${this.host}:${this.port} closed by the server`);
      this.retry = setTimeout(() => this.connect(), 300);
    });
  }
}

let broker: HttpTestBroker;
let kafka: Kafka;
let producer: Producer;
let ssc: StreamingContext;
let browser: Browser;
let page: Page;
let lineServer: net.Server;
const serverSockets = new Set<net.Socket>();
let socketReceiver: LineSocketReceiver;
/** Stream ids (= receiver ids) of the Kafka and the socket input streams. */
let kafkaId: number;
let socketId: number;
let stopLoad = false;
let load: Promise<void> | undefined;
const counts = new Map<string, number>();
let socketLines = 0;

/** The receivers table's rows as text cells, by stream id. */
async function receiverRows(): Promise<Record<string, string[]>> {
  return page.locator('#receivers tr[data-receiver]').evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute('data-receiver')!, [...r.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())])),
  ) as Promise<Record<string, string[]>>;
}

/** `yyyy/MM/dd HH:mm:ss.SSS` (the page's batch time format, local time: the browser runs on this machine) as ms. */
function localTime(text: string): number {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(text);
  expect(m, text).not.toBeNull();
  const [y, mo, d, hh, mm, ss, ms] = m!.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, hh, mm, ss, ms).getTime();
}

async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  expect(r.status, url).toBe(200);
  return (await r.json()) as T;
}

describe.skipIf(!haveChromium)(`the receivers table of the Streaming page, in headless Chromium${CHROMIUM_SKIP_REASON}`, () => {
  beforeAll(async () => {
    broker = await startHttpBroker();
    kafka = kafkajs(broker.bootstrap);
    await createTopics(kafka, [{ topic: TOPIC, numPartitions: 3 }]);
    producer = kafka.producer();
    await producer.connect();

    // The line source of the second receiver: a TCP server on loopback writing a line every 50 ms.
    lineServer = net.createServer((s) => {
      serverSockets.add(s);
      s.on('close', () => serverSockets.delete(s));
      s.on('error', () => {});
      let i = 0;
      const t = setInterval(() => s.write(`socket line ${i++} ${WORDS[i % WORDS.length]}\n`), 50);
      s.on('close', () => clearInterval(t));
    });
    await new Promise<void>((resolve) => lineServer.listen(0, '127.0.0.1', resolve));
    const port = (lineServer.address() as net.AddressInfo).port;

    const work = tempDir('streaming-receivers-');
    ssc = new StreamingContext({
      batchDurationMs: BATCH_MS,
      appName: 'KafkaWordCount',
      logger: memoryLogger(),
      stopOnShutdown: false,
      conf: {
        'spark.ui.enabled': true,
        'spark.ui.port': 0,
        'spark.app.id': APP_ID,
        'spark.ui.dashboard.url': broker.http,
        'spark.streaming.receiver.writeAheadLog.enable': true,
        'spark.streaming.blockInterval': 100,
        // a stopped receiver is relaunched after this delay: long enough to see it INACTIVE on the page
        'spark.streaming.receiverRestartDelay': 60_000,
      },
    });
    ssc.checkpoint(path.join(work, 'checkpoint'));
    // Stream 0: the Kafka word count (as examples/kafka-word-count.ts) over the Receiver stream.
    const lines = KafkaUtils.createStream(ssc, { 'zookeeper.connect': path.join(work, 'zk'), 'group.id': 'receiver-wordcount', 'bootstrap.servers': broker.bootstrap, 'auto.offset.reset': 'smallest' }, { [TOPIC]: 2 });
    kafkaId = lines.id;
    lines
      .flatMap(([, l]) => (l ?? '').split(/\s+/))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b)
      .foreachRDD((d) => {
        for (const [w, n] of d.collect()) counts.set(w, (counts.get(w) ?? 0) + n);
      });
    // Stream 1: the socket lines.
    socketReceiver = new LineSocketReceiver('127.0.0.1', port);
    const socketLinesStream = ssc.receiverStream(socketReceiver);
    socketId = socketLinesStream.id;
    socketLinesStream.foreachRDD((d) => void (socketLines += d.count()));
    await ssc.start();

    // Lines at a varying rate.
    load = (async () => {
      for (let i = 0; !stopLoad; i++) {
        const n = 10 + ((i * 17) % 60);
        const messages = Array.from({ length: n }, (_, j) => ({ partition: (i + j) % 3, value: Array.from({ length: 5 }, (_, k) => WORDS[(i * 5 + j * 3 + k) % WORDS.length]).join(' ') }));
        await producer.send({ topic: TOPIC, messages }).catch(() => {});
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    stopLoad = true;
    await load?.catch(() => {});
    await browser?.close();
    await ssc?.stop();
    for (const s of serverSockets) s.destroy();
    lineServer?.close();
    await producer?.disconnect();
    await broker?.stop();
  });

  it('lists both receivers (name, ACTIVE, location, a numeric average event rate), then the error the socket receiver reported, then the receiver INACTIVE once it stopped itself', async () => {
    // Some batches with data on both streams.
    await waitFor('records on both receivers', () => counts.size > 0 && socketLines > 0, 20_000);
    await waitFor('4 completed batches', async () => (await getJson<StreamingStatusJson>(`${ssc.ui!.url}/api/v1/streaming/status`)).numCompletedBatches >= 4, 20_000);

    await page.goto(`${broker.http}/ui/#/stream/${APP_ID}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });
    expect(await page.locator('h1').textContent()).toContain('KafkaWordCount');
    const headers = await page.locator('#receivers th').allTextContents();
    expect(headers).toEqual(['Receiver', 'Status', 'Location', 'Avg rate (records/sec)', 'Last error time', 'Last error']);
    const host = os.hostname();
    const rate = (cell: string | undefined) => Number((cell ?? '').replace(/,/g, ''));
    // Both receivers, ACTIVE on this host, with a positive average rate (the page polls every 2 s).
    const rows = await waitFor(
      'both receivers with a rate',
      async () => {
        const r = await receiverRows();
        const k = r[kafkaId];
        const so = r[socketId];
        return k && so && rate(k[3]) > 0 && rate(so[3]) > 0 ? r : undefined;
      },
      15_000,
    );
    expect(Object.keys(rows).map(Number).sort((a, b) => a - b)).toEqual([kafkaId, socketId]);
    // Names are `<receiver class>-<stream id>`; stream ids number every DStream of the context, not only the inputs (Spark's), so the socket stream's is not 1.
    expect(rows[kafkaId]!.slice(0, 3)).toEqual([`ReliableKafkaReceiver-${kafkaId}`, 'ACTIVE', host]);
    expect(rows[socketId]!.slice(0, 3)).toEqual([`LineSocketReceiver-${socketId}`, 'ACTIVE', host]);
    for (const id of [kafkaId, socketId]) {
      expect(rows[id]![3]).toMatch(/^\d{1,3}(,\d{3})*\.\d$/); // records/s with one decimal
      expect(rows[id]!.slice(4)).toEqual(['–', '–']); // no error yet
    }
    expect(await page.locator('#receivers-title').textContent()).toBe('Receivers (2 / 2 active)');
    // ~20 socket lines/s: the socket receiver's average rate is of that order.
    expect(rate(rows[socketId]![3])).toBeGreaterThan(2);
    expect(rate(rows[socketId]![3])).toBeLessThan(100);

    // The application's own JSON agrees.
    const receivers = await getJson<ReceiverJson[]>(`${ssc.ui!.url}/api/v1/streaming/receivers`);
    expect(receivers.map((r) => ({ ...r, avgEventRate: typeof r.avgEventRate }))).toEqual([
      { streamId: kafkaId, streamName: `ReliableKafkaReceiver-${kafkaId}`, active: true, location: host, avgEventRate: 'number', lastError: null, lastErrorTime: null },
      { streamId: socketId, streamName: `LineSocketReceiver-${socketId}`, active: true, location: host, avgEventRate: 'number', lastError: null, lastErrorTime: null },
    ]);
    expect(receivers[0]!.avgEventRate).toBeGreaterThan(0);

    // The socket source goes away: the connection closes, the reconnect is refused; the receiver reports it.
    const beforeError = Date.now();
    await new Promise<void>((resolve) => {
      lineServer.close(() => resolve());
      for (const s of serverSockets) s.destroy();
    });
    const port = socketReceiver.port;
    const refused = `Error receiving data from 127.0.0.1:${port} - Error: connect ECONNREFUSED 127.0.0.1:${port}`;
    await waitFor('the reported error in the JSON', async () => (await getJson<ReceiverJson[]>(`${ssc.ui!.url}/api/v1/streaming/receivers`)).find((r) => r.streamId === socketId)?.lastError === refused, 10_000);
    const after = await getJson<ReceiverJson[]>(`${ssc.ui!.url}/api/v1/streaming/receivers`);
    expect(after.map((r) => r.streamId)).toEqual([kafkaId, socketId]);
    expect(after[1]).toMatchObject({ streamName: `LineSocketReceiver-${socketId}`, active: true, lastError: refused });
    expect(after[1]!.lastErrorTime).toBeGreaterThanOrEqual(beforeError - 1000);
    expect(after[1]!.lastErrorTime).toBeLessThanOrEqual(Date.now());
    expect(after[0]!.lastError).toBeNull(); // the Kafka receiver is unaffected
    expect(socketReceiver.errors).toBeGreaterThan(0);
    // The broker's proxied status (what the page reads) has the same receivers.
    const proxied = await getJson<StreamingStatusJson>(`${broker.http}/api/v1/streams/${APP_ID}/status`);
    expect(proxied.receivers.map((r) => [r.streamId, r.streamName, r.active, r.lastError])).toEqual([
      [kafkaId, `ReliableKafkaReceiver-${kafkaId}`, true, null],
      [socketId, `LineSocketReceiver-${socketId}`, true, refused],
    ]);

    // The page shows it (error time, message - error) in the error style; the receiver is still ACTIVE.
    const errorRow = await waitFor('the error on the page', async () => {
      const r = await receiverRows();
      return r[socketId]?.[5] === refused ? r : undefined;
    }, 10_000);
    expect(errorRow[socketId]![1]).toBe('ACTIVE');
    expect(localTime(errorRow[socketId]![4]!)).toBeGreaterThanOrEqual(beforeError - 1000); // the time moves on: every reconnect fails again
    expect(localTime(errorRow[socketId]![4]!)).toBeLessThanOrEqual(Date.now());
    expect(await page.locator(`#receivers tr[data-receiver="${socketId}"] td.error`).textContent()).toBe(refused);
    expect(errorRow[kafkaId]!.slice(4)).toEqual(['–', '–']);
    expect(await page.locator(`#receivers tr[data-receiver="${kafkaId}"] td.error`).count()).toBe(0);
    expect(await page.locator('#receivers-title').textContent()).toBe('Receivers (2 / 2 active)');

    // The receiver gives up (stops itself): INACTIVE, with its stop message and error, until relaunched.
    socketReceiver.giveUp = true;
    const gaveUp = `Giving up on 127.0.0.1:${port} - Error: connect ECONNREFUSED 127.0.0.1:${port}`;
    const stoppedRow = await waitFor('the stopped receiver on the page', async () => {
      const r = await receiverRows();
      return r[socketId]?.[1] === 'INACTIVE' ? r : undefined;
    }, 10_000);
    expect(stoppedRow[socketId]![5]).toBe(gaveUp);
    expect(stoppedRow[kafkaId]![1]).toBe('ACTIVE');
    expect(await page.locator('#receivers-title').textContent()).toBe('Receivers (1 / 2 active)');
    expect((await getJson<ReceiverJson[]>(`${ssc.ui!.url}/api/v1/streaming/receivers`)).map((r) => [r.streamId, r.active, r.lastError])).toEqual([
      [kafkaId, true, null],
      [socketId, false, gaveUp],
    ]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-streaming-receivers.png'), fullPage: true });
    if (DOCS) {
      fs.mkdirSync(DOCS, { recursive: true });
      await page.locator('#receivers').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(DOCS, 'dashboard-streaming-receivers.png'), fullPage: false });
    }
  }, 90_000);
});
