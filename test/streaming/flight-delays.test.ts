/**
 * The flight-delays job (streaming-kafka/jobs/flight-delays.ts) on real flights (the first 20,000 of
 * flights-3m.parquet): window results, running totals and records of every batch against a direct
 * computation from the same flights; the final totals against exactFlightTotals; the printed lines;
 * the record parsers; then once on the real broker through a Direct stream. And the benchmark's
 * SVG chart writer (an example is written to test-artifacts/flight-delays-chart.svg).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient, KafkaProducer } from '../../client/index.js';
import { ManualClock, StreamingContext, type DStream } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies } from '../../streaming-kafka/kafka/index.js';
import { readFlights, type Flight } from '../../streaming-kafka/data/flights.js';
import {
  FlightRecordError,
  diffFlightTotals,
  exactFlightTotals,
  flightDelays,
  formatFlightBatch,
  originAndDelay,
  parseFlight,
  type FlightBatchResult,
  type OriginTotals,
} from '../../streaming-kafka/jobs/flight-delays.js';
import { escapeXml, niceTicks, renderTimeSeriesSvg } from '../../streaming-kafka/bench/svg-chart.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { TestInputStream, advanceBatches, manualContext, memoryLogger, tempDir } from './helpers.js';
import { checkXml } from '../helpers/xml.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const N = 20_000;

/** kafka-replay's value for a flight (same field order). */
function flightValue(f: Flight, producedAt: number): string {
  return `{"date":${f.date},"delay":${f.delay},"distance":${f.distance},"origin":${JSON.stringify(f.origin)},"destination":${JSON.stringify(f.destination)},"producedAt":${producedAt}}`;
}

let flights: Flight[] = [];
beforeAll(async () => {
  for await (const f of readFlights({ limit: N })) flights.push(f);
});

let current: StreamingContext | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

/** Per origin [count, delaySum] of `fs`, computed directly. */
function aggregate(fs: Flight[]): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  for (const f of fs) {
    const e = m.get(f.origin);
    if (e) {
      e[0]++;
      e[1] += f.delay;
    } else m.set(f.origin, [1, f.delay]);
  }
  return m;
}

/** The expected top N of a window over `fs`: count desc, then origin asc. */
function expectedTop(fs: Flight[], topN: number) {
  const all = [...aggregate(fs)].map(([origin, [count, delaySum]]) => ({ origin, count, delaySum, meanDelay: delaySum / count }));
  all.sort((a, b) => b.count - a.count || a.origin.localeCompare(b.origin));
  return all.slice(0, topN);
}

