/**
 * AdminClient: topics, partitions, configs, records, consumer groups and offsets of a Kafka cluster
 * (Java's `Admin`), on KafkaCluster. Topic creation, deletion and partition changes go to the
 * controller; DeleteRecords and ListOffsets to each partition's leader; group requests to the group's
 * coordinator (found with FindCoordinator, looked up again after NOT_COORDINATOR); broker configs to
 * that broker; the rest to any broker.
 *
 * Errors: KafkaProtocolError with Kafka's names (TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_PARTITIONS, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...) and the broker's message; for a request
 * on several resources the first failure is thrown. ConnectionError (`KTS_ERR_CONNECT`) when no
 * bootstrap server answers; ConfigError (`KTS_ERR_CLIENT_CONFIG`) for a bad config.
 */
import { KafkaCluster } from '../cluster/kafka-cluster.js';
import type { BrokerNode } from '../cluster/metadata-cache.js';
import { commonConfig, type ClientProperties, type CommonConfig } from '../config.js';
import { KafkaProtocolError } from '../errors.js';
import { Apis, type ResponseOf } from '../protocol/index.js';
import { decodeAssignment, decodeSubscription } from '../consumer/consumer-protocol.js';

/** A topic and partition. */
export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** One partition of a described topic. */
export interface TopicPartitionDescription {
  partition: number;
  /** Leader node id, -1 when there is none. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

/** A topic as describeTopics returns it. */
export interface TopicDescription {
  name: string;
  /** Kafka's base64 topic id (all zeros from a broker before Metadata v10). */
  topicId: string;
  isInternal: boolean;
  partitions: TopicPartitionDescription[];
}

/** Kafka's ConfigSource names, by their wire value. */
export const CONFIG_SOURCES = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'CLIENT_METRICS_CONFIG'] as const;
/** A ConfigSource name. */
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

/** One config entry of a resource. */
export interface ConfigEntry {
  name: string;
  value: string | null;
  source: ConfigSource;
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
}

/** The configs of one resource. */
export interface ConfigDescription {
  type: 'topic' | 'broker';
  name: string;
  entries: ConfigEntry[];
}

/** One member of a described group. */
export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  /** The client host as the broker saw it (Kafka's form: `/127.0.0.1`). */
  host: string;
  /** The assigned partitions (decoded for protocol type `consumer`; empty otherwise or when undecodable). */
  assignment: TopicPartitionRef[];
  /** The subscribed topics (protocol type `consumer`; empty otherwise). */
  subscription: string[];
}

/** A described group. */
export interface GroupDescription {
  groupId: string;
  /** Kafka's state name: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  state: string;
  protocolType: string;
  /** The chosen protocol (for consumers, the assignor: range, roundrobin, cooperative-sticky...). */
  protocol: string;
  members: MemberDescription[];
  /** The coordinator's node id. */
  coordinator: number;
}

/** A row of consumerGroupLag. */
export interface GroupLagRow {
  topic: string;
  partition: number;
  currentOffset: number | null;
  logEndOffset: number;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

const RESOURCE_TYPE = { topic: 2, broker: 4 } as const;
const CONFIG_OP = { set: 0, delete: 1, append: 2, subtract: 3 } as const;
/** Errors after which a group request is sent again to a freshly looked-up coordinator. */
const COORDINATOR_ERRORS = new Set([14, 15, 16]); // COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR
/** Errors after which partition metadata is refreshed and the request sent again. */
const LEADER_ERRORS = new Set([3, 5, 6]); // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER
const ATTEMPTS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tpKey = (topic: string, partition: number) => `${topic}-${partition}`;

function check(errorCode: number, message: string | null | undefined, what: string): void {
  if (errorCode !== 0) throw new KafkaProtocolError(errorCode, message ? `${message}` : what);
}

/** See the module comment. */
export class AdminClient {
  /** The cluster view and connections this client uses. */
  readonly cluster: KafkaCluster;
  private readonly config: CommonConfig;

