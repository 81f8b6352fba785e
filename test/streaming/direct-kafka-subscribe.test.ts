/**
 * The Direct Kafka stream with ConsumerStrategies.Subscribe on the real broker: reads the group's
 * partitions, picks up partitions added to the topic, and fails a batch with Spark's message when
 * a rebalance revokes partitions (another consumer joined the same group).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { AdminClient, KafkaConsumer, KafkaProducer } from '../../client/index.js';
import { ManualClock, StreamingContext } from '../../streaming-kafka/index.js';
import { ConsumerStrategies, KafkaUtils, offsetRangesOf, type OffsetRange } from '../../streaming-kafka/kafka/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { createTopics, kafkajs } from '../client/consumer-helpers.js';
import { memoryLogger } from './helpers.js';

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

function subscribeApp(topic: string, group: string) {
  const clock = new ManualClock();
  const logger = memoryLogger();
  const ssc = new StreamingContext({ batchDurationMs: 1000, clock, logger, stopOnShutdown: false });
  contexts.push(ssc);
  const params = { 'bootstrap.servers': broker.bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest', 'fetch.max.wait.ms': 50, 'metadata.max.age.ms': 200, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 };
  const stream = KafkaUtils.createDirectStream(ssc, { consumerStrategy: ConsumerStrategies.Subscribe([topic], params) });
  const ranges: OffsetRange[][] = [];
  stream.foreachRDD((d) => void ranges.push(offsetRangesOf(d)));
  const next = async (): Promise<void> => {
    clock.advance(1000);
    await ssc.scheduler.jobGenerator.waitForProcessed(clock.getTimeMillis());
  };
  return { ssc, stream, ranges, next, logger };
}

describe('Direct Kafka stream with Subscribe', () => {
  it('reads the partitions the group assigns, from auto.offset.reset', async () => {
    const topic = 'sub-read';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await producer.send({ topic, messages: [0, 1, 0, 1].map((p) => ({ partition: p, value: 'x' })) });
    const { ssc, ranges, next } = subscribeApp(topic, 'sub-read-g');
    await ssc.start();
    await next();
    await producer.send({ topic, messages: [{ partition: 1, value: 'y' }] });
    await next();
    expect(ranges.map((rs) => rs.map((r) => [r.partition, r.fromOffset, r.untilOffset]))).toEqual([
      [[0, 0, 2], [1, 0, 2]],
      [[0, 2, 2], [1, 2, 3]],
    ]);
  });

  it('picks up partitions added to a subscribed topic (createPartitions), from auto.offset.reset', async () => {
    const topic = 'sub-grow';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await producer.send({ topic, messages: [0, 1, 1].map((p) => ({ partition: p, value: 'x' })) });
    const { ssc, ranges, next, logger } = subscribeApp(topic, 'sub-grow-g');
    await ssc.start();
    await next();
    expect(ranges.map((rs) => rs.map((r) => [r.partition, r.fromOffset, r.untilOffset]))).toEqual([[[0, 0, 1], [1, 0, 2]]]);

    const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
    try {
      await admin.createPartitions({ [topic]: 3 });
    } finally {
      await admin.close();
    }
    const writer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap });
    try {
      for (const partition of [2, 2, 0]) await writer.send({ topic, partition, value: 'y' });
    } finally {
      await writer.close();
    }
    // metadata.max.age.ms is 200: the driver consumer's group rejoins within a few batches.
    const grown = Date.now();
    while (!ranges[ranges.length - 1]!.some((r) => r.partition === 2) && Date.now() - grown < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      await next();
    }
    expect(Date.now() - grown).toBeLessThan(5000);
    // Every record exactly once over all batches: partition 2 from offset 0 (earliest), the others continue.
    const covered = new Map<number, [number, number][]>();
    for (const rs of ranges) for (const r of rs) if (r.untilOffset > r.fromOffset) covered.set(r.partition, [...(covered.get(r.partition) ?? []), [r.fromOffset, r.untilOffset]]);
    expect(new Map([...covered].sort())).toEqual(
      new Map([
        [0, [[0, 1], [1, 2]]],
        [1, [[0, 2]]],
        [2, [[0, 2]]],
      ]),
    );
    expect(ranges[ranges.length - 1]!.map((r) => r.partition)).toEqual([0, 1, 2]);
    // The rebalance did not fail a batch (no revoked-partitions error while it was in progress).
    expect(logger.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  });

  it("a rebalance that revokes partitions fails the batch with Spark's message", async () => {
    const topic = 'sub-revoke';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const { ssc, next } = subscribeApp(topic, 'sub-revoke-g');
    const failure = ssc.awaitTermination().then(
      () => undefined,
      (e: Error) => e,
    );
    await ssc.start();
    await next();
    const other = new KafkaConsumer({ 'bootstrap.servers': broker.bootstrap, 'group.id': 'sub-revoke-g', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 });
    other.subscribe([topic]);
    let err: Error | undefined;
    const t0 = Date.now();
    const racing = failure.then((e) => (err = e));
    while (!err && Date.now() - t0 < 20_000) {
      await other.poll(100);
      await next();
    }
    await racing;
    await other.close();
    expect(err?.message).toMatch(
      /^Previously tracked partitions \[sub-revoke-\d(, sub-revoke-\d)?\] been revoked by Kafka because of consumer rebalance\. This is mostly due to another stream with same group id joined, please check if there're different streaming application misconfigure to use same group id\. Fundamentally different stream should use different group id$/,
    );
  });
});
