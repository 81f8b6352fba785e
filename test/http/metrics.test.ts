/**
 * /metrics in Prometheus text format against a broker with real traffic (kafkajs producer and consumer
 * group): the Kafka-exporter-style names with the test topic's and group's labels, values checked
 * against the broker's own state (log sizes, offsets, lag) and the traffic made (messages in and out),
 * request counts, errors and latency histograms per API, open connections, Node's process metrics; two
 * brokers in one process each with their own registry.
 */
import { encodeRequest } from '../../client/protocol/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../broker/helpers.js';
import { makeTraffic, startHttpBroker, type HttpTestBroker, type Traffic } from './helpers.js';

const TOPIC = 'sensor-readings';
const GROUP = 'sensor-alerts';
const CONSUMED = 150;
const LAG = 50;

let broker: HttpTestBroker;
let traffic: Traffic;

beforeAll(async () => {
  broker = await startHttpBroker();
  traffic = await makeTraffic(broker, { topic: TOPIC, partitions: 2, groupId: GROUP, clientId: 'sensor-client', consumed: CONSUMED, lag: LAG });
}, 40_000);

afterAll(async () => {
  await traffic?.disconnect();
  await broker?.stop();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse Prometheus text format 0.0.4: every sample, and the TYPE of every metric family. */
function parse(text: string): { samples: Sample[]; types: Map<string, string>; helps: Set<string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (m) {
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = /^# HELP (\S+) .+$/.exec(line);
    if (m) {
      helps.add(m[1]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { samples, types, helps };
}

async function scrape(url = broker.http) {
  const r = await fetch(`${url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parse(await r.text());
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('/metrics', () => {
  it('has every metric family with HELP and TYPE', async () => {
    const { types, helps } = await scrape();
    const expected: Record<string, string> = {
      kafka_server_brokertopicmetrics_bytesin_total: 'counter',
      kafka_server_brokertopicmetrics_bytesout_total: 'counter',
      kafka_server_brokertopicmetrics_messagesin_total: 'counter',
      kafka_server_brokertopicmetrics_messagesout_total: 'counter',
      kafka_network_requestmetrics_requests_total: 'counter',
      kafka_network_requestmetrics_errors_total: 'counter',
      kafka_network_requestmetrics_totaltime_seconds: 'histogram',
      kafka_server_socket_server_metrics_connection_count: 'gauge',
      kafka_server_socket_server_metrics_connection_creation_total: 'counter',
      kafka_log_log_size: 'gauge',
      kafka_log_log_numlogsegments: 'gauge',
      kafka_log_log_logstartoffset: 'gauge',
      kafka_log_log_logendoffset: 'gauge',
      kafka_topic_partitions: 'gauge',
      kafka_topic_partition_current_offset: 'gauge',
      kafka_topic_partition_oldest_offset: 'gauge',
      kafka_consumergroup_current_offset: 'gauge',
      kafka_consumergroup_lag: 'gauge',
      kafka_consumergroup_lag_sum: 'gauge',
      kafka_consumergroup_members: 'gauge',
      kafka_server_app_info: 'gauge',
      kafka_server_uptime_seconds: 'gauge',
      process_cpu_user_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(types.get(name), name).toBe(type);
      expect(helps.has(name), name).toBe(true);
    }
  });

  it('counts the bytes and messages in and out of the test topic', async () => {
    const { samples } = await scrape();
    const logs = [0, 1].map((p) => broker.context.logManager.getLog({ topic: TOPIC, partition: p })!);
    expect(value(samples, 'kafka_server_brokertopicmetrics_messagesin_total', { topic: TOPIC })).toBe(CONSUMED + LAG);
    expect(value(samples, 'kafka_server_brokertopicmetrics_bytesin_total', { topic: TOPIC })).toBe(logs[0]!.size + logs[1]!.size);
    // The consumer fetched everything produced before it paused (a batch may have been fetched twice).
    expect(value(samples, 'kafka_server_brokertopicmetrics_messagesout_total', { topic: TOPIC })).toBeGreaterThanOrEqual(CONSUMED);
    expect(value(samples, 'kafka_server_brokertopicmetrics_bytesout_total', { topic: TOPIC })).toBeGreaterThan(CONSUMED * 100);
  });

  it('reports log size and offsets per partition, and the group\'s offsets and lag per partition', async () => {
    const { samples } = await scrape();
    let lag = 0;
    for (const p of [0, 1]) {
      const labels = { topic: TOPIC, partition: String(p) };
      const log = broker.context.logManager.getLog({ topic: TOPIC, partition: p })!;
      expect(value(samples, 'kafka_log_log_size', labels)).toBe(log.size);
      expect(value(samples, 'kafka_log_log_numlogsegments', labels)).toBe(1);
      expect(value(samples, 'kafka_log_log_logstartoffset', labels)).toBe(0);
      expect(value(samples, 'kafka_log_log_logendoffset', labels)).toBe(log.logEndOffset);
      expect(value(samples, 'kafka_topic_partition_current_offset', labels)).toBe(log.highWatermark);
      const committed = broker.context.groups.fetchOffsets(GROUP, [{ topic: TOPIC, partition: p }]).offsets[0]!.offset;
      expect(value(samples, 'kafka_consumergroup_current_offset', { consumergroup: GROUP, ...labels })).toBe(committed);
      const l = value(samples, 'kafka_consumergroup_lag', { consumergroup: GROUP, ...labels })!;
      expect(l).toBe(log.highWatermark - committed);
      lag += l;
    }
    expect(lag).toBe(LAG);
    expect(value(samples, 'kafka_consumergroup_lag_sum', { consumergroup: GROUP, topic: TOPIC })).toBe(LAG);
    expect(value(samples, 'kafka_consumergroup_members', { consumergroup: GROUP })).toBe(1);
    expect(value(samples, 'kafka_topic_partitions', { topic: TOPIC })).toBe(2);
    expect(value(samples, 'kafka_server_app_info', { version: '0.1.0', cluster_id: broker.context.metadata.clusterId, node_id: '0' })).toBe(1);
  });

  it('counts requests, errors and latency per API, and open connections', async () => {
    // One error answer (ApiVersions of an unknown version) and one refused request (undecodable bytes).
    const raw = await connect(broker);
    const id = raw.nextCorrelationId();
    const frame = encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: id, clientId: 'x' }, {});
    frame.writeInt16BE(99, 6);
    await raw.sendFrame(id, frame);
    const before = (await scrape()).samples;
    expect(value(before, 'kafka_server_socket_server_metrics_connection_count', { listener: 'PLAINTEXT' })).toBeGreaterThanOrEqual(2);
    const garbage = Buffer.from([0, 0, 0, 10, 0, 3, 0, 12, 0, 0, 0, 1, 0xff, 0xff]); // Metadata v12, truncated
    raw.socket.write(garbage);
    await raw.closed;

    const { samples } = await scrape();
    expect(value(samples, 'kafka_network_requestmetrics_errors_total', { request: 'ApiVersions', error: 'UNSUPPORTED_VERSION' })).toBe(1);
    expect(value(samples, 'kafka_network_requestmetrics_errors_total', { request: 'Metadata', error: 'INVALID_REQUEST' })).toBe(1);
    expect(value(samples, 'kafka_server_socket_server_metrics_connection_creation_total', { listener: 'PLAINTEXT' })).toBeGreaterThanOrEqual(3);
    for (const request of ['Produce', 'Fetch', 'Metadata', 'ApiVersions', 'JoinGroup', 'SyncGroup', 'OffsetCommit', 'FindCoordinator', 'CreateTopics']) {
      const n = value(samples, 'kafka_network_requestmetrics_requests_total', { request })!;
      expect(n, request).toBeGreaterThan(0);
      // The histogram: cumulative buckets ending at +Inf = count = requests.
      const buckets = samples.filter((s) => s.name === 'kafka_network_requestmetrics_totaltime_seconds_bucket' && s.labels.request === request);
      expect(buckets.length, request).toBe(17);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      expect(buckets.at(-1)!.labels.le).toBe('+Inf');
      expect(buckets.at(-1)!.value, request).toBe(n);
      expect(value(samples, 'kafka_network_requestmetrics_totaltime_seconds_count', { request })).toBe(n);
      expect(value(samples, 'kafka_network_requestmetrics_totaltime_seconds_sum', { request })).toBeGreaterThan(0);
    }
    // The produce requests of the test (batches of 50): at least 4.
    expect(value(samples, 'kafka_network_requestmetrics_requests_total', { request: 'Produce' })).toBeGreaterThanOrEqual(4);
  });

  it('keeps one registry per broker: a second broker in this process has its own metrics', async () => {
    const other = await startHttpBroker();
    try {
      await other.context.metadata.createTopic('other-topic', { numPartitions: 1 });
      const mine = await scrape();
      const theirs = await scrape(other.http);
      expect(value(theirs.samples, 'kafka_topic_partitions', { topic: 'other-topic' })).toBe(1);
      expect(value(theirs.samples, 'kafka_topic_partitions', { topic: TOPIC })).toBeUndefined();
      expect(value(mine.samples, 'kafka_topic_partitions', { topic: 'other-topic' })).toBeUndefined();
      expect(value(theirs.samples, 'kafka_network_requestmetrics_requests_total', { request: 'Produce' })).toBeUndefined();
      expect(value(theirs.samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });
});
