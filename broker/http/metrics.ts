/**
 * /metrics: the broker's Prometheus metrics (prom-client, text format 0.0.4), in a Registry of its own
 * per broker (several brokers in one process never mix), computed from the broker's counters at scrape
 * time. Names follow what Kafka users know: the JMX exporter's rendering of Kafka's MBeans
 * (`kafka_server_brokertopicmetrics_*`, `kafka_network_requestmetrics_*`, `kafka_log_log_*`,
 * `kafka_server_socket_server_metrics_*`) and kafka_exporter's group metrics (`kafka_consumergroup_*`,
 * `kafka_topic_partition_*`); plus Node's process metrics (prom-client's collectDefaultMetrics:
 * `process_*`, `nodejs_*`).
 *
 * | metric | type | labels | what |
 * |---|---|---|---|
 * | kafka_server_brokertopicmetrics_bytesin_total | counter | topic | record bytes appended by Produce |
 * | kafka_server_brokertopicmetrics_bytesout_total | counter | topic | record bytes sent by Fetch |
 * | kafka_server_brokertopicmetrics_messagesin_total | counter | topic | records appended |
 * | kafka_server_brokertopicmetrics_messagesout_total | counter | topic | records sent (kafka-ts; Kafka has none) |
 * | kafka_network_requestmetrics_requests_total | counter | request | requests per API (Produce, Fetch...) |
 * | kafka_network_requestmetrics_errors_total | counter | request, error | answers with a top-level error code, by Kafka error name |
 * | kafka_network_requestmetrics_totaltime_seconds | histogram | request | time from taking the request to its answer encoded (long polls included) |
 * | kafka_server_socket_server_metrics_connection_count | gauge | listener | open connections |
 * | kafka_server_socket_server_metrics_connection_creation_total | counter | listener | connections accepted |
 * | kafka_log_log_size | gauge | topic, partition | bytes on disk of the partition's segments |
 * | kafka_log_log_numlogsegments | gauge | topic, partition | segments |
 * | kafka_log_log_logstartoffset, kafka_log_log_logendoffset | gauge | topic, partition | offsets |
 * | kafka_topic_partitions | gauge | topic | partition count |
 * | kafka_topic_partition_current_offset, kafka_topic_partition_oldest_offset | gauge | topic, partition | high watermark, log start offset |
 * | kafka_consumergroup_current_offset | gauge | consumergroup, topic, partition | committed offset |
 * | kafka_consumergroup_lag | gauge | consumergroup, topic, partition | high watermark − committed offset |
 * | kafka_consumergroup_lag_sum | gauge | consumergroup, topic | lag summed over the topic's partitions |
 * | kafka_consumergroup_members | gauge | consumergroup | members |
 * | kafka_server_app_info | gauge | version, cluster_id, node_id | 1 |
 * | kafka_server_uptime_seconds | gauge | | seconds since the broker started |
 */
import client, { Counter, Gauge, Registry, type Metric } from 'prom-client';
import { errorByCode } from '../../client/protocol/index.js';
import { allHandlers } from '../apis/index.js';
import { REQUEST_LATENCY_BUCKETS_MS } from '../server/request-handler.js';
import { packageVersion } from './package-info.js';
import { trafficOf } from '../server/traffic.js';
import { allGroupLags, type HttpBrokerSource } from './views.js';

/** The API name of each key (Produce, Fetch...), Kafka's `request` label values. */
function apiNames(): Map<number, string> {
  return new Map(allHandlers().map((h) => [h.api.key, h.api.name]));
}

/** A histogram whose buckets are kept by the request layer (plain arrays, no allocation per request). */
class RequestLatencyHistogram {
  readonly name = 'kafka_network_requestmetrics_totaltime_seconds';
  readonly help = 'Request time from taking the request to its answer encoded, long-poll waits included (Kafka RequestMetrics TotalTimeMs, in seconds).';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  constructor(
    private readonly source: HttpBrokerSource,
    private readonly names: Map<number, string>,
  ) {}

