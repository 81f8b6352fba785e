/**
 * The broker's configuration (Kafka's `KafkaConfig`), declared once as data: every broker key this
 * broker reads, with Kafka's name, type, default and validation, plus the topic defaults that
 * `log.*` keys set (see broker/log/log-config.ts). Built from a `server.properties` file and
 * `--override key=value` pairs.
 *
 * Unknown keys are collected in `unknownKeys` (the server warns about them, as Kafka logs "The
 * configuration 'x' was supplied but isn't a known config"); keys of Kafka features that a single
 * node without replication or security has no use for (`num.network.threads`, `zookeeper.connect`,
 * ...) are accepted silently and listed in `ignoredKeys`. Invalid values throw InvalidConfigError
 * (KTS_ERR_INVALID_CONFIG, INVALID_CONFIG 40) naming the key.
 *
 * The `http.*` keys are kafka-ts's own (the HTTP API, /metrics and dashboard of broker/http).
 *
 * Source: Kafka 3.8.0 `core/.../KafkaConfig.scala`, `server/.../ServerConfigs.java`,
 * `group-coordinator/.../GroupCoordinatorConfig.java`, `server-common/.../ServerLogConfigs.java`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InvalidConfigError, LOG_CONFIG_DEFS, logConfigFromBrokerProperties, type LogConfig } from '../log/log-config.js';
import { parseProperties } from './properties.js';

export { InvalidConfigError };

type Kind = 'int' | 'long' | 'boolean' | 'string' | 'list' | 'password';

/** Declaration of one broker key. `default` is Kafka's text form (undefined = null). */
export interface BrokerConfigDef {
  key: string;
  kind: Kind;
  default: string | undefined;
  min?: number;
  max?: number;
  /** Validates a string value; returns an error reason or undefined. */
  check?: (value: string) => string | undefined;
  /** Read only at start-up (every key here; DescribeConfigs reports it as read-only). */
  readOnly?: boolean;
  doc: string;
}

const INT_MAX = 2147483647;
const LONG_MAX_TEXT = '9223372036854775807';

