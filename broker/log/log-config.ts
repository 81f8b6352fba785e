/**
 * Per-topic log configuration (Kafka's `LogConfig`), declared once as data: each topic key with its
 * type, default, the broker keys that set the default (`log.retention.hours` → `retention.ms`, ...)
 * and its validation. Values are numbers in the units of the key's name (ms, bytes); Kafka's
 * Long.MAX_VALUE ("never") is held as {@link LONG_MAX} (Number.MAX_SAFE_INTEGER) and shown as
 * 9223372036854775807.
 *
 * Source: Kafka 3.8.0 `storage/.../log/LogConfig.java`, `server-common/.../ServerLogConfigs.java`,
 * `core/.../KafkaConfig.scala` (`logRetentionTimeMillis`, `logRollTimeMillis`).
 *
 * One deliberate difference from Kafka's defaults: `flush.ms` (`log.flush.interval.ms`) is 1000, not
 * Long.MAX. Kafka leaves flushing to the OS because replicas protect acknowledged writes; a single
 * broker has none. Every append is written to the file (the page cache) before it is acknowledged, which
 * survives a process crash (kill -9) whatever this setting; the periodic fdatasync bounds what a power
 * loss or kernel crash can take to the last second. See broker/README.md "Durability".
 */
import { KafkaProtocolError } from '../../client/errors.js';

/** Kafka's Long.MAX_VALUE as used by "never" defaults, clamped to the largest safe JS integer. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
const LONG_MAX_TEXT = '9223372036854775807';

/** Config error: INVALID_CONFIG (40), naming the key. Stable code KTS_ERR_INVALID_CONFIG. */
export class InvalidConfigError extends KafkaProtocolError {
  readonly key: string;
  constructor(key: string, value: unknown, reason: string) {
    super('INVALID_CONFIG', `Invalid value ${String(value)} for configuration ${key}: ${reason}`, { code: 'KTS_ERR_INVALID_CONFIG' });
    this.key = key;
  }
}

/** The topic-level keys this storage engine honours, with Kafka's names. */
export interface LogConfig {
  /** `delete`, `compact` or both. Compaction is not implemented: `compact` alone only turns time and size retention off (nothing is deleted). */
  'cleanup.policy': string;
  /** ms a deleted segment's files wait (renamed `.deleted`) before they are unlinked. */
  'file.delete.delay.ms': number;
  /** fdatasync after this many messages (records) appended since the last flush. */
  'flush.messages': number;
  /** fdatasync when the oldest unflushed append is this old (ms). kafka-ts default 1000 (Kafka: Long.MAX). */
  'flush.ms': number;
  /** Bytes appended between two sparse offset-index entries. */
  'index.interval.bytes': number;
  /** Largest record batch accepted, in bytes (batch size including its 12-byte log overhead). */
  'max.message.bytes': number;
  /** `CreateTime` (keep the producer's timestamps) or `LogAppendTime` (the broker stamps batches). */
  'message.timestamp.type': 'CreateTime' | 'LogAppendTime';
  /** Delete the oldest segments while the partition is larger than this (bytes); -1 = no limit. */
  'retention.bytes': number;
  /** Delete segments whose largest record timestamp is older than this (ms); -1 = keep forever. */
  'retention.ms': number;
  /** Roll a new segment before the active one would exceed this size (bytes). */
  'segment.bytes': number;
  /** Largest offset index (and bounds the time index) of one segment, in bytes; a full index rolls. */
  'segment.index.bytes': number;
  /** Largest random jitter (ms) subtracted from segment.ms per segment, to spread rolls. */
  'segment.jitter.ms': number;
  /** Roll when the active segment's records span this long (ms), counted from its first batch's timestamp. */
  'segment.ms': number;
  // Kafka topic keys accepted, validated, stored and described, with no effect on this single-node
  // broker (no replication, no compaction, no recompression, no preallocation, no down-conversion), so
  // that tools setting them (kafka-topics, terraform, ...) work.
  /** Accepted, no effect: batches are kept as the producer compressed them (`producer`). */
  'compression.type': string;
  /** Accepted, no effect (no compaction). */
  'delete.retention.ms': number;
  /** Accepted, no effect (no compaction). */
  'max.compaction.lag.ms': number;
  /** Accepted, no effect (no compaction). */
  'min.compaction.lag.ms': number;
  /** Accepted, no effect (no compaction). */
  'min.cleanable.dirty.ratio': string;
  /** Accepted, no effect (one replica). */
  'min.insync.replicas': number;
  /** Accepted, no effect (one replica). */
  'unclean.leader.election.enable': string;
  /** Accepted, no effect. */
  'message.timestamp.difference.max.ms': number;
  /** Accepted, no effect. */
  'message.timestamp.before.max.ms': number;
  /** Accepted, no effect. */
  'message.timestamp.after.max.ms': number;
  /** Accepted, no effect (segments are not preallocated). */
  'preallocate': string;
  /** Accepted, no effect (old Fetch versions are not served). */
  'message.downconversion.enable': string;
}

