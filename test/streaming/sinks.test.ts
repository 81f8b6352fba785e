/**
 * Exactly-once output helpers: the transactional lmdb sink (results + offsets in one transaction,
 * stored end must equal the batch start; restart from the stored offsets) on the real broker, and
 * the idempotent per-batch file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { ManualClock, StreamingContext, TransactionalLmdbSink, writeBatchFile } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, OffsetRange, offsetRangesOf } from '../../streaming-kafka/kafka/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { createTopics, kafkajs } from '../client/consumer-helpers.js';
import { memoryLogger, tempDir } from './helpers.js';

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const contexts: StreamingContext[] = [];
beforeAll(async () => {
  broker = await startBroker();
  kafka = kafkajs(broker.bootstrap);
  producer = kafka.producer();
  await producer.connect();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.stop();
});
afterAll(async () => {
  await producer?.disconnect();
  await broker?.stop();
});

describe('TransactionalLmdbSink', () => {
  it('commits results with offsets; refuses gaps and partial repeats; skips a batch already committed', async () => {
    const sink = new TransactionalLmdbSink(path.join(tempDir(), 'out.lmdb'));
    expect(await sink.commitBatch(1000, [OffsetRange.create('t', 0, 0, 5)], (tx) => tx.put('a', 5))).toBe('committed');
    expect(sink.storedOffsets()).toEqual(new Map([['t-0', 5]]));
    await expect(sink.commitBatch(2000, [OffsetRange.create('t', 0, 6, 9)], (tx) => tx.put('a', 99))).rejects.toThrow('Offset mismatch for t-0: stored end is 5, batch starts at 6 (offsets 6 to 9)');
    await expect(sink.commitBatch(2000, [OffsetRange.create('t', 0, 3, 9)], (tx) => tx.put('a', 99))).rejects.toThrow('stored end is 5, batch starts at 3');
    expect(await sink.commitBatch(1000, [OffsetRange.create('t', 0, 0, 5)], (tx) => tx.put('a', 99))).toBe('duplicate');
    expect(sink.getResult('a')).toBe(5);
    expect(await sink.commitBatch(2000, [OffsetRange.create('t', 0, 5, 7), OffsetRange.create('t', 1, 0, 0)], (tx) => tx.put('a', (tx.get('a') as number) + 2))).toBe('committed');
    expect(sink.getResult('a')).toBe(7);
    expect(sink.storedOffsets()).toEqual(new Map([['t-0', 7], ['t-1', 0]]));
    await sink.close();
  });

  it('sinks on one path in one process share the lmdb environment: opening one while another commits does not block, and closing one leaves the other usable', async () => {
    const p = path.join(tempDir('sink-shared-'), 'sink.lmdb');
    const a = new TransactionalLmdbSink(p);
    const opened: TransactionalLmdbSink[] = [];
    const t = setInterval(() => {
      const b = new TransactionalLmdbSink(p);
      b.results();
      opened.push(b);
    }, 5);
    try {
      for (let i = 0; i < 100; i++) await a.commitBatch(i, [new OffsetRange('t', 0, i, i + 1)], (tx) => tx.put('x', i));
    } finally {
      clearInterval(t);
    }
    expect(opened.length).toBeGreaterThan(0);
    for (const b of opened) await b.close();
    expect(a.getResult('x')).toBe(99);
    expect(a.storedOffsets().get('t-0')).toBe(100);
    await a.close();
    await a.close(); // idempotent
    const c = new TransactionalLmdbSink(p);
    expect(c.getResult('x')).toBe(99);
    await c.close();
  });

  it('word count over Kafka: a restarted stream continues from the stored offsets; totals are exact', async () => {
    const topic = 'sink-words';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const words = ['alpha', 'beta', 'gamma', 'beta'];
    const messages = Array.from({ length: 60 }, (_, i) => ({ partition: i % 2, value: `${words[i % 4]} ${words[(i + 1) % 4]}` }));
    await producer.send({ topic, messages });
    const expected = new Map<string, number>();
    for (const m of messages) for (const w of m.value.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
    const sinkPath = path.join(tempDir(), 'results.lmdb');

    async function runOnce(batches: number): Promise<void> {
      const sink = new TransactionalLmdbSink(sinkPath);
      const clock = new ManualClock();
      const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger: memoryLogger(), stopOnShutdown: false, conf: { 'spark.streaming.kafka.maxRatePerPartition': 7 } });
      contexts.push(ssc);
      const params = { 'bootstrap.servers': broker.bootstrap, 'group.id': 'sink', 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 };
      const stream = KafkaUtils.createDirectStream(ssc, {
        consumerStrategy: ConsumerStrategies.Assign([{ topic, partition: 0 }, { topic, partition: 1 }], params, sink.storedOffsets()),
      });
      stream.foreachRDD(async (data, time) => {
        const ranges = offsetRangesOf(data);
        const counts = data
          .flatMap((r) => r.value!.toString().split(/\s+/))
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b)
          .collect();
        await sink.commitBatch(time, ranges, (tx) => {
          for (const [w, n] of counts) tx.put(w, ((tx.get(w) as number | undefined) ?? 0) + n);
        });
      });
      await ssc.start();
      for (let i = 0; i < batches; i++) {
        clock.advance(1000);
        await ssc.scheduler.jobGenerator.waitForProcessed(clock.getTimeMillis());
      }
      await ssc.stop();
      await sink.close();
    }
    await runOnce(2); // 2 × 7 per partition
    const sink = new TransactionalLmdbSink(sinkPath);
    expect(sink.storedOffsets()).toEqual(new Map([[`${topic}-0`, 14], [`${topic}-1`, 14]]));
    await sink.close();
    await runOnce(4); // the rest: 16 per partition
    const done = new TransactionalLmdbSink(sinkPath);
    expect(done.storedOffsets()).toEqual(new Map([[`${topic}-0`, 30], [`${topic}-1`, 30]]));
    expect(done.results()).toEqual(new Map([...expected].sort()));
    await done.close();
  });
});

describe('writeBatchFile (idempotent output)', () => {
  it('writes batch-<t>.json atomically; writing the same batch again leaves one identical file', () => {
    const dir = tempDir();
    const ranges = [OffsetRange.create('t', 0, 0, 3)];
    const f1 = writeBatchFile(dir, 5000, ranges, { counts: { a: 3 } });
    const first = fs.readFileSync(f1, 'utf8');
    const f2 = writeBatchFile(dir, 5000, ranges, { counts: { a: 3 } });
    expect(f2).toBe(f1);
    expect(fs.readdirSync(dir)).toEqual(['batch-5000.json']);
    expect(fs.readFileSync(f2, 'utf8')).toBe(first);
    expect(JSON.parse(first)).toEqual({ batchTime: 5000, offsetRanges: [{ topic: 't', partition: 0, fromOffset: 0, untilOffset: 3 }], counts: { a: 3 } });
  });
});