/** Every broker key this broker honours (Kafka 3.8.0 names and defaults, except where the doc says kafka-ts). */
export const BROKER_CONFIG_DEFS: readonly BrokerConfigDef[] = [
  { key: 'node.id', kind: 'int', default: '-1', min: -1, doc: 'The broker id. kafka-ts: -1 (unset) means broker.id, else 0.' },
  { key: 'broker.id', kind: 'int', default: '-1', min: -1, doc: 'The broker id (ZooKeeper-era name of node.id).' },
  { key: 'listeners', kind: 'list', default: 'PLAINTEXT://127.0.0.1:9092', check: checkListeners, doc: 'Listeners as NAME://host:port. Only PLAINTEXT. kafka-ts default binds to loopback (Kafka: PLAINTEXT://:9092, all interfaces). Port 0 picks a free port.' },
  { key: 'advertised.listeners', kind: 'list', default: undefined, check: checkListeners, doc: 'Listeners given to clients in Metadata; default: listeners (with the bound port when it was 0).' },
  { key: 'listener.security.protocol.map', kind: 'list', default: 'PLAINTEXT:PLAINTEXT', doc: 'Listener name to security protocol. Only PLAINTEXT is implemented.' },
  { key: 'log.dirs', kind: 'list', default: undefined, doc: 'Directories of the partition logs; default: log.dir.' },
  { key: 'log.dir', kind: 'string', default: '/tmp/kafka-logs', doc: 'The log directory when log.dirs is not set.' },
  { key: 'num.partitions', kind: 'int', default: '1', min: 1, doc: 'Partitions of auto-created topics and of CreateTopics without a count.' },
  { key: 'default.replication.factor', kind: 'int', default: '1', min: 1, max: 1, doc: 'Replication factor of auto-created topics. A single broker: only 1.' },
  { key: 'auto.create.topics.enable', kind: 'boolean', default: 'true', doc: 'Create a topic when Metadata asks for one that does not exist.' },
  { key: 'delete.topic.enable', kind: 'boolean', default: 'true', doc: 'Allow DeleteTopics.' },
  { key: 'log.retention.check.interval.ms', kind: 'long', default: '300000', min: 1, doc: 'How often retention is checked (ms).' },
  { key: 'log.initial.task.delay.ms', kind: 'long', default: '30000', min: 0, doc: 'Delay before the first retention check (ms).' },
  { key: 'log.flush.offset.checkpoint.interval.ms', kind: 'int', default: '60000', min: 0, doc: 'How often recovery points are checkpointed (ms).' },
  { key: 'socket.request.max.bytes', kind: 'int', default: '104857600', min: 1, doc: 'Largest request frame accepted (bytes); a larger size field closes the connection.' },
  { key: 'group.initial.rebalance.delay.ms', kind: 'int', default: '3000', min: 0, doc: 'How long a new (empty) group waits for more members before its first rebalance completes (ms).' },
  { key: 'group.min.session.timeout.ms', kind: 'int', default: '6000', min: 0, doc: 'Smallest session timeout a member may ask for (ms).' },
  { key: 'group.max.session.timeout.ms', kind: 'int', default: '1800000', min: 0, doc: 'Largest session timeout a member may ask for (ms).' },
  { key: 'group.max.size', kind: 'int', default: String(INT_MAX), min: 1, doc: 'Largest number of members of one group.' },
  { key: 'offsets.retention.minutes', kind: 'int', default: '10080', min: 1, doc: 'How long committed offsets of an empty group are kept (minutes).' },
  { key: 'offsets.retention.check.interval.ms', kind: 'long', default: '600000', min: 1, doc: 'How often expired offsets are removed (ms).' },
  { key: 'offset.metadata.max.bytes', kind: 'int', default: '4096', min: 0, doc: 'Largest metadata string of a committed offset (bytes).' },
  { key: 'transaction.max.timeout.ms', kind: 'int', default: '900000', min: 1, doc: 'Largest transaction timeout InitProducerId accepts (ms).' },
  { key: 'producer.id.expiration.ms', kind: 'int', default: '86400000', min: 1, doc: 'How long producer state of an idle producer id is kept (ms).' },
  { key: 'queued.max.requests', kind: 'int', default: '500', min: 1, doc: 'Requests read ahead per connection before reading pauses.' },
  // kafka-ts: the HTTP server (JSON API, Prometheus /metrics, dashboard; broker/http). No Kafka counterpart.
  { key: 'http.enabled', kind: 'boolean', default: 'true', doc: 'kafka-ts: serve the HTTP API, /metrics and the dashboard on http.listeners.' },
  { key: 'http.listeners', kind: 'list', default: 'http://127.0.0.1:8080', check: checkHttpListeners, doc: 'kafka-ts: the HTTP listener as http://host:port (one; loopback by default; port 0 picks a free port).' },
  { key: 'http.admin.enabled', kind: 'boolean', default: 'false', doc: 'kafka-ts: allow the HTTP API\'s writes (create and delete topics, reset group offsets), with Authorization: Bearer <http.admin.token>.' },
  { key: 'http.admin.token', kind: 'password', default: undefined, doc: 'kafka-ts: the bearer token of the HTTP API\'s writes; required when http.admin.enabled=true.' },
];

/** Kafka keys accepted without effect on a single node (no replication, no ZooKeeper/KRaft quorum, no security, one event loop). */
const IGNORED_KEYS = new Set([
  'num.network.threads', 'num.io.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir',
  'socket.send.buffer.bytes', 'socket.receive.buffer.bytes', 'background.threads',
  'offsets.topic.replication.factor', 'offsets.topic.num.partitions', 'offsets.topic.segment.bytes',
  'transaction.state.log.replication.factor', 'transaction.state.log.min.isr',
  'zookeeper.connect', 'zookeeper.connection.timeout.ms', 'zookeeper.session.timeout.ms',
  'process.roles', 'controller.quorum.voters', 'controller.quorum.bootstrap.servers', 'controller.listener.names',
  'inter.broker.listener.name', 'auto.leader.rebalance.enable',
  'replica.lag.time.max.ms', 'log.cleaner.enable', 'log.cleaner.threads',
  'metadata.log.dir', 'group.coordinator.rebalance.protocols',
]);