/** A topic config key of LogConfig. */
export type LogConfigKey = keyof LogConfig;

type Kind = 'int' | 'long' | 'string' | 'list' | 'boolean' | 'double';

/** Declaration of one topic config key. */
export interface LogConfigDef {
  key: LogConfigKey;
  kind: Kind;
  default: number | string;
  /** Broker keys setting the default, strongest first, each with the factor to the topic key's unit. */
  brokerKeys: readonly { key: string; factor: number }[];
  /** Smallest accepted value (numbers). */
  min?: number;
  /** Accepted values (strings; each element for lists). */
  values?: readonly string[];
  doc: string;
}

const INT_MAX = 2147483647;
const ms = (key: string) => ({ key, factor: 1 });

/** Every topic key with its type, default, broker keys and validation (Kafka 3.8.0 names and defaults). */
export const LOG_CONFIG_DEFS: readonly LogConfigDef[] = [
  { key: 'cleanup.policy', kind: 'list', default: 'delete', brokerKeys: [ms('log.cleanup.policy')], values: ['delete', 'compact'], doc: 'Retention policy: delete old segments, or compact (not implemented: keeps everything).' },
  { key: 'file.delete.delay.ms', kind: 'long', default: 60000, brokerKeys: [ms('log.segment.delete.delay.ms')], min: 0, doc: 'Time before a deleted segment file is removed from the filesystem.' },
  { key: 'flush.messages', kind: 'long', default: LONG_MAX, brokerKeys: [ms('log.flush.interval.messages')], min: 1, doc: 'Messages appended before the log is fsynced.' },
  { key: 'flush.ms', kind: 'long', default: 1000, brokerKeys: [ms('log.flush.interval.ms')], min: 0, doc: 'Longest time an appended message waits before the log is fsynced (kafka-ts default 1000; Kafka: never).' },
  { key: 'index.interval.bytes', kind: 'int', default: 4096, brokerKeys: [ms('log.index.interval.bytes')], min: 0, doc: 'Bytes between two offset index entries.' },
  { key: 'max.message.bytes', kind: 'int', default: 1048588, brokerKeys: [ms('message.max.bytes')], min: 0, doc: 'Largest record batch size allowed.' },
  { key: 'message.timestamp.type', kind: 'string', default: 'CreateTime', brokerKeys: [ms('log.message.timestamp.type')], values: ['CreateTime', 'LogAppendTime'], doc: 'Whether record timestamps are the producer\'s or the broker\'s append time.' },
  { key: 'retention.bytes', kind: 'long', default: -1, brokerKeys: [ms('log.retention.bytes')], doc: 'Largest partition size before old segments are deleted; -1 for no limit.' },
  {
    key: 'retention.ms',
    kind: 'long',
    default: 604800000,
    brokerKeys: [ms('log.retention.ms'), { key: 'log.retention.minutes', factor: 60000 }, { key: 'log.retention.hours', factor: 3600000 }],
    min: -1,
    doc: 'Longest time a segment is kept, from its largest record timestamp; -1 keeps forever.',
  },
  { key: 'segment.bytes', kind: 'int', default: 1073741824, brokerKeys: [ms('log.segment.bytes')], min: 14, doc: 'Segment file size.' },
  { key: 'segment.index.bytes', kind: 'int', default: 10485760, brokerKeys: [ms('log.index.size.max.bytes')], min: 4, doc: 'Largest offset index size of a segment.' },
  { key: 'segment.jitter.ms', kind: 'long', default: 0, brokerKeys: [ms('log.roll.jitter.ms'), { key: 'log.roll.jitter.hours', factor: 3600000 }], min: 0, doc: 'Largest random jitter subtracted from segment.ms.' },
  { key: 'segment.ms', kind: 'long', default: 604800000, brokerKeys: [ms('log.roll.ms'), { key: 'log.roll.hours', factor: 3600000 }], min: 1, doc: 'Time after which a segment is rolled even if not full.' },
  // Accepted without effect (see LogConfig).
  { key: 'compression.type', kind: 'string', default: 'producer', brokerKeys: [ms('compression.type')], values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], doc: 'Accepted, no effect here: batches are stored as the producer compressed them.' },
  { key: 'delete.retention.ms', kind: 'long', default: 86400000, brokerKeys: [ms('log.cleaner.delete.retention.ms')], min: 0, doc: 'Accepted, no effect here (no log compaction).' },
  { key: 'max.compaction.lag.ms', kind: 'long', default: LONG_MAX, brokerKeys: [ms('log.cleaner.max.compaction.lag.ms')], min: 1, doc: 'Accepted, no effect here (no log compaction).' },
  { key: 'min.compaction.lag.ms', kind: 'long', default: 0, brokerKeys: [ms('log.cleaner.min.compaction.lag.ms')], min: 0, doc: 'Accepted, no effect here (no log compaction).' },
  { key: 'min.cleanable.dirty.ratio', kind: 'double', default: '0.5', brokerKeys: [ms('log.cleaner.min.cleanable.ratio')], min: 0, doc: 'Accepted, no effect here (no log compaction).' },
  { key: 'min.insync.replicas', kind: 'int', default: 1, brokerKeys: [ms('min.insync.replicas')], min: 1, doc: 'Accepted, no effect here (one replica).' },
  { key: 'unclean.leader.election.enable', kind: 'boolean', default: 'false', brokerKeys: [ms('unclean.leader.election.enable')], doc: 'Accepted, no effect here (one replica).' },
  { key: 'message.timestamp.difference.max.ms', kind: 'long', default: LONG_MAX, brokerKeys: [ms('log.message.timestamp.difference.max.ms')], min: 0, doc: 'Accepted, no effect here.' },
  { key: 'message.timestamp.before.max.ms', kind: 'long', default: LONG_MAX, brokerKeys: [ms('log.message.timestamp.before.max.ms')], min: 0, doc: 'Accepted, no effect here.' },
  { key: 'message.timestamp.after.max.ms', kind: 'long', default: LONG_MAX, brokerKeys: [ms('log.message.timestamp.after.max.ms')], min: 0, doc: 'Accepted, no effect here.' },
  { key: 'preallocate', kind: 'boolean', default: 'false', brokerKeys: [ms('log.preallocate')], doc: 'Accepted, no effect here (segments are not preallocated).' },
  { key: 'message.downconversion.enable', kind: 'boolean', default: 'true', brokerKeys: [ms('log.message.downconversion.enable')], doc: 'Accepted, no effect here (Fetch v0-3 are not served).' },
];

