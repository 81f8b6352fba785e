/**
 * Interop with confluent-kafka-python 1.7.0 (Debian python3-confluent-kafka on librdkafka, run by
 * /usr/bin/python3) against the real broker program: AdminClient (create/list/delete topics),
 * producer delivery reports (plain, and idempotent with lz4), group commit and resume. The
 * scenarios are in python/confluent_kafka_client.py; each prints a JSON result asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compression } from '../../client/records/index.js';
import type { BrokerProcess } from '../broker/helpers.js';
import { expectApis, GROUP_APIS, missing, pythonScenario, startInteropBroker, stopInteropBroker, storedBatches, TOPIC_ADMIN_APIS, unique } from './clients.js';

const SCRIPT = 'confluent_kafka_client.py';
let broker: BrokerProcess;

interface Report {
  error: string | null;
  partition: number;
  offset: number;
  value: string;
}

/** Delivery reports: all delivered without error, one per message, offsets 0..n-1 in produce order. */
function expectDelivered(r: { not_flushed: number; reports: Report[]; read: [number, number, string][] }, n: number): void {
  expect(r.not_flushed).toBe(0);
  expect(r.reports.length).toBe(n);
  expect(r.reports.filter((x) => x.error !== null)).toEqual([]);
  const offsets = r.reports.map((x) => x.offset);
  for (let i = 1; i < n; i++) expect(offsets[i]).toBeGreaterThan(offsets[i - 1]!);
  expect(r.reports).toEqual(Array.from({ length: n }, (_, i) => ({ error: null, partition: 0, offset: i, value: `d-${i}` })));
  // And the log holds exactly that.
  expect(r.read).toEqual(r.reports.map((x) => [x.partition, x.offset, x.value]));
}

describe.skipIf(missing.confluentKafka)(`confluent-kafka-python${missing.confluentKafka ? ` (skipped: ${missing.confluentKafka})` : ''}`, () => {
  beforeAll(async () => {
    broker = await startInteropBroker();
  });
  afterAll(async () => {
    await stopInteropBroker(broker);
  });

  it('AdminClient: create_topics, list_topics, delete_topics', async () => {
    await expectApis(broker, TOPIC_ADMIN_APIS);
    const topic = unique('ck-admin');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'admin', { topic });
    expect(r.version).toBe('1.7.0');
    expect(r.created_error).toBeNull();
    expect(r.create_again_error).toBe('TOPIC_ALREADY_EXISTS');
    expect(r.listed).toEqual({ error: null, partitions: [0, 1, 2], leaders: [0] });
    expect(r.brokers).toEqual([[0, '127.0.0.1', broker.port]]);
    expect(r.controller_id).toBe(0);
    expect(r.deleted_error).toBeNull();
    expect(r.listed_after_delete).toBe(false);
  });

  it('producer delivery callbacks: every message delivered, offsets increasing', async () => {
    const topic = unique('ck-produce');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'produce', { topic, count: 2000 });
    expectDelivered(r, 2000);
  });

  it('idempotent producer with lz4: delivered once each, stored as lz4 batches with a producer id and sequences', async () => {
    const topic = unique('ck-idem');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'produce', { topic, count: 2000, config: { 'enable.idempotence': true, 'compression.type': 'lz4' } });
    expectDelivered(r, 2000);
    const batches = (await storedBatches(broker.logDir, topic)).map((b) => {
      if (b.magic !== 2) throw new Error(`magic ${b.magic} batch stored`);
      return b;
    });
    expect(batches.reduce((n, b) => n + b.records.length, 0)).toBe(2000);
    expect(new Set(batches.map((b) => b.producerId)).size).toBe(1);
    expect(batches[0]!.producerId).toBeGreaterThanOrEqual(0);
    let seq = 0;
    for (const b of batches) {
      expect(b.baseSequence).toBe(seq);
      seq += b.records.length;
    }
    // librdkafka only compresses with lz4 for brokers that advertise FindCoordinator v0 (its LZ4 feature probe).
    expect(batches.map((b) => b.compression), 'batch codecs on disk').toEqual(batches.map(() => Compression.LZ4));
  });

  it('a consumer commits and closes; a new consumer in the same group resumes from the committed offset', async () => {
    await expectApis(broker, GROUP_APIS);
    const topic = unique('ck-commit');
    const group = unique('ck-commit-grp');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'commit_resume', { topic, group });
    expect(r.first).toEqual([0, 1, 2, 3].map((i) => [i, `c${i}`]));
    expect(r.assignment1).toEqual([0]);
    expect(r.committed1).toBe(4);
    expect(r.committed_at_start).toBe(4);
    expect(r.second).toEqual([4, 5, 6, 7, 8, 9].map((i) => [i, `c${i}`]));
    expect(r.committed2).toBe(10);
  }, 50_000);
});
