/**
 * DeleteTopics: v0-6
 *
 * Behaviour: deletes each topic, its partition logs and (through ClusterMetadata's listeners) the
 * groups' committed offsets for it, before answering. Each topic has its own error:
 * UNKNOWN_TOPIC_OR_PARTITION (3) for an unknown name, UNKNOWN_TOPIC_ID (100) for an unknown id,
 * INVALID_REQUEST (42) for a topic named twice ("Duplicate topic name." / "Duplicate topic id.").
 * With `delete.topic.enable=false` every topic gets TOPIC_DELETION_DISABLED (73), or INVALID_REQUEST
 * for v0-2, which predate that error. A v6 entry with both a name and an id, or neither, makes the
 * whole request INVALID_REQUEST (every entry carries the error), as Kafka's controller does.
 * `timeoutMs` is not waited on: deletion is synchronous.
 *
 * Version notes: v1 adds the throttle time; v3 TOPIC_DELETION_DISABLED; v4 is flexible; v5 adds
 * the error message; v6 names topics by name or by topic id (`topics`, replacing `topicNames`) and
 * answers with both.
 *
 * Source: Kafka 3.8.0 `ControllerApis.deleteTopics`, `KafkaApis.handleDeleteTopicsRequest`.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis } from '../../client/protocol/index.js';
import { ZERO_UUID } from '../server/cluster-metadata.js';
import { defineHandler, type BrokerContext } from '../server/types.js';
import { withAdminLock } from './admin/admin-lock.js';
import { apiError, apiErrorOf, duplicates, type ApiError } from './admin/api-error.js';

/** One topic to delete: by name, or (v6) by id with a null name. */
interface Target {
  name: string | null;
  topicId: string;
}

function result(t: Target, err: ApiError) {
  return { name: t.name, topicId: t.topicId, ...err };
}

async function deleteOne(broker: BrokerContext, t: Target) {
  let name = t.name;
  if (name === null) {
    const info = broker.metadata.topicById(t.topicId);
    if (!info) throw new KafkaProtocolError('UNKNOWN_TOPIC_ID', `Topic id ${t.topicId} does not exist.`);
    name = info.name;
  }
  const deleted = await broker.metadata.deleteTopic(name);
  broker.logger.info({ topic: deleted.name, topicId: deleted.topicId }, `deleted topic ${deleted.name}`);
  return { name: deleted.name, topicId: deleted.topicId, errorCode: 0, errorMessage: null };
}

export const handler = defineHandler(Apis.DeleteTopics, '0-6', (req, ctx) =>
  withAdminLock(ctx.broker, async () => {
    const broker = ctx.broker;
    const targets: Target[] = ctx.apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const all = (err: ApiError) => ({ throttleTimeMs: 0, responses: targets.map((t) => result(t, err)) });

    if (!broker.config.deleteTopicEnable) {
      return all(ctx.apiVersion < 3 ? apiError('INVALID_REQUEST', 'Topic deletion is disabled.') : apiError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.'));
    }
    for (const t of targets) {
      if (t.name === null && t.topicId === ZERO_UUID) return all(apiError('INVALID_REQUEST', 'Neither topic name nor id were specified.'));
      if (t.name !== null && t.topicId !== ZERO_UUID) return all(apiError('INVALID_REQUEST', 'You may not specify both topic name and topic id.'));
    }
    const dupNames = duplicates(targets.map((t) => t.name));
    const dupIds = duplicates(targets.filter((t) => t.name === null).map((t) => t.topicId));

    const responses = [];
    for (const t of targets) {
      if (t.name !== null && dupNames.has(t.name)) responses.push(result(t, apiError('INVALID_REQUEST', 'Duplicate topic name.')));
      else if (t.name === null && dupIds.has(t.topicId)) responses.push(result(t, apiError('INVALID_REQUEST', 'Duplicate topic id.')));
      else {
        try {
          responses.push(await deleteOne(broker, t));
        } catch (e) {
          responses.push(result(t, apiErrorOf(e, broker, 'DeleteTopics')));
        }
      }
    }
    return { throttleTimeMs: 0, responses };
  }),
);