const LOG_KEYS = new Set(LOG_CONFIG_DEFS.flatMap((d) => d.brokerKeys.map((k) => k.key)));

/** A listener: name (security protocol here), host ('' = all interfaces), port (0 = any free port). */
export interface Listener {
  name: string;
  host: string;
  port: number;
}

/** Parse `NAME://host:port[,...]` (IPv6 in brackets). Errors: InvalidConfigError. */
export function parseListeners(key: string, value: string): Listener[] {
  const out: Listener[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(part);
    if (!m) throw new InvalidConfigError(key, value, `Listener '${part}' is not of the form NAME://host:port`);
    const port = Number(m[3]);
    if (port > 65535) throw new InvalidConfigError(key, value, `port ${port} is out of range`);
    out.push({ name: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port });
  }
  if (out.length === 0) throw new InvalidConfigError(key, value, 'no listener');
  return out;
}

/** An HTTP listener: host ('' = all interfaces) and port (0 = any free port). */
export interface HttpListener {
  host: string;
  port: number;
}

/** Parse `http.listeners`: exactly one `http://host:port` (IPv6 in brackets). Errors: InvalidConfigError. */
export function parseHttpListeners(key: string, value: string): HttpListener[] {
  const out: HttpListener[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(part);
    if (!m) throw new InvalidConfigError(key, value, `Listener '${part}' is not of the form http://host:port`);
    if (m[1]!.toLowerCase() !== 'http') throw new InvalidConfigError(key, value, `Listener '${part}': only http is implemented (no TLS)`);
    const port = Number(m[3]);
    if (port > 65535) throw new InvalidConfigError(key, value, `port ${port} is out of range`);
    out.push({ host: m[2]!.replace(/^\[|\]$/g, ''), port });
  }
  if (out.length === 0) throw new InvalidConfigError(key, value, 'no listener');
  if (out.length > 1) throw new InvalidConfigError(key, value, 'only one HTTP listener is supported');
  return out;
}

function checkHttpListeners(value: string): string | undefined {
  try {
    parseHttpListeners('http.listeners', value);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^.*?: .*?: /, '');
  }
}

function checkListeners(value: string): string | undefined {
  try {
    const ls = parseListeners('listeners', value);
    const bad = ls.find((l) => l.name !== 'PLAINTEXT');
    return bad ? `Listener ${bad.name} is not supported: only PLAINTEXT is implemented (no TLS or SASL)` : undefined;
  } catch (e) {
    return (e as Error).message.replace(/^.*?: .*?: /, '');
  }
}

/** Where a config value came from (Kafka's DescribeConfigs ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** One broker config as DescribeConfigs shows it. */
export interface BrokerConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  isSensitive: boolean;
  /** Kafka's type name for DescribeConfigs v3+ (INT, LONG, BOOLEAN, STRING, LIST, PASSWORD). */
  type: string;
  doc: string;
}

/**
 * The broker configuration. Build it with KafkaConfig.fromProperties or KafkaConfig.fromFile.
 * Fields use Kafka's meaning and units (ms, bytes).
 */
export class KafkaConfig {
  readonly nodeId: number;
  readonly listeners: Listener[];
  /** Advertised listeners as configured (port 0 / empty host are resolved by the server once bound). */
  readonly advertisedListeners: Listener[];
  readonly logDirs: string[];
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;
  readonly logRetentionCheckIntervalMs: number;
  readonly logInitialTaskDelayMs: number;
  readonly logFlushOffsetCheckpointIntervalMs: number;
  readonly socketRequestMaxBytes: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
  readonly transactionMaxTimeoutMs: number;
  readonly producerIdExpirationMs: number;
  readonly queuedMaxRequests: number;
  /** http.enabled: serve the HTTP API, /metrics and the dashboard (broker/http). */
  readonly httpEnabled: boolean;
  /** http.listeners (one). */
  readonly httpListeners: HttpListener[];
  /** http.admin.enabled: the HTTP API's writes are allowed (with the token). */
  readonly httpAdminEnabled: boolean;
  /** http.admin.token: the bearer token of the HTTP API's writes (sensitive: DescribeConfigs hides it). */
  readonly httpAdminToken: string | undefined;
  /** Topic defaults from the `log.*` and `message.max.bytes` keys. */
  readonly logConfig: LogConfig;
  /** Keys given that no part of Kafka knows (warned about). */
  readonly unknownKeys: string[];
  /** Kafka keys given that have no effect on this broker. */
  readonly ignoredKeys: string[];
  /** The raw key → value pairs given (file, then overrides). */
  readonly originals: ReadonlyMap<string, string>;

