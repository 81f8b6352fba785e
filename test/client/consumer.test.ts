/**
 * KafkaConsumer with manual assignment against the real in-process broker: records produced by
 * kafkajs (keys, values, headers, timestamps, gzip) and by kcat (lz4, zstd, snappy) read back
 * exactly; assign/seek/position/pause/resume; trimming when seeking into the middle of a batch;
 * auto.offset.reset earliest/latest/none; offsetsForTimes, beginningOffsets, endOffsets.
 */
import { spawnSync } from 'node:child_process';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaConsumer, type ConsumerRecord } from '../../client/consumer/index.js';
import { encodeRecordBatchSync } from '../../client/records/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { kcatOk } from '../interop/clients.js';
import { consumer, createTopics, kafkajs, readN } from './consumer-helpers.js';

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const open: KafkaConsumer[] = [];
const hasKcat = spawnSync('kcat', ['-V']).status === 0;

beforeAll(async () => {
  broker = await startBroker();
  kafka = kafkajs(broker.bootstrap);
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.close()));
  await producer?.disconnect();
  await broker?.stop();
});

function newConsumer(props: Record<string, string | number | boolean> = {}): KafkaConsumer {
  const c = consumer(broker.bootstrap, props);
  open.push(c);
  return c;
}

const str = (b: Buffer | null) => (b === null ? null : b.toString());

