/**
 * Failure test: the broker program is killed (SIGKILL) in the middle of a produce run and started
 * again on the same port and data. With idempotence every send is acknowledged, and the log holds
 * every record exactly once, in send order per partition: nothing lost, no duplicates.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaProducer, type RecordMetadata } from '../../client/producer/index.js';
import { startBrokerProcess, tempDir, type BrokerProcess } from '../broker/helpers.js';
import { storedBatches } from '../interop/clients.js';

const logDir = tempDir('kafka-ts-prod-restart-');
let broker: BrokerProcess | undefined;
afterAll(async () => {
  await broker?.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

describe('producer across a broker restart', () => {
  it('idempotence: every acknowledged record is in the log exactly once', async () => {
    broker = await startBrokerProcess({ 'num.partitions': 2 }, { logDir });
    const port = broker.port;
    const topic = 'restart-topic';
    const producer = new KafkaProducer({
      'bootstrap.servers': broker.bootstrap,
      'linger.ms': 2,
      'batch.size': 4096,
      'retry.backoff.ms': 50,
      'reconnect.backoff.ms': 50,
      'reconnect.backoff.max.ms': 200,
      'request.timeout.ms': 5000,
      'delivery.timeout.ms': 30000,
    });
    const N = 20000;
    const pending: Promise<RecordMetadata>[] = [];
    let acked = 0;
    let restarted = false;
    for (let i = 0; i < N; i++) {
      const p = producer.send({ topic, key: `k${i % 50}`, value: `record-${i}` });
      void p.then(() => acked++, () => {});
      pending.push(p);
      if (i % 500 === 499) await new Promise((r) => setTimeout(r, 2));
      if (i === N / 2) {
        // Kill in the middle of the run, with requests in flight, then start again on the same port.
        // The broker is frozen (SIGSTOP) first, before the record just sent (still lingering) goes
        // out: its request then stays in flight until the kill (a running broker answers within a
        // millisecond, before a kill could land).
        broker.child.kill('SIGSTOP');
        while (producer.sender.inFlightRequests === 0) await new Promise((r) => setImmediate(r));
        expect(acked).toBeLessThanOrEqual(N / 2); // record N/2 at least is not acknowledged
        await broker.kill();
        broker = await startBrokerProcess({ 'num.partitions': 2, listeners: `PLAINTEXT://127.0.0.1:${port}` }, { logDir });
        restarted = true;
      }
    }
    expect(restarted).toBe(true);
    const results = await Promise.allSettled(pending);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    expect(acked).toBe(N);
    expect(producer.sender.stats.retries).toBeGreaterThan(0);
    await producer.close();
    await broker.stop();
    broker = undefined;

    const seen = new Map<string, number>();
    const perPartition: number[][] = [[], []];
    const at = new Map<string, string>();
    for (const partition of [0, 1]) {
      for (const b of await storedBatches(logDir, topic, partition)) {
        for (const r of b.records) {
          const v = r.value!.toString();
          seen.set(v, (seen.get(v) ?? 0) + 1);
          perPartition[partition]!.push(Number(v.slice('record-'.length)));
          at.set(`${partition}:${r.offset}`, v);
        }
      }
    }
    const dups = [...seen].filter(([, n]) => n > 1);
    expect(dups.slice(0, 5)).toEqual([]);
    expect(seen.size).toBe(N);
    // Send order is kept per partition.
    for (const list of perPartition) expect(list).toEqual([...list].sort((a, b) => a - b));
    // Each RecordMetadata points at its record.
    const metas = results.map((r) => (r as PromiseFulfilledResult<RecordMetadata>).value);
    metas.forEach((m, i) => {
      if (at.get(`${m.partition}:${m.offset}`) !== `record-${i}`) expect.fail(`record-${i} acknowledged at ${m.partition}:${m.offset}, which holds ${at.get(`${m.partition}:${m.offset}`)}`);
    });
  });
});
