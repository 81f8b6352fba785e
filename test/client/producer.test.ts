/**
 * KafkaProducer against the real broker (in-process, over TCP): every codec with keys, values,
 * headers and timestamps read back by kafkajs, kcat and kafka-python; idempotent batches in the log;
 * batching with linger.ms; acks 0/1; buffer.memory full (send waits, then BufferExhaustedError after
 * max.block.ms); records over max.request.size; config rules of idempotence; LogAppendTime; close.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { KafkaProducer, type ProducerRecord } from '../../client/producer/index.js';
import { decompress, type CompressionName } from '../../client/records/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { kcatOk, missing, PYTHON, runProcess, storedBatches, unique } from '../interop/clients.js';

const require = createRequire(import.meta.url);
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy');
const LZ4Codec = require('kafkajs-lz4');
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;
// kafkajs has no zstd codec of its own: decompress with ours (kcat checks zstd independently).
CompressionCodecs[CompressionTypes.ZSTD] = () => ({ compress: () => Promise.reject(new Error('unused')), decompress: (b: Buffer) => decompress(4, b, 64 << 20) });

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker({ 'num.partitions': 2 });
});
afterAll(async () => {
  await broker?.stop();
});

const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const T0 = 1_700_000_000_000;

/** The records of one codec's topic: string/Buffer/null keys and values, both header forms, explicit timestamps. */
function recordsFor(topic: string): ProducerRecord[] {
  return Array.from({ length: 60 }, (_, i) => ({
    topic,
    key: i % 3 === 0 ? null : i % 3 === 1 ? `k${i}` : Buffer.from([0, 1, 2, i]),
    value: i === 7 ? null : i % 2 === 0 ? `value ${i} ${'é'.repeat(i)}` : Buffer.alloc(i * 10, i),
    headers: i % 2 === 0 ? { h1: `a${i}`, h2: Buffer.from([i]) } : [['dup', 'x'], ['dup', `y${i}`]],
    timestamp: T0 + i,
  }));
}

function hex(b: Buffer | string | null | undefined): string | null {
  if (b == null) return null;
  return (typeof b === 'string' ? Buffer.from(b) : b).toString('hex');
}

/** What a reader should see for record i: key, value and headers as hex, timestamp. */
function expected(r: ProducerRecord) {
  const headers = Array.isArray(r.headers) ? r.headers.map(([k, v]) => [k, hex(v)]) : Object.entries(r.headers ?? {}).map(([k, v]) => [k, hex(v)]);
  return { key: hex(r.key), value: hex(r.value), headers, timestamp: r.timestamp };
}

