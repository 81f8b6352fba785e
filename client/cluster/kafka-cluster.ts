/**
 * KafkaCluster: the client's view of and connections to a cluster (Java's `NetworkClient` with its
 * `Metadata` and the coordinator lookup of `AbstractCoordinator`): bootstraps from
 * `bootstrap.servers`, keeps one BrokerConnection per broker (opened on first use, reopened after a
 * failure with exponential backoff from `reconnect.backoff.ms` to `reconnect.backoff.max.ms`),
 * refreshes metadata when a topic is unknown or stale or older than `metadata.max.age.ms`, and finds
 * group coordinators (FindCoordinator, batched v4+ or single). Works with one broker or many
 * (leaders are looked up per partition), so the same client runs against Apache Kafka or Redpanda.
 *
 * Errors: ConnectionError (`KTS_ERR_CONNECT`) when no bootstrap server answers; KafkaProtocolError
 * with Kafka's names (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, COORDINATOR_NOT_AVAILABLE, ...).
 */
import { KafkaProtocolError } from '../errors.js';
import { Apis, type ApiCodec, type RequestInput, type ResponseOf } from '../protocol/index.js';
import type { CommonConfig } from '../config.js';
import { BrokerConnection, ConnectionError, type RequestOptions } from '../network/broker-connection.js';
import { MetadataCache, type BrokerNode, type TopicMetadata } from './metadata-cache.js';

/** Options of refreshMetadata. */
export interface MetadataRefreshOptions {
  /** Ask the broker to create missing topics (Metadata v4+ allow_auto_topic_creation; default false). */
  allowAutoTopicCreation?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module comment. */
export class KafkaCluster {
  readonly metadata = new MetadataCache();
  private readonly connections = new Map<number, BrokerConnection>();
  private readonly backoff = new Map<number, { failures: number; until: number }>();
  private bootstrapConnection: BrokerConnection | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly coordinators = new Map<string, number>();
  private closed = false;
  /** Topics this client uses (refreshed together, as the Java client's metadata topics). */
  private readonly interest = new Set<string>();

  constructor(readonly config: CommonConfig) {}

  private newConnection(host: string, port: number, nodeId: number): BrokerConnection {
    return new BrokerConnection({
      host,
      port,
      nodeId,
      clientId: this.config.clientId,
      requestTimeoutMs: this.config.requestTimeoutMs,
      maxInFlight: this.config.maxInFlightRequestsPerConnection,
      connectTimeoutMs: this.config.socketConnectionSetupTimeoutMs,
    });
  }

  /** A ready connection to any broker (a known one, else a bootstrap server). Errors: ConnectionError. */
  async anyConnection(): Promise<BrokerConnection> {
    if (this.closed) throw new KafkaProtocolError('NETWORK_EXCEPTION', 'the client is closed');
    for (const c of this.connections.values()) if (c.isReady) return c;
    for (const nodeId of this.metadata.brokers.keys()) {
      try {
        return await this.connectionTo(nodeId);
      } catch {
        // try the next one
      }
    }
    if (this.bootstrapConnection && !this.bootstrapConnection.isClosed) {
      await this.bootstrapConnection.connect();
      return this.bootstrapConnection;
    }
    const errors: string[] = [];
    for (const { host, port } of this.config.bootstrapServers) {
      const c = this.newConnection(host, port, -1);
      // Known before it is connected, so that concurrent callers share it (and close() closes it).
      this.bootstrapConnection = c;
      try {
        await c.connect();
        return c;
      } catch (e) {
        c.close();
        if (this.bootstrapConnection === c) this.bootstrapConnection = undefined;
        errors.push((e as Error).message);
      }
    }
    throw new ConnectionError(`could not connect to any bootstrap server (${this.config.bootstrapServers.map((b) => `${b.host}:${b.port}`).join(', ')}): ${errors.join('; ')}`);
  }

  /**
   * The connection to broker `nodeId` (from metadata), connecting if needed; after a failure the next
   * attempt waits the reconnect backoff. Errors: ConnectionError, LEADER_NOT_AVAILABLE for an unknown node.
   */
  async connectionTo(nodeId: number): Promise<BrokerConnection> {
    if (this.closed) throw new KafkaProtocolError('NETWORK_EXCEPTION', 'the client is closed');
    let c = this.connections.get(nodeId);
    if (c && !c.isClosed) {
      await c.connect();
      return c;
    }
    const node = this.metadata.brokers.get(nodeId);
    if (!node) throw new KafkaProtocolError('LEADER_NOT_AVAILABLE', `broker ${nodeId} is not in the metadata`);
    const b = this.backoff.get(nodeId);
    if (b && Date.now() < b.until) await sleep(b.until - Date.now());
    c = this.newConnection(node.host, node.port, nodeId);
    this.connections.set(nodeId, c);
    try {
      await c.connect();
      this.backoff.delete(nodeId);
      return c;
    } catch (e) {
      const failures = (b?.failures ?? 0) + 1;
      const wait = Math.min(this.config.reconnectBackoffMaxMs, this.config.reconnectBackoffMs * 2 ** (failures - 1));
      // Java adds ±20% jitter to the backoff.
      this.backoff.set(nodeId, { failures, until: Date.now() + wait * (0.8 + Math.random() * 0.4) });
      this.connections.delete(nodeId);
      throw e;
    }
  }

