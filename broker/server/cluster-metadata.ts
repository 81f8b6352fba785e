/**
 * ClusterMetadata: what this one-node cluster knows about itself: its cluster id and node id, the
 * endpoint it advertises, and its topics (name, topic id, partition count). Topics are the partition
 * logs of the LogManager, whose per-partition state keeps the topic id and config overrides, so a
 * topic and its id survive restarts with its data. The cluster id lives in `meta.properties` in every
 * log dir, as Kafka keeps it (`cluster.id`, `node.id`, `version`).
 *
 * Errors (KafkaProtocolError, Kafka names): TOPIC_ALREADY_EXISTS (36), INVALID_TOPIC_EXCEPTION (17),
 * INVALID_PARTITIONS (37), INVALID_REPLICATION_FACTOR (38), INVALID_CONFIG (40),
 * UNKNOWN_TOPIC_OR_PARTITION (3), TOPIC_DELETION_DISABLED (73), INCONSISTENT_CLUSTER_ID (104).
 * Source: Kafka's `MetaProperties`, `ZkAdminManager.createTopics` / `createPartitions` validation.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KafkaProtocolError } from '../../client/errors.js';
import { parseProperties } from '../config/properties.js';
import type { KafkaConfig, Listener } from '../config/kafka-config.js';
import { normaliseTopicOverrides, validateTopicName, writeFileAtomic, type LogManager } from '../log/index.js';

/** A topic as Metadata describes it. */
export interface TopicInfo {
  name: string;
  /** Kafka's 22-character base64 topic id. */
  topicId: string;
  partitions: number;
}

/** Options of createTopic. numPartitions/replicationFactor -1 mean the broker defaults. */
export interface CreateTopicOptions {
  numPartitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  validateOnly?: boolean;
}

/** The all-zero uuid Kafka uses for "no topic id". */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
export const META_PROPERTIES = 'meta.properties';

/** A random Kafka Uuid in its text form (Kafka's `Uuid.randomUuid`: never zero, never starting with '-'). */
export function randomUuid(): string {
  for (;;) {
    const s = crypto.randomBytes(16).toString('base64url');
    if (s !== ZERO_UUID && !s.startsWith('-')) return s;
  }
}

/** See the module comment. Built by KafkaServer after the LogManager opened. */
export class ClusterMetadata {
  readonly clusterId: string;
  readonly nodeId: number;
  private readonly topicsByName = new Map<string, TopicInfo>();
  private readonly topicsById = new Map<string, TopicInfo>();
  private readonly creating = new Map<string, Promise<TopicInfo>>();
  private readonly deleteListeners: ((topic: string) => void | Promise<void>)[] = [];
  private endpoint: { host: string; port: number } = { host: '127.0.0.1', port: 9092 };

  constructor(
    private readonly config: KafkaConfig,
    private readonly logs: LogManager,
  ) {
    this.nodeId = config.nodeId;
    this.clusterId = loadOrCreateClusterId(config.logDirs, config.nodeId);
    for (const log of logs.allLogs()) {
      const { topic } = log.topicPartition;
      let t = this.topicsByName.get(topic);
      if (!t) {
        t = { name: topic, topicId: log.topicId ?? randomUuid(), partitions: 0 };
        this.topicsByName.set(topic, t);
      }
      t.partitions = Math.max(t.partitions, log.topicPartition.partition + 1);
    }
    for (const t of this.topicsByName.values()) this.topicsById.set(t.topicId, t);
  }

  /** Set the endpoint given to clients (the first advertised listener, port resolved after bind). */
  setAdvertisedEndpoint(listener: Listener): void {
    this.endpoint = { host: listener.host, port: listener.port };
  }

  /** The advertised host and port of this broker. */
  get advertisedEndpoint(): { host: string; port: number } {
    return this.endpoint;
  }

