/**
 * Config resources of DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: resolving a broker
 * resource name, and changing a resource's configs (shared by both alter APIs).
 *
 * Topics: the new override set is validated whole (nothing changes on error) and stored on every
 * partition of the topic (LogManager.setTopicOverrides), which applies it to the logs at once.
 * Brokers: every broker key of this broker is static (read from server.properties at start; DescribeConfigs
 * reports them read-only), so any change is refused as Kafka refuses a non-dynamic key: INVALID_REQUEST
 * (42) "Cannot update these configs dynamically: Set(...)". An empty change succeeds (nothing to do).
 * Other resource types (BROKER_LOGGER, CLIENT_METRICS, GROUP) are answered INVALID_REQUEST.
 *
 * Errors (as ApiError of the resource): INVALID_TOPIC_EXCEPTION (17), UNKNOWN_TOPIC_OR_PARTITION (3),
 * INVALID_CONFIG (40), INVALID_REQUEST (42).
 * Source: Kafka 3.8.0 `ConfigHelper.resourceNameToBrokerId`, `ConfigAdminManager.preprocess`,
 * `ZkAdminManager.alterConfigs` / `incrementalAlterConfigs`, `DynamicBrokerConfig.validateConfigs`.
 */
import { KafkaProtocolError } from '../../../client/errors.js';
import { normaliseTopicOverrides, validateTopicName } from '../../log/index.js';
import type { BrokerContext } from '../../server/types.js';
import { apiError, apiErrorOf, NONE, type ApiError } from './api-error.js';
import { ConfigResourceType, resourceTypeName } from './config-describe.js';

/**
 * Which broker a BROKER resource name means: '' = the cluster-wide default, else our node id.
 * `forAlter` picks the wording of Kafka's alter path (ConfigAdminManager) over its describe path (ConfigHelper).
 * Errors: KafkaProtocolError INVALID_REQUEST (42) for a name that is not an integer or not our id.
 */
export function resolveBrokerResource(name: string, nodeId: number, forAlter = false): 'default' | 'self' {
  if (name === '') return 'default';
  if (!/^[+-]?\d+$/.test(name)) throw new KafkaProtocolError('INVALID_REQUEST', `${forAlter ? 'Node' : 'Broker'} id must be an integer, but it is: ${name}`);
  if (Number(name) !== nodeId) throw new KafkaProtocolError('INVALID_REQUEST', `Unexpected broker id, expected ${nodeId}${forAlter ? '' : ' or empty string'}, but received ${name}`);
  return 'self';
}

/**
 * The topic `name` after checking it is legal and exists.
 * Errors: INVALID_TOPIC_EXCEPTION (17), UNKNOWN_TOPIC_OR_PARTITION (3).
 */
export function existingTopic(broker: BrokerContext, name: string): string {
  validateTopicName(name);
  if (!broker.metadata.topic(name)) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
  return name;
}

/** A resource of an alter request, with the keys it would set. */
export interface AlterResource {
  resourceType: number;
  resourceName: string;
  /**
   * Config names the request sets (or appends to, subtracts from) on this resource; a DELETE is not
   * listed (deleting a dynamic broker config of which there are none changes nothing, as in Kafka).
   */
  setKeys: readonly string[];
}

/**
 * Apply one resource of AlterConfigs / IncrementalAlterConfigs. `nextOverrides(current)` computes the
 * topic's new complete override set from its current one (it may throw KafkaProtocolError). With
 * `validateOnly` nothing is stored. Resolves to the resource's ApiError (NONE on success).
 */
export async function alterResource(
  broker: BrokerContext,
  resource: AlterResource,
  nextOverrides: (current: Record<string, string>) => Record<string, string>,
  validateOnly: boolean,
  what: string,
): Promise<ApiError> {
  try {
    switch (resource.resourceType) {
      case ConfigResourceType.TOPIC: {
        const topic = existingTopic(broker, resource.resourceName);
        const next = normaliseTopicOverrides(nextOverrides(broker.logManager.topicOverrides(topic) ?? {}));
        if (!validateOnly) {
          await broker.logManager.setTopicOverrides(topic, next);
          broker.logger.info({ topic, overrides: next }, `${what}: topic ${topic} configs set`);
        }
        return NONE;
      }
      case ConfigResourceType.BROKER: {
        resolveBrokerResource(resource.resourceName, broker.metadata.nodeId, true);
        if (resource.setKeys.length === 0) return NONE;
        return apiError('INVALID_REQUEST', `Cannot update these configs dynamically: Set(${[...new Set(resource.setKeys)].join(', ')}) (kafka-ts has no dynamic broker configs: set them in server.properties)`);
      }
      case ConfigResourceType.BROKER_LOGGER:
      case ConfigResourceType.CLIENT_METRICS:
      case ConfigResourceType.GROUP:
        return apiError('INVALID_REQUEST', `Unsupported resource type: ${resourceTypeName(resource.resourceType)} (not implemented by kafka-ts)`);
      default:
        return apiError('INVALID_REQUEST', `Unknown resource type ${resource.resourceType}`);
    }
  } catch (e) {
    return apiErrorOf(e, broker, what);
  }
}

/**
 * Resources that appear more than once (same type and name) in one request get INVALID_REQUEST (42)
 * "Each resource must appear at most once." (Kafka's ConfigAdminManager.preprocess). Returns the
 * indexes of those resources.
 */
export function duplicateResources(resources: readonly { resourceType: number; resourceName: string }[]): Set<number> {
  const byKey = new Map<string, number[]>();
  resources.forEach((r, i) => {
    const k = `${r.resourceType}\u0000${r.resourceName}`;
    byKey.set(k, [...(byKey.get(k) ?? []), i]);
  });
  const out = new Set<number>();
  for (const idx of byKey.values()) if (idx.length > 1) for (const i of idx) out.add(i);
  return out;
}

/**
 * Kafka's per-resource request checks before any change (ConfigAdminManager.preprocess): a config name
 * given twice → INVALID_REQUEST "Error due to duplicate config keys"; a null value where one is needed
 * (`valueNeeded`) → INVALID_REQUEST "Null value not supported for : a, b". Returns the error or undefined.
 */
export function checkConfigEntries(configs: readonly { name: string; value: string | null }[], valueNeeded: (i: number) => boolean): ApiError | undefined {
  const names = new Set<string>();
  for (const c of configs) {
    if (names.has(c.name)) return apiError('INVALID_REQUEST', 'Error due to duplicate config keys');
    names.add(c.name);
  }
  const nulls = configs.filter((c, i) => c.value === null && valueNeeded(i)).map((c) => c.name);
  if (nulls.length > 0) return apiError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(', ')}`);
  return undefined;
}

/** The ApiError of a duplicated resource. */
export const DUPLICATE_RESOURCE: ApiError = Object.freeze(apiError('INVALID_REQUEST', 'Each resource must appear at most once.'));