const DEFS = new Map(LOG_CONFIG_DEFS.map((d) => [d.key as string, d]));

/** Whether `key` is a topic config key this engine knows. */
export function isLogConfigKey(key: string): key is LogConfigKey {
  return DEFS.has(key);
}

/** The declaration of `key`, or undefined. */
export function logConfigDef(key: string): LogConfigDef | undefined {
  return DEFS.get(key);
}

/** Kafka's built-in defaults (as LOG_CONFIG_DEFS), with kafka-ts's flush.ms. */
export function defaultLogConfig(): LogConfig {
  const c: Record<string, number | string> = {};
  for (const d of LOG_CONFIG_DEFS) c[d.key] = d.default;
  return c as unknown as LogConfig;
}

function parseNumber(kind: 'int' | 'long', min: number | undefined, errorKey: string, raw: unknown): number {
  const notA = () => new InvalidConfigError(errorKey, raw, `Not a number of type ${kind.toUpperCase()}`);
  let n: number;
  if (typeof raw === 'number') n = kind === 'long' && Math.abs(raw) > LONG_MAX && Number.isFinite(raw) ? Math.sign(raw) * LONG_MAX : raw;
  else if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) {
    const big = BigInt(raw.trim());
    const limit = kind === 'int' ? BigInt(INT_MAX) : BigInt(LONG_MAX_TEXT);
    if (big > limit || big < -limit - 1n) throw notA();
    n = big > BigInt(LONG_MAX) ? LONG_MAX : big < -BigInt(LONG_MAX) ? -LONG_MAX : Number(big);
  } else throw notA();
  if (!Number.isInteger(n) || (kind === 'int' && (n > INT_MAX || n < -INT_MAX - 1))) throw notA();
  if (min !== undefined && n < min) throw new InvalidConfigError(errorKey, raw, `Value must be at least ${min}`);
  return n;
}

