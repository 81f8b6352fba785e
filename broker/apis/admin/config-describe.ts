/**
 * Config entries as DescribeConfigs (and CreateTopics v5+) report them: every topic key of a topic
 * with its effective value, where the value comes from (source), its synonyms, type and documentation;
 * and every broker key of this broker.
 *
 * Sources (Kafka's `DescribeConfigsResponse.ConfigSource`): DYNAMIC_TOPIC_CONFIG (1) for a topic
 * override, STATIC_BROKER_CONFIG (4) for a broker key set in server.properties (or `--override`),
 * DEFAULT_CONFIG (5) for a built-in default. A topic key's synonyms are, strongest first: the topic
 * override, the broker keys that set its default and were set statically (`log.retention.ms`,
 * `log.retention.minutes`, `log.retention.hours` for `retention.ms`), then those broker keys that have
 * a built-in default. The entry's source is the first synonym's (DEFAULT_CONFIG when there is none).
 *
 * One deliberate difference: Kafka 3.8 drops the synonyms before the first one named like the
 * topic key's first broker key (`allSynonyms.dropWhile(s => s.name != name)` in
 * `ConfigHelper.configSynonyms`, meant for listener overrides), so a topic whose retention comes from
 * a static `log.retention.hours` reports source DEFAULT_CONFIG and no synonyms. kafka-ts lists that
 * synonym and reports STATIC_BROKER_CONFIG, which is what the value really comes from.
 *
 * Source: Kafka 3.8.0 `core/.../server/ConfigHelper.scala` (`createTopicConfigEntry`,
 * `createBrokerConfigEntry`, `configSynonyms`, `configResponseType`), `DescribeConfigsResponse.java`.
 */
import { ConfigSource, KafkaConfig, type BrokerConfigEntry } from '../../config/kafka-config.js';
import { applyTopicOverrides, formatLogConfigValue, LOG_CONFIG_DEFS } from '../../log/index.js';
import type { BrokerContext } from '../../server/types.js';

/** Kafka's `ConfigResource.Type` ids as sent in DescribeConfigs / AlterConfigs. */
export const ConfigResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

/** The name of a resource type id, for messages (`UNKNOWN` for an id Kafka does not define). */
export function resourceTypeName(id: number): string {
  for (const [name, v] of Object.entries(ConfigResourceType)) if (v === id) return name;
  return 'UNKNOWN';
}

/** Kafka's `DescribeConfigsResponse.ConfigType` ids (DescribeConfigs v3+ `configType`). */
export const ConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;

/** The ConfigType id of a type name (`INT`, `long`, ...); UNKNOWN (0) for other names. */
export function configTypeId(type: string): number {
  return (ConfigType as Record<string, number>)[type.toUpperCase()] ?? ConfigType.UNKNOWN;
}

/** One synonym of a config entry (DescribeConfigs v1+). */
export interface ConfigSynonym {
  name: string;
  value: string | null;
  /** ConfigSource id. */
  source: number;
}

/** One config entry in the shape of DescribeConfigsResourceResult (all versions' fields). */
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v0 only: source is DEFAULT_CONFIG. */
  isDefault: boolean;
  /** ConfigSource id (v1+). */
  configSource: number;
  isSensitive: boolean;
  /** Empty unless includeSynonyms. */
  synonyms: ConfigSynonym[];
  /** ConfigType id (v3+). */
  configType: number;
  /** null unless includeDocumentation. */
  documentation: string | null;
}

/** What to include: `keys` null or empty = every key (Kafka's `configurationKeys`). */
export interface DescribeOptions {
  includeSynonyms?: boolean;
  includeDocumentation?: boolean;
  keys?: readonly string[] | null;
}

let builtInDefaults: Map<string, string | null> | undefined;

/** The built-in default of every broker key (what a broker with an empty server.properties reports). */
function builtInDefault(key: string): string | null | undefined {
  builtInDefaults ??= new Map(KafkaConfig.fromProperties({}).describe().map((e) => [e.name, e.value]));
  return builtInDefaults.get(key);
}

