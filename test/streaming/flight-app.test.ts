/**
 * The flights application (streaming-kafka/jobs/flight-app.ts) for each of the four approaches on the
 * in-process broker: the first 20,000 flights replayed into a 3-partition topic (replayDataset, as
 * kafka-replay does) in two halves; the app started, run until its output covers the first half,
 * stopped, started again the way flight-job does (getOrCreateFlightApp: checkpoint recovery, or the
 * transactional sink's offsets), run until the output covers everything. Then readFlightOutput:
 * coverage (no offset lost; none twice for these runs without a crash), the per-batch records, and
 * the final totals against exactFlightTotals over the same 20,000 flights (Direct: equal; Receiver:
 * every record counted at least once). Also the metrics (latency from the produce time) and the
 * small helpers (latency buckets, histogram quantiles, producedAt extraction, errors).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, KafkaConsumer } from '../../client/index.js';
import type { StreamingContext } from '../../streaming-kafka/index.js';
import { readFlights } from '../../streaming-kafka/data/flights.js';
import { replayDataset } from '../../streaming-kafka/data/replay.js';
import {
  FLIGHT_APPROACHES,
  createFlightApp,
  getOrCreateFlightApp,
  histogramQuantile,
  latencyBucket,
  producedAtOf,
  readFlightOutput,
  type FlightApproach,
  type FlightAppOptions,
  type FlightBatchMetrics,
} from '../../streaming-kafka/jobs/flight-app.js';
import { diffFlightTotals, exactFlightTotals, type OriginTotals } from '../../streaming-kafka/jobs/flight-delays.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { tempDir } from './helpers.js';

const N = 20_000;
const HALF = 12_000;
const PARTITIONS = 3;

let broker: TestBroker;
let exactHalf: Record<string, OriginTotals>;
let exactAll: Record<string, OriginTotals>;

async function endOffsets(topic: string): Promise<Map<string, number>> {
  const c = new KafkaConsumer({ 'bootstrap.servers': broker.bootstrap });
  try {
    return await c.endOffsets(Array.from({ length: PARTITIONS }, (_, p) => ({ topic, partition: p })));
  } finally {
    await c.close();
  }
}

/** Replay flights [skip, skip + limit) into `topic` (as kafka-replay) and return the topic's end offsets. */
async function replay(topic: string, skip: number, limit: number): Promise<Map<string, number>> {
  const r = await replayDataset({ producerProps: { 'bootstrap.servers': broker.bootstrap }, topic, dataset: 'flights', skip, limit });
  expect(r).toMatchObject({ acked: limit, failed: 0 });
  return endOffsets(topic);
}

