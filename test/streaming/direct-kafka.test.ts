/**
 * The Direct Kafka stream on the real in-process broker: each batch reads exactly its offset ranges
 * [fromOffset, untilOffset) per partition (one BatchData partition per Kafka partition), rate limits
 * by Spark's formula, HasOffsetRanges, commitAsync, and recovery from the checkpointed ranges.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import type { ConsumerRecord } from '../../client/index.js';
import { AdminClient, KafkaConsumer } from '../../client/index.js';
import { ManualClock, StreamingConf, StreamingContext, type BatchInfo } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, LocationStrategies, OffsetRange, maxMessagesPerPartition, offsetRangesOf } from '../../streaming-kafka/kafka/index.js';
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

async function produce(topic: string, partitions: number, perPartition: number, tag = ''): Promise<void> {
  const messages = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) messages.push({ partition: p, value: `${tag}p${p}-${i}` });
  await producer.send({ topic, messages });
}

interface Batch {
  time: number;
  ranges: OffsetRange[];
  partitions: { partition: number; offsets: number[] }[];
}

function app(topic: string, partitions: number, clock: ManualClock, conf: Record<string, number | boolean> = {}, dir?: string) {
  const logger = memoryLogger();
  const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger, conf, stopOnShutdown: false });
  contexts.push(ssc);
  if (dir) ssc.checkpoint(dir);
  const params = { 'bootstrap.servers': broker.bootstrap, 'group.id': `g-${topic}`, 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50 };
  const stream = KafkaUtils.createDirectStream(ssc, {
    locationStrategy: LocationStrategies.PreferConsistent,
    consumerStrategy: ConsumerStrategies.Assign(
      Array.from({ length: partitions }, (_, p) => ({ topic, partition: p })),
      params,
    ),
  });
  const batches: Batch[] = [];
  const infos: BatchInfo[] = [];
  ssc.addStreamingListener({ onBatchCompleted: (e) => void infos.push(e.batchInfo) });
  stream.foreachRDD((data, time) => {
    batches.push({
      time,
      ranges: offsetRangesOf(data),
      partitions: data.partitions.map((p, i) => ({ partition: i, offsets: (p as ConsumerRecord[]).map((r) => r.offset) })),
    });
  });
  return { ssc, stream, batches, infos, logger };
}

async function stepTo(ssc: StreamingContext, clock: ManualClock, toMs: number): Promise<void> {
  while (clock.getTimeMillis() < toMs) {
    clock.setTime((Math.floor(clock.getTimeMillis() / 1000) + 1) * 1000);
    await ssc.scheduler.jobGenerator.waitForProcessed(clock.getTimeMillis());
  }
}

/** The ranges of all batches tile [0, end) of every partition with no gap and no overlap. */
function expectTiling(ranges: OffsetRange[], partitions: number, end: number): void {
  for (let p = 0; p < partitions; p++) {
    const rs = ranges.filter((r) => r.partition === p && r.count() > 0).sort((a, b) => a.fromOffset - b.fromOffset);
    let next = 0;
    for (const r of rs) {
      expect(r.fromOffset).toBe(next);
      next = r.untilOffset;
    }
    expect(next).toBe(end);
  }
}

