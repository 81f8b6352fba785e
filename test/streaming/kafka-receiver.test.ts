/**
 * The Receiver-based Kafka stream (KafkaUtils.createStream, Spark's kafka-0-8 KafkaInputDStream)
 * on the real in-process broker and the embedded coordination store, on wall-clock time:
 * - with the write-ahead log (ReliableKafkaReceiver): every record arrives, blocks carry their Kafka
 *   offsets, the group's offsets nodes hold the next offset to read once the blocks are stored, and
 *   a new context continues from them;
 * - without it (KafkaReceiver): every record arrives and the group auto-commits;
 * - two unioned streams of one group share the partitions (Kafka 0.8 range assignment over threads);
 * - receiver events, the createStream forms and their errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka, Producer } from 'kafkajs';
import { StreamingContext, blockInfosOf, type ReceiverInfo } from '../../streaming-kafka/index.js';
import { KafkaUtils, type KafkaBlockMetadata, type KafkaPair } from '../../streaming-kafka/kafka/index.js';
import { EmbeddedCoordinationStore } from '../../streaming-kafka/zk/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { createTopics, kafkajs, waitFor } from '../client/consumer-helpers.js';
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
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) messages.push({ partition: p, key: `k${p}`, value: `${tag}p${p}-${i}` });
  await producer.send({ topic, messages });
}

interface Received {
  values: string[];
  blocks: { topic: string; partition: number; fromOffset: number; untilOffset: number }[];
}

function receiverApp(topic: string, work: string, options: { wal: boolean; threads?: number; group?: string; streams?: number }) {
  const logger = memoryLogger();
  const ssc = new StreamingContext({ batchDurationMs: 200, logger, conf: { 'spark.streaming.receiver.writeAheadLog.enable': options.wal, 'spark.streaming.blockInterval': 50 }, stopOnShutdown: false });
  contexts.push(ssc);
  ssc.checkpoint(path.join(work, 'cp'));
  const params = { 'zookeeper.connect': path.join(work, 'zk'), 'group.id': options.group ?? `g-${topic}`, 'bootstrap.servers': broker.bootstrap, 'auto.offset.reset': 'smallest', 'zookeeper.session.timeout.ms': 3000 };
  const streams = Array.from({ length: options.streams ?? 1 }, () => KafkaUtils.createStream(ssc, params, { [topic]: options.threads ?? 1 }));
  const got: Received = { values: [], blocks: [] };
  for (const s of streams) {
    s.foreachRDD((data) => {
      for (const b of blockInfosOf(data)) got.blocks.push(...((b.metadata as KafkaBlockMetadata | undefined)?.ranges ?? []));
      for (const [, v] of data.collect() as KafkaPair[]) got.values.push(v!);
    });
  }
  const events: string[] = [];
  const infos: ReceiverInfo[] = [];
  ssc.addStreamingListener({
    onReceiverStarted: ({ receiverInfo }) => {
      events.push('started');
      infos.push(receiverInfo);
    },
    onReceiverError: ({ receiverInfo }) => events.push(`error: ${receiverInfo.lastErrorMessage}`),
    onReceiverStopped: () => events.push('stopped'),
  });
  return { ssc, got, logger, events, infos, streams };
}

/** The group's committed offsets (next offset to read), by partition, read from the embedded store. */
async function committedOffsets(work: string, group: string, topic: string, partitions: number): Promise<(number | null)[]> {
  const store = await EmbeddedCoordinationStore.connect(path.join(work, 'zk'), { sessionTimeoutMs: 3000 });
  try {
    const out: (number | null)[] = [];
    for (let p = 0; p < partitions; p++) {
      const s = await store.exists(`/consumers/${group}/offsets/${topic}/${p}`);
      out.push(s ? Number((await store.getData(`/consumers/${group}/offsets/${topic}/${p}`)).data.toString()) : null);
    }
    return out;
  } finally {
    await store.close();
  }
}

