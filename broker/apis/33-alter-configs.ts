/**
 * AlterConfigs: v0-2
 *
 * Behaviour: replaces ALL config overrides of each resource with the given set, as Kafka's legacy
 * AlterConfigs does: a topic key not listed goes back to the broker default (which is why clients
 * read every entry with DescribeConfigs first). The new set is validated whole; nothing changes on
 * error or with validateOnly. Per-resource errors: INVALID_REQUEST (42) for a resource given twice
 * ("Each resource must appear at most once."), a key given twice, a null value, a broker id other
 * than ours, a change to a broker config ("Cannot update these configs dynamically": every broker key
 * of kafka-ts is static, from server.properties), or an unsupported resource type;
 * INVALID_TOPIC_EXCEPTION (17); UNKNOWN_TOPIC_OR_PARTITION (3); INVALID_CONFIG (40) for an unknown
 * topic key or a bad value. A topic change applies to its logs at once and survives restarts.
 *
 * Version notes: v1 answers before throttling on a quota violation; v2 is flexible.
 *
 * Source: Kafka 3.8.0 `ConfigAdminManager.preprocess(AlterConfigsRequestData)`,
 * `ConfigurationControlManager.legacyAlterConfigs`, `ZkAdminManager.alterConfigs`.
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';
import { withAdminLock } from './admin/admin-lock.js';
import { alterResource, checkConfigEntries, DUPLICATE_RESOURCE, duplicateResources } from './admin/config-resources.js';

export const handler = defineHandler(Apis.AlterConfigs, '0-2', (req, ctx) =>
  withAdminLock(ctx.broker, async () => {
    const dups = duplicateResources(req.resources);
    const responses = [];
    for (const [i, r] of req.resources.entries()) {
      let err = dups.has(i) ? DUPLICATE_RESOURCE : checkConfigEntries(r.configs, () => true);
      if (!err) {
        const replacement: Record<string, string> = {};
        for (const c of r.configs) replacement[c.name] = c.value!;
        const resource = { resourceType: r.resourceType, resourceName: r.resourceName, setKeys: r.configs.map((c) => c.name) };
        err = await alterResource(ctx.broker, resource, () => replacement, req.validateOnly, 'AlterConfigs');
      }
      responses.push({ ...err, resourceType: r.resourceType, resourceName: r.resourceName });
    }
    return { throttleTimeMs: 0, responses };
  }),
);
