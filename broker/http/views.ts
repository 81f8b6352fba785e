/**
 * What the HTTP API, /metrics and the dashboard's history read from a running broker, assembled from
 * the broker's own objects (no copy of its state is kept): topics with their partition logs (log start
 * offset, high watermark, size, segments, effective configs), groups with their members, assignments
 * and committed offsets, and each committed partition's lag.
 *
 * Lag is Kafka's (kafka-consumer-groups' LAG): high watermark − committed offset, for a partition with a
 * committed offset and a log here; null otherwise (an assigned partition nothing was committed for yet,
 * or a committed partition whose topic is gone).
 */
import type { Listener } from '../config/kafka-config.js';
import type { UnifiedLog } from '../log/index.js';
import { ConfigSource } from '../config/kafka-config.js';
import { describeTopicConfigs } from '../apis/admin/config-describe.js';
import { CONSUMER_PROTOCOL_TYPE } from '../group/consumer-protocol.js';
import type { RequestStats } from '../server/request-handler.js';
import type { BrokerContext } from '../server/types.js';
import { decodeAssignment, decodeSubscription, type TopicAssignment } from './consumer-assignment.js';
import { kafkaError } from './errors.js';

/** What the HTTP server needs from the broker (KafkaServer provides it). */
export interface HttpBrokerSource {
  readonly context: BrokerContext;
  /** The Kafka listeners with their bound ports. */
  readonly listeners: readonly Listener[];
  /** When the broker started (ms since the epoch). */
  readonly startTimeMs: number;
  /** Requests, errors and latency per API key. */
  readonly requestStats: RequestStats;
  /** Open connections per listener name. */
  connectionCountByListener(): Map<string, number>;
  /** Connections accepted since start per listener name. */
  readonly connectionsCreated: ReadonlyMap<string, number>;
}

/** Throughput of a partition or topic, averaged over the last sample interval (per second). */
export interface Rates {
  bytesInPerSec: number;
  bytesOutPerSec: number;
  messagesInPerSec: number;
  messagesOutPerSec: number;
}

/** Rates of nothing. */
export const ZERO_RATES: Readonly<Rates> = Object.freeze({ bytesInPerSec: 0, bytesOutPerSec: 0, messagesInPerSec: 0, messagesOutPerSec: 0 });

/** Rates of one partition log (from the history sampler). */
export type RatesOf = (log: UnifiedLog) => Rates;

/** One segment of a partition. Offsets are Kafka offsets, sizes bytes, times ms since the epoch. */
export interface SegmentView {
  baseOffset: number;
  /** One past its last offset. */
  nextOffset: number;
  sizeBytes: number;
  /** Largest record timestamp (ms), -1 when none. */
  largestTimestamp: number;
}

/** One partition of a topic. */
export interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  highWatermark: number;
  logEndOffset: number;
  /** Records readable: high watermark − log start offset. */
  messages: number;
  sizeBytes: number;
  segmentCount: number;
  segments: SegmentView[];
  rates: Rates;
}

/** One topic in the topics list. */
export interface TopicSummary {
  name: string;
  topicId: string;
  partitions: number;
  sizeBytes: number;
  messages: number;
  rates: Rates;
}

/** One topic config as DescribeConfigs reports it: effective value and where it comes from. */
export interface TopicConfigView {
  name: string;
  value: string | null;
  /** Kafka's ConfigSource name: DYNAMIC_TOPIC_CONFIG (a topic override), STATIC_BROKER_CONFIG, DEFAULT_CONFIG. */
  source: string;
}

/** A topic with its partitions, configs and consuming groups. */
export interface TopicDetail extends TopicSummary {
  replicationFactor: number;
  configs: TopicConfigView[];
  partitionDetails: PartitionView[];
  /** Groups with committed offsets on this topic and their lag on it. */
  groups: { groupId: string; lag: number }[];
}

/** One member of a group. */
export interface MemberView {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Subscribed topics (consumer protocol, Stable groups), else null. */
  subscription: string[] | null;
  /** Assigned partitions (consumer protocol, Stable groups), else null. */
  assignment: TopicAssignment[] | null;
}