describe('KafkaUtils.createStream (Receiver-based Kafka stream)', () => {
  it('with the write-ahead log: every record once, blocks carry offsets, offsets committed as the next offset to read, a restart continues from them', async () => {
    const topic = 'recv-wal';
    await createTopics(kafka, [{ topic, numPartitions: 3 }]);
    await produce(topic, 3, 500);
    const work = tempDir('recv-wal-');
    const a = receiverApp(topic, work, { wal: true, threads: 2 });
    expect(a.streams[0]!.name).toMatch(/^Kafka stream \[\d+\]$/);
    await a.ssc.start();
    await waitFor('1500 records', () => a.got.values.length >= 1500, 20_000);
    // the offsets of stored blocks are committed (next offset to read)
    await waitFor('offsets committed', async () => (await committedOffsets(work, `g-${topic}`, topic, 3)).every((o) => o === 500), 10_000);
    await a.ssc.stop();
    expect(a.got.values.length).toBe(1500);
    expect(new Set(a.got.values).size).toBe(1500);
    // blocks' ranges tile each partition
    for (let p = 0; p < 3; p++) {
      const rs = a.got.blocks.filter((b) => b.partition === p).sort((x, y) => x.fromOffset - y.fromOffset);
      let next = 0;
      for (const r of rs) {
        expect(r.fromOffset).toBe(next);
        next = r.untilOffset;
      }
      expect(next).toBe(500);
    }
    expect(a.events[0]).toBe('started');
    expect(a.events).toContain('stopped');
    expect(a.infos[0]!.name).toMatch(/^KafkaReceiver|ReliableKafkaReceiver|Kafka receiver/);
    expect(a.logger.lines.join('\n')).not.toMatch(/auto\.commit\.enable should be set to false/);

    // a new application of the same group continues from the committed offsets
    await produce(topic, 3, 100, 'second-');
    const b = receiverApp(topic, tempDirSameStore(work), { wal: true });
    await b.ssc.start();
    await waitFor('300 new records', () => b.got.values.length >= 300, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    await b.ssc.stop();
    expect(b.got.values.length).toBe(300);
    expect(b.got.values.every((v) => v.startsWith('second-'))).toBe(true);
  }, 60_000);

  it('without the write-ahead log: every record once, offsets auto-committed by the group', async () => {
    const topic = 'recv-nowal';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produce(topic, 2, 400);
    const work = tempDir('recv-nowal-');
    const logger = memoryLogger();
    const ssc = new StreamingContext({ batchDurationMs: 200, logger, conf: { 'spark.streaming.blockInterval': 50 }, stopOnShutdown: false });
    contexts.push(ssc);
    const s = KafkaUtils.createStream(ssc, { 'zookeeper.connect': path.join(work, 'zk'), 'group.id': 'g-nowal', 'bootstrap.servers': broker.bootstrap, 'auto.offset.reset': 'smallest', 'auto.commit.interval.ms': 100 }, { [topic]: 1 });
    const values: string[] = [];
    s.foreachRDD((d) => {
      for (const [, v] of d.collect()) values.push(v!);
    });
    await ssc.start();
    await waitFor('800 records', () => values.length >= 800, 20_000);
    await waitFor('auto-commit', async () => (await committedOffsets(work, 'g-nowal', topic, 2)).every((o) => o === 400), 10_000);
    await ssc.stop();
    expect(values.length).toBe(800);
  }, 60_000);

  it('two unioned streams of one group split the partitions between their receivers (range assignment) and read everything once', async () => {
    const topic = 'recv-union';
    await createTopics(kafka, [{ topic, numPartitions: 4 }]);
    await produce(topic, 4, 200);
    const work = tempDir('recv-union-');
    const a = receiverApp(topic, work, { wal: true, streams: 2, group: 'g-union' });
    await a.ssc.start();
    await waitFor('800 records', () => a.got.values.length >= 800, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    await a.ssc.stop();
    expect(a.got.values.length).toBe(800);
    expect(new Set(a.got.values).size).toBe(800);
    expect(a.infos.length).toBe(2);
  }, 60_000);

  it('createStream forms: the short form names Kafka 0.8 parameters as Spark; missing parameters and bad thread counts are errors', () => {
    const ssc = new StreamingContext({ batchDurationMs: 1000, stopOnShutdown: false });
    contexts.push(ssc);
    const s = KafkaUtils.createStream(ssc, '127.0.0.1:2181/kafka', 'my-group', { t: 2 });
    expect(s.kafkaParams).toMatchObject({ 'zookeeper.connect': '127.0.0.1:2181/kafka', 'group.id': 'my-group', 'zookeeper.connection.timeout.ms': '10000', 'bootstrap.servers': 'localhost:9092' });
    expect(s.useReliableReceiver).toBe(false);
    expect(s.storageLevel).toBe('MEMORY_AND_DISK_SER_2');
    expect(() => KafkaUtils.createStream(ssc, { 'zookeeper.connect': '/tmp/x', 'group.id': 'g' }, { t: 1 })).toThrow('Missing required Kafka parameter bootstrap.servers');
    expect(() => KafkaUtils.createStream(ssc, '/tmp/x', 'g', { t: 0 })).toThrow(/number of threads for topic t must be a positive integer/);
  });
});

/** A fresh checkpoint directory whose coordination store is the one of `work` (same group state). */
function tempDirSameStore(work: string): string {
  const d = tempDir('recv-wal-b-');
  // the zk directory of the first application, linked so that both use one store
  fs.symlinkSync(path.join(work, 'zk'), path.join(d, 'zk'));
  return d;
}
