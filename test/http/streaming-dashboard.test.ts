/**
 * The dashboard's Streaming page in a real browser: a word count over the Direct Kafka stream (a real
 * StreamingContext on the system clock, `spark.ui.enabled` on port 0, registered with the broker via
 * `spark.ui.dashboard.url`) runs against a real broker while the test produces lines; headless
 * Chromium opens the broker's dashboard, follows the application's link and checks Spark's Streaming
 * tab: the header (batch interval, completed batches), the four timelines and histograms (drawn: their
 * canvases hold pixels of the series' colour), the completed batches with their offset ranges, and the
 * receivers placeholder. The page's screenshot goes to test-artifacts/dashboard-streaming-app.png;
 * with KAFKA_TS_DOCS_SCREENSHOTS=1 (a longer run) also to docs/dashboard-streaming.png for the README.
 *
 * Without /usr/bin/chromium the tests are skipped, saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_SKIP_REASON, colouredPixels, haveChromium, launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamingContext } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from '../../streaming-kafka/kafka/index.js';
import { createTopics, kafkajs } from '../client/consumer-helpers.js';
import { memoryLogger } from '../streaming/helpers.js';
import { startHttpBroker, waitFor, type HttpTestBroker } from './helpers.js';

if (!haveChromium) console.warn(`streaming dashboard browser test skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`);

const ARTIFACTS = path.resolve('test-artifacts');
const DOCS = process.env.KAFKA_TS_DOCS_SCREENSHOTS === '1' ? path.resolve('docs') : undefined;
const TOPIC = 'lines';
const APP_ID = 'app-wordcount-0001';
const BATCH_MS = 500;
/** The page's series colours (broker/http/static/app.js STREAM_COLORS). */
const COLORS = { inputRate: '#1f6feb', schedulingDelay: '#e8590c', processingTime: '#2b8a3e', totalDelay: '#ae3ec9' };
const WORDS = ['kafka', 'stream', 'batch', 'offset', 'partition', 'broker', 'spark', 'window'];

let broker: HttpTestBroker;
let kafka: Kafka;
let producer: Producer;
let ssc: StreamingContext;
let browser: Browser;
let page: Page;
let stopLoad = false;
let load: Promise<void> | undefined;
const counts = new Map<string, number>();

describe.skipIf(!haveChromium)(`the Streaming page of a running word count, in headless Chromium${CHROMIUM_SKIP_REASON}`, () => {
  beforeAll(async () => {
    broker = await startHttpBroker();
    kafka = kafkajs(broker.bootstrap);
    await createTopics(kafka, [{ topic: TOPIC, numPartitions: 3 }]);
    producer = kafka.producer();
    await producer.connect();

    // The word count (as examples/direct-kafka-word-count.ts), with its status server and registration.
    ssc = new StreamingContext({
      batchDurationMs: BATCH_MS,
      appName: 'DirectKafkaWordCount',
      logger: memoryLogger(),
      stopOnShutdown: false,
      conf: { 'spark.ui.enabled': true, 'spark.ui.port': 0, 'spark.app.id': APP_ID, 'spark.ui.dashboard.url': broker.http },
    });
    const lines = KafkaUtils.createDirectStream(ssc, {
      locationStrategy: LocationStrategies.PreferConsistent,
      consumerStrategy: ConsumerStrategies.Assign([0, 1, 2].map((partition) => ({ topic: TOPIC, partition })), { 'bootstrap.servers': broker.bootstrap, 'group.id': 'wordcount', 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 }),
    });
    const wordCounts = lines
      .map((r) => String(r.value))
      .flatMap((l) => l.split(/\s+/))
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b);
    wordCounts.foreachRDD(async (d) => {
      for (const [w, n] of d.collect()) counts.set(w, (counts.get(w) ?? 0) + n);
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 60)); // some work, so that processing times vary
    });
    await ssc.start();

    // Lines at a varying rate.
    load = (async () => {
      for (let i = 0; !stopLoad; i++) {
        const n = 5 + ((i * 13) % 40);
        const messages = Array.from({ length: n }, (_, j) => ({ partition: (i + j) % 3, value: Array.from({ length: 4 }, (_, k) => WORDS[(i * 7 + j * 3 + k) % WORDS.length]).join(' ') }));
        await producer.send({ topic: TOPIC, messages }).catch(() => {});
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: DOCS ? 1000 : 900 } });
    // Some batches for the charts (more for the README's screenshot).
    await new Promise((r) => setTimeout(r, DOCS ? 45_000 : 4000));
  }, DOCS ? 120_000 : 60_000);

  afterAll(async () => {
    stopLoad = true;
    await load?.catch(() => {});
    await browser?.close();
    await ssc?.stop();
    await producer?.disconnect();
    await broker?.stop();
  });

  it('lists the application, and its page shows the header, the charts, the batches with their offset ranges and the receivers placeholder', async () => {
    await page.goto(`${broker.http}/ui/#/streams`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });
    const row = page.locator(`tr[data-app="${APP_ID}"]`);
    expect(await row.textContent()).toContain('DirectKafkaWordCount');
    expect(await row.textContent()).toContain('500 ms');
    await row.locator('a').first().click();
    await page.waitForURL(`**/ui/#/stream/${APP_ID}`);
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });

    expect(await page.locator('h1').textContent()).toContain('DirectKafkaWordCount');
    expect(await page.locator('#batch-interval').textContent()).toBe('500 ms');
    const completed = Number((await page.locator('#completed-count').textContent())!.replace(/,/g, ''));
    expect(completed).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#stream-summary').textContent()).toMatch(/^Running batches of 500 ms for \d+s since .* \([\d,]+ completed batches, [\d,]+ records\) · ACTIVE$/);

    // Completed batches, newest first, each with its offset ranges on the three partitions.
    const rows = page.locator('#completed-batches tr[data-batch]');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    const times = (await rows.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-batch'))))) as number[];
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(times[0]! - times[1]!).toBe(BATCH_MS);
    const ranges = await rows.first().locator('td.ranges').textContent();
    for (const p of [0, 1, 2]) expect(ranges).toMatch(new RegExp(`${TOPIC}-${p}: \\[\\d+, \\d+\\) \\d+`));
    expect(await page.locator('#completed-batches').textContent()).toContain('1/1');
    // Records shown = the records the word count read (every batch's numRecords is its ranges' sum).
    expect(await page.locator('#receivers').textContent()).toContain('No receivers');
    expect(await page.locator('#input-streams').textContent()).toContain('Kafka 0.10 direct stream [0]');

    // The four timelines and histograms are drawn in their colours.
    await waitFor(
      'the streaming charts',
      async () => {
        for (const [key, color] of Object.entries(COLORS)) {
          if ((await colouredPixels(page, `#timeline-${key}`, color)) < 20) return false;
          if ((await colouredPixels(page, `#histogram-${key}`, color)) < 20) return false;
        }
        return true;
      },
      10_000,
    );
    // Live: the page updates without a reload.
    await waitFor('more completed batches', async () => Number((await page.locator('#completed-count').textContent())!.replace(/,/g, '')) > completed, 10_000);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-streaming-app.png'), fullPage: true });
    if (DOCS) {
      fs.mkdirSync(DOCS, { recursive: true });
      await page.screenshot({ path: path.join(DOCS, 'dashboard-streaming.png'), fullPage: false });
    }
  });

  it('shows the proxy error when the application is gone', async () => {
    await ssc.stop();
    // deregistered at stop: the page says it is not registered
    await page.reload();
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });
    expect(await page.locator('main').textContent()).toContain('NOT_FOUND');
  });
});
