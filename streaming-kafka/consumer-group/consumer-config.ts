/**
 * The configuration of a {@link ZookeeperConsumerConnector}: Kafka 0.8's high-level consumer keys
 * (`kafka.consumer.ConsumerConfig`) with Kafka 0.8's defaults, read from a plain object whose values
 * may be strings (as from a properties file or Spark's `kafkaParams`), numbers or booleans.
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `group.id` | required | the group; ASCII alphanumerics, '.', '_' and '-' only (Kafka 0.8's check) |
 * | `consumer.id` | `<hostname>-<timeMs>-<8 hex>` | this member's id; the registered id is `<group.id>_<consumer.id>` as Kafka 0.8 (`consumerIdString`) |
 * | `zookeeper.session.timeout.ms` | 6000 | session timeout (ms) of sessions the connector opens itself (`ZookeeperConsumerConnector.open`) |
 * | `zookeeper.connection.timeout.ms` | 6000 | bound (ms) on opening such a session |
 * | `auto.commit.enable` | true | commit consumed positions every `auto.commit.interval.ms`, before each rebalance and at shutdown |
 * | `auto.commit.interval.ms` | 60000 | ms |
 * | `auto.offset.reset` | largest | where to start a partition without a committed offset: `smallest` (log start) or `largest` (log end); also used when a committed offset is out of range |
 * | `rebalance.max.retries` | 4 | rebalance attempts before ConsumerRebalanceFailedException |
 * | `rebalance.backoff.ms` | 2000 | ms between attempts |
 * | `queued.max.message.chunks` | 2 | fetched chunks that may wait per stream before its partitions stop being fetched |
 * | `fetch.message.max.bytes` | 1048576 | bytes per partition per fetch (our client's `max.partition.fetch.bytes`) |
 * | `fetch.wait.max.ms` | 100 | broker long-poll bound (ms) (our client's `fetch.max.wait.ms`) |
 * | `client.id` | the group id | as Kafka 0.8 |
 * | `bootstrap.servers` | required | **not a Kafka 0.8 consumer key**: Kafka 0.8 brokers registered themselves in ZooKeeper (`/brokers/ids`) and consumers found them there; our broker does not register, so the Kafka params must name the brokers |
 * | `partition.check.interval.ms` | 10000 | **ours**: how often (ms) the partition counts of subscribed topics are checked; a change triggers a rebalance (Kafka 0.8 watched `/brokers/topics/<topic>` instead); 0 = never |
 *
 * `zookeeper.connect` and the other `zookeeper.*` keys are not read here (the store is given to the
 * connector, see zk/connect.ts). Every key not listed above and not another Kafka-0.8-only key is
 * passed to our `KafkaConsumer` (e.g. `max.poll.records`, `request.timeout.ms`, `check.crcs`), which
 * fetches for the connector; an explicit `max.partition.fetch.bytes` / `fetch.max.wait.ms` wins over
 * the 0.8 key. `group.id` is NOT passed (offsets live in the coordination store, not in Kafka).
 *
 * Errors: {@link InvalidConfigException} (`KTS_ERR_ZK_CONSUMER_CONFIG`) naming the key.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { InvalidConfigException } from './errors.js';

/** The connector's config object: Kafka key → value. */
export type ConsumerProperties = Readonly<Record<string, string | number | boolean | undefined>>;

/** Kafka 0.8's `auto.offset.reset` values (`OffsetRequest.SmallestTimeString` / `LargestTimeString`). */
export type AutoOffsetReset = 'smallest' | 'largest';

/** Keys this module reads or that only Kafka 0.8 knows: never passed to our KafkaConsumer. */
const OWN_KEYS = new Set([
  'group.id',
  'consumer.id',
  'auto.commit.enable',
  'auto.commit.interval.ms',
  'auto.offset.reset',
  'rebalance.max.retries',
  'rebalance.backoff.ms',
  'queued.max.message.chunks',
  'fetch.message.max.bytes',
  'fetch.wait.max.ms',
  'partition.check.interval.ms',
  'consumer.timeout.ms',
  'refresh.leader.backoff.ms',
  'socket.receive.buffer.bytes',
  'socket.timeout.ms',
  'num.consumer.fetchers',
  'offsets.storage',
  'dual.commit.enabled',
  'offsets.channel.backoff.ms',
  'offsets.channel.socket.timeout.ms',
  'offsets.commit.max.retries',
  'partition.assignment.strategy',
  'exclude.internal.topics',
  'enable.auto.commit',
]);

function present(props: ConsumerProperties, key: string): boolean {
  const v = props[key];
  return v !== undefined && String(v).trim() !== '';
}

function intProp(props: ConsumerProperties, key: string, dflt: number, min: number): number {
  if (!present(props, key)) return dflt;
  const raw = props[key]!;
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isSafeInteger(n)) throw new InvalidConfigException(key, `Invalid value ${String(raw)} for configuration ${key}: expected an integer`);
  if (n < min) throw new InvalidConfigException(key, `Invalid value ${String(raw)} for configuration ${key}: must be at least ${min}`);
  return n;
}

function boolProp(props: ConsumerProperties, key: string, dflt: boolean): boolean {
  if (!present(props, key)) return dflt;
  const raw = props[key]!;
  if (typeof raw === 'boolean') return raw;
  const s = String(raw).trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new InvalidConfigException(key, `Invalid value ${String(raw)} for configuration ${key}: expected true or false`);
}