/** Running totals computed independently of the job module (not with exactFlightTotals). */
function expectedTotals(fs: Flight[]): Record<string, OriginTotals> {
  const m = new Map<string, OriginTotals>();
  for (const f of fs) {
    const t = m.get(f.origin) ?? { count: 0, delaySum: 0, maxDelay: -Infinity };
    t.count++;
    t.delaySum += f.delay;
    t.maxDelay = Math.max(t.maxDelay, f.delay);
    m.set(f.origin, t);
  }
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('flightDelays on 20,000 real flights (checkpointable test input, ManualClock)', () => {
  const configs = [
    { name: 'batch 1 s, window 6 s, slide 2 s, top 5, 3 partitions', batchMs: 1000, windowMs: 6000, slideMs: 2000, topN: 5, partitions: 3 },
    { name: 'defaults (window 60 s, slide 10 s, top 10), batch 5 s, 1 partition', batchMs: 5000, windowMs: undefined, slideMs: undefined, topN: undefined, partitions: 1 },
  ];
  it.each(configs)('$name: every batch equals a direct computation', async (cfg) => {
    const perBatch = 500;
    const batches: Flight[][] = [];
    for (let i = 0; i < flights.length; i += perBatch) batches.push(flights.slice(i, i + perBatch));
    const values = batches.map((b, i) => b.map((f) => flightValue(f, i)));
    const { ssc, clock } = manualContext({ batchMs: cfg.batchMs });
    current = ssc;
    ssc.checkpoint(tempDir());
    const results: FlightBatchResult[] = [];
    flightDelays(new TestInputStream(ssc, values, cfg.partitions), {
      windowMs: cfg.windowMs,
      slideMs: cfg.slideMs,
      topN: cfg.topN,
      onBatch: async (r) => {
        await new Promise((res) => setImmediate(res)); // an async sink
        results.push(r);
      },
    });
    await ssc.start();
    const windowMs = cfg.windowMs ?? 60_000;
    const slideMs = cfg.slideMs ?? 10_000;
    const topN = cfg.topN ?? 10;
    const extra = windowMs / cfg.batchMs; // then the window empties
    await advanceBatches(ssc, clock, batches.length + extra);
    await ssc.stop();

    expect(results).toHaveLength(batches.length + extra);
    let windows = 0;
    results.forEach((r, i) => {
      const t = (i + 1) * cfg.batchMs; // zero time 0: the clock starts at 0
      expect(r.batchTime).toBe(t);
      const batch = batches[i] ?? [];
      expect(r.records).toBe(batch.length);
      expect(r.changed).toEqual([...new Set(batch.map((f) => f.origin))].sort());
      const upTo = flights.slice(0, Math.min(i + 1, batches.length) * perBatch);
      expect(r.totals).toEqual(expectedTotals(upTo));
      expect(r.total).toEqual({ count: upTo.length, delaySum: upTo.reduce((s, f) => s + f.delay, 0), airports: Object.keys(expectedTotals(upTo)).length });
      if (t % slideMs === 0) {
        windows++;
        // batches at times in (t - window, t]: indexes t/batch - window/batch ... t/batch - 1
        const first = Math.max(0, t / cfg.batchMs - windowMs / cfg.batchMs);
        const inWindow = batches.slice(first, i + 1).flat();
        expect(r.window, `window at ${t}`).toEqual(expectedTop(inWindow, topN));
        expect(r.windowTotal).toEqual({ count: inWindow.length, delaySum: inWindow.reduce((s, f) => s + f.delay, 0), airports: aggregate(inWindow).size });
      } else {
        expect(r.window).toBeNull();
        expect(r.windowTotal).toBeNull();
      }
    });
    expect(windows).toBe((batches.length + extra) / (slideMs / cfg.batchMs));
    expect(results.at(-1)!.window).toEqual([]); // every airport's count went back to 0: dropped
    // The running totals after all batches equal the reference, computed from the file again.
    const exact = await exactFlightTotals(readFlights({ limit: N }));
    expect(results.at(-1)!.totals).toEqual(exact);
    expect(diffFlightTotals(exact, results.at(-1)!.totals)).toEqual({ equal: true, lost: 0, duplicated: 0, mismatched: [] });
    expect(Object.keys(exact).length).toBeGreaterThan(100);
  }, 30_000);

  it('prints the window top N and the totals at slide times, as Spark-style print blocks', async () => {
    const mk = (origin: string, delay: number): Flight => ({ date: 0, delay, distance: 100, origin, destination: 'XXX' });
    const input = [
      [mk('ATL', 10), mk('ORD', 5), mk('ATL', 20)],
      [mk('ORD', -3), mk('SFO', 1)],
      [mk('SFO', 2), mk('SFO', 4), mk('SFO', 100)],
      [],
    ].map((b) => b.map((f) => flightValue(f, 1)));
    const { ssc, clock } = manualContext();
    current = ssc;
    ssc.checkpoint(tempDir());
    const printed: string[][] = [];
    const results: FlightBatchResult[] = [];
    flightDelays(new TestInputStream(ssc, input), { windowMs: 2000, slideMs: 2000, topN: 2, print: (l) => printed.push(l), onBatch: (r) => void results.push(r) });
    await ssc.start();
    await advanceBatches(ssc, clock, 4);
    expect(printed).toEqual([
      [
        '-------------------------------------------',
        'Time: 2000 ms',
        '-------------------------------------------',
        'Top airports (window 2 s): 2 of 3 airports, 5 flights',
        '  ATL 2 flights, mean delay 15.0 min',
        '  ORD 2 flights, mean delay 1.0 min',
        'Since start: 5 flights from 3 airports, mean delay 6.6 min',
      ],
      [
        '-------------------------------------------',
        'Time: 4000 ms',
        '-------------------------------------------',
        'Top airports (window 2 s): 1 of 1 airports, 3 flights',
        '  SFO 3 flights, mean delay 35.3 min',
        'Since start: 8 flights from 3 airports, mean delay 17.4 min',
      ],
    ]);
    expect(results.map((r) => r.records)).toEqual([3, 2, 3, 0]);
    expect(results[3]!.totals).toEqual({ ATL: { count: 2, delaySum: 30, maxDelay: 20 }, ORD: { count: 2, delaySum: 2, maxDelay: 5 }, SFO: { count: 4, delaySum: 107, maxDelay: 100 } });
    expect(results[3]!.changed).toEqual([]);
    // a batch without window: header and the totals line only
    expect(formatFlightBatch(results[0]!, 2000)).toEqual([
      '-------------------------------------------',
      'Time: 1000 ms',
      '-------------------------------------------',
      'Since start: 3 flights from 2 airports, mean delay 11.7 min',
    ]);
  });

  it('needs checkpointing (state, inverse window), so queueStream cannot feed it; a bad record fails its batch', async () => {
    {
      const { ssc } = manualContext();
      flightDelays(ssc.queueStream<string>([]));
      await expect(ssc.start()).rejects.toThrow('requirement failed: The checkpoint directory has not been set. Please set it by StreamingContext.checkpoint().');
      await ssc.stop();
    }
    {
      const { ssc } = manualContext();
      ssc.checkpoint(tempDir());
      flightDelays(ssc.queueStream<string>([]));
      await expect(ssc.start()).rejects.toThrow("queueStream doesn't support checkpointing");
      await ssc.stop();
    }
    {
      const { ssc } = manualContext();
      expect(() => flightDelays(ssc.queueStream<string>([]), { windowMs: 2500 })).toThrow(
        'requirement failed: The window duration of ReducedWindowedDStream (2500 ms) must be multiple of the slide duration of parent DStream (1000 ms)',
      );
      await ssc.stop();
    }
    {
      const { ssc, clock } = manualContext();
      current = ssc;
      ssc.checkpoint(tempDir());
      const errors: string[] = [];
      ssc.addStreamingListener({ onOutputOperationCompleted: (e) => void (e.outputOperationInfo.failureReason && errors.push(e.outputOperationInfo.failureReason)) });
      flightDelays(new TestInputStream(ssc, [[flightValue(flights[0]!, 1), '{"delay": 5, "origin": 7}']]), { windowMs: 1000, slideMs: 1000 });
      await ssc.start();
      clock.advance(1000);
      await ssc.scheduler.jobGenerator.waitForProcessed(1000).catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
      expect(errors.join('\n')).toContain('Bad flight record: "date" is not a finite number: "{\\"delay\\": 5, \\"origin\\": 7}"');
    }
  });
});

describe('parseFlight / originAndDelay', () => {
  it('the fast extractor agrees with JSON.parse on 20,000 replayed values', () => {
    for (const [i, f] of flights.entries()) {
      const v = flightValue(f, 1_718_000_000_000 + i);
      expect(originAndDelay(v)).toEqual([f.origin, f.delay]);
      expect(parseFlight(v)).toEqual({ ...f, producedAt: 1_718_000_000_000 + i });
    }
  });
  it('falls back to JSON.parse for other layouts, and reports bad values clearly', () => {
    expect(originAndDelay('{ "origin" : "ATL", "delay" : -7, "date": 1, "distance": 2, "destination": "ORD" }')).toEqual(['ATL', -7]);
    expect(originAndDelay('{"date":1,"delay":2.5,"distance":2,"origin":"ATL","destination":"ORD"}')).toEqual(['ATL', 2.5]);
    expect(originAndDelay('{"date":1,"delay":1e2,"distance":2,"origin":"A\\u0054L","destination":"ORD"}')).toEqual(['ATL', 100]);
    // a nested object with the same key names: the top-level fields count
    expect(originAndDelay('{"x":{"delay":99,"origin":"BAD"},"date":1,"delay":3,"distance":2,"origin":"SFO","destination":"ORD"}')).toEqual(['SFO', 3]);
    // duplicate keys (documented): the fast path takes the first, JSON.parse the last
    expect(originAndDelay('{"date":1,"delay":3,"delay":4,"distance":2,"origin":"SFO","destination":"ORD"}')).toEqual(['SFO', 3]);
    expect(originAndDelay('{"date":1,"delay":3,"delay":4.5,"distance":2,"origin":"SFO","destination":"ORD"}')).toEqual(['SFO', 3]);
    expect(() => originAndDelay('not json')).toThrow(FlightRecordError);
    expect(() => parseFlight('{"date":1,"delay":3')).toThrow(/^Bad flight record: not JSON \(.*\): "\{\\"date\\":1,\\"delay\\":3"$/);
    expect(() => parseFlight('[1,2]')).toThrow('Bad flight record: not a JSON object: "[1,2]"');
    expect(() => parseFlight('{"date":1,"delay":"late","distance":2,"origin":"SFO","destination":"ORD"}')).toThrow('Bad flight record: "delay" is not a finite number');
    expect(() => parseFlight(null as unknown as string)).toThrow('Bad flight record: expected a string value, got null');
    expect(() => parseFlight(`{"x":"${'y'.repeat(500)}"}`)).toThrow(/"\{\\"x\\":\\"y+"\.\.\.$/);
  });
  it('exactFlightTotals is synchronous for arrays; diffFlightTotals counts lost and duplicated flights', () => {
    const exact = exactFlightTotals(flights.slice(0, 1000));
    expect(exact).toEqual(expectedTotals(flights.slice(0, 1000)));
    const broken = structuredClone(exact);
    const [a, b] = Object.keys(broken) as [string, string];
    broken[a]!.count -= 2; // lost 2
    broken[b]!.count += 3; // duplicated 3
    broken.ZZZ = { count: 1, delaySum: 0, maxDelay: 0 }; // 1 more
    expect(diffFlightTotals(exact, broken)).toEqual({ equal: false, lost: 2, duplicated: 4, mismatched: [a, b, 'ZZZ'].sort() });
  });
});

describe('flightDelays on the real broker (Direct stream)', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('20,000 flights produced keyed by origin: the totals equal the exact answer, the windows equal the batches read', async () => {
    const topic = 'flights-job';
    const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
    await admin.createTopics([{ name: topic, numPartitions: 3 }]);
    await admin.close();
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'linger.ms': 5 });
    const sends: Promise<unknown>[] = [];
    for (const f of flights) {
      const now = Date.now();
      sends.push(producer.send({ topic, key: f.origin, value: flightValue(f, now), timestamp: now }));
    }
    await Promise.all(sends);
    await producer.close();

    const clock = new ManualClock();
    const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger: memoryLogger(), conf: { 'spark.streaming.kafka.maxRatePerPartition': 2500 }, stopOnShutdown: false });
    current = ssc;
    ssc.checkpoint(tempDir());
    const params = { 'bootstrap.servers': broker.bootstrap, 'group.id': 'flights-job', 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 };
    const stream = KafkaUtils.createDirectStream(ssc, {
      locationStrategy: LocationStrategies.PreferConsistent,
      consumerStrategy: ConsumerStrategies.Assign([0, 1, 2].map((partition) => ({ topic, partition })), params),
    });
    const values: DStream<string> = stream.map((r) => r.value!.toString());
    const read = new Map<number, Flight[]>();
    values.foreachRDD((d, t) => void read.set(t, d.collect().map((v) => parseFlight(v))));
    const results: FlightBatchResult[] = [];
    flightDelays(values, { windowMs: 3000, slideMs: 2000, topN: 300, onBatch: (r) => void results.push(r) });
    await ssc.start();
    const deadline = Date.now() + 20_000;
    while ((results.at(-1)?.total.count ?? 0) < N && Date.now() < deadline) await advanceBatches(ssc, clock, 1);
    await advanceBatches(ssc, clock, 1); // nothing more
    await ssc.stop();

    expect(results.length).toBeGreaterThanOrEqual(4); // at most 2,500 per partition per batch
    expect(results.at(-1)!.records).toBe(0);
    expect(results.reduce((s, r) => s + r.records, 0)).toBe(N);
    expect(results.at(-1)!.totals).toEqual(exactFlightTotals(flights));
    for (const r of results) {
      expect(r.records).toBe(read.get(r.batchTime)!.length);
      if (r.window !== null) {
        const inWindow = [r.batchTime - 2000, r.batchTime - 1000, r.batchTime].flatMap((t) => read.get(t) ?? []);
        expect(r.window).toEqual(expectedTop(inWindow, 300));
      }
    }
  }, 40_000);
});