  private constructor(props: Map<string, string>, baseDir: string) {
    this.originals = props;
    const v = new Map<string, string | undefined>();
    for (const def of BROKER_CONFIG_DEFS) {
      const raw = props.get(def.key);
      v.set(def.key, raw === undefined ? def.default : validate(def, raw.trim()));
    }
    const int = (k: string) => Number(v.get(k));
    const bool = (k: string) => v.get(k) === 'true';
    const nodeId = int('node.id') >= 0 ? int('node.id') : int('broker.id') >= 0 ? int('broker.id') : 0;
    if (props.has('node.id') && props.has('broker.id') && int('node.id') !== int('broker.id')) {
      throw new InvalidConfigError('broker.id', props.get('broker.id'), `must equal node.id (${int('node.id')}) when both are set`);
    }
    this.nodeId = nodeId;
    this.listeners = parseListeners('listeners', v.get('listeners')!);
    this.advertisedListeners = v.get('advertised.listeners') !== undefined ? parseListeners('advertised.listeners', v.get('advertised.listeners')!) : this.listeners;
    const dirs = v.get('log.dirs') !== undefined ? v.get('log.dirs')!.split(',').map((s) => s.trim()).filter(Boolean) : [v.get('log.dir')!];
    if (dirs.length === 0) throw new InvalidConfigError('log.dirs', v.get('log.dirs'), 'no directory');
    this.logDirs = dirs.map((d) => path.resolve(baseDir, d));
    this.numPartitions = int('num.partitions');
    this.defaultReplicationFactor = int('default.replication.factor');
    this.autoCreateTopicsEnable = bool('auto.create.topics.enable');
    this.deleteTopicEnable = bool('delete.topic.enable');
    this.logRetentionCheckIntervalMs = int('log.retention.check.interval.ms');
    this.logInitialTaskDelayMs = int('log.initial.task.delay.ms');
    this.logFlushOffsetCheckpointIntervalMs = int('log.flush.offset.checkpoint.interval.ms');
    this.socketRequestMaxBytes = int('socket.request.max.bytes');
    this.groupInitialRebalanceDelayMs = int('group.initial.rebalance.delay.ms');
    this.groupMinSessionTimeoutMs = int('group.min.session.timeout.ms');
    this.groupMaxSessionTimeoutMs = int('group.max.session.timeout.ms');
    this.groupMaxSize = int('group.max.size');
    this.offsetsRetentionMs = int('offsets.retention.minutes') * 60_000;
    this.offsetsRetentionCheckIntervalMs = int('offsets.retention.check.interval.ms');
    this.offsetMetadataMaxBytes = int('offset.metadata.max.bytes');
    this.transactionMaxTimeoutMs = int('transaction.max.timeout.ms');
    this.producerIdExpirationMs = int('producer.id.expiration.ms');
    this.queuedMaxRequests = int('queued.max.requests');
    this.httpEnabled = bool('http.enabled');
    this.httpListeners = parseHttpListeners('http.listeners', v.get('http.listeners')!);
    this.httpAdminEnabled = bool('http.admin.enabled');
    this.httpAdminToken = v.get('http.admin.token') === undefined || v.get('http.admin.token') === '' ? undefined : v.get('http.admin.token');
    if (this.httpAdminEnabled && this.httpAdminToken === undefined) {
      throw new InvalidConfigError('http.admin.enabled', 'true', 'http.admin.token must be set (the bearer token the HTTP API\'s writes require)');
    }
    const logProps: Record<string, string> = {};
    for (const [k, val] of props) if (LOG_KEYS.has(k)) logProps[k] = val.trim();
    this.logConfig = logConfigFromBrokerProperties(logProps);
    const known = new Set(BROKER_CONFIG_DEFS.map((d) => d.key));
    this.unknownKeys = [...props.keys()].filter((k) => !known.has(k) && !LOG_KEYS.has(k) && !IGNORED_KEYS.has(k));
    this.ignoredKeys = [...props.keys()].filter((k) => IGNORED_KEYS.has(k));
  }

