/**
 * Manual replica assignments of CreateTopics and CreatePartitions on a one-broker cluster: every
 * partition's replica list must be exactly [this broker's node id].
 *
 * Errors (KafkaProtocolError): INVALID_REPLICA_ASSIGNMENT (39) for an empty list, a broker named twice,
 * another broker ("no such broker is registered"), a partition assigned twice, or partitions not
 * numbered 0..n-1; INVALID_REQUEST (42) for an assignment given together with a partition count or
 * replication factor.
 * Source: Kafka 3.8.0 `ReplicationControlManager.createTopic` / `validateManualPartitionAssignment`,
 * `ZkAdminManager.createTopics` (the INVALID_REQUEST wording).
 */
import { KafkaProtocolError } from '../../../client/errors.js';

/** A CreateTopics entry, as decoded. */
export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

/**
 * The partition count of a manual assignment (Kafka's KRaft checks, INVALID_REPLICA_ASSIGNMENT 39):
 * each partition once, each replica list non-empty, without repeats, naming only this broker, and
 * partitions numbered 0..n-1. Errors: KafkaProtocolError INVALID_REQUEST / INVALID_REPLICA_ASSIGNMENT.
 */
export function manualPartitionCount(topic: CreatableTopic, nodeId: number): number {
  if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
    throw new KafkaProtocolError('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
  }
  const seen = new Set<number>();
  for (const a of topic.assignments) {
    if (seen.has(a.partitionIndex)) throw new KafkaProtocolError('INVALID_REPLICA_ASSIGNMENT', `Found multiple manual partition assignments for partition ${a.partitionIndex}`);
    seen.add(a.partitionIndex);
    checkReplicas(a.brokerIds, nodeId);
  }
  for (let i = 0; i < seen.size; i++) {
    if (!seen.has(i)) throw new KafkaProtocolError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence');
  }
  return seen.size;
}

/** One partition's replica list must be [this broker]. Errors: INVALID_REPLICA_ASSIGNMENT (39). */
export function checkReplicas(brokerIds: readonly number[], nodeId: number): void {
  if (brokerIds.length === 0) throw new KafkaProtocolError('INVALID_REPLICA_ASSIGNMENT', 'The manual partition assignment includes an empty replica list.');
  const seen = new Set<number>();
  for (const b of brokerIds) {
    if (seen.has(b)) throw new KafkaProtocolError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes the broker ${b} more than once.`);
    seen.add(b);
    if (b !== nodeId) throw new KafkaProtocolError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes broker ${b}, but no such broker is registered.`);
  }
}