describe('KafkaConsumer (assign)', () => {
  it('reads every kafkajs record exactly: keys, values, headers, timestamps, gzip, nulls', async () => {
    const topic = 'cons-kjs';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const base = Date.now() - 100_000;
    const sent: { partition: number; key: string | null; value: string | null; headers: Record<string, string>; timestamp: number }[] = [];
    for (let i = 0; i < 300; i++) {
      sent.push({ partition: i % 2, key: i % 7 === 0 ? null : `k${i}`, value: i % 11 === 0 ? null : `value-${i}-${'x'.repeat(i % 50)}`, headers: i % 3 === 0 ? {} : { h1: `a${i}`, 'h-2': `b${i}` }, timestamp: base + i });
    }
    // Three sends: plain, gzip, plain, so batches of both kinds follow each other.
    const chunks = [sent.slice(0, 100), sent.slice(100, 200), sent.slice(200)];
    for (const [i, chunk] of chunks.entries()) {
      await producer.send({
        topic,
        compression: i === 1 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: chunk.map((m) => ({ partition: m.partition, key: m.key, value: m.value, headers: m.headers, timestamp: String(m.timestamp) })),
      });
    }
    const c = newConsumer();
    c.assign([{ topic, partition: 0 }, { topic, partition: 1 }]);
    c.seekToBeginning();
    const got = await readN(c, 300);
    expect(got).toHaveLength(300);
    for (const p of [0, 1]) {
      const mine = got.filter((r) => r.partition === p);
      const expected = sent.filter((m) => m.partition === p);
      expect(mine.map((r) => r.offset)).toEqual(expected.map((_, i) => i));
      mine.forEach((r, i) => {
        const m = expected[i]!;
        expect(r.topic).toBe(topic);
        expect(str(r.key)).toBe(m.key);
        expect(str(r.value)).toBe(m.value);
        expect(r.timestamp).toBe(m.timestamp);
        expect(r.timestampType).toBe('CreateTime');
        expect(r.headers.map(([k, v]) => [k, str(v)])).toEqual(Object.entries(m.headers));
      });
    }
    expect(await c.position({ topic, partition: 0 })).toBe(150);
    expect(await c.poll(50)).toEqual([]);
  });

  it.skipIf(!hasKcat)(`reads kcat-produced lz4, zstd and snappy batches${hasKcat ? '' : ' (skipped: kcat is not installed; .ci/run installs it)'}`, async () => {
    for (const codec of ['lz4', 'zstd', 'snappy']) {
      const topic = `cons-kcat-${codec}`;
      await createTopics(kafka, [{ topic, numPartitions: 1 }]);
      const lines = Array.from({ length: 200 }, (_, i) => `k${i}:${codec}-value-${i}`);
      await kcatOk(broker.bootstrap, ['-P', '-t', topic, '-p', '0', '-z', codec, '-K', ':'], { input: lines.join('\n') + '\n' });
      const c = newConsumer({ 'auto.offset.reset': 'earliest' });
      c.assign([{ topic, partition: 0 }]);
      const got = await readN(c, 200);
      expect(got.map((r) => `${str(r.key)}:${str(r.value)}`)).toEqual(lines);
      expect(got.map((r) => r.offset)).toEqual(lines.map((_, i) => i));
      await c.close();
    }
  });

  it('seeks, trims records before the position inside a batch, pauses and resumes', async () => {
    const topic = 'cons-seek';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    // One batch of 50 records per send (kafkajs sends a batch per partition per request).
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ partition: 0, value: `v${i}` })) });
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ partition: 0, value: `v${50 + i}` })) });
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 1, value: `w${i}` })) });
    const c = newConsumer({ 'max.poll.records': 7 });
    const p0 = { topic, partition: 0 };
    const p1 = { topic, partition: 1 };
    c.assign([p0]);
    c.seek(p0, 23); // the middle of the first batch
    expect(await c.position(p0)).toBe(23);
    const first = await c.poll(2000);
    expect(first.map((r) => r.offset)).toEqual([23, 24, 25, 26, 27, 28, 29]);
    expect(first.map((r) => str(r.value))).toEqual(['v23', 'v24', 'v25', 'v26', 'v27', 'v28', 'v29']);
    expect(await c.position(p0)).toBe(30);
    c.seek(p0, 71); // backwards and forwards: buffered data is dropped
    expect((await c.poll(2000))[0]!.offset).toBe(71);
    c.seek(p0, 5);
    expect((await c.poll(2000))[0]!.offset).toBe(5);

    // Add p1; pause p0: only p1 comes back; resume: p0 continues where it was.
    c.assign([p0, p1]);
    expect(c.assignment()).toEqual([p0, p1]);
    c.seek(p1, 0);
    c.pause([p0]);
    expect(c.paused()).toEqual([p0]);
    const onlyP1: ConsumerRecord[] = [];
    while (onlyP1.length < 10) {
      const rs = await c.poll(500);
      expect(rs.every((r) => r.partition === 1)).toBe(true);
      onlyP1.push(...rs);
    }
    expect(onlyP1.map((r) => str(r.value))).toEqual(Array.from({ length: 10 }, (_, i) => `w${i}`));
    expect(await c.poll(150)).toEqual([]);
    c.resume([p0]);
    const rest = await readN(c, 88);
    expect(rest.map((r) => r.offset)).toEqual(Array.from({ length: 88 }, (_, i) => 12 + i));
    // seekToEnd: nothing more; new records arrive while polling (long poll).
    c.seekToEnd([p0]);
    expect(await c.position(p0)).toBe(100);
    const later = c.poll(3000);
    await producer.send({ topic, messages: [{ partition: 0, value: 'late' }] });
    const got = await later;
    expect(got.map((r) => [r.offset, str(r.value)])).toEqual([[100, 'late']]);
  });

  it('auto.offset.reset: latest by default, earliest, and none (NoOffsetForPartition, OFFSET_OUT_OF_RANGE)', async () => {
    const topic = 'cons-reset';
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `old${i}` })) });
    const tp = { topic, partition: 0 };

    const latest = newConsumer();
    latest.assign([tp]);
    expect(await latest.position(tp)).toBe(5);
    const earliest = newConsumer({ 'auto.offset.reset': 'earliest' });
    earliest.assign([tp]);
    expect(await earliest.position(tp)).toBe(0);
    await producer.send({ topic, messages: [{ value: 'new' }] });
    expect((await readN(latest, 1)).map((r) => str(r.value))).toEqual(['new']);
    expect((await readN(earliest, 6)).map((r) => str(r.value))).toEqual(['old0', 'old1', 'old2', 'old3', 'old4', 'new']);

    const none = newConsumer({ 'auto.offset.reset': 'none', 'group.id': 'cons-reset-none' });
    none.assign([tp]);
    await expect(none.poll(100)).rejects.toMatchObject({ code: 'KTS_ERR_NO_OFFSET_FOR_PARTITION', partitions: [`${topic}-0`] });
    none.seek(tp, 1000);
    await expect(none.poll(2000)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    none.seek(tp, 2);
    expect((await none.poll(2000))[0]!.offset).toBe(2);

    // Out of range with a reset strategy: back to the earliest / latest.
    earliest.seek(tp, 1000);
    expect((await readN(earliest, 1))[0]!.offset).toBe(0);
    latest.seek(tp, 1000);
    expect(await latest.poll(300)).toEqual([]);
    expect(await latest.position(tp)).toBe(6);
  });

  it('a partition of a topic that does not exist yet: poll returns [] on time, then reads once it exists', async () => {
    const topic = 'cons-later';
    const c = newConsumer({ 'auto.offset.reset': 'earliest' });
    c.assign([{ topic, partition: 0 }]);
    const t0 = Date.now();
    expect(await c.poll(300)).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(3000);
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    await producer.send({ topic, messages: [{ value: 'finally' }] });
    expect((await readN(c, 1)).map((r) => str(r.value))).toEqual(['finally']);
  });

  it('offsetsForTimes, beginningOffsets, endOffsets', async () => {
    const topic = 'cons-times';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const base = Date.now() - 50_000;
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `t${i}`, timestamp: String(base + i * 1000) })) });
    const c = newConsumer();
    const p0 = { topic, partition: 0 };
    const p1 = { topic, partition: 1 };
    expect(await c.beginningOffsets([p0, p1])).toEqual(new Map([[`${topic}-0`, 0], [`${topic}-1`, 0]]));
    expect(await c.endOffsets([p0, p1])).toEqual(new Map([[`${topic}-0`, 10], [`${topic}-1`, 0]]));
    const r = await c.offsetsForTimes([
      { ...p0, timestamp: base + 3500 },
      { ...p1, timestamp: base },
    ]);
    expect(r.get(`${topic}-0`)).toEqual({ offset: 4, timestamp: base + 4000 });
    expect(r.get(`${topic}-1`)).toBeNull();
    expect((await c.offsetsForTimes([{ ...p0, timestamp: 0 }])).get(`${topic}-0`)).toEqual({ offset: 0, timestamp: base });
    expect((await c.offsetsForTimes([{ ...p0, timestamp: base + 99_000 }])).get(`${topic}-0`)).toBeNull();
  });

  it('skips control batches and advances past them', async () => {
    const topic = 'cons-control';
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    // Clients may not produce control batches (INVALID_RECORD): append to the broker's log directly, as a transaction coordinator would.
    const log = broker.context.logManager.getLog({ topic, partition: 0 })!;
    const produce = async (batch: Buffer) => void log.append(batch, { allowControlBatches: true });
    const marker = Buffer.from([0, 0, 0, 1]); // ControlRecordType COMMIT, version 0
    await produce(encodeRecordBatchSync({ records: [{ value: 'r0' }, { value: 'r1' }] }));
    await produce(encodeRecordBatchSync({ isControl: true, isTransactional: true, producerId: 7, producerEpoch: 0, records: [{ key: marker, value: Buffer.from([0, 0, 0, 0, 0, 0]) }] }));
    await produce(encodeRecordBatchSync({ records: [{ value: 'r3' }] }));
    const c = newConsumer({ 'auto.offset.reset': 'earliest' });
    const tp = { topic, partition: 0 };
    c.assign([tp]);
    const got = await readN(c, 3);
    expect(got.map((r) => [r.offset, str(r.value)])).toEqual([[0, 'r0'], [1, 'r1'], [3, 'r3']]);
    expect(await c.position(tp)).toBe(4);
    // Seeking onto a control batch reads from the next record; a control batch at the end moves the position past it.
    c.seek(tp, 2);
    expect((await c.poll(2000)).map((r) => r.offset)).toEqual([3]);
    await produce(encodeRecordBatchSync({ isControl: true, isTransactional: true, producerId: 7, producerEpoch: 0, records: [{ key: marker, value: Buffer.from([0, 0, 0, 0, 0, 0]) }] }));
    expect(await c.poll(300)).toEqual([]);
    expect(await c.position(tp)).toBe(5);
  });
});