/** One partition of a group: committed offset, log offsets, lag and owner. */
export interface GroupPartitionView {
  topic: string;
  partition: number;
  committedOffset: number | null;
  metadata: string | null;
  logStartOffset: number | null;
  highWatermark: number | null;
  lag: number | null;
  /** The member the partition is assigned to (consumer protocol), else null. */
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

/** One group in the groups list. */
export interface GroupSummary {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: number;
  topics: string[];
  partitions: number;
  /** Sum of the partitions' lags (null lags count 0). */
  totalLag: number;
}

/** A group with members, assignments and per-partition offsets and lag. */
export interface GroupDetail extends Omit<GroupSummary, 'members'> {
  members: MemberView[];
  partitionDetails: GroupPartitionView[];
}

const SOURCE_NAMES = new Map<number, string>(Object.entries(ConfigSource).map(([k, v]) => [v, k]));

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The partition logs of `topic`, by partition (missing partitions skipped). */
export function topicLogs(ctx: BrokerContext, topic: string, partitions: number): UnifiedLog[] {
  const out: UnifiedLog[] = [];
  for (let p = 0; p < partitions; p++) {
    const log = ctx.logManager.getLog({ topic, partition: p });
    if (log) out.push(log);
  }
  return out;
}

function addRates(into: Rates, r: Rates): void {
  into.bytesInPerSec += r.bytesInPerSec;
  into.bytesOutPerSec += r.bytesOutPerSec;
  into.messagesInPerSec += r.messagesInPerSec;
  into.messagesOutPerSec += r.messagesOutPerSec;
}

/** Every topic with its size (bytes on disk), readable records and current rates, by name. */
export function topicSummaries(ctx: BrokerContext, ratesOf: RatesOf): TopicSummary[] {
  return ctx.metadata.topics().map((t) => summarise(ctx, t.name, t.topicId, t.partitions, ratesOf));
}

function summarise(ctx: BrokerContext, name: string, topicId: string, partitions: number, ratesOf: RatesOf): TopicSummary {
  const rates = { ...ZERO_RATES };
  let sizeBytes = 0;
  let messages = 0;
  for (const log of topicLogs(ctx, name, partitions)) {
    sizeBytes += log.size;
    messages += log.highWatermark - log.logStartOffset;
    addRates(rates, ratesOf(log));
  }
  return { name, topicId, partitions, sizeBytes, messages, rates };
}

/** One topic in detail. Errors: HttpApiError UNKNOWN_TOPIC_OR_PARTITION (404). */
export function topicDetail(ctx: BrokerContext, name: string, ratesOf: RatesOf): TopicDetail {
  const t = ctx.metadata.topic(name);
  if (!t) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic: ${name}`);
  const summary = summarise(ctx, t.name, t.topicId, t.partitions, ratesOf);
  const node = ctx.metadata.nodeId;
  const partitionDetails = topicLogs(ctx, t.name, t.partitions).map((log): PartitionView => {
    const segments = log.logSegments().map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, sizeBytes: s.size, largestTimestamp: s.maxTimestampSoFar }));
    return {
      partition: log.topicPartition.partition,
      leader: node,
      replicas: [node],
      isr: [node],
      logStartOffset: log.logStartOffset,
      highWatermark: log.highWatermark,
      logEndOffset: log.logEndOffset,
      messages: log.highWatermark - log.logStartOffset,
      sizeBytes: log.size,
      segmentCount: segments.length,
      segments,
      rates: ratesOf(log),
    };
  });
  const configs = describeTopicConfigs(ctx, ctx.logManager.topicOverrides(t.name) ?? {}).map((c) => ({ name: c.name, value: c.value, source: SOURCE_NAMES.get(c.configSource) ?? 'UNKNOWN' }));
  const groups: { groupId: string; lag: number }[] = [];
  for (const g of ctx.groups.listGroups().groups) {
    const rows = committedRows(ctx, g.groupId).filter((r) => r.topic === t.name);
    if (rows.length > 0) groups.push({ groupId: g.groupId, lag: rows.reduce((n, r) => n + (r.lag ?? 0), 0) });
  }
  groups.sort((a, b) => cmp(a.groupId, b.groupId));
  return { ...summary, replicationFactor: 1, configs, partitionDetails, groups };
}

/** The committed offsets of a group with the log offsets and lag of each (no owners). */
function committedRows(ctx: BrokerContext, groupId: string): GroupPartitionView[] {
  const fetched = ctx.groups.fetchOffsets(groupId, null);
  if (fetched.errorCode !== 0) return [];
  return fetched.offsets.filter((o) => o.offset >= 0).map((o) => row(ctx, o.topic, o.partition, o.offset, o.metadata));
}

function row(ctx: BrokerContext, topic: string, partition: number, committed: number | null, metadata: string | null): GroupPartitionView {
  const log = ctx.logManager.getLog({ topic, partition });
  const hw = log ? log.highWatermark : null;
  return {
    topic,
    partition,
    committedOffset: committed,
    metadata,
    logStartOffset: log ? log.logStartOffset : null,
    highWatermark: hw,
    lag: committed !== null && hw !== null ? hw - committed : null,
    memberId: null,
    clientId: null,
    host: null,
  };
}

/**
 * One group in detail: members (with subscription and assignment for the consumer protocol when the
 * group is Stable), and every partition that has a committed offset or is assigned, with its lag and
 * owner, ordered by topic and partition. Errors: HttpApiError GROUP_ID_NOT_FOUND (404) for a group the
 * coordinator does not know (Kafka describes it as Dead).
 */
export function groupDetail(ctx: BrokerContext, groupId: string): GroupDetail {
  const d = ctx.groups.describeGroup(groupId);
  if (d.errorCode !== 0 || d.state === 'Dead') throw kafkaError('GROUP_ID_NOT_FOUND', `The group id ${groupId} does not exist.`);
  const consumer = d.protocolType === CONSUMER_PROTOCOL_TYPE;
  const members = d.members.map((m): MemberView => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscription: consumer ? decodeSubscription(m.metadata) ?? null : null,
    assignment: consumer ? decodeAssignment(m.assignment) ?? null : null,
  }));
  const rows = new Map<string, GroupPartitionView>();
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  for (const r of committedRows(ctx, groupId)) rows.set(key(r.topic, r.partition), r);
  for (const m of members) {
    for (const a of m.assignment ?? []) {
      for (const p of a.partitions) {
        const k = key(a.topic, p);
        const r = rows.get(k) ?? row(ctx, a.topic, p, null, null);
        r.memberId = m.memberId;
        r.clientId = m.clientId;
        r.host = m.clientHost;
        rows.set(k, r);
      }
    }
  }
  const partitionDetails = [...rows.values()].sort((a, b) => cmp(a.topic, b.topic) || a.partition - b.partition);
  const topics = [...new Set(partitionDetails.map((r) => r.topic))];
  return {
    groupId,
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocol,
    members,
    topics,
    partitions: partitionDetails.length,
    totalLag: partitionDetails.reduce((n, r) => n + (r.lag ?? 0), 0),
    partitionDetails,
  };
}

/** Every group (not Dead) with its member count, topics and total lag, by id. */
export function groupSummaries(ctx: BrokerContext): GroupSummary[] {
  const out: GroupSummary[] = [];
  for (const g of ctx.groups.listGroups().groups) {
    let d: GroupDetail;
    try {
      d = groupDetail(ctx, g.groupId);
    } catch {
      continue; // went away meanwhile
    }
    out.push({ groupId: d.groupId, state: d.state, protocolType: d.protocolType, protocol: d.protocol, members: d.members.length, topics: d.topics, partitions: d.partitions, totalLag: d.totalLag });
  }
  return out.sort((a, b) => cmp(a.groupId, b.groupId));
}

/** Every group's committed partitions with lag (for /metrics and the history), by group id. */
export function allGroupLags(ctx: BrokerContext): Map<string, GroupPartitionView[]> {
  const out = new Map<string, GroupPartitionView[]>();
  for (const g of ctx.groups.listGroups().groups) out.set(g.groupId, committedRows(ctx, g.groupId));
  return out;
}

/** `NAME://host:port` of a listener (IPv6 hosts in brackets). */
export function listenerUrl(scheme: string, host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}`;
}
