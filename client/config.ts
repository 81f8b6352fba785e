/**
 * Client configuration shared by the producer, consumer and admin client, with the Java client's key
 * names and defaults (`CommonClientConfigs`). Configs are plain objects keyed by Kafka's dotted names,
 * e.g. `{ 'bootstrap.servers': '127.0.0.1:9092', 'request.timeout.ms': 30000 }`; values may be strings
 * (as from a properties file or `--producer-property k=v`) or numbers/booleans.
 *
 * Errors: ConfigError (`KTS_ERR_CLIENT_CONFIG`, Kafka's ConfigException) naming the key.
 */
import { KafkaTsError } from './errors.js';

/** A client config object: Kafka key → value. */
export type ClientProperties = Readonly<Record<string, string | number | boolean | undefined>>;

/** A bad client config value (Kafka's ConfigException). Stable code `KTS_ERR_CLIENT_CONFIG`. */
export class ConfigError extends KafkaTsError {
  constructor(
    readonly key: string,
    value: unknown,
    reason: string,
  ) {
    super('KTS_ERR_CLIENT_CONFIG', `Invalid value ${String(value)} for configuration ${key}: ${reason}`);
  }
}

/** Settings every client has (Java's CommonClientConfigs), in ms and counts. */
export interface CommonConfig {
  /** `bootstrap.servers` as host/port pairs. */
  bootstrapServers: { host: string; port: number }[];
  /** `client.id` (default `kafka-ts`). */
  clientId: string;
  /** `request.timeout.ms` (30000). */
  requestTimeoutMs: number;
  /** `reconnect.backoff.ms` (50). */
  reconnectBackoffMs: number;
  /** `reconnect.backoff.max.ms` (1000). */
  reconnectBackoffMaxMs: number;
  /** `retry.backoff.ms` (100). */
  retryBackoffMs: number;
  /** `metadata.max.age.ms` (300000). */
  metadataMaxAgeMs: number;
  /** `max.in.flight.requests.per.connection` (5). */
  maxInFlightRequestsPerConnection: number;
  /** `socket.connection.setup.timeout.ms` (10000). */
  socketConnectionSetupTimeoutMs: number;
}

/** Read an integer key with a default and a minimum. Errors: ConfigError. */
export function intConfig(props: ClientProperties, key: string, dflt: number, min = Number.MIN_SAFE_INTEGER): number {
  const raw = props[key];
  if (raw === undefined || raw === '') return dflt;
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n)) throw new ConfigError(key, raw, 'Expected an integer');
  if (n < min) throw new ConfigError(key, raw, `Value must be at least ${min}`);
  return n;
}

/** Read a boolean key. Errors: ConfigError. */
export function boolConfig(props: ClientProperties, key: string, dflt: boolean): boolean {
  const raw = props[key];
  if (raw === undefined || raw === '') return dflt;
  if (typeof raw === 'boolean') return raw;
  const s = String(raw).trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new ConfigError(key, raw, 'Expected value to be either true or false');
}

/** Read a string key, optionally one of `values`. Errors: ConfigError. */
export function stringConfig(props: ClientProperties, key: string, dflt: string, values?: readonly string[]): string {
  const raw = props[key];
  if (raw === undefined) return dflt;
  const s = String(raw).trim();
  if (values && !values.includes(s)) throw new ConfigError(key, raw, `String must be one of: ${values.join(', ')}`);
  return s;
}

/** Parse `host:port[,host:port...]` (IPv6 in brackets). Errors: ConfigError. */
export function parseBootstrapServers(value: unknown, key = 'bootstrap.servers'): { host: string; port: number }[] {
  if (value === undefined || String(value).trim() === '') throw new ConfigError(key, value, 'Missing required configuration "bootstrap.servers" which has no default value.');
  const out: { host: string; port: number }[] = [];
  for (const part of String(value).split(',').map((s) => s.trim().replace(/^[A-Za-z_]+:\/\//, '')).filter(Boolean)) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(part);
    if (!m || Number(m[2]) > 65535) throw new ConfigError(key, value, `Invalid url in bootstrap.servers: ${part}`);
    out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) });
  }
  return out;
}

/** The common settings of a client config. Errors: ConfigError. */
export function commonConfig(props: ClientProperties): CommonConfig {
  return {
    bootstrapServers: parseBootstrapServers(props['bootstrap.servers']),
    clientId: stringConfig(props, 'client.id', 'kafka-ts'),
    requestTimeoutMs: intConfig(props, 'request.timeout.ms', 30000, 0),
    reconnectBackoffMs: intConfig(props, 'reconnect.backoff.ms', 50, 0),
    reconnectBackoffMaxMs: intConfig(props, 'reconnect.backoff.max.ms', 1000, 0),
    retryBackoffMs: intConfig(props, 'retry.backoff.ms', 100, 0),
    metadataMaxAgeMs: intConfig(props, 'metadata.max.age.ms', 300000, 0),
    maxInFlightRequestsPerConnection: intConfig(props, 'max.in.flight.requests.per.connection', 5, 1),
    socketConnectionSetupTimeoutMs: intConfig(props, 'socket.connection.setup.timeout.ms', 10000, 0),
  };
}