  /** Every topic, by name. */
  topics(): TopicInfo[] {
    return [...this.topicsByName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  topic(name: string): TopicInfo | undefined {
    return this.topicsByName.get(name);
  }

  topicById(id: string): TopicInfo | undefined {
    return this.topicsById.get(id);
  }

  /** Call `listener(topic)` after a topic was deleted (the group coordinator drops its offsets). */
  onTopicDeleted(listener: (topic: string) => void | Promise<void>): void {
    this.deleteListeners.push(listener);
  }

  /**
   * Check a CreateTopics entry without creating anything; returns the partition count and the
   * normalised configs. Errors: see the module comment.
   */
  validateNewTopic(name: string, options: CreateTopicOptions = {}): { numPartitions: number; configs: Record<string, string> } {
    validateTopicName(name);
    if (this.topicsByName.has(name) || this.creating.has(name)) throw new KafkaProtocolError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
    const numPartitions = options.numPartitions === undefined || options.numPartitions === -1 ? this.config.numPartitions : options.numPartitions;
    if (!Number.isInteger(numPartitions) || numPartitions <= 0) throw new KafkaProtocolError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    const rf = options.replicationFactor === undefined || options.replicationFactor === -1 ? this.config.defaultReplicationFactor : options.replicationFactor;
    if (rf <= 0) throw new KafkaProtocolError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    if (rf > 1) throw new KafkaProtocolError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only 1 broker(s) are registered.`);
    const configs = normaliseTopicOverrides(options.configs ?? {});
    return { numPartitions, configs };
  }

  /**
   * Create a topic and its partition logs (durable when the promise resolves), or only validate it
   * (`validateOnly`). Errors: see the module comment.
   */
  async createTopic(name: string, options: CreateTopicOptions = {}): Promise<TopicInfo> {
    const { numPartitions, configs } = this.validateNewTopic(name, options);
    const info: TopicInfo = { name, topicId: randomUuid(), partitions: numPartitions };
    if (options.validateOnly) return info;
    const creation = (async () => {
      for (let p = 0; p < numPartitions; p++) await this.logs.createLog({ topic: name, partition: p }, { topicId: info.topicId, overrides: configs });
      this.topicsByName.set(name, info);
      this.topicsById.set(info.topicId, info);
      return info;
    })().finally(() => this.creating.delete(name));
    this.creating.set(name, creation);
    return creation;
  }

  /**
   * The topic, creating it with the broker defaults when `auto.create.topics.enable` allows and the
   * name is legal; undefined otherwise. Concurrent calls for one name share one creation.
   */
  async getOrAutoCreate(name: string): Promise<TopicInfo | undefined> {
    const t = this.topicsByName.get(name);
    if (t) return t;
    const pending = this.creating.get(name);
    if (pending) return pending;
    if (!this.config.autoCreateTopicsEnable) return undefined;
    return this.createTopic(name);
  }

  /** Delete a topic and all its data. Errors: UNKNOWN_TOPIC_OR_PARTITION, TOPIC_DELETION_DISABLED. */
  async deleteTopic(name: string): Promise<TopicInfo> {
    if (!this.config.deleteTopicEnable) throw new KafkaProtocolError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled (delete.topic.enable=false).');
    const t = this.topicsByName.get(name);
    if (!t) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic: ${name}`);
    this.topicsByName.delete(name);
    this.topicsById.delete(t.topicId);
    await this.logs.deleteTopic(name);
    for (const l of this.deleteListeners) await l(name);
    return t;
  }

  /**
   * Grow a topic to `totalCount` partitions (new logs take the topic's id and overrides).
   * Errors: UNKNOWN_TOPIC_OR_PARTITION; INVALID_PARTITIONS when totalCount is not larger than now.
   */
  async createPartitions(name: string, totalCount: number, validateOnly = false): Promise<TopicInfo> {
    const t = this.topicsByName.get(name);
    if (!t) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
    if (totalCount < t.partitions) throw new KafkaProtocolError('INVALID_PARTITIONS', `Topic currently has ${t.partitions} partitions, which is higher than the requested ${totalCount}.`);
    if (totalCount === t.partitions) throw new KafkaProtocolError('INVALID_PARTITIONS', `Topic already has ${t.partitions} partitions.`);
    if (validateOnly) return t;
    const overrides = this.logs.topicOverrides(name) ?? {};
    for (let p = t.partitions; p < totalCount; p++) {
      await this.logs.createLog({ topic: name, partition: p }, { topicId: t.topicId, overrides });
      t.partitions = p + 1;
    }
    return t;
  }
}

/**
 * Read `cluster.id` from `meta.properties` in the log dirs; write a new one where missing.
 * Errors: INCONSISTENT_CLUSTER_ID when two dirs disagree (as Kafka refuses to start).
 */
function loadOrCreateClusterId(dirs: readonly string[], nodeId: number): string {
  let clusterId: string | undefined;
  for (const d of dirs) {
    const file = path.join(d, META_PROPERTIES);
    if (!fs.existsSync(file)) continue;
    const id = parseProperties(fs.readFileSync(file, 'utf8')).get('cluster.id');
    if (id === undefined) continue;
    if (clusterId !== undefined && id !== clusterId) throw new KafkaProtocolError('INCONSISTENT_CLUSTER_ID', `log dirs disagree on cluster.id: ${clusterId} and ${id} (${file})`);
    clusterId = id;
  }
  clusterId ??= randomUuid();
  for (const d of dirs) {
    const file = path.join(d, META_PROPERTIES);
    if (fs.existsSync(file)) continue;
    writeFileAtomic(file, `#\n#${new Date().toUTCString()}\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
  }
  return clusterId;
}
