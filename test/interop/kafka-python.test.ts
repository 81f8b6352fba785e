/**
 * Interop with kafka-python 2.0.2 (Debian python3-kafka, run by /usr/bin/python3) against the real
 * broker program: admin (create/list/describe/delete topics), a two-member consumer group, commit
 * and resume, offsets_for_times. The scenarios are in python/kafka_python_client.py; each prints a
 * JSON result that is asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerProcess } from '../broker/helpers.js';
import { expectApis, GROUP_APIS, missing, pythonScenario, startInteropBroker, stopInteropBroker, TOPIC_ADMIN_APIS, unique } from './clients.js';

const SCRIPT = 'kafka_python_client.py';
let broker: BrokerProcess;

describe.skipIf(missing.kafkaPython)(`kafka-python${missing.kafkaPython ? ` (skipped: ${missing.kafkaPython})` : ''}`, () => {
  beforeAll(async () => {
    broker = await startInteropBroker();
  });
  afterAll(async () => {
    await stopInteropBroker(broker);
  });

  it('KafkaAdminClient: create_topics, list_topics, describe_topics, describe_cluster, delete_topics', async () => {
    await expectApis(broker, TOPIC_ADMIN_APIS);
    const topic = unique('kp-admin');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'admin', { topic });
    expect(r.version).toBe('2.0.2');
    expect(r.create_errors).toEqual([[topic, 0]]);
    expect(r.create_again_errors).toEqual([[topic, 36, 'TopicAlreadyExistsError']]);
    expect(r.listed).toBe(true);
    expect(r.described).toEqual([{ topic, error_code: 0, partitions: [0, 1, 2], leaders: [0] }]);
    expect(r.brokers).toEqual([[0, '127.0.0.1', broker.port]]);
    expect(r.delete_errors).toEqual([[topic, 0]]);
    expect(r.listed_after_delete).toBe(false);
  });

  it('a two-member group splits a 4-partition topic and consumes every record exactly once', async () => {
    await expectApis(broker, [...TOPIC_ADMIN_APIS, ...GROUP_APIS]);
    const topic = unique('kp-group');
    const group = unique('kp-grp');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'group2', { topic, group, count: 400, partitions: 4 }, 50_000);
    // Both members hold partitions, disjoint, covering the topic.
    expect(r.assignments.a.length).toBeGreaterThan(0);
    expect(r.assignments.b.length).toBeGreaterThan(0);
    expect([...r.assignments.a, ...r.assignments.b].sort()).toEqual([0, 1, 2, 3]);
    expect(r.final_assignments).toEqual(r.assignments);
    // Each consumed only from its own partitions; together every record once.
    expect(r.a_partitions).toEqual(r.assignments.a);
    expect(r.b_partitions).toEqual(r.assignments.b);
    expect(r.consumed.a + r.consumed.b).toBe(400);
    expect(r).toMatchObject({ total: 400, unique: 400, missing: 0, unexpected: 0 });
  }, 60_000);

  it('a consumer commits and closes; a new consumer in the same group resumes from the committed offset', async () => {
    await expectApis(broker, GROUP_APIS);
    const topic = unique('kp-commit');
    const group = unique('kp-commit-grp');
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'commit_resume', { topic, group });
    expect(r.first).toEqual([0, 1, 2, 3].map((i) => [i, `v${i}`]));
    expect(r.committed_before).toBeNull();
    expect(r.committed1).toBe(4);
    expect(r.committed_at_start).toBe(4);
    expect(r.second).toEqual([4, 5, 6, 7, 8, 9].map((i) => [i, `v${i}`]));
    expect(r.committed2).toBe(10);
  }, 50_000);

  it('offsets_for_times, beginning_offsets and end_offsets', async () => {
    const topic = unique('kp-times');
    const base = 1_600_000_000_000;
    const r = await pythonScenario(SCRIPT, broker.bootstrap, 'offsets_for_times', { topic, base });
    expect(r.at_base).toEqual([0, base]);
    expect(r.before_first).toEqual([0, base]);
    expect(r.between).toEqual([3, base + 3000]);
    expect(r.exact_last).toEqual([9, base + 9000]);
    expect(r.after_last).toBeNull();
    expect(r.beginning).toBe(0);
    expect(r.end).toBe(10);
    expect(r.first_after_seek).toEqual([3, base + 3000, 't3']);
  });
});
