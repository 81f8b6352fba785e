/**
 * Metadata: v0-12
 *
 * Behaviour: describes this one-node cluster: the broker (advertised host and port), the cluster id
 * and controller (this node), and the topics asked for, or every topic. Each partition is led by this
 * broker at leader epoch 0 with this broker as sole replica and in-sync replica. A topic that does
 * not exist is created with the broker defaults when `auto.create.topics.enable` is true and the
 * request allows it (v4+; always for v0-3), synchronously, so the answer already carries its
 * partitions (Kafka answers LEADER_NOT_AVAILABLE first while it elects leaders). Otherwise
 * UNKNOWN_TOPIC_OR_PARTITION, or INVALID_TOPIC_EXCEPTION for an illegal name.
 *
 * Version notes: v0 asks for all topics with an empty list (null from v1). v1 adds the controller and
 * internal flags, v2 the cluster id, v4 the auto-creation flag, v5 offline replicas, v7 leader epochs,
 * v8 authorized operations (not computed: INT32_MIN, "not requested"), v9 is flexible, v10 adds topic
 * ids (stable across restarts), v12 lets a topic be asked for by id alone (UNKNOWN_TOPIC_ID when unknown).
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis, errorCode } from '../../client/protocol/index.js';
import { ZERO_UUID, type TopicInfo } from '../server/cluster-metadata.js';
import { defineHandler, type BrokerContext } from '../server/types.js';

const NOT_REQUESTED = -2147483648;

/** The Metadata partition entries of a topic. */
function partitionsOf(t: TopicInfo, nodeId: number) {
  const out = [];
  for (let p = 0; p < t.partitions; p++) {
    out.push({ errorCode: 0, partitionIndex: p, leaderId: nodeId, leaderEpoch: 0, replicaNodes: [nodeId], isrNodes: [nodeId], offlineReplicas: [] });
  }
  return out;
}

function topicEntry(t: TopicInfo, nodeId: number) {
  return { errorCode: 0, name: t.name, topicId: t.topicId, isInternal: false, partitions: partitionsOf(t, nodeId), topicAuthorizedOperations: NOT_REQUESTED };
}

function errorEntry(name: string | null, topicId: string, error: string) {
  return { errorCode: errorCode(error as never), name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED };
}

async function lookup(broker: BrokerContext, name: string, autoCreate: boolean) {
  const md = broker.metadata;
  const existing = md.topic(name);
  if (existing) return topicEntry(existing, md.nodeId);
  if (!autoCreate) return errorEntry(name, ZERO_UUID, 'UNKNOWN_TOPIC_OR_PARTITION');
  try {
    const created = await md.getOrAutoCreate(name);
    if (created) {
      broker.logger.info({ topic: name, partitions: created.partitions }, `auto-created topic ${name}`);
      return topicEntry(created, md.nodeId);
    }
    return errorEntry(name, ZERO_UUID, 'UNKNOWN_TOPIC_OR_PARTITION');
  } catch (e) {
    if (e instanceof KafkaProtocolError) return errorEntry(name, ZERO_UUID, e.errorName);
    throw e;
  }
}

export const handler = defineHandler(Apis.Metadata, '0-12', async (req, ctx) => {
  const broker = ctx.broker;
  const md = broker.metadata;
  const v = ctx.apiVersion;
  const all = req.topics === null || (v === 0 && req.topics.length === 0);
  const autoCreate = broker.config.autoCreateTopicsEnable && (v < 4 || req.allowAutoTopicCreation);
  let topics;
  if (all) topics = md.topics().map((t) => topicEntry(t, md.nodeId));
  else {
    topics = [];
    for (const t of req.topics!) {
      if (t.name === null || t.name === undefined) {
        const byId = t.topicId !== undefined && t.topicId !== ZERO_UUID ? md.topicById(t.topicId) : undefined;
        topics.push(byId ? topicEntry(byId, md.nodeId) : errorEntry(null, t.topicId ?? ZERO_UUID, 'UNKNOWN_TOPIC_ID'));
      } else topics.push(await lookup(broker, t.name, autoCreate));
    }
  }
  const { host, port } = md.advertisedEndpoint;
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: md.nodeId, host, port, rack: null }],
    clusterId: md.clusterId,
    controllerId: md.nodeId,
    topics,
    clusterAuthorizedOperations: NOT_REQUESTED,
  };
});