/** Kafka 0.8's `ConsumerConfig.validateChars`: ASCII alphanumerics, '.', '_' and '-'. */
function validateChars(key: string, value: string): void {
  if (!/^[a-zA-Z0-9._-]+$/.test(value)) throw new InvalidConfigException(key, `${key} ${value} is illegal, contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
}

/** Kafka 0.8's generated consumer id: `<hostname>-<currentTimeMillis>-<8 hex digits>`. */
export function generateConsumerUuid(nowMs = Date.now()): string {
  return `${os.hostname()}-${nowMs}-${randomBytes(4).toString('hex')}`;
}

/** See the module comment. Built from a properties object; all times in ms, sizes in bytes. */
export class ConsumerConfig {
  /** `group.id` */
  readonly groupId: string;
  /** `consumer.id`, or the generated `<hostname>-<timeMs>-<8 hex>`. */
  readonly consumerUuid: string;
  /** The registered consumer id: `<group.id>_<consumerUuid>` (Kafka 0.8's `consumerIdString`). */
  readonly consumerIdString: string;
  /** `zookeeper.session.timeout.ms` (6000). */
  readonly zkSessionTimeoutMs: number;
  /** `zookeeper.connection.timeout.ms` (6000). */
  readonly zkConnectionTimeoutMs: number;
  /** `auto.commit.enable` (true). */
  readonly autoCommitEnable: boolean;
  /** `auto.commit.interval.ms` (60000). */
  readonly autoCommitIntervalMs: number;
  /** `auto.offset.reset` (largest). */
  readonly autoOffsetReset: AutoOffsetReset;
  /** `rebalance.max.retries` (4). */
  readonly rebalanceMaxRetries: number;
  /** `rebalance.backoff.ms` (2000). */
  readonly rebalanceBackoffMs: number;
  /** `queued.max.message.chunks` (2). */
  readonly queuedMaxMessageChunks: number;
  /** `fetch.message.max.bytes` (1048576). */
  readonly fetchMessageMaxBytes: number;
  /** `fetch.wait.max.ms` (100). */
  readonly fetchWaitMaxMs: number;
  /** `client.id` (the group id). */
  readonly clientId: string;
  /** `bootstrap.servers` (required; see the module comment). */
  readonly bootstrapServers: string;
  /** `partition.check.interval.ms` (10000; 0 = off). */
  readonly partitionCheckIntervalMs: number;
  /** The properties given to our KafkaConsumer (see the module comment). */
  readonly kafkaConsumerProps: Record<string, string | number | boolean>;

  /** Errors: InvalidConfigException naming the key. */
  constructor(props: ConsumerProperties, nowMs = Date.now()) {
    if (!present(props, 'group.id')) throw new InvalidConfigException('group.id', "Missing required property 'group.id'");
    this.groupId = String(props['group.id']).trim();
    validateChars('group.id', this.groupId);
    if (present(props, 'consumer.id')) {
      this.consumerUuid = String(props['consumer.id']).trim();
      if (this.consumerUuid.includes('/')) throw new InvalidConfigException('consumer.id', `consumer.id ${this.consumerUuid} is illegal, contains '/'`);
    } else this.consumerUuid = generateConsumerUuid(nowMs);
    this.consumerIdString = `${this.groupId}_${this.consumerUuid}`;
    this.zkSessionTimeoutMs = intProp(props, 'zookeeper.session.timeout.ms', 6000, 1);
    this.zkConnectionTimeoutMs = intProp(props, 'zookeeper.connection.timeout.ms', 6000, 1);
    this.autoCommitEnable = boolProp(props, 'auto.commit.enable', true);
    this.autoCommitIntervalMs = intProp(props, 'auto.commit.interval.ms', 60000, 1);
    const reset = present(props, 'auto.offset.reset') ? String(props['auto.offset.reset']).trim() : 'largest';
    if (reset !== 'smallest' && reset !== 'largest') {
      throw new InvalidConfigException('auto.offset.reset', `Wrong value ${reset} of auto.offset.reset in ConsumerConfig; Valid values are smallest and largest`);
    }
    this.autoOffsetReset = reset;
    this.rebalanceMaxRetries = intProp(props, 'rebalance.max.retries', 4, 1);
    this.rebalanceBackoffMs = intProp(props, 'rebalance.backoff.ms', 2000, 0);
    this.queuedMaxMessageChunks = intProp(props, 'queued.max.message.chunks', 2, 1);
    this.fetchMessageMaxBytes = intProp(props, 'fetch.message.max.bytes', 1048576, 1);
    this.fetchWaitMaxMs = intProp(props, 'fetch.wait.max.ms', 100, 0);
    this.partitionCheckIntervalMs = intProp(props, 'partition.check.interval.ms', 10000, 0);
    this.clientId = present(props, 'client.id') ? String(props['client.id']).trim() : this.groupId;
    if (!present(props, 'bootstrap.servers')) {
      throw new InvalidConfigException(
        'bootstrap.servers',
        "Missing required property 'bootstrap.servers' (Kafka 0.8 consumers found the brokers registered in ZooKeeper; this broker does not register there, so the Kafka params must name it)",
      );
    }
    this.bootstrapServers = String(props['bootstrap.servers']).trim();

    const pass: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || OWN_KEYS.has(k) || k.startsWith('zookeeper.')) continue;
      pass[k] = v;
    }
    pass['bootstrap.servers'] = this.bootstrapServers;
    pass['client.id'] = this.clientId;
    pass['auto.offset.reset'] = this.autoOffsetReset === 'smallest' ? 'earliest' : 'latest';
    if (!present(props, 'max.partition.fetch.bytes')) pass['max.partition.fetch.bytes'] = this.fetchMessageMaxBytes;
    if (!present(props, 'fetch.max.wait.ms')) pass['fetch.max.wait.ms'] = this.fetchWaitMaxMs;
    this.kafkaConsumerProps = pass;
  }
}
