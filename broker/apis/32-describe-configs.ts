/**
 * DescribeConfigs: v0-4
 *
 * Behaviour: for each resource, every config entry (or those named in `configurationKeys`; null or
 * empty = all; unknown names are left out) with its value, so that clients can read-modify-write:
 * - TOPIC (2): every topic key kafka-ts knows, with the effective value (override, else broker
 *   default), source DYNAMIC_TOPIC_CONFIG (1) for an override, STATIC_BROKER_CONFIG (4) when the
 *   broker key behind the default was set in server.properties, DEFAULT_CONFIG (5) otherwise; never
 *   read-only or sensitive. UNKNOWN_TOPIC_OR_PARTITION (3, no message) for a topic that does not
 *   exist, INVALID_TOPIC_EXCEPTION (17) for an illegal name.
 * - BROKER (4) named by our node id: every broker key (KafkaConfig.describe()), all read-only (no
 *   dynamic broker configs). Named '': the cluster-wide dynamic defaults, of which there are none
 *   (an empty list, as Kafka answers without any). Another id or a non-integer: INVALID_REQUEST (42).
 * - BROKER_LOGGER, CLIENT_METRICS, GROUP: INVALID_REQUEST "Unsupported resource type" (not
 *   implemented); any other id: INVALID_REQUEST.
 * See admin/config-describe.ts for sources and synonyms.
 *
 * Version notes: v0 has `isDefault` (true for DEFAULT_CONFIG) instead of the source; v1 adds
 * `includeSynonyms` and `configSource`; v2 answers before throttling on a quota violation; v3 adds
 * `configType` and, with `includeDocumentation`, the documentation; v4 is flexible.
 *
 * Source: Kafka 3.8.0 `ConfigHelper.describeConfigs`, `createTopicConfigEntry`, `createBrokerConfigEntry`.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis } from '../../client/protocol/index.js';
import { validateTopicName } from '../log/index.js';
import { defineHandler, type BrokerContext } from '../server/types.js';
import { apiError, apiErrorOf, NONE, type ApiError } from './admin/api-error.js';
import { ConfigResourceType, describeBrokerConfigs, describeTopicConfigs, resourceTypeName, type DescribedConfig, type DescribeOptions } from './admin/config-describe.js';
import { resolveBrokerResource } from './admin/config-resources.js';

interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

function describeResource(broker: BrokerContext, r: DescribeConfigsResource, options: DescribeOptions): { err: ApiError; configs: DescribedConfig[] } {
  switch (r.resourceType) {
    case ConfigResourceType.TOPIC: {
      validateTopicName(r.resourceName);
      if (!broker.metadata.topic(r.resourceName)) return { err: apiError('UNKNOWN_TOPIC_OR_PARTITION'), configs: [] };
      return { err: NONE, configs: describeTopicConfigs(broker, broker.logManager.topicOverrides(r.resourceName) ?? {}, options) };
    }
    case ConfigResourceType.BROKER:
      if (resolveBrokerResource(r.resourceName, broker.metadata.nodeId) === 'default') return { err: NONE, configs: [] };
      return { err: NONE, configs: describeBrokerConfigs(broker.config, options) };
    case ConfigResourceType.BROKER_LOGGER:
    case ConfigResourceType.CLIENT_METRICS:
    case ConfigResourceType.GROUP:
      throw new KafkaProtocolError('INVALID_REQUEST', `Unsupported resource type: ${resourceTypeName(r.resourceType)} (not implemented by kafka-ts)`);
    default:
      throw new KafkaProtocolError('INVALID_REQUEST', `Unsupported resource type: ${resourceTypeName(r.resourceType)}`);
  }
}

export const handler = defineHandler(Apis.DescribeConfigs, '0-4', (req, ctx) => {
  const results = req.resources.map((r) => {
    const options: DescribeOptions = { includeSynonyms: req.includeSynonyms, includeDocumentation: req.includeDocumentation, keys: r.configurationKeys };
    let out: { err: ApiError; configs: DescribedConfig[] };
    try {
      out = describeResource(ctx.broker, r, options);
    } catch (e) {
      out = { err: apiErrorOf(e, ctx.broker, 'DescribeConfigs'), configs: [] };
    }
    // isDefault exists in v0 only (not ignorable): false, its default, in later versions.
    const configs = ctx.apiVersion === 0 ? out.configs : out.configs.map((c) => ({ ...c, isDefault: false }));
    return { ...out.err, resourceType: r.resourceType, resourceName: r.resourceName, configs };
  });
  return { throttleTimeMs: 0, results };
});