describe('our producer writes, other clients read', () => {
  const topics = Object.fromEntries(CODECS.map((c) => [c, unique(`prod-${c}`)])) as Record<CompressionName, string>;
  const sent = new Map<string, { record: ProducerRecord; partition: number; offset: number }[]>();

  beforeAll(async () => {
    for (const codec of CODECS) {
      const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'compression.type': codec, 'linger.ms': 5 });
      const records = recordsFor(topics[codec]);
      const metas = await Promise.all(records.map((r) => producer.send(r)));
      await producer.close();
      metas.forEach((m, i) => {
        expect(m.topic).toBe(topics[codec]);
        expect(m.timestamp).toBe(T0 + i);
      });
      sent.set(codec, records.map((record, i) => ({ record, partition: metas[i]!.partition, offset: metas[i]!.offset })));
    }
  });

  it('stores idempotent, compressed batches whose offsets match the RecordMetadata', async () => {
    for (const codec of CODECS) {
      for (const partition of [0, 1]) {
        const batches = await storedBatches(broker.logDir, topics[codec], partition);
        const mine = sent.get(codec)!.filter((s) => s.partition === partition);
        expect(batches.flatMap((b) => b.records.map((r) => r.offset))).toEqual(mine.map((s) => s.offset));
        for (const b of batches) {
          expect(b.magic).toBe(2);
          if (b.magic !== 2) continue;
          expect(b.compression).toBe(CODECS.indexOf(codec));
          expect(b.producerId).toBeGreaterThanOrEqual(0);
          expect(b.baseSequence).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it('kafkajs reads every record (key, value, headers, timestamp) of every codec', async () => {
    const kafka = new Kafka({ clientId: 'prod-test-kjs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: unique('prod-kjs'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: Object.values(topics), fromBeginning: true });
      const got = new Map<string, any[]>();
      let count = 0;
      const total = CODECS.length * 60;
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ topic, partition, message }) => {
              const list = got.get(topic) ?? [];
              got.set(topic, list);
              list.push({ partition, offset: Number(message.offset), key: hex(message.key), value: hex(message.value), headers: Object.entries(message.headers ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, hex(x as Buffer)]) : [[k, hex(v as Buffer)]])), timestamp: Number(message.timestamp) });
              if (++count === total) resolve();
            },
          })
          .catch(reject);
      });
      for (const codec of CODECS) {
        const byPos = new Map(got.get(topics[codec])!.map((m) => [`${m.partition}:${m.offset}`, m]));
        for (const s of sent.get(codec)!) {
          const m = byPos.get(`${s.partition}:${s.offset}`);
          expect(m, `${codec} ${s.partition}:${s.offset}`).toBeDefined();
          expect({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp }).toEqual(expected(s.record));
        }
      }
    } finally {
      await consumer.disconnect();
    }
  });

  it.skipIf(missing.kcat)(`kcat reads every record of every codec${missing.kcat ? ` (skipped: ${missing.kcat})` : ''}`, async () => {
    for (const codec of CODECS) {
      const out = await kcatOk(broker.bootstrap, ['-C', '-t', topics[codec], '-o', 'beginning', '-e', '-q', '-J'], { timeoutMs: 20_000 });
      const msgs = out.trim().split('\n').map((l) => JSON.parse(l));
      expect(msgs).toHaveLength(60);
      const byPos = new Map(msgs.map((m) => [`${m.partition}:${m.offset}`, m]));
      for (const s of sent.get(codec)!) {
        const m = byPos.get(`${s.partition}:${s.offset}`)!;
        expect(m, `${codec} ${s.partition}:${s.offset}`).toBeDefined();
        expect(m.ts).toBe(s.record.timestamp);
        // kcat prints keys and payloads as text: compare the printable ones.
        if (typeof s.record.value === 'string') expect(m.payload).toBe(s.record.value);
        if (s.record.value === null) expect(m.payload).toBeNull();
        if (typeof s.record.key === 'string') expect(m.key).toBe(s.record.key);
        if (s.record.key === null) expect(m.key).toBeNull();
        const hdrNames = (m.headers as string[]).filter((_, i) => i % 2 === 0);
        expect(hdrNames).toEqual(expected(s.record).headers.map(([k]) => k));
      }
    }
  });

  it.skipIf(missing.kafkaPython)(`kafka-python reads every record (none and gzip: the codecs its Debian package can decode)${missing.kafkaPython ? ` (skipped: ${missing.kafkaPython})` : ''}`, async () => {
    const script = [
      'import json, sys',
      'from kafka import KafkaConsumer, TopicPartition',
      'bootstrap, topic = sys.argv[1], sys.argv[2]',
      'c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=15000, api_version=(2, 5, 0))',
      'tps = [TopicPartition(topic, p) for p in (0, 1)]',
      'c.assign(tps); c.seek_to_beginning(*tps)',
      'h = lambda b: None if b is None else b.hex()',
      'out = []',
      'for m in c:',
      '    out.append(dict(partition=m.partition, offset=m.offset, key=h(m.key), value=h(m.value), headers=[[k, h(v)] for k, v in m.headers], timestamp=m.timestamp))',
      '    if len(out) == 60: break',
      'print(json.dumps(out))',
    ].join('\n');
    for (const codec of ['none', 'gzip'] as const) {
      const r = await runProcess(PYTHON, ['-c', script, broker.bootstrap, topics[codec]], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      const msgs = JSON.parse(r.stdout.trim().split('\n').pop()!) as any[];
      expect(msgs).toHaveLength(60);
      const byPos = new Map(msgs.map((m) => [`${m.partition}:${m.offset}`, m]));
      for (const s of sent.get(codec)!) {
        const m = byPos.get(`${s.partition}:${s.offset}`)!;
        expect({ key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp }).toEqual(expected(s.record));
      }
    }
  });
});