beforeAll(async () => {
  broker = await startBroker();
  const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
  await admin.createTopics(FLIGHT_APPROACHES.map((a) => ({ name: `flights-${a}`, numPartitions: PARTITIONS })));
  await admin.close();
  const flights = [];
  for await (const f of readFlights({ limit: N })) flights.push(f);
  exactHalf = exactFlightTotals(flights.slice(0, HALF));
  exactAll = exactFlightTotals(flights);
}, 60_000);
const scratch: string[] = [];
/** A temp dir removed after the file's tests. */
function scratchDir(prefix?: string): string {
  const d = tempDir(prefix);
  scratch.push(d);
  return d;
}
afterAll(async () => {
  await broker?.stop();
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

describe('createFlightApp + readFlightOutput on the broker, each approach', () => {
  for (const approach of FLIGHT_APPROACHES) {
    it(`${approach}: stop and restart; output covers all ${N} flights once; totals as exactFlightTotals (receiver-no-wal: measured)`, async () => {
      const work = scratchDir(`flight-app-${approach}-`);
      const topic = `flights-${approach}`;
      const endsHalf = await replay(topic, 0, HALF);
      const metrics: FlightBatchMetrics[] = [];
      const options: FlightAppOptions = {
        approach,
        bootstrap: broker.bootstrap,
        topic,
        groupId: `g-${approach}`,
        checkpointDir: path.join(work, 'cp'),
        outputDir: path.join(work, 'out'),
        partitions: PARTITIONS,
        batchDurationMs: 250,
        windowMs: 1000,
        slideMs: 500,
        topN: 3,
        kafkaParams: approach.startsWith('receiver') ? { 'zookeeper.session.timeout.ms': 2000, 'auto.commit.interval.ms': 250 } : {},
        onBatchMetrics: (m) => metrics.push(m),
      };
      const covered = (ends: Map<string, number>) => () => readFlightOutput(approach, options.outputDir, { endOffsets: ends }).lost === 0;

      // first run: the first half (first start: no checkpoint, empty sink)
      let ssc: StreamingContext = createFlightApp(options);
      await ssc.start();
      await waitFor(covered(endsHalf), 20_000, `${approach} to cover ${HALF} records`);
      const atHalf = readFlightOutput(approach, options.outputDir, { endOffsets: endsHalf });
      await ssc.stop({ stopGracefully: true });

      // the rest of the flights, then a restart as flight-job does it
      const endsAll = await replay(topic, HALF, N - HALF);
      ssc = await getOrCreateFlightApp(options);
      await ssc.start();
      await waitFor(covered(endsAll), 20_000, `${approach} to cover all records`);
      await ssc.stop({ stopGracefully: true });

      const out = readFlightOutput(approach, options.outputDir, { endOffsets: endsAll });
      expect(atHalf.totals).toEqual(exactHalf);
      // a graceful stop then a restart: no offset lost or counted twice in the output, whatever the approach
      expect(out).toMatchObject({ lost: 0, duplicated: 0, covered: sum(endsAll) });
      expect(out.batches.reduce((n, b) => n + b.records, 0)).toBe(sum(endsAll));
      expect(out.batches.every((b, i) => i === 0 || b.batchTime > out.batches[i - 1]!.batchTime)).toBe(true);
      const diff = diffFlightTotals(exactAll, out.totals);
      if (approach === 'receiver-no-wal') {
        // The running totals are state: after a restart the engine recomputes the batches since the
        // last state checkpoint (every 10 s) from their blocks, which only lived in memory.
        expect(diff.duplicated).toBe(0);
        expect(out.batches[out.batches.length - 1]!.total.count).toBe(sum(endsAll) - diff.lost);
        console.log(`receiver-no-wal, graceful stop and restart: running totals miss ${diff.lost} of ${N} flights (state recomputed from in-memory blocks)`);
      } else {
        expect(diff).toEqual({ equal: true, lost: 0, duplicated: 0, mismatched: [] });
        expect(out.batches[out.batches.length - 1]!.total.count).toBe(sum(endsAll));
      }

      // metrics: every batch; a batch rerun after the restart (the checkpoint's own) appears twice
      const byBatch = new Map<number, number>();
      for (const m of metrics) byBatch.set(m.batchTime, Math.max(byBatch.get(m.batchTime) ?? 0, m.records));
      expect([...byBatch.values()].reduce((a, b) => a + b, 0)).toBe(sum(endsAll));
      for (const m of metrics.filter((x) => x.records > 0)) {
        expect(m).toMatchObject({ type: 'batch', approach, pid: process.pid });
        expect(m.latency!.count).toBe(m.records);
        expect(m.latency!.minMs).toBeGreaterThanOrEqual(0);
        expect(m.latency!.p50Ms).toBeLessThanOrEqual(m.latency!.p99Ms);
        expect(m.latency!.maxMs).toBeLessThan(60_000);
        expect(m.processingDelayMs).toBe(m.processingEndTime! - m.processingStartTime!);
        expect(m.totalDelayMs).toBe(m.processingDelayMs! + m.schedulingDelayMs!);
        expect(m.latencyHistogram.reduce((n, [, c]) => n + c, 0)).toBe(m.records);
      }
    }, 60_000);
  }
});

describe('createFlightApp without partitions (Subscribe)', () => {
  it('direct-transactional joins the group and starts at the sink\'s offsets: the first half, then the rest after a restart', async () => {
    const topic = 'flights-subscribe';
    const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
    await admin.createTopics([{ name: topic, numPartitions: PARTITIONS }]);
    await admin.close();
    const endsHalf = await replay(topic, 0, HALF);
    const work = scratchDir('flight-app-subscribe-');
    const options: FlightAppOptions = { approach: 'direct-transactional', bootstrap: broker.bootstrap, topic, groupId: 'g-subscribe', checkpointDir: path.join(work, 'cp'), outputDir: path.join(work, 'out'), batchDurationMs: 250, windowMs: 1000, slideMs: 500 };
    let ssc = createFlightApp(options);
    await ssc.start();
    await waitFor(() => readFlightOutput('direct-transactional', options.outputDir, { endOffsets: endsHalf }).lost === 0, 20_000, 'the first half');
    await ssc.stop({ stopGracefully: true });
    const endsAll = await replay(topic, HALF, N - HALF);
    ssc = createFlightApp(options);
    await ssc.start();
    await waitFor(() => readFlightOutput('direct-transactional', options.outputDir, { endOffsets: endsAll }).lost === 0, 20_000, 'all records');
    await ssc.stop({ stopGracefully: true });
    const out = readFlightOutput('direct-transactional', options.outputDir, { endOffsets: endsAll });
    expect(out).toMatchObject({ lost: 0, duplicated: 0, covered: N });
    expect(diffFlightTotals(exactAll, out.totals).equal).toBe(true);
  }, 60_000);
});

describe('flight-app helpers', () => {
  it('latency buckets, histogram quantiles, producedAt', () => {
    expect([0, 5.4, 999, 1000, 1234, 98_765, 1_234_567].map(latencyBucket)).toEqual([0, 5, 999, 1000, 1230, 98_700, 1_230_000]);
    expect(histogramQuantile([], 0.5)).toBe(0);
    const h: [number, number][] = [[10, 50], [20, 49], [500, 1], [10, 0]];
    expect(histogramQuantile(h, 0.5)).toBe(10);
    expect(histogramQuantile(h, 0.99)).toBe(20);
    expect(histogramQuantile(h, 1)).toBe(500);
    expect(histogramQuantile([...h, [20, 2]], 0.5)).toBe(20);
    expect(producedAtOf('{"date":1,"delay":2,"distance":3,"origin":"LAS","destination":"PHL","producedAt":1718000000123}')).toBe(1718000000123);
    expect(producedAtOf('{"date":1}')).toBeUndefined();
    expect(producedAtOf(null)).toBeUndefined();
  });

  it('refuses an unknown approach, a bad partition count, a second transactional app on the same output', async () => {
    const base = { bootstrap: '127.0.0.1:1', topic: 't', groupId: 'g', checkpointDir: scratchDir(), outputDir: scratchDir(), batchDurationMs: 1000 };
    expect(() => createFlightApp({ ...base, approach: 'direct' as FlightApproach })).toThrow("Unknown approach 'direct': expected one of direct-transactional, direct-idempotent, receiver-wal, receiver-no-wal");
    expect(() => createFlightApp({ ...base, approach: 'receiver-wal', partitions: 0 })).toThrow('partitions must be a positive integer, got 0');
    const first = createFlightApp({ ...base, approach: 'direct-transactional' }); // Subscribe: no partitions needed
    expect(() => createFlightApp({ ...base, approach: 'direct-transactional', partitions: 1 })).toThrow(/is already open in this process/);
    await first.stop(); // closes the sink (never started)
    await createFlightApp({ ...base, approach: 'direct-transactional', partitions: 1 }).stop();
  });

  it('reads nothing from an empty or missing output directory', () => {
    for (const a of FLIGHT_APPROACHES) {
      const out = readFlightOutput(a, path.join(scratchDir(), 'missing'), { endOffsets: { 't-0': 3 } });
      expect(out).toMatchObject({ approach: a, batches: [], totals: {}, lost: 3, duplicated: 0, covered: 0 });
    }
  });
});