/** Parse `raw` as a value of `def`, errors naming `errorKey` (the topic key, or the broker key it was read from). */
function parseValue(def: LogConfigDef, errorKey: string, raw: unknown, min = def.min): number | string {
  if (def.kind === 'int' || def.kind === 'long') return parseNumber(def.kind, min, errorKey, raw);
  const text = String(raw).trim();
  if (def.kind === 'boolean') {
    const b = text.toLowerCase();
    if (b !== 'true' && b !== 'false') throw new InvalidConfigError(errorKey, raw, 'Expected value to be either true or false');
    return b;
  }
  if (def.kind === 'double') {
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) throw new InvalidConfigError(errorKey, raw, 'Not a number of type DOUBLE');
    if (def.min !== undefined && n < def.min) throw new InvalidConfigError(errorKey, raw, `Value must be at least ${def.min}`);
    return String(n);
  }
  const oneOf = () => new InvalidConfigError(errorKey, raw, `String must be one of: ${def.values!.join(', ')}`);
  if (def.kind === 'list') {
    const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    // Kafka 3.8 accepts an empty list (what SUBTRACT of the last item leaves): nothing is deleted then.
    if (items.some((i) => !def.values!.includes(i))) throw oneOf();
    return [...new Set(items)].join(',');
  }
  if (def.values && !def.values.includes(text)) throw oneOf();
  return text;
}

/**
 * Parse and validate one topic config value (a string from a properties file or a request, or a number).
 * Errors: InvalidConfigError INVALID_CONFIG (unknown key, wrong type, below the minimum, not an accepted value).
 */
export function parseLogConfigValue(key: string, raw: unknown): number | string {
  const def = DEFS.get(key);
  if (!def) throw new InvalidConfigError(key, raw, 'Unknown topic config name');
  return parseValue(def, key, raw);
}

/**
 * The broker-level defaults of every topic key, read from broker properties with Kafka's precedence
 * (`log.retention.ms` over `.minutes` over `.hours`; `log.roll.ms` over `log.roll.hours`). Keys not set
 * keep Kafka's defaults (LOG_CONFIG_DEFS). A value of -1 in any retention key means "forever", as in Kafka.
 * Errors: InvalidConfigError INVALID_CONFIG naming the broker key.
 */
export function logConfigFromBrokerProperties(props: Readonly<Record<string, string | number | undefined>>): LogConfig {
  const c = defaultLogConfig() as unknown as Record<string, number | string>;
  for (const def of LOG_CONFIG_DEFS) {
    const bk = def.brokerKeys.find((k) => props[k.key] !== undefined);
    if (!bk) continue;
    const raw = props[bk.key];
    if (def.kind === 'int' || def.kind === 'long') {
      // The minimum applies in the topic key's unit, after scaling (hours and minutes to ms).
      const n = parseValue(def, bk.key, raw, bk.factor === 1 ? def.min : undefined) as number;
      const scaled = n < 0 ? n : Math.min(LONG_MAX, n * bk.factor);
      if (def.min !== undefined && scaled < def.min) throw new InvalidConfigError(bk.key, raw, `Value must be at least ${def.min}`);
      c[def.key] = def.kind === 'int' && scaled > INT_MAX ? INT_MAX : scaled;
    } else c[def.key] = parseValue(def, bk.key, raw);
  }
  return c as unknown as LogConfig;
}

/**
 * A topic's effective config: `base` (the broker defaults) with the topic's overrides applied.
 * Errors: InvalidConfigError INVALID_CONFIG for an unknown key or a bad value.
 */
export function applyTopicOverrides(base: LogConfig, overrides: Readonly<Record<string, string | number>> | undefined): LogConfig {
  const c = { ...base } as unknown as Record<string, number | string>;
  if (overrides) for (const [k, v] of Object.entries(overrides)) c[k] = parseLogConfigValue(k, v);
  return c as unknown as LogConfig;
}

/** Validate topic overrides, returning them normalised (strings as Kafka shows them). Errors: InvalidConfigError. */
export function normaliseTopicOverrides(overrides: Readonly<Record<string, string | number>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(overrides)) out[k] = formatLogConfigValue(parseLogConfigValue(k, v));
  return out;
}

/** A value as Kafka shows it (LONG_MAX as 9223372036854775807). */
export function formatLogConfigValue(v: number | string): string {
  return v === LONG_MAX ? LONG_MAX_TEXT : String(v);
}

/** Whether `cleanup.policy` includes `delete` (time and size retention apply). */
export function deletesByRetention(config: LogConfig): boolean {
  return config['cleanup.policy'].split(',').includes('delete');
}
