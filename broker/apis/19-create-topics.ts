/**
 * CreateTopics: v0-7
 *
 * Behaviour: creates each topic with its partition count (or `num.partitions` for -1), replication
 * factor 1 (or -1 for the default; more than 1 is INVALID_REPLICATION_FACTOR on one broker) and its
 * topic configs, all partition logs durable before the answer; or, with validateOnly, only checks.
 * Each topic has its own error: TOPIC_ALREADY_EXISTS (36), INVALID_TOPIC_EXCEPTION (17),
 * INVALID_PARTITIONS (37), INVALID_REPLICATION_FACTOR (38), INVALID_CONFIG (40, a bad or unknown key,
 * or a null value), INVALID_REQUEST (42, a name given twice in one request, or a manual assignment
 * together with a partition count / replication factor) and INVALID_REPLICA_ASSIGNMENT (39, a manual
 * assignment naming another broker, a broker twice, no broker, or partitions that are not 0..n-1).
 * A manual assignment to this broker alone is accepted. `timeoutMs` is not waited on: creation is
 * synchronous (Kafka in KRaft mode also answers once created; ZooKeeper-mode Kafka answered
 * REQUEST_TIMED_OUT for timeoutMs <= 0).
 *
 * Version notes: v1 adds validateOnly and the error message; v2 the throttle time; v4 allows -1
 * partitions / replication factor (accepted in every version here, as Kafka does); v5 (flexible)
 * returns the topic's partition count, replication factor and every topic config (value, read-only,
 * source, sensitive: what DescribeConfigs shows), validateOnly included; v7 returns the topic id.
 *
 * Source: Kafka 3.8.0 `KafkaApis.handleCreateTopicsRequest`, `ZkAdminManager.createTopics`,
 * `ReplicationControlManager.createTopic` / `validateManualPartitionAssignment`.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis } from '../../client/protocol/index.js';
import { normaliseTopicOverrides } from '../log/index.js';
import { ZERO_UUID } from '../server/cluster-metadata.js';
import { defineHandler, type BrokerContext } from '../server/types.js';
import { withAdminLock } from './admin/admin-lock.js';
import { apiError, apiErrorOf, duplicates, type ApiError } from './admin/api-error.js';
import { describeTopicConfigs } from './admin/config-describe.js';
import { manualPartitionCount, type CreatableTopic } from './admin/replica-assignment.js';

function errorResult(name: string, err: ApiError) {
  return { name, topicId: ZERO_UUID, ...err, numPartitions: -1, replicationFactor: -1, configs: [] };
}

async function createOne(broker: BrokerContext, topic: CreatableTopic, validateOnly: boolean, withConfigs: boolean) {
  const nulls = topic.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) throw new KafkaProtocolError('INVALID_CONFIG', `Null value not supported for topic configs: ${nulls.join(',')}`);
  const configs: Record<string, string> = {};
  for (const c of topic.configs) configs[c.name] = c.value!;
  const numPartitions = topic.assignments.length > 0 ? manualPartitionCount(topic, broker.metadata.nodeId) : topic.numPartitions;
  const replicationFactor = topic.assignments.length > 0 ? 1 : topic.replicationFactor;
  const info = await broker.metadata.createTopic(topic.name, { numPartitions, replicationFactor, configs, validateOnly });
  if (!validateOnly) broker.logger.info({ topic: info.name, partitions: info.partitions, topicId: info.topicId, configs }, `created topic ${info.name}`);
  const overrides = normaliseTopicOverrides(configs);
  return {
    name: info.name,
    topicId: info.topicId,
    errorCode: 0,
    errorMessage: null,
    numPartitions: info.partitions,
    replicationFactor: 1,
    configs: withConfigs
      ? describeTopicConfigs(broker, overrides).map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.configSource, isSensitive: c.isSensitive }))
      : [],
  };
}

export const handler = defineHandler(Apis.CreateTopics, '0-7', (req, ctx) =>
  withAdminLock(ctx.broker, async () => {
    const broker = ctx.broker;
    const dups = duplicates(req.topics.map((t) => t.name));
    const topics = [];
    for (const t of req.topics) {
      if (dups.has(t.name)) {
        topics.push(errorResult(t.name, apiError('INVALID_REQUEST', 'Found multiple entries for this topic.')));
        continue;
      }
      try {
        topics.push(await createOne(broker, t, req.validateOnly, ctx.apiVersion >= 5));
      } catch (e) {
        topics.push(errorResult(t.name, apiErrorOf(e, broker, 'CreateTopics')));
      }
    }
    return { throttleTimeMs: 0, topics };
  }),
);