function wanted(name: string, keys: readonly string[] | null | undefined): boolean {
  return !keys || keys.length === 0 || keys.includes(name);
}

/**
 * Synonyms of broker keys `names` (strongest first): those set in server.properties
 * (STATIC_BROKER_CONFIG), then those with a built-in default (DEFAULT_CONFIG).
 */
function brokerSynonyms(config: KafkaConfig, names: readonly string[]): ConfigSynonym[] {
  const out: ConfigSynonym[] = [];
  for (const n of names) {
    const given = config.originals.get(n);
    if (given !== undefined) out.push({ name: n, value: given.trim(), source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  for (const n of names) {
    const d = builtInDefault(n);
    if (d !== undefined && d !== null) out.push({ name: n, value: d, source: ConfigSource.DEFAULT_CONFIG });
  }
  return out;
}

/**
 * Every topic key (sorted by name, filtered by `options.keys`) of a topic with topic config
 * `overrides` (normalised strings, as LogManager.topicOverrides returns them), as DescribeConfigs
 * reports them. Values are effective values in the key's unit (ms, bytes). Topic keys are never
 * read-only or sensitive.
 * Errors: InvalidConfigError INVALID_CONFIG (40) if an override does not parse (never for stored ones).
 */
export function describeTopicConfigs(broker: BrokerContext, overrides: Readonly<Record<string, string>>, options: DescribeOptions = {}): DescribedConfig[] {
  const effective = applyTopicOverrides(broker.logManager.defaults, overrides) as unknown as Record<string, number | string>;
  const out: DescribedConfig[] = [];
  for (const def of LOG_CONFIG_DEFS) {
    if (!wanted(def.key, options.keys)) continue;
    const value = formatLogConfigValue(effective[def.key]!);
    const synonyms: ConfigSynonym[] = [];
    if (Object.hasOwn(overrides, def.key)) synonyms.push({ name: def.key, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    synonyms.push(...brokerSynonyms(broker.config, def.brokerKeys.map((k) => k.key)));
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    out.push({
      name: def.key,
      value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: false,
      synonyms: options.includeSynonyms ? synonyms : [],
      configType: configTypeId(def.kind),
      documentation: options.includeDocumentation ? def.doc : null,
    });
  }
  return out;
}

/** The broker keys that are synonyms of `name`: it and the weaker keys of its group (`log.retention.minutes` → minutes, hours). */
function brokerKeyGroup(name: string): string[] {
  for (const def of LOG_CONFIG_DEFS) {
    const i = def.brokerKeys.findIndex((k) => k.key === name);
    if (i >= 0) return def.brokerKeys.slice(i).map((k) => k.key);
  }
  return [name];
}

/**
 * Every broker key of this broker (KafkaConfig.describe(), sorted by name, filtered by `options.keys`)
 * as DescribeConfigs reports them for the resource named by our node id. Every key is read-only:
 * this broker has no dynamic broker configs. Sensitive values are null.
 */
export function describeBrokerConfigs(config: KafkaConfig, options: DescribeOptions = {}): DescribedConfig[] {
  return config
    .describe()
    .filter((e) => wanted(e.name, options.keys))
    .map((e: BrokerConfigEntry) => {
      const synonyms = brokerSynonyms(config, brokerKeyGroup(e.name)).map((s) => (e.isSensitive ? { ...s, value: null } : s));
      return {
        name: e.name,
        value: e.isSensitive ? null : e.value,
        readOnly: e.readOnly,
        isDefault: e.source === ConfigSource.DEFAULT_CONFIG,
        configSource: e.source,
        isSensitive: e.isSensitive,
        synonyms: options.includeSynonyms ? synonyms : [],
        configType: configTypeId(e.type),
        documentation: options.includeDocumentation ? e.doc : null,
      };
    });
}
