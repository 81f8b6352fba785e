/**
 * IncrementalAlterConfigs: v0-1
 *
 * Behaviour: changes only the named configs of each resource (KIP-339): SET (0), DELETE (1, back to
 * the broker default), APPEND (2) / SUBTRACT (3) items of a list key (`cleanup.policy`), applied in
 * order to the topic's current overrides; the result is validated whole, and nothing changes on error
 * or with validateOnly. Per-resource errors: INVALID_REQUEST (42) for a resource given twice, a key
 * given twice ("Error due to duplicate config keys"), a null value for an operation other than DELETE,
 * an unknown operation, a broker id other than ours, setting a broker config ("Cannot update these
 * configs dynamically": every broker key of kafka-ts is static; DELETE alone succeeds, there being
 * nothing dynamic to delete), or an unsupported resource type (BROKER_LOGGER too: log levels are not
 * changeable at run time); INVALID_TOPIC_EXCEPTION (17); UNKNOWN_TOPIC_OR_PARTITION (3);
 * INVALID_CONFIG (40) for an unknown topic key, a bad value, or APPEND/SUBTRACT on a key that is not
 * a list. A topic change applies to its logs at once and survives restarts.
 *
 * Version notes: v1 is flexible.
 *
 * Source: Kafka 3.8.0 `ConfigAdminManager.preprocess(IncrementalAlterConfigsRequestData)` and
 * `prepareIncrementalConfigs`, `ConfigurationControlManager.incrementalAlterConfigs`.
 */
import { Apis } from '../../client/protocol/index.js';
import { applyTopicOverrides } from '../log/index.js';
import { defineHandler } from '../server/types.js';
import { withAdminLock } from './admin/admin-lock.js';
import { alterResource, checkConfigEntries, DUPLICATE_RESOURCE, duplicateResources } from './admin/config-resources.js';
import { AlterConfigOp, applyIncrementalOps } from './admin/incremental-ops.js';

export const handler = defineHandler(Apis.IncrementalAlterConfigs, '0-1', (req, ctx) =>
  withAdminLock(ctx.broker, async () => {
    const broker = ctx.broker;
    const dups = duplicateResources(req.resources);
    const responses = [];
    for (const [i, r] of req.resources.entries()) {
      let err = dups.has(i) ? DUPLICATE_RESOURCE : checkConfigEntries(r.configs, (j) => r.configs[j]!.configOperation !== AlterConfigOp.DELETE);
      if (!err) {
        const resource = {
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          setKeys: r.configs.filter((c) => c.configOperation !== AlterConfigOp.DELETE).map((c) => c.name),
        };
        const next = (current: Record<string, string>) => applyIncrementalOps(current, r.configs, applyTopicOverrides(broker.logManager.defaults, current));
        err = await alterResource(broker, resource, next, req.validateOnly, 'IncrementalAlterConfigs');
      }
      responses.push({ ...err, resourceType: r.resourceType, resourceName: r.resourceName });
    }
    return { throttleTimeMs: 0, responses };
  }),
);
