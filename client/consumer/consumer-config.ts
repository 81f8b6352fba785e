/**
 * The consumer's configuration (Java's `ConsumerConfig`): Kafka's keys and defaults, read from a
 * ClientProperties object. Times in ms, sizes in bytes.
 * Errors: ConfigError (`KTS_ERR_CLIENT_CONFIG`) naming the key.
 */
import { boolConfig, commonConfig, ConfigError, intConfig, stringConfig, type ClientProperties, type CommonConfig } from '../config.js';
import { assignorsFor, type ConsumerPartitionAssignor } from './assignors.js';

/** `auto.offset.reset` values (Kafka's OffsetResetStrategy). */
export type OffsetResetStrategy = 'latest' | 'earliest' | 'none';

/** Parsed consumer settings. */
export interface ConsumerConfig extends CommonConfig {
  /** `group.id` (no default; needed by subscribe/commit/committed). */
  groupId: string | null;
  /** `group.instance.id` (static membership, KIP-345), null = dynamic member. */
  groupInstanceId: string | null;
  /** `session.timeout.ms` (45000). */
  sessionTimeoutMs: number;
  /** `heartbeat.interval.ms` (3000). */
  heartbeatIntervalMs: number;
  /** `max.poll.interval.ms` (300000), sent as the rebalance timeout. */
  maxPollIntervalMs: number;
  /** `enable.auto.commit` (true). */
  enableAutoCommit: boolean;
  /** `auto.commit.interval.ms` (5000). */
  autoCommitIntervalMs: number;
  /** `auto.offset.reset` (latest). */
  autoOffsetReset: OffsetResetStrategy;
  /** `fetch.min.bytes` (1). */
  fetchMinBytes: number;
  /** `fetch.max.wait.ms` (500). */
  fetchMaxWaitMs: number;
  /** `fetch.max.bytes` (52428800). */
  fetchMaxBytes: number;
  /** `max.partition.fetch.bytes` (1048576). */
  maxPartitionFetchBytes: number;
  /** `max.poll.records` (500). */
  maxPollRecords: number;
  /** `isolation.level` (read_uncommitted); 0 / 1 on the wire. */
  isolationLevel: 0 | 1;
  /** `check.crcs` (true). */
  checkCrcs: boolean;
  /** `client.rack` (''). */
  clientRack: string;
  /** `default.api.timeout.ms` (60000): bound of committed/offsetsForTimes/position... */
  defaultApiTimeoutMs: number;
  /** `allow.auto.create.topics` (true). */
  allowAutoCreateTopics: boolean;
  /** `exclude.internal.topics` (true): a RegExp subscription never matches internal topics. */
  excludeInternalTopics: boolean;
  /** `partition.assignment.strategy` (range; Java 3.x lists range then cooperative-sticky). */
  assignors: ConsumerPartitionAssignor[];
}

/** Parse a consumer config. Errors: ConfigError. */
export function consumerConfig(props: ClientProperties, assignors?: ConsumerPartitionAssignor[]): ConsumerConfig {
  const common = commonConfig(props);
  const groupId = props['group.id'] === undefined || props['group.id'] === '' ? null : String(props['group.id']);
  const groupInstanceId = props['group.instance.id'] === undefined || props['group.instance.id'] === '' ? null : String(props['group.instance.id']);
  const c: ConsumerConfig = {
    ...common,
    clientId: props['client.id'] === undefined ? 'kafka-ts-consumer' : common.clientId,
    groupId,
    groupInstanceId,
    sessionTimeoutMs: intConfig(props, 'session.timeout.ms', 45000, 1),
    heartbeatIntervalMs: intConfig(props, 'heartbeat.interval.ms', 3000, 1),
    maxPollIntervalMs: intConfig(props, 'max.poll.interval.ms', 300000, 1),
    enableAutoCommit: boolConfig(props, 'enable.auto.commit', true),
    autoCommitIntervalMs: intConfig(props, 'auto.commit.interval.ms', 5000, 0),
    autoOffsetReset: stringConfig(props, 'auto.offset.reset', 'latest', ['latest', 'earliest', 'none']) as OffsetResetStrategy,
    fetchMinBytes: intConfig(props, 'fetch.min.bytes', 1, 0),
    fetchMaxWaitMs: intConfig(props, 'fetch.max.wait.ms', 500, 0),
    fetchMaxBytes: intConfig(props, 'fetch.max.bytes', 52428800, 0),
    maxPartitionFetchBytes: intConfig(props, 'max.partition.fetch.bytes', 1048576, 0),
    maxPollRecords: intConfig(props, 'max.poll.records', 500, 1),
    isolationLevel: stringConfig(props, 'isolation.level', 'read_uncommitted', ['read_uncommitted', 'read_committed']) === 'read_committed' ? 1 : 0,
    checkCrcs: boolConfig(props, 'check.crcs', true),
    clientRack: stringConfig(props, 'client.rack', ''),
    defaultApiTimeoutMs: intConfig(props, 'default.api.timeout.ms', 60000, 0),
    allowAutoCreateTopics: boolConfig(props, 'allow.auto.create.topics', true),
    excludeInternalTopics: boolConfig(props, 'exclude.internal.topics', true),
    assignors: assignors ?? assignorsFor(stringConfig(props, 'partition.assignment.strategy', 'range')),
  };
  if (c.heartbeatIntervalMs >= c.sessionTimeoutMs) throw new ConfigError('heartbeat.interval.ms', c.heartbeatIntervalMs, 'heartbeat.interval.ms must be lower than session.timeout.ms');
  if (c.assignors.length === 0) throw new ConfigError('partition.assignment.strategy', props['partition.assignment.strategy'], 'at least one assignor is needed');
  return c;
}