  /** `props`: Java's client keys (`bootstrap.servers` required). Errors: ConfigError. */
  constructor(props: ClientProperties) {
    this.config = commonConfig(props);
    this.cluster = new KafkaCluster(this.config);
  }

  /** A full Metadata answer for `topics` (null = all), also applied to the cluster's cache. */
  private async metadataFor(topics: string[] | null): Promise<ResponseOf<typeof Apis.Metadata>> {
    const c = await this.cluster.anyConnection();
    const v = c.versionFor(Apis.Metadata);
    const body = topics === null ? { topics: v === 0 ? [] : null } : { topics: topics.map((name) => ({ name })) };
    const r = await c.request(Apis.Metadata, { ...body, allowAutoTopicCreation: false });
    this.cluster.metadata.update(r);
    return r;
  }

  /** Node id of the controller (any broker when the cluster does not say). */
  private async controller(): Promise<number> {
    const r = await this.metadataFor([]);
    if (r.controllerId >= 0 && r.brokers.some((b) => b.nodeId === r.controllerId)) return r.controllerId;
    const first = r.brokers[0];
    if (!first) throw new KafkaProtocolError('BROKER_NOT_AVAILABLE', 'the cluster lists no brokers');
    return first.nodeId;
  }

  /** Version of `api` that broker `nodeId` will be sent. */
  private async versionAt(nodeId: number, api: (typeof Apis)[keyof typeof Apis]): Promise<number> {
    const c = await this.cluster.connectionTo(nodeId);
    const v = c.versionFor(api);
    if (v === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${c.address} does not support ${api.name}`);
    return v;
  }

  /** Run a group request at the group's coordinator, looking the coordinator up again after coordinator errors. */
  private async atCoordinator<T>(groupId: string, fn: (nodeId: number) => Promise<{ errorCode: number; value: T }>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const nodeId = await this.cluster.coordinatorFor(groupId);
      const { errorCode, value } = await fn(nodeId);
      if (errorCode === 0) return value;
      if (!COORDINATOR_ERRORS.has(errorCode) || attempt >= ATTEMPTS) throw new KafkaProtocolError(errorCode, `group ${groupId}`);
      this.cluster.invalidateCoordinator(groupId);
      await sleep(this.config.retryBackoffMs);
    }
  }

  /** Group partitions by their leader, refreshing metadata as needed. Errors: UNKNOWN_TOPIC_OR_PARTITION... */
  private async byLeader<P extends { topic: string; partition: number }>(parts: readonly P[]): Promise<Map<number, P[]>> {
    const out = new Map<number, P[]>();
    for (const p of parts) {
      const leader: BrokerNode = await this.cluster.leaderFor(p.topic, p.partition);
      let l = out.get(leader.nodeId);
      if (!l) out.set(leader.nodeId, (l = []));
      l.push(p);
    }
    return out;
  }

  /** Retry `fn` after leader errors (metadata of `topics` invalidated in between). */
  private async withLeaderRetry<T>(topics: Iterable<string>, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!(e instanceof KafkaProtocolError) || !LEADER_ERRORS.has(e.errorCode) || attempt >= ATTEMPTS) throw e;
        for (const t of topics) this.cluster.metadata.invalidate(t);
        await sleep(this.config.retryBackoffMs);
      }
    }
  }

  /**
   * Create topics. `numPartitions` / `replicationFactor` default to the broker's (`num.partitions`,
   * `default.replication.factor`). `validateOnly` checks without creating.
   * Errors: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG...
   */
  async createTopics(topics: { name: string; numPartitions?: number; replicationFactor?: number; configs?: Record<string, string> }[], options: { validateOnly?: boolean } = {}): Promise<void> {
    const nodeId = await this.controller();
    const v = await this.versionAt(nodeId, Apis.CreateTopics);
    const r = await this.cluster.request(nodeId, Apis.CreateTopics, {
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions ?? (v >= 4 ? -1 : 1),
        replicationFactor: t.replicationFactor ?? (v >= 4 ? -1 : 1),
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: this.config.requestTimeoutMs,
      validateOnly: options.validateOnly ?? false,
    });
    for (const t of r.topics) check(t.errorCode, t.errorMessage, `topic ${t.name}`);
    for (const t of topics) this.cluster.metadata.invalidate(t.name);
  }

  /** Delete topics. Errors: UNKNOWN_TOPIC_OR_PARTITION, TOPIC_DELETION_DISABLED... */
  async deleteTopics(names: string[]): Promise<void> {
    const nodeId = await this.controller();
    const v = await this.versionAt(nodeId, Apis.DeleteTopics);
    const r = await this.cluster.request(nodeId, Apis.DeleteTopics, v >= 6 ? { topics: names.map((name) => ({ name })), timeoutMs: this.config.requestTimeoutMs } : { topicNames: names, timeoutMs: this.config.requestTimeoutMs });
    for (const t of r.responses) check(t.errorCode, t.errorMessage, `topic ${t.name}`);
    for (const n of names) {
      this.cluster.metadata.topics.delete(n);
      this.cluster.metadata.invalidate(n);
    }
  }

  /** Names of the cluster's topics, sorted; internal ones (`__consumer_offsets`) only with `listInternal`. */
  async listTopics(options: { listInternal?: boolean } = {}): Promise<string[]> {
    const r = await this.metadataFor(null);
    return r.topics
      .filter((t) => t.errorCode === 0 && t.name != null && (options.listInternal || !t.isInternal))
      .map((t) => t.name!)
      .sort();
  }

  /** Describe topics: id, partitions with leader, replicas and ISR. Errors: UNKNOWN_TOPIC_OR_PARTITION for a missing one. */
  async describeTopics(names: string[]): Promise<TopicDescription[]> {
    const r = await this.metadataFor(names);
    const out: TopicDescription[] = [];
    for (const name of names) {
      const t = r.topics.find((x) => x.name === name);
      if (!t) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist as expected`);
      check(t.errorCode, null, `Topic '${name}'`);
      out.push({
        name,
        topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA',
        isInternal: t.isInternal ?? false,
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas ?? [] }))
          .sort((a, b) => a.partition - b.partition),
      });
    }
    return out;
  }

  /** Raise partition counts to the given totals. Errors: INVALID_PARTITIONS (not an increase), UNKNOWN_TOPIC_OR_PARTITION. */
  async createPartitions(newTotals: Record<string, number>): Promise<void> {
    const nodeId = await this.controller();
    const r = await this.cluster.request(nodeId, Apis.CreatePartitions, {
      topics: Object.entries(newTotals).map(([name, count]) => ({ name, count, assignments: null })),
      timeoutMs: this.config.requestTimeoutMs,
      validateOnly: false,
    });
    for (const t of r.results) check(t.errorCode, t.errorMessage, `topic ${t.name}`);
    for (const n of Object.keys(newTotals)) this.cluster.metadata.invalidate(n);
  }

  /** Every config of each resource, with its source. A broker resource is named by its node id. Errors: UNKNOWN_TOPIC_OR_PARTITION... */
  async describeConfigs(resources: { type: 'topic' | 'broker'; name: string }[]): Promise<ConfigDescription[]> {
    const out: ConfigDescription[] = [];
    for (const res of resources) {
      const nodeId = res.type === 'broker' && /^\d+$/.test(res.name) ? Number(res.name) : undefined;
      if (nodeId !== undefined && !this.cluster.metadata.brokers.has(nodeId)) await this.metadataFor([]);
      const c = nodeId !== undefined ? await this.cluster.connectionTo(nodeId) : await this.cluster.anyConnection();
      const v = c.versionFor(Apis.DescribeConfigs);
      const r = await c.request(Apis.DescribeConfigs, { resources: [{ resourceType: RESOURCE_TYPE[res.type], resourceName: res.name, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
      const result = r.results[0];
      if (!result) throw new KafkaProtocolError('UNKNOWN_SERVER_ERROR', `no answer for ${res.type} ${res.name}`);
      check(result.errorCode, result.errorMessage, `${res.type} ${res.name}`);
      out.push({
        type: res.type,
        name: res.name,
        entries: result.configs.map((e) => {
          const source: ConfigSource = v === 0 ? (e.isDefault ? 'DEFAULT_CONFIG' : res.type === 'topic' ? 'DYNAMIC_TOPIC_CONFIG' : 'STATIC_BROKER_CONFIG') : (CONFIG_SOURCES[e.configSource] ?? 'UNKNOWN');
          return { name: e.name, value: e.value, source, isDefault: source === 'DEFAULT_CONFIG', readOnly: e.readOnly, isSensitive: e.isSensitive };
        }),
      });
    }
    return out;
  }

  /** Change configs (KIP-339 operations set, delete, append, subtract). Errors: INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION... */
  async incrementalAlterConfigs(changes: { type: 'topic' | 'broker'; name: string; ops: { name: string; op: 'set' | 'delete' | 'append' | 'subtract'; value?: string }[] }[]): Promise<void> {
    for (const ch of changes) {
      const nodeId = ch.type === 'broker' && /^\d+$/.test(ch.name) ? Number(ch.name) : undefined;
      if (nodeId !== undefined && !this.cluster.metadata.brokers.has(nodeId)) await this.metadataFor([]);
      const c = nodeId !== undefined ? await this.cluster.connectionTo(nodeId) : await this.cluster.anyConnection();
      const r = await c.request(Apis.IncrementalAlterConfigs, {
        resources: [{ resourceType: RESOURCE_TYPE[ch.type], resourceName: ch.name, configs: ch.ops.map((o) => ({ name: o.name, configOperation: CONFIG_OP[o.op], value: o.value ?? null })) }],
        validateOnly: false,
      });
      for (const x of r.responses) check(x.errorCode, x.errorMessage, `${ch.type} ${ch.name}`);
    }
  }

  /**
   * Delete the records before `offset` of each partition (offset -1 = the high watermark), at each
   * partition's leader. Returns the new low watermarks by `${topic}-${partition}`.
   * Errors: OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION...
   */
  async deleteRecords(before: { topic: string; partition: number; offset: number }[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    await this.withLeaderRetry(new Set(before.map((b) => b.topic)), async () => {
      const groups = await this.byLeader(before);
      await Promise.all(
        [...groups].map(async ([nodeId, parts]) => {
          const r = await this.cluster.request(nodeId, Apis.DeleteRecords, { topics: groupByTopic(parts).map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) })), timeoutMs: this.config.requestTimeoutMs });
          for (const t of r.topics) for (const p of t.partitions) {
            check(p.errorCode, null, `${t.name}-${p.partitionIndex}`);
            out.set(tpKey(t.name, p.partitionIndex), p.lowWatermark);
          }
        }),
      );
    });
    return out;
  }

  /** Groups of every broker (their coordinators), with their protocol type and state (Kafka 2.6+ brokers; else ''). */
  async listGroups(): Promise<{ groupId: string; protocolType: string; state: string }[]> {
    await this.metadataFor([]);
    const out = new Map<string, { groupId: string; protocolType: string; state: string }>();
    for (const nodeId of [...this.cluster.metadata.brokers.keys()]) {
      const r = await this.cluster.request(nodeId, Apis.ListGroups, { statesFilter: [], typesFilter: [] });
      check(r.errorCode, null, `ListGroups at broker ${nodeId}`);
      for (const g of r.groups) out.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? '' });
    }
    return [...out.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /**
   * Describe groups: state, protocol and members with their (decoded) assignments. A group the
   * coordinator does not know is described with state `Dead` and no members, as Kafka does.
   */
  async describeGroups(ids: string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = [];
    for (const groupId of ids) {
      let coordinator = -1;
      const g = await this.atCoordinator(groupId, async (nodeId) => {
        coordinator = nodeId;
        const r = await this.cluster.request(nodeId, Apis.DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false });
        const d = r.groups[0]!;
        // Newer brokers answer GROUP_ID_NOT_FOUND where classic ones describe a Dead group: same thing.
        if (d.errorCode === 69) return { errorCode: 0, value: { ...d, groupState: 'Dead', members: [] } };
        return { errorCode: d.errorCode, value: d };
      });
      const consumer = g.protocolType === 'consumer';
      out.push({
        groupId,
        state: g.groupState,
        protocolType: g.protocolType,
        protocol: g.protocolData,
        coordinator,
        members: g.members.map((m) => {
          let assignment: TopicPartitionRef[] = [];
          let subscription: string[] = [];
          if (consumer) {
            try {
              assignment = decodeAssignment(m.memberAssignment).partitions.flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.topic, partition })));
            } catch {
              // an assignment we cannot decode shows as none
            }
            try {
              if (m.memberMetadata.length > 0) subscription = decodeSubscription(m.memberMetadata).topics;
            } catch {
              // likewise
            }
          }
          return { memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId, host: m.clientHost, assignment, subscription };
        }),
      });
    }
    return out;
  }

  /** Delete groups (with their committed offsets). Errors: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP. */
  async deleteGroups(ids: string[]): Promise<void> {
    for (const groupId of ids) {
      await this.atCoordinator(groupId, async (nodeId) => {
        const r = await this.cluster.request(nodeId, Apis.DeleteGroups, { groupsNames: [groupId] });
        return { errorCode: r.results[0]?.errorCode ?? 0, value: undefined };
      });
    }
  }

  /** The committed offsets of a group, by `${topic}-${partition}` (partitions without a commit left out). */
  async listConsumerGroupOffsets(groupId: string): Promise<Map<string, { offset: number; metadata: string }>> {
    const rows = await this.committedOffsets(groupId);
    return new Map(rows.map((r) => [tpKey(r.topic, r.partition), { offset: r.offset, metadata: r.metadata }]));
  }

  /** The committed offsets of a group as rows. */
  private async committedOffsets(groupId: string): Promise<{ topic: string; partition: number; offset: number; metadata: string }[]> {
    return this.atCoordinator(groupId, async (nodeId) => {
      const v = await this.versionAt(nodeId, Apis.OffsetFetch);
      if (v < 2) throw new KafkaProtocolError('UNSUPPORTED_VERSION', 'OffsetFetch for all partitions needs v2+');
      const r = await this.cluster.request(nodeId, Apis.OffsetFetch, v >= 8 ? { groups: [{ groupId, topics: null }], requireStable: false } : { groupId, topics: null, requireStable: false });
      const topics = v >= 8 ? (r.groups[0]?.topics ?? []) : r.topics;
      const errorCode = v >= 8 ? (r.groups[0]?.errorCode ?? 0) : r.errorCode;
      const rows: { topic: string; partition: number; offset: number; metadata: string }[] = [];
      for (const t of topics) for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `${t.name}-${p.partitionIndex}`);
        if (p.committedOffset >= 0) rows.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata ?? '' });
      }
      rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      return { errorCode, value: rows };
    });
  }

  /**
   * Lag of a consumer group, as `kafka-consumer-groups --describe` shows it: one row per partition that
   * has a committed offset or is assigned to a member, with the log end offset and the owning member.
   * Errors: as describeGroups / listOffsets.
   */
  async consumerGroupLag(groupId: string): Promise<GroupLagRow[]> {
    const [group] = await this.describeGroups([groupId]);
    const committed = await this.committedOffsets(groupId);
    const owner = new Map<string, MemberDescription>();
    for (const m of group!.members) for (const tp of m.assignment) owner.set(tpKey(tp.topic, tp.partition), m);
    const parts = new Map<string, { topic: string; partition: number }>();
    for (const c of committed) parts.set(tpKey(c.topic, c.partition), { topic: c.topic, partition: c.partition });
    for (const m of group!.members) for (const tp of m.assignment) parts.set(tpKey(tp.topic, tp.partition), tp);
    const known: { topic: string; partition: number }[] = [];
    for (const p of parts.values()) {
      try {
        await this.cluster.leaderFor(p.topic, p.partition);
        known.push(p);
      } catch {
        // a deleted topic: no log end offset to show
      }
    }
    const ends = await this.listOffsets(known.map((p) => ({ ...p, spec: 'latest' as const })));
    const offsets = new Map(committed.map((c) => [tpKey(c.topic, c.partition), c.offset]));
    return known
      .map((p) => {
        const key = tpKey(p.topic, p.partition);
        const currentOffset = offsets.get(key) ?? null;
        const logEndOffset = ends.get(key) ?? -1;
        const m = owner.get(key);
        return { topic: p.topic, partition: p.partition, currentOffset, logEndOffset, lag: currentOffset === null ? null : Math.max(0, logEndOffset - currentOffset), consumerId: m?.memberId ?? null, host: m?.host ?? null, clientId: m?.clientId ?? null };
      })
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }

  /**
   * Commit offsets for a group that has no active members (a simple commit: generation -1, no member
   * id), as Kafka's `alterConsumerGroupOffsets`. Errors: UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION from a
   * broker whose group is active, UNKNOWN_TOPIC_OR_PARTITION...
   */
  async alterConsumerGroupOffsets(groupId: string, offsets: { topic: string; partition: number; offset: number }[]): Promise<void> {
    await this.atCoordinator(groupId, async (nodeId) => {
      const r = await this.cluster.request(nodeId, Apis.OffsetCommit, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: groupByTopic(offsets).map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' })) })),
      });
      let errorCode = 0;
      for (const t of r.topics) for (const p of t.partitions) if (p.errorCode !== 0 && errorCode === 0) errorCode = p.errorCode;
      return { errorCode, value: undefined };
    });
  }

  /**
   * Offsets by `${topic}-${partition}`: `earliest` (log start), `latest` (high watermark, or the last
   * stable offset with isolationLevel read_committed) or a timestamp (the first offset at or after it;
   * -1 when there is none). Errors: UNKNOWN_TOPIC_OR_PARTITION...
   */
  async listOffsets(query: { topic: string; partition: number; spec: 'earliest' | 'latest' | number }[], options: { isolationLevel?: 'read_uncommitted' | 'read_committed' } = {}): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (query.length === 0) return out;
    await this.withLeaderRetry(new Set(query.map((q) => q.topic)), async () => {
      const groups = await this.byLeader(query);
      await Promise.all(
        [...groups].map(async ([nodeId, parts]) => {
          const v = await this.versionAt(nodeId, Apis.ListOffsets);
          const r = await this.cluster.request(nodeId, Apis.ListOffsets, {
            replicaId: -1,
            isolationLevel: options.isolationLevel === 'read_committed' ? 1 : 0,
            topics: groupByTopic(parts).map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: p.spec === 'earliest' ? -2 : p.spec === 'latest' ? -1 : p.spec, maxNumOffsets: 1 })) })),
          });
          for (const t of r.topics) for (const p of t.partitions) {
            check(p.errorCode, null, `${t.name}-${p.partitionIndex}`);
            out.set(tpKey(t.name, p.partitionIndex), v === 0 ? (p.oldStyleOffsets[0] ?? -1) : p.offset);
          }
        }),
      );
    });
    return out;
  }

  /** Close the connections. */
  async close(): Promise<void> {
    this.cluster.close();
  }
}

function groupByTopic<P extends { topic: string }>(parts: readonly P[]): [string, P[]][] {
  const m = new Map<string, P[]>();
  for (const p of parts) {
    let l = m.get(p.topic);
    if (!l) m.set(p.topic, (l = []));
    l.push(p);
  }
  return [...m];
}
