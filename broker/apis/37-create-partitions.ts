/**
 * CreatePartitions: v0-3
 *
 * Behaviour: grows each topic to `count` partitions; the new partition logs take the topic's id and
 * config overrides and are durable before the answer. With validateOnly only the checks run. Every
 * topic of the request gets a result (validateOnly too). Per-topic errors: INVALID_REQUEST (42) for a
 * topic named twice ("Duplicate topic in request."), UNKNOWN_TOPIC_OR_PARTITION (3),
 * INVALID_PARTITIONS (37) when `count` is not above the current count, INVALID_REPLICA_ASSIGNMENT
 * (39) when `assignments` does not give one replica list per new partition naming only this broker.
 * `timeoutMs` is not waited on: creation is synchronous.
 *
 * Version notes: v1 answers before throttling on a quota violation; v2 is flexible; v3 may answer
 * THROTTLING_QUOTA_EXCEEDED (KIP-599), which this broker never does.
 *
 * Source: Kafka 3.8.0 `KafkaApis.handleCreatePartitionsRequest`, `ZkAdminManager.createPartitions`,
 * `AdminZkClient.validateReplicaAssignment`.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis } from '../../client/protocol/index.js';
import { defineHandler, type BrokerContext } from '../server/types.js';
import { withAdminLock } from './admin/admin-lock.js';
import { apiError, apiErrorOf, duplicates, NONE } from './admin/api-error.js';
import { checkReplicas } from './admin/replica-assignment.js';

interface CreatePartitionsTopic {
  name: string;
  count: number;
  assignments: { brokerIds: number[] }[] | null;
}

async function grow(broker: BrokerContext, t: CreatePartitionsTopic, validateOnly: boolean): Promise<void> {
  const before = broker.metadata.topic(t.name)?.partitions;
  // Topic existence and the count (UNKNOWN_TOPIC_OR_PARTITION, INVALID_PARTITIONS) first, as Kafka.
  await broker.metadata.createPartitions(t.name, t.count, true);
  if (t.assignments !== null) {
    const increment = t.count - before!;
    if (t.assignments.length !== increment) {
      throw new KafkaProtocolError('INVALID_REPLICA_ASSIGNMENT', `Increasing the number of partitions by ${increment} but ${t.assignments.length} assignments provided.`);
    }
    for (const a of t.assignments) checkReplicas(a.brokerIds, broker.metadata.nodeId);
  }
  if (validateOnly) return;
  await broker.metadata.createPartitions(t.name, t.count, false);
  broker.logger.info({ topic: t.name, from: before, to: t.count }, `topic ${t.name} now has ${t.count} partitions`);
}

export const handler = defineHandler(Apis.CreatePartitions, '0-3', (req, ctx) =>
  withAdminLock(ctx.broker, async () => {
    const dups = duplicates(req.topics.map((t) => t.name));
    const results = [];
    for (const t of req.topics) {
      let err = NONE;
      if (dups.has(t.name)) err = apiError('INVALID_REQUEST', 'Duplicate topic in request.');
      else {
        try {
          await grow(ctx.broker, t, req.validateOnly);
        } catch (e) {
          err = apiErrorOf(e, ctx.broker, 'CreatePartitions');
        }
      }
      results.push({ name: t.name, ...err });
    }
    return { throttleTimeMs: 0, results };
  }),
);
