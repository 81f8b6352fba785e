/**
 * The dashboard in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core)
 * against a broker holding a topic produced to and a consumer group with a lag, both made with kafkajs.
 * Checks that the overview lists the topic and the group, that the topic page draws its throughput
 * chart, that the group page shows the lag the test caused and draws the lag over time, and that the
 * streaming page lists a registered application. A chart counts as drawn when its canvas holds pixels of
 * its series' colour (not just axes and grid). Each page's screenshot is saved under test-artifacts/
 * (gitignored); KAFKA_TS_DOCS_SCREENSHOTS=1 also writes the README's screenshots under docs/.
 *
 * Without /usr/bin/chromium (`.ci/run` installs it) the tests are skipped, saying so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_SKIP_REASON, colouredPixels, haveChromium, launchChromium } from './browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTraffic, startHttpBroker, waitFor, type HttpTestBroker, type Traffic } from './helpers.js';

if (!haveChromium) console.warn(`dashboard browser tests skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run does)`);

const ARTIFACTS = path.resolve('test-artifacts');
const DOCS = process.env.KAFKA_TS_DOCS_SCREENSHOTS === '1' ? path.resolve('docs') : undefined;

const TOPIC = 'orders';
const GROUP = 'order-service';
const LAG = 120;

let broker: HttpTestBroker;
let traffic: Traffic;
let browser: Browser;
let page: Page;
let stopLoad = false;
let lagging = true;
/** Messages produced to TOPIC after the group paused, beyond LAG (README screenshots only). */
let extraLag = 0;
let load: Promise<void> | undefined;

async function screenshot(name: string, forDocs = true): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  if (DOCS && forDocs) {
    fs.mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: path.join(DOCS, `${name}.png`), fullPage: false });
  }
}

/** Go to a dashboard page and wait for its first data. */
async function open(hash: string): Promise<void> {
  await page.goto(`${broker.http}/ui/${hash}`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 10_000 });
}

describe.skipIf(!haveChromium)(`dashboard in headless Chromium${CHROMIUM_SKIP_REASON}`, () => {
  beforeAll(async () => {
    broker = await startHttpBroker();
    [traffic, browser] = await Promise.all([
      makeTraffic(broker, { topic: TOPIC, partitions: 3, groupId: GROUP, clientId: 'order-service-client', consumed: 300, lag: LAG }),
      launchChromium(),
    ]);
    // A steady trickle of produced and fetched bytes, so that the throughput charts have a line.
    const producer = traffic.producer;
    const reader = traffic.kafka.consumer({ groupId: 'dashboard-reader', maxWaitTimeInMs: 100 });
    await reader.connect();
    await traffic.admin.createTopics({ topics: [{ topic: 'clicks', numPartitions: 2 }], waitForLeaders: true });
    await reader.subscribe({ topic: 'clicks', fromBeginning: true });
    await reader.run({ eachMessage: async () => {} });
    load = (async () => {
      for (let i = 0; !stopLoad; i++) {
        const n = 10 + ((i * 7) % 30); // a varying rate
        await producer.send({ topic: 'clicks', messages: Array.from({ length: n }, (_, j) => ({ key: `c${i}-${j}`, value: `click ${i}-${j} ${'y'.repeat(200)}` })) }).catch(() => {});
        // For the README's screenshots only: the paused group falls further behind over time.
        if (DOCS && i % 10 === 0 && lagging) {
          await producer.send({ topic: TOPIC, messages: [{ key: `late-${i}`, value: 'late order' }] });
          extraLag++;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await reader.disconnect();
    })();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Let the broker's 1-second history collect a few samples of the load (a minute for the README's).
    await new Promise((r) => setTimeout(r, DOCS ? 60_000 : 3500));
    lagging = false;
  }, DOCS ? 120_000 : 40_000);

  afterAll(async () => {
    stopLoad = true;
    await load?.catch(() => {});
    await browser?.close();
    await traffic?.disconnect();
    await broker?.stop();
  });

  it('the overview lists the topics with sparklines and the group with its lag', async () => {
    await open('#/');
    const topicRow = page.locator(`tr[data-topic="${TOPIC}"]`);
    await expect(topicRow.count()).resolves.toBe(1);
    expect(await topicRow.locator('td').first().textContent()).toBe(TOPIC);
    expect(await page.locator('tr[data-topic="clicks"]').count()).toBe(1);
    const groupRow = page.locator(`tr[data-group="${GROUP}"]`);
    expect(await groupRow.textContent()).toContain((LAG + extraLag).toLocaleString('en-US'));
    // Groups are sorted by lag: ours (120) before the reader's (0).
    const groups = await page.locator('tr[data-group]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group')));
    expect(groups.indexOf(GROUP)).toBeLessThan(groups.indexOf('dashboard-reader'));
    // The clicks sparkline has drawn both its lines (in wide, out thin over it).
    await waitFor('the clicks sparkline', async () => (await colouredPixels(page, 'tr[data-topic="clicks"]', '#1f6feb')) > 10 && (await colouredPixels(page, 'tr[data-topic="clicks"]', '#e8590c')) > 10, 8000);
    await screenshot('dashboard-overview');
  });

  it('the topic page shows the partitions and draws the throughput chart', async () => {
    await open('#/topic/clicks');
    expect(await page.locator('#partitions tr[data-partition]').count()).toBe(2);
    // Bytes in and out per second: both lines drawn (in wide, out dashed over it).
    await waitFor('the throughput chart', async () => (await colouredPixels(page, '#throughput-chart', '#1f6feb')) > 100 && (await colouredPixels(page, '#throughput-chart', '#e8590c')) > 100, 8000);
    await screenshot('dashboard-topic');
  });

  it('the group page shows the members, the assignment and the lag the test caused, over time', async () => {
    await open(`#/group/${GROUP}`);
    expect(await page.locator('#total-lag').textContent()).toBe((LAG + extraLag).toLocaleString('en-US'));
    const lags = await page.locator('#group-partitions td.lag').allTextContents();
    expect(lags.reduce((n, t) => n + Number(t.replace(/,/g, '')), 0)).toBe(LAG + extraLag);
    expect(await page.locator('#members').textContent()).toContain('order-service-client');
    expect(await page.locator('#members').textContent()).toMatch(/orders \[0, 1, 2\]/);
    // The dashed total line (#343a40) is drawn at the lag.
    await waitFor('the lag chart', async () => (await colouredPixels(page, '#lag-chart', '#343a40')) > 50, 8000);
    await screenshot('dashboard-group');
  });

  it('the streaming page lists a registered application', async () => {
    const r = await fetch(`${broker.http}/api/v1/streams`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appId: 'app-20240101-0001', name: 'wordcount', statusUrl: 'http://127.0.0.1:4040/api/v1', batchIntervalMs: 1000 }) });
    expect(r.status).toBe(201);
    await open('#/streams');
    const row = page.locator('tr[data-app="app-20240101-0001"]');
    expect(await row.textContent()).toContain('wordcount');
    await screenshot('dashboard-streaming', false); // a placeholder until the stream layer's page
  });

  it('an unknown topic shows the API error', async () => {
    await open('#/topic/no-such-topic');
    expect(await page.locator('main').textContent()).toContain('UNKNOWN_TOPIC_OR_PARTITION');
  });
});
