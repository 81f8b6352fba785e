/**
 * The producer's partitioner: Kafka's murmur2 test vectors, keyed placement identical to kafkajs's
 * Java-compatible DefaultPartitioner and to kafka-python's, and the sticky partitioner (KIP-480)
 * spreading keyless records over all partitions over time, against the real broker.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { KafkaProducer, murmur2, partitionForKey, StickyPartitionCache } from '../../client/producer/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { missing, PYTHON } from '../interop/clients.js';

// Kafka's UtilsTest.testMurmur2 vectors.
const VECTORS: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

const KEYS = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `key-${i}` : i % 3 === 1 ? `ünïcødé-${i * 7919}` : String(i * 104729)));
const COUNTS = [1, 2, 3, 7, 10, 64];

describe('murmur2 and keyed partitioning', () => {
  it("matches Kafka's murmur2 test vectors", () => {
    for (const [s, h] of VECTORS) expect(murmur2(Buffer.from(s))).toBe(h);
  });

  it("places keys as kafkajs's DefaultPartitioner (Java-compatible)", () => {
    const kjs = Partitioners.DefaultPartitioner();
    for (const n of COUNTS) {
      const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      for (const key of KEYS) {
        expect(partitionForKey(Buffer.from(key), n)).toBe(kjs({ topic: 't', partitionMetadata, message: { key, value: 'v' } } as any));
      }
    }
  });

  it.skipIf(missing.kafkaPython)("places keys as kafka-python's DefaultPartitioner", () => {
    const script = [
      'import json, sys',
      'from kafka.partitioner.default import murmur2',
      'keys, counts = json.load(sys.stdin)',
      'print(json.dumps([[(murmur2(k.encode("utf-8")) & 0x7fffffff) % n for k in keys] for n in counts]))',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify([KEYS, COUNTS]), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const py = JSON.parse(r.stdout) as number[][];
    COUNTS.forEach((n, i) => expect(KEYS.map((k) => partitionForKey(Buffer.from(k), n))).toEqual(py[i]));
  });

  it('the sticky cache switches to another partition', () => {
    const c = new StickyPartitionCache();
    const first = c.partition('t', 5);
    expect(c.partition('t', 5)).toBe(first);
    for (let i = 0; i < 20; i++) {
      const prev = c.partition('t', 5);
      expect(c.nextPartition('t', 5, prev)).not.toBe(prev);
    }
    expect(c.nextPartition('one', 1, 0)).toBe(0);
  });
});

describe('partitioning with the broker', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker({ 'num.partitions': 4 });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('keyed records land where kafkajs puts them, explicit partitions win, keyless records stick then spread', async () => {
    const producer = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap, 'batch.size': 2000, 'linger.ms': 5 });
    try {
      const kjs = Partitioners.DefaultPartitioner();
      const partitionMetadata = Array.from({ length: 4 }, (_, i) => ({ partitionId: i, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      const keyed = await Promise.all(KEYS.slice(0, 60).map((key) => producer.send({ topic: 'pt-keyed', key, value: 'x' })));
      keyed.forEach((m, i) => expect(m.partition).toBe(kjs({ topic: 'pt-keyed', partitionMetadata, message: { key: KEYS[i]!, value: 'x' } } as any)));
      const explicit = await producer.send({ topic: 'pt-keyed', partition: 3, key: 'abc', value: 'x' });
      expect(explicit.partition).toBe(3);
      // Keyless: consecutive records share a partition (batches of ~2000 bytes), and over time all 4 are used.
      const value = Buffer.alloc(100, 1);
      const metas = await Promise.all(Array.from({ length: 400 }, () => producer.send({ topic: 'pt-sticky', value })));
      const used = new Set(metas.map((m) => m.partition));
      expect(used.size).toBe(4);
      let switches = 0;
      for (let i = 1; i < metas.length; i++) if (metas[i]!.partition !== metas[i - 1]!.partition) switches++;
      expect(switches).toBeLessThan(40); // ~16 records per 2000-byte batch: few switches, not one per record
      // A custom partitioner replaces the default.
      const custom = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap }, { partitioner: (_t, key, n) => (key ? key.length % n : n - 1) });
      expect((await custom.send({ topic: 'pt-keyed', key: 'abcde', value: 'x' })).partition).toBe(1);
      expect((await custom.send({ topic: 'pt-keyed', value: 'x' })).partition).toBe(3);
      await custom.close();
    } finally {
      await producer.close();
    }
  });
});
