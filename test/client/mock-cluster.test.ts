/**
 * Our client against a broker we did not write: librdkafka's mock cluster with 3 brokers. Produce
 * (idempotent, keyed), consume with a group, and move partition leaders in the middle of producing
 * and consuming: the client follows every leader change, and every record arrives exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaConsumer } from '../../client/consumer/index.js';
import { KafkaProducer } from '../../client/producer/index.js';
import { mockClusterUnavailable, startMockCluster, type MockCluster } from './mock-cluster.js';

const unavailable = mockClusterUnavailable();
let mc: MockCluster | undefined;
afterAll(async () => {
  await mc?.stop();
});

describe.skipIf(unavailable !== undefined)(`librdkafka mock cluster, 3 brokers${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it('produces, consumes in a group, and follows leader changes without loss or duplicates', async () => {
    mc = await startMockCluster(3, ['mc:3']);
    const cluster = mc;
    const producer = new KafkaProducer({ 'bootstrap.servers': cluster.bootstrap, 'linger.ms': 2, 'retry.backoff.ms': 20, 'metadata.max.age.ms': 1000 });
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 600; i++) {
      sent.push(producer.send({ topic: 'mc', key: `k${i % 37}`, value: `v${i}` }));
      if (i === 200) expect(await cluster.command('leader mc 0 1')).toBe('ok');
      if (i === 300) expect(await cluster.command('leader mc 1 3')).toBe('ok');
      if (i === 400) expect(await cluster.command('leader mc 0 2')).toBe('ok');
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const meta = (await Promise.all(sent)) as { partition: number; offset: number }[];
    await producer.close();
    // Every acknowledged record has its own offset in its partition.
    const keys = new Set(meta.map((m) => `${m.partition}:${m.offset}`));
    expect(keys.size).toBe(600);

    const consumer = new KafkaConsumer({ 'bootstrap.servers': cluster.bootstrap, 'group.id': 'mc-group', 'auto.offset.reset': 'earliest', 'metadata.max.age.ms': 1000, 'retry.backoff.ms': 20 });
    consumer.subscribe(['mc']);
    const seen = new Map<string, number>();
    const deadline = Date.now() + 30_000;
    let moved = false;
    while ([...seen.keys()].length < 600 && Date.now() < deadline) {
      for (const r of await consumer.poll(500)) seen.set(r.value!.toString(), (seen.get(r.value!.toString()) ?? 0) + 1);
      if (!moved && seen.size > 100) {
        moved = true;
        expect(await cluster.command('leader mc 2 1')).toBe('ok');
        expect(await cluster.command('leader mc 0 3')).toBe('ok');
      }
    }
    await consumer.close();
    expect(seen.size).toBe(600);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);
});