describe('renderTimeSeriesSvg', () => {
  const approaches = ['direct-transactional', 'direct-idempotent', 'receiver-wal', 'receiver-no-wal'];
  const series = (f: (i: number, k: number) => number) => approaches.map((name, k) => ({ name, points: Array.from({ length: 90 }, (_, i) => [i * 1000, f(i, k)] as [number, number]) }));
  const chart = {
    title: 'Flight delays job <4 approaches> & "Kafka"',
    subtitle: '3,000,000 flights, batch 1 s, window 60 s / slide 10 s, 3 partitions (example data)',
    xUnit: 'ms' as const,
    panels: [
      { title: 'Processing time per batch', yLabel: 'processing time', unit: 'ms', series: series((i, k) => 180 + 70 * k + 50 * Math.sin(i / 6 + k)) },
      { title: 'Scheduling delay', yLabel: 'scheduling delay', unit: 'ms', series: series((i, k) => (k === 3 ? Math.max(0, (i - 40) * 35) : 3 * k)) },
      { title: 'Input rate', yLabel: 'input rate', unit: 'records/s', series: series((i, k) => (i === 50 && k === 1 ? NaN : 240_000 + 35_000 * k + 20_000 * Math.cos(i / 8))) },
    ],
  };

  it('writes a well-formed SVG with titles, legend, axes; numbers finite; text escaped', () => {
    const svg = renderTimeSeriesSvg(chart);
    fs.mkdirSync(path.join(HERE, '../../test-artifacts'), { recursive: true });
    fs.writeFileSync(path.join(HERE, '../../test-artifacts/flight-delays-chart.svg'), svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const names = checkXml(svg);
    expect(names[0]).toBe('svg');
    expect(svg).toContain('<rect x="0" y="0" width="960"');
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).toContain('Flight delays job &lt;4 approaches&gt; &amp; &quot;Kafka&quot;');
    expect(svg).not.toContain('<4 approaches>');
    for (const t of ['Processing time per batch', 'Scheduling delay', 'Input rate', 'processing time (ms)', 'input rate (records/s)', 'time since start (s)', ...approaches]) expect(svg).toContain(`>${t}<`);
    // one line per series and panel; the NaN breaks one line into two pieces
    const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((p) => p[1]!);
    expect(paths).toHaveLength(12);
    expect(paths.filter((d) => (d.match(/M/g) ?? []).length === 2)).toHaveLength(1);
    for (const d of paths) for (const n of d.match(/-?[\d.]+(e[-+]?\d+)?/g)!) expect(Number.isFinite(Number(n))).toBe(true);
    const numbers = [...svg.matchAll(/\s(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"/g)].map((m) => Number(m[1]));
    for (const n of numbers) expect(Number.isFinite(n)).toBe(true);
    // colour per approach, the same in every panel
    const colours = [...svg.matchAll(/<path d="[^"]*" stroke="(#[0-9A-F]{6})"/g)].map((m) => m[1]);
    expect(colours.slice(0, 4)).toEqual(['#0072B2', '#E69F00', '#009E73', '#D55E00']);
    expect(colours.slice(4, 8)).toEqual(colours.slice(0, 4));
    // tick labels: k suffix on the rate axis, seconds on the x axis
    expect(svg).toMatch(/>300k</);
    expect(svg).toMatch(/>80</);
  });

  it('handles empty panels, one point, negative values and bad sizes', () => {
    const svg = renderTimeSeriesSvg({
      title: 'edge',
      panels: [
        { title: 'none', yLabel: 'y', unit: '', series: [{ name: 'a', points: [] }] },
        { title: 'one', yLabel: 'y', unit: 's', series: [{ name: 'b', points: [[3, 0.5]] }] },
        { title: 'neg', yLabel: 'y', unit: 'ms', series: [{ name: 'a\u0001<b>', points: [[0, -120], [1, 40]] }] },
      ],
      width: 600,
      height: 500,
    });
    checkXml(svg);
    expect(svg).toContain('>no data<');
    expect(svg).toContain('<circle');
    expect(svg).toContain('>a&lt;b&gt;<');
    expect(svg).toContain('height="500"');
    expect(svg).toMatch(/>-100</);
    expect(() => renderTimeSeriesSvg({ title: 't', panels: [], width: 0 })).toThrow(RangeError);
    expect(() => renderTimeSeriesSvg({ title: 't', panels: [chart.panels[0]!, chart.panels[1]!], height: 150 })).toThrow('at least 60 needed');
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(niceTicks(0, 1180, 5)).toEqual({ ticks: [0, 200, 400, 600, 800, 1000], step: 200 });
  });
});