  /**
   * Build from key → value pairs (strings, as in a properties file). Relative log dirs resolve
   * against `baseDir` (default: the working directory). Errors: InvalidConfigError naming the key.
   */
  static fromProperties(props: Map<string, string> | Record<string, string | number | boolean>, baseDir = process.cwd()): KafkaConfig {
    const m = props instanceof Map ? new Map(props) : new Map(Object.entries(props).map(([k, val]) => [k, String(val)]));
    return new KafkaConfig(m, baseDir);
  }

  /**
   * Read a `server.properties` file and apply `overrides` (`key=value` strings, as
   * kafka-server-start's `--override`). Relative log dirs resolve against the working directory, as
   * Kafka's do. Errors: the file's read error; InvalidConfigError for a bad value or override.
   */
  static fromFile(file: string, overrides: readonly string[] = []): KafkaConfig {
    const props = parseProperties(fs.readFileSync(file, 'utf8'));
    for (const o of overrides) {
      const eq = o.indexOf('=');
      if (eq <= 0) throw new InvalidConfigError(o, '', "an override must be given as key=value");
      props.set(o.slice(0, eq).trim(), o.slice(eq + 1));
    }
    return new KafkaConfig(props, process.cwd());
  }

  /** Every broker config (broker keys and log.* keys) with its value, source and type, for DescribeConfigs. */
  describe(): BrokerConfigEntry[] {
    const out: BrokerConfigEntry[] = [];
    for (const def of BROKER_CONFIG_DEFS) {
      const given = this.originals.get(def.key);
      out.push({
        name: def.key,
        value: given !== undefined ? given.trim() : def.default ?? null,
        readOnly: true,
        source: given !== undefined ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG,
        isSensitive: def.kind === 'password',
        type: def.kind.toUpperCase(),
        doc: def.doc,
      });
    }
    for (const def of LOG_CONFIG_DEFS) {
      const last = def.brokerKeys[def.brokerKeys.length - 1]!;
      for (const bk of def.brokerKeys) {
        const given = this.originals.get(bk.key);
        // Kafka declares the default on the coarsest key (log.retention.hours=168) and leaves the
        // finer ones (log.retention.minutes, log.retention.ms) null.
        const value = given !== undefined ? given.trim() : bk === last ? formatDefault(typeof def.default === 'number' && def.default !== Number.MAX_SAFE_INTEGER && def.default > 0 ? def.default / last.factor : def.default) : null;
        out.push({
          name: bk.key,
          value,
          readOnly: true,
          source: given !== undefined ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG,
          isSensitive: false,
          type: def.kind.toUpperCase(),
          doc: def.doc,
        });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function formatDefault(v: number | string): string {
  return v === Number.MAX_SAFE_INTEGER ? LONG_MAX_TEXT : String(v);
}

function validate(def: BrokerConfigDef, raw: string): string {
  switch (def.kind) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(raw)) throw new InvalidConfigError(def.key, raw, `Expected value to be a${def.kind === 'int' ? ' 32-bit integer' : ' 64-bit integer'}, but it was a String`);
      const n = Number(raw);
      if (def.kind === 'int' && (n > INT_MAX || n < -INT_MAX - 1)) throw new InvalidConfigError(def.key, raw, 'Expected value to be a 32-bit integer');
      if (def.min !== undefined && n < def.min) throw new InvalidConfigError(def.key, raw, `Value must be at least ${def.min}`);
      if (def.max !== undefined && n > def.max) throw new InvalidConfigError(def.key, raw, `Value must be no more than ${def.max}`);
      return String(n);
    }
    case 'boolean': {
      const b = raw.toLowerCase();
      if (b !== 'true' && b !== 'false') throw new InvalidConfigError(def.key, raw, 'Expected value to be either true or false');
      return b;
    }
    default: {
      const reason = def.check?.(raw);
      if (reason) throw new InvalidConfigError(def.key, raw, reason);
      return raw;
    }
  }
}