describe('Direct Kafka stream', () => {
  it('reads exactly [fromOffset, untilOffset) per partition, one batch partition per Kafka partition, bounded by maxRatePerPartition', async () => {
    const topic = 'direct-rate';
    await createTopics(kafka, [{ topic, numPartitions: 3 }]);
    await produce(topic, 3, 25);
    const clock = new ManualClock();
    const { ssc, batches, infos } = app(topic, 3, clock, { 'spark.streaming.kafka.maxRatePerPartition': 10 });
    await ssc.start();
    await stepTo(ssc, clock, 4000);
    expect(batches.map((b) => b.ranges.map((r) => [r.partition, r.fromOffset, r.untilOffset]))).toEqual([
      [[0, 0, 10], [1, 0, 10], [2, 0, 10]],
      [[0, 10, 20], [1, 10, 20], [2, 10, 20]],
      [[0, 20, 25], [1, 20, 25], [2, 20, 25]],
      [[0, 25, 25], [1, 25, 25], [2, 25, 25]],
    ]);
    for (const b of batches) {
      expect(b.partitions.length).toBe(3);
      b.ranges.forEach((r, i) => expect(b.partitions[i]!.offsets).toEqual(Array.from({ length: r.count() }, (_, k) => r.fromOffset + k)));
    }
    expect(infos.map((i) => i.numRecords)).toEqual([30, 30, 15, 0]);
    const meta = [...infos[0]!.streamIdToInputInfo.values()][0]!.metadata;
    expect(meta.Description).toBe('topic: direct-rate\tpartition: 0\toffsets: 0 to 10\tcount: 10\ntopic: direct-rate\tpartition: 1\toffsets: 0 to 10\tcount: 10\ntopic: direct-rate\tpartition: 2\toffsets: 0 to 10\tcount: 10');
  });

  it('without a rate limit a batch takes everything up to the latest offsets; new records go to the next batch', async () => {
    const topic = 'direct-all';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produce(topic, 2, 7);
    const clock = new ManualClock();
    const { ssc, batches } = app(topic, 2, clock);
    await ssc.start();
    await stepTo(ssc, clock, 1000);
    await produce(topic, 2, 3, 'second-');
    await stepTo(ssc, clock, 2000);
    expect(batches.map((b) => b.ranges.map((r) => r.toString()))).toEqual([
      ["OffsetRange(topic: 'direct-all', partition: 0, range: [0 -> 7])", "OffsetRange(topic: 'direct-all', partition: 1, range: [0 -> 7])"],
      ["OffsetRange(topic: 'direct-all', partition: 0, range: [7 -> 10])", "OffsetRange(topic: 'direct-all', partition: 1, range: [7 -> 10])"],
    ]);
  });

  it('HasOffsetRanges only on the stream\'s own batches (as Spark)', async () => {
    const topic = 'direct-cast';
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    await produce(topic, 1, 2);
    const clock = new ManualClock();
    const { ssc, stream } = app(topic, 1, clock);
    const errors: string[] = [];
    stream.map((r) => r.offset).foreachRDD((d) => {
      try {
        offsetRangesOf(d);
      } catch (e) {
        errors.push((e as Error).message);
      }
    });
    await ssc.start();
    await stepTo(ssc, clock, 1000);
    expect(errors).toEqual(['BatchData cannot be cast to HasOffsetRanges']);
  });

  it('commitAsync commits the until offsets to the group at the next batch', async () => {
    const topic = 'direct-commit';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produce(topic, 2, 5);
    const clock = new ManualClock();
    const { ssc, stream } = app(topic, 2, clock);
    let committed: Map<string, number> | undefined;
    stream.foreachRDD((d) => stream.commitAsync(offsetRangesOf(d), (err, offsets) => (committed = err ? undefined : offsets)));
    await ssc.start();
    await stepTo(ssc, clock, 2000);
    for (let i = 0; i < 100 && !committed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(committed).toEqual(new Map([[`${topic}-0`, 5], [`${topic}-1`, 5]]));
    const c = new KafkaConsumer({ 'bootstrap.servers': broker.bootstrap, 'group.id': `g-${topic}` });
    const got = await c.committed([{ topic, partition: 0 }, { topic, partition: 1 }]);
    await c.close();
    expect([...got.values()].map((v) => v?.offset)).toEqual([5, 5]);
  });

  it('recovers from the checkpoint: rescheduled batches re-read their checkpointed ranges; ranges tile every partition', async () => {
    const topic = 'direct-recover';
    await createTopics(kafka, [{ topic, numPartitions: 3 }]);
    await produce(topic, 3, 40);
    const dir = tempDir();
    const conf = { 'spark.streaming.kafka.maxRatePerPartition': 4 };
    const clock1 = new ManualClock();
    const run1 = app(topic, 3, clock1, conf, dir);
    await run1.ssc.start();
    await stepTo(run1.ssc, clock1, 3000);
    await run1.ssc.stop();

    const clock2 = new ManualClock(5500);
    let run2!: ReturnType<typeof app>;
    const ssc2 = await StreamingContext.getOrCreate(dir, () => (run2 = app(topic, 3, clock2, conf, dir)).ssc);
    await ssc2.start();
    await ssc2.scheduler.jobGenerator.waitForProcessed(5000);
    expect(run2.logger.lines).toContain('INFO Batches to reschedule (3 batches): 3000 ms, 4000 ms, 5000 ms');
    await stepTo(ssc2, clock2, 10_000);
    // batch 3000 ran twice, with the same ranges (at-least-once output, exactly-once input)
    expect(run2.batches[0]!.time).toBe(3000);
    expect(run2.batches[0]!.ranges).toEqual(run1.batches[2]!.ranges);
    const all = [...run1.batches, ...run2.batches.slice(1)];
    expect(all.map((b) => b.time)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
    expectTiling(all.flatMap((b) => b.ranges), 3, 40);
  });
});

describe('Direct Kafka stream: backpressure', () => {
  it('the first batch after a backlog is bounded by initialRate (split by lag), then by the PID estimate', async () => {
    const topic = 'direct-backpressure';
    await createTopics(kafka, [{ topic, numPartitions: 3 }]);
    await produce(topic, 3, 200);
    const clock = new ManualClock();
    const conf = { 'spark.streaming.backpressure.enabled': true, 'spark.streaming.backpressure.initialRate': 30, 'spark.streaming.backpressure.pid.minRate': 10 };
    const { ssc, stream, batches } = app(topic, 3, clock, conf);
    // each batch "takes" 500 ms of processing time on the manual clock
    stream.foreachRDD(() => clock.advance(500));
    await ssc.start();
    expect(stream.rateController).toBeDefined();
    await stepTo(ssc, clock, 3000);
    const counts = batches.map((b) => b.ranges.map((r) => r.count()));
    expect(counts[0]).toEqual([10, 10, 10]); // initialRate 30/s × 1 s, equal lags
    expect(counts[1]).toEqual([10, 10, 10]); // first estimate only seeds the PID (30 records in 500 ms)
    // then: processing rate 60/s; error 30 − 60 = −30; scheduling delay 0 → new rate 60/s → 20 per partition
    expect(counts[2]).toEqual([20, 20, 20]);
  });
});

describe('Direct Kafka stream: records deleted by retention', () => {
  it('a range below the log start offset fails the batch with an error naming the partition and offsets', async () => {
    const topic = 'direct-deleted';
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    await produce(topic, 1, 20);
    const clock = new ManualClock();
    const { ssc, batches } = app(topic, 1, clock, { 'spark.streaming.kafka.maxRatePerPartition': 5 });
    const failure = ssc.awaitTermination().then(
      () => undefined,
      (e: Error) => e,
    );
    await ssc.start();
    await stepTo(ssc, clock, 1000);
    const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
    await admin.deleteRecords([{ topic, partition: 0, offset: 15 }]);
    await admin.close();
    await stepTo(ssc, clock, 2000);
    const err = await failure;
    expect(batches.length).toBe(1);
    expect(err?.message).toMatch(/^Offsets out of range for direct-deleted-0 \[5, 10\): the records are no longer in the log/);
  });
});

describe("maxMessagesPerPartition (Spark's formula)", () => {
  const tp = (p: number) => ({ topic: 't', partition: p });
  it('no limit without maxRatePerPartition or a rate estimate', () => {
    expect(maxMessagesPerPartition([{ tp: tp(0), current: 0, latest: 100 }], new StreamingConf(), 1000)).toBeUndefined();
  });
  it('maxRatePerPartition × batch seconds, at least minRatePerPartition', () => {
    const conf = new StreamingConf({ 'spark.streaming.kafka.maxRatePerPartition': 3 });
    expect(maxMessagesPerPartition([{ tp: tp(0), current: 0, latest: 100 }], conf, 2500)).toEqual(new Map([['t-0', 7]]));
    expect(maxMessagesPerPartition([{ tp: tp(0), current: 0, latest: 100 }], conf, 100)).toEqual(new Map([['t-0', 1]]));
  });
  it('a rate estimate is split by lag and capped by maxRatePerPartition', () => {
    const conf = new StreamingConf({ 'spark.streaming.kafka.maxRatePerPartition': 50 });
    const offsets = [
      { tp: tp(0), current: 0, latest: 300 },
      { tp: tp(1), current: 0, latest: 100 },
      { tp: tp(2), current: 10, latest: 5 },
    ];
    expect(maxMessagesPerPartition(offsets, conf, 1000, 100)).toEqual(
      new Map([
        ['t-0', 50],
        ['t-1', 25],
        ['t-2', 1],
      ]),
    );
  });
});