  get() {
    const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
    const stats = this.source.requestStats.byApiKey;
    for (let key = 0; key < stats.length; key++) {
      const s = stats[key];
      if (!s) continue;
      const request = this.names.get(key) ?? String(key);
      let cumulative = 0;
      for (let i = 0; i < REQUEST_LATENCY_BUCKETS_MS.length; i++) {
        cumulative += s.latencyBuckets[i]!;
        values.push({ value: cumulative, labels: { request, le: REQUEST_LATENCY_BUCKETS_MS[i]! / 1000 }, metricName: `${this.name}_bucket` });
      }
      cumulative += s.latencyBuckets[REQUEST_LATENCY_BUCKETS_MS.length]!;
      values.push({ value: cumulative, labels: { request, le: '+Inf' }, metricName: `${this.name}_bucket` });
      values.push({ value: s.latencySumMs / 1000, labels: { request }, metricName: `${this.name}_sum` });
      values.push({ value: cumulative, labels: { request }, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}

/**
 * A Registry with every metric of the module comment for one broker. Node's default metrics are
 * registered too unless `defaultMetrics` is false.
 */
export function createBrokerMetrics(source: HttpBrokerSource, options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  const ctx = source.context;
  const names = apiNames();
  if (options.defaultMetrics !== false) client.collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // Topic traffic: per partition counters summed per topic.
  const topicCounter = (name: string, help: string, pick: (t: ReturnType<typeof trafficOf>) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['topic'],
      registers,
      collect() {
        this.reset();
        const sums = new Map<string, number>();
        for (const log of ctx.logManager.allLogs()) {
          const topic = log.topicPartition.topic;
          sums.set(topic, (sums.get(topic) ?? 0) + pick(trafficOf(log)));
        }
        for (const [topic, v] of sums) this.inc({ topic }, v);
      },
    });
  topicCounter('kafka_server_brokertopicmetrics_bytesin_total', 'Record bytes appended by Produce, per topic (Kafka BrokerTopicMetrics BytesInPerSec).', (t) => t.bytesIn);
  topicCounter('kafka_server_brokertopicmetrics_bytesout_total', 'Record bytes sent by Fetch, per topic (Kafka BrokerTopicMetrics BytesOutPerSec).', (t) => t.bytesOut);
  topicCounter('kafka_server_brokertopicmetrics_messagesin_total', 'Records appended by Produce, per topic (Kafka BrokerTopicMetrics MessagesInPerSec).', (t) => t.messagesIn);
  topicCounter('kafka_server_brokertopicmetrics_messagesout_total', 'Records sent by Fetch from the fetch offset on, per topic (kafka-ts).', (t) => t.messagesOut);

  // Requests.
  new Counter({
    name: 'kafka_network_requestmetrics_requests_total',
    help: 'Requests handled, per API (Kafka RequestMetrics RequestsPerSec).',
    labelNames: ['request'],
    registers,
    collect() {
      this.reset();
      source.requestStats.byApiKey.forEach((s, key) => s && this.inc({ request: names.get(key) ?? String(key) }, s.requests));
    },
  });
  new Counter({
    name: 'kafka_network_requestmetrics_errors_total',
    help: 'Answers with a non-zero top-level error code, and requests that closed the connection (INVALID_REQUEST) or failed (UNKNOWN_SERVER_ERROR), per API and Kafka error name (Kafka RequestMetrics ErrorsPerSec; per-partition errors are not counted).',
    labelNames: ['request', 'error'],
    registers,
    collect() {
      this.reset();
      source.requestStats.byApiKey.forEach((s, key) => {
        if (!s) return;
        for (const [code, n] of s.errors) this.inc({ request: names.get(key) ?? String(key), error: errorByCode(code)?.name ?? String(code) }, n);
      });
    },
  });
  registry.registerMetric(new RequestLatencyHistogram(source, names) as unknown as Metric);

  // Connections.
  new Gauge({
    name: 'kafka_server_socket_server_metrics_connection_count',
    help: 'Open client connections, per listener.',
    labelNames: ['listener'],
    registers,
    collect() {
      this.reset();
      for (const [listener, n] of source.connectionCountByListener()) this.set({ listener }, n);
    },
  });
  new Counter({
    name: 'kafka_server_socket_server_metrics_connection_creation_total',
    help: 'Client connections accepted since start, per listener.',
    labelNames: ['listener'],
    registers,
    collect() {
      this.reset();
      for (const l of source.listeners) this.inc({ listener: l.name }, source.connectionsCreated.get(l.name) ?? 0);
    },
  });

  // Logs and topics.
  const partitionGauge = (name: string, help: string, pick: (log: ReturnType<typeof ctx.logManager.allLogs>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const log of ctx.logManager.allLogs()) this.set({ topic: log.topicPartition.topic, partition: String(log.topicPartition.partition) }, pick(log));
      },
    });
  partitionGauge('kafka_log_log_size', 'Bytes on disk of the partition\'s segments (Kafka Log Size).', (l) => l.size);
  partitionGauge('kafka_log_log_numlogsegments', 'Segments of the partition (Kafka Log NumLogSegments).', (l) => l.numberOfSegments);
  partitionGauge('kafka_log_log_logstartoffset', 'First offset still readable (Kafka Log LogStartOffset).', (l) => l.logStartOffset);
  partitionGauge('kafka_log_log_logendoffset', 'Next offset to be assigned (Kafka Log LogEndOffset).', (l) => l.logEndOffset);
  partitionGauge('kafka_topic_partition_current_offset', 'High watermark of the partition (kafka_exporter).', (l) => l.highWatermark);
  partitionGauge('kafka_topic_partition_oldest_offset', 'Log start offset of the partition (kafka_exporter).', (l) => l.logStartOffset);
  new Gauge({
    name: 'kafka_topic_partitions',
    help: 'Partitions of the topic (kafka_exporter).',
    labelNames: ['topic'],
    registers,
    collect() {
      this.reset();
      for (const t of ctx.metadata.topics()) this.set({ topic: t.name }, t.partitions);
    },
  });

  // Consumer groups: one computation per scrape shared by the four gauges (whichever is collected first).
  let groupScrape: { at: number; lags: ReturnType<typeof allGroupLags> } | undefined;
  const lagsNow = () => {
    const now = Date.now();
    if (!groupScrape || now - groupScrape.at > 100) groupScrape = { at: now, lags: allGroupLags(ctx) };
    return groupScrape.lags;
  };
  new Gauge({
    name: 'kafka_consumergroup_current_offset',
    help: 'Committed offset of the group on the partition (kafka_exporter).',
    labelNames: ['consumergroup', 'topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const [consumergroup, rows] of lagsNow()) for (const r of rows) this.set({ consumergroup, topic: r.topic, partition: String(r.partition) }, r.committedOffset ?? -1);
    },
  });
  new Gauge({
    name: 'kafka_consumergroup_lag',
    help: 'High watermark minus the committed offset of the group on the partition (kafka_exporter).',
    labelNames: ['consumergroup', 'topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const [consumergroup, rows] of lagsNow()) for (const r of rows) if (r.lag !== null) this.set({ consumergroup, topic: r.topic, partition: String(r.partition) }, r.lag);
    },
  });
  new Gauge({
    name: 'kafka_consumergroup_lag_sum',
    help: 'Lag of the group summed over the topic\'s partitions (kafka_exporter).',
    labelNames: ['consumergroup', 'topic'],
    registers,
    collect() {
      this.reset();
      for (const [consumergroup, rows] of lagsNow()) {
        const sums = new Map<string, number>();
        for (const r of rows) if (r.lag !== null) sums.set(r.topic, (sums.get(r.topic) ?? 0) + r.lag);
        for (const [topic, v] of sums) this.set({ consumergroup, topic }, v);
      }
    },
  });
  new Gauge({
    name: 'kafka_consumergroup_members',
    help: 'Members of the group (kafka_exporter).',
    labelNames: ['consumergroup'],
    registers,
    collect() {
      this.reset();
      for (const g of ctx.groups.listGroups().groups) this.set({ consumergroup: g.groupId }, ctx.groups.describeGroup(g.groupId).members.length);
    },
  });

  // The broker itself.
  new Gauge({
    name: 'kafka_server_app_info',
    help: 'The broker: kafka-ts version, cluster id and node id (value 1).',
    labelNames: ['version', 'cluster_id', 'node_id'],
    registers,
    collect() {
      this.reset();
      this.set({ version: packageVersion(), cluster_id: ctx.metadata.clusterId, node_id: String(ctx.metadata.nodeId) }, 1);
    },
  });
  new Gauge({
    name: 'kafka_server_uptime_seconds',
    help: 'Seconds since the broker started.',
    registers,
    collect() {
      this.set((Date.now() - source.startTimeMs) / 1000);
    },
  });
  return registry;
}