  /** Send a request to broker `nodeId`. Errors: as connectionTo and BrokerConnection.request. */
  async request<A extends ApiCodec<any, any>>(nodeId: number, api: A, body: RequestInput<A>, options?: RequestOptions): Promise<ResponseOf<A>> {
    const c = await this.connectionTo(nodeId);
    return c.request(api, body, options);
  }

  /**
   * Fetch metadata for `topics` (plus the topics already of interest), or for all topics when null.
   * Concurrent calls share one request. Errors: ConnectionError, NETWORK_EXCEPTION.
   */
  async refreshMetadata(topics: readonly string[] | null = [], options: MetadataRefreshOptions = {}): Promise<Map<string, number>> {
    if (topics) for (const t of topics) this.interest.add(t);
    const wanted = topics === null ? null : [...this.interest];
    let errors = new Map<string, number>();
    const run = async () => {
      const c = await this.anyConnection();
      const v = c.versionFor(Apis.Metadata);
      const body = wanted === null ? { topics: v === 0 ? [] : null } : { topics: wanted.map((name) => ({ name })) };
      // allow_auto_topic_creation exists from v4; older versions leave it to the broker's config.
      const r = await c.request(Apis.Metadata, v !== undefined && v >= 4 ? { ...body, allowAutoTopicCreation: options.allowAutoTopicCreation ?? false } : body);
      errors = this.metadata.update(r);
      // A bootstrap connection becomes the connection of the node it turned out to be.
      const boot = this.bootstrapConnection;
      if (boot && boot.nodeId < 0) {
        const node = [...this.metadata.brokers.values()].find((b) => b.host === boot.host && b.port === boot.port);
        if (node && !this.connections.has(node.nodeId)) {
          boot.nodeId = node.nodeId;
          this.connections.set(node.nodeId, boot);
          this.bootstrapConnection = undefined;
        }
      }
    };
    // Share a refresh in flight only when it asks for the same thing (the common case: all interest).
    if (this.refreshing && topics !== null && !options.allowAutoTopicCreation) {
      await this.refreshing;
      if (wanted!.every((t) => this.metadata.topics.has(t))) return errors;
    }
    const p = run();
    const shared: Promise<void> = p.then(
      () => {},
      () => {},
    );
    this.refreshing = shared;
    void shared.then(() => {
      if (this.refreshing === shared) this.refreshing = undefined;
    });
    await p;
    return errors;
  }

  /**
   * The metadata of `topic`, refreshing when unknown, stale or old. Errors: UNKNOWN_TOPIC_OR_PARTITION
   * (or the broker's error for it, e.g. INVALID_TOPIC_EXCEPTION) when the cluster does not have it.
   */
  async topic(topic: string, options: MetadataRefreshOptions = {}): Promise<TopicMetadata> {
    if (this.metadata.needsRefresh(topic, this.config.metadataMaxAgeMs)) {
      const errors = await this.refreshMetadata([topic], options);
      const code = errors.get(topic);
      if (code !== undefined && code !== 0 && !this.metadata.topics.has(topic)) throw new KafkaProtocolError(code, `topic ${topic}`);
    }
    const t = this.metadata.topics.get(topic);
    if (!t) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}`);
    return t;
  }

  /** The leader of a partition, refreshing metadata once if it is unknown. Errors: as topic(), LEADER_NOT_AVAILABLE. */
  async leaderFor(topic: string, partition: number): Promise<BrokerNode> {
    await this.topic(topic);
    let leader = this.metadata.leaderFor(topic, partition);
    if (!leader) {
      this.metadata.invalidate(topic);
      await this.topic(topic);
      leader = this.metadata.leaderFor(topic, partition);
    }
    if (!leader) {
      const n = this.metadata.partitionCount(topic) ?? 0;
      if (partition >= n) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `${topic} has ${n} partitions; there is no partition ${partition}`);
      throw new KafkaProtocolError('LEADER_NOT_AVAILABLE', `no leader for ${topic}-${partition}`);
    }
    return leader;
  }

  /**
   * The node id of the coordinator of `key` (keyType 0 = group, 1 = transaction), cached until
   * invalidateCoordinator. Errors: COORDINATOR_NOT_AVAILABLE and the broker's errors.
   */
  async coordinatorFor(key: string, keyType = 0): Promise<number> {
    const cacheKey = `${keyType}:${key}`;
    const known = this.coordinators.get(cacheKey);
    if (known !== undefined && this.metadata.brokers.has(known)) return known;
    const c = await this.anyConnection();
    const v = c.versionFor(Apis.FindCoordinator);
    if (v === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${c.address} does not support FindCoordinator`);
    const r = await c.request(Apis.FindCoordinator, v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType });
    const entry = v >= 4 ? r.coordinators[0]! : { errorCode: r.errorCode, errorMessage: r.errorMessage, nodeId: r.nodeId, host: r.host, port: r.port };
    if (entry.errorCode !== 0) throw new KafkaProtocolError(entry.errorCode, entry.errorMessage ?? `FindCoordinator for ${key}`);
    if (!this.metadata.brokers.has(entry.nodeId)) this.metadata.brokers.set(entry.nodeId, { nodeId: entry.nodeId, host: entry.host, port: entry.port, rack: null });
    this.coordinators.set(cacheKey, entry.nodeId);
    return entry.nodeId;
  }

  /** Forget a coordinator (after NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE). */
  invalidateCoordinator(key: string, keyType = 0): void {
    this.coordinators.delete(`${keyType}:${key}`);
  }

  /** Close every connection. */
  close(): void {
    this.closed = true;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
    this.bootstrapConnection?.close();
  }
}