describe('batching, acks, limits and config', () => {
  it('with linger.ms=50 many sends make few batches; with linger.ms=0 and one send at a time, one batch each', async () => {
    const topic = unique('prod-linger');
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'linger.ms': 50 });
    await producer.partitionsFor(topic);
    const before = producer.sender.stats.batchesSent;
    const metas = await Promise.all(Array.from({ length: 1000 }, (_, i) => producer.send({ topic, partition: 0, value: `v${i}` })));
    expect(metas.map((m) => m.offset)).toEqual(metas.map((_, i) => i));
    expect(producer.sender.stats.batchesSent - before).toBeLessThanOrEqual(2);
    expect((await storedBatches(broker.logDir, topic, 0)).length).toBeLessThanOrEqual(2);
    await producer.close();

    const eager = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap });
    for (let i = 0; i < 5; i++) await eager.send({ topic, partition: 1, value: `single ${i}` });
    expect((await storedBatches(broker.logDir, topic, 1)).length).toBe(5);
    await eager.close();
  });

  it('acks=0 gives offset -1; acks=1 works without idempotence; explicit idempotence with acks=1 is a ConfigError', async () => {
    const topic = unique('prod-acks');
    const p0 = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, acks: 0 });
    const m0 = await p0.send({ topic, partition: 0, value: 'fire and forget' });
    expect(m0.offset).toBe(-1);
    await p0.close();
    const p1 = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, acks: '1' });
    const m1 = await p1.send({ topic, partition: 0, value: 'acked by the leader' });
    expect(m1.offset).toBe(1);
    expect(p1.producerIdAndEpoch.producerId).toBe(-1);
    await p1.close();
    expect(() => new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, acks: 1, 'enable.idempotence': true })).toThrow(expect.objectContaining({ code: 'KTS_ERR_CLIENT_CONFIG', key: 'acks' }));
    expect(() => new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'compression.type': 'brotli' })).toThrow(expect.objectContaining({ key: 'compression.type' }));
    expect(() => new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'delivery.timeout.ms': 1000 })).toThrow(expect.objectContaining({ key: 'delivery.timeout.ms' }));
  });

  it('idempotence: a sequence gap is refused with OUT_OF_ORDER_SEQUENCE_NUMBER, the epoch is bumped (KIP-360) and later sends go through', async () => {
    const topic = unique('prod-oos');
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap });
    expect((await producer.send({ topic, partition: 0, value: 'a' })).offset).toBe(0);
    const { producerId, epoch } = producer.producerIdAndEpoch;
    expect(producerId).toBeGreaterThanOrEqual(0);
    // Open a gap in partition 0's sequences, as if a batch had been lost.
    (producer as any).txn.partitions.get(`${topic}\u00000`).nextSequence += 3;
    await expect(producer.send({ topic, partition: 0, value: 'b' })).rejects.toMatchObject({ errorName: 'OUT_OF_ORDER_SEQUENCE_NUMBER', errorCode: 45 });
    expect((await producer.send({ topic, partition: 0, value: 'c' })).offset).toBe(1);
    expect(producer.producerIdAndEpoch).toEqual({ producerId, epoch: epoch + 1 });
    expect(producer.sender.stats.epochBumps).toBe(1);
    await producer.close();
  });

  it('a record over max.request.size fails with MESSAGE_TOO_LARGE; a bad partition with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = unique('prod-large');
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'max.request.size': 1000 });
    await expect(producer.send({ topic, value: Buffer.alloc(2000) })).rejects.toMatchObject({ errorName: 'MESSAGE_TOO_LARGE', errorCode: 10 });
    await expect(producer.send({ topic, partition: 5, value: 'x' })).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect((await producer.send({ topic, value: Buffer.alloc(800) })).offset).toBe(0);
    await producer.close();
    await expect(producer.send({ topic, value: 'late' })).rejects.toMatchObject({ code: 'KTS_ERR_PRODUCER_CLOSED' });
  });

  it('buffer.memory full: send waits, fails after max.block.ms, and goes through once memory is freed', async () => {
    const topic = unique('prod-memory');
    // linger.ms keeps batches in the accumulator, so the memory stays taken until flush().
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'buffer.memory': 4000, 'batch.size': 100000, 'linger.ms': 60000, 'max.block.ms': 300 });
    await producer.partitionsFor(topic);
    const value = Buffer.alloc(900);
    const first = [0, 1, 2, 3].map(() => producer.send({ topic, partition: 0, value }));
    const t0 = Date.now();
    await expect(producer.send({ topic, partition: 0, value })).rejects.toMatchObject({ code: 'KTS_ERR_BUFFER_EXHAUSTED' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    const waiting = producer.send({ topic, partition: 0, value: 'waits for memory' });
    await producer.flush();
    expect((await Promise.all(first)).map((m) => m.offset)).toEqual([0, 1, 2, 3]);
    const last = producer.flush();
    expect((await waiting).offset).toBe(4);
    await last;
    await producer.close();
  });

  it('a missing topic without auto-creation fails after max.block.ms', async () => {
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'allow.auto.create.topics': false, 'max.block.ms': 300 });
    await expect(producer.send({ topic: unique('prod-missing'), value: 'x' })).rejects.toMatchObject({ code: 'KTS_ERR_TIMEOUT' });
    await producer.close();
  });

  it('close({ timeoutMs: 0 }) fails buffered records at once', async () => {
    const topic = unique('prod-force');
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'linger.ms': 60000 });
    await producer.partitionsFor(topic);
    const pending = producer.send({ topic, value: 'never sent' });
    await producer.close({ timeoutMs: 0 });
    await expect(pending).rejects.toMatchObject({ code: 'KTS_ERR_PRODUCER_CLOSED' });
    expect(producer.sender.stats.produceRequests).toBe(0);
  });

  it('a burst grows batches past batch.size; a batch the topic refuses as too large is split and every record lands once, in order', async () => {
    const topic = unique('prod-split');
    const kafka = new Kafka({ clientId: 'prod-test-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '60000' }] }] });
    await admin.disconnect();
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap });
    await producer.partitionsFor(topic);
    const value = Buffer.alloc(100, 7);
    const N = 5000;
    const metas = await Promise.all(Array.from({ length: N }, (_, i) => producer.send({ topic, key: `k${i}`, value, headers: i % 1000 === 0 ? { i: String(i) } : undefined })));
    expect(metas.map((m) => m.offset)).toEqual(metas.map((_, i) => i));
    expect(producer.sender.stats.splits).toBeGreaterThan(0);
    const batches = await storedBatches(broker.logDir, topic, 0);
    expect(batches.flatMap((b) => b.records.map((r) => r.key!.toString()))).toEqual(metas.map((_, i) => `k${i}`));
    const all = batches.flatMap((b) => b.records);
    expect(all[1000]!.headers).toEqual([{ key: 'i', value: Buffer.from('1000') }]);
    expect(all[1001]!.headers).toEqual([]);
    expect(Math.max(...batches.map((b) => b.sizeInBytes))).toBeLessThanOrEqual(60000);
    // Later bursts keep to batch.size on this topic: no more splits.
    const splits = producer.sender.stats.splits;
    await Promise.all(Array.from({ length: N }, () => producer.send({ topic, value })));
    expect(producer.sender.stats.splits).toBe(splits);
    await producer.close();
  });

  it('LogAppendTime topics report the broker time; close() sends what is buffered', async () => {
    const topic = unique('prod-lat');
    const kafka = new Kafka({ clientId: 'prod-test-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }] });
    await admin.disconnect();
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'linger.ms': 10000 });
    const before = Date.now();
    const m = producer.send({ topic, value: 'x', timestamp: 1000 });
    await producer.close();
    const meta = await m;
    expect(meta.timestamp).toBeGreaterThanOrEqual(before - 1);
    expect(meta.offset).toBe(0);
  });
});
