/**
 * Small helpers shared by the partition-level handlers: finding a partition's log with Kafka's error
 * for a missing one, checking a client's current leader epoch against ours (always 0: one broker,
 * never a leader change), and turning a thrown error into a Kafka error code.
 */
import type { UnifiedLog } from '../log/index.js';
import type { BrokerContext } from '../server/types.js';
import { apiErrorOf } from './admin/api-error.js';

/** This broker's leader epoch for every partition. */
export const LEADER_EPOCH = 0;

/** The log of topic/partition, or undefined when this broker does not host it. */
export function findLog(broker: BrokerContext, topic: string, partition: number): UnifiedLog | undefined {
  return broker.logManager.getLog({ topic, partition });
}

/**
 * Kafka's leader epoch check (KIP-320): -1 = no check; an epoch above ours is UNKNOWN_LEADER_EPOCH (74),
 * below it FENCED_LEADER_EPOCH (74/75). Returns the error name or undefined.
 */
export function checkLeaderEpoch(currentLeaderEpoch: number | undefined): 'UNKNOWN_LEADER_EPOCH' | 'FENCED_LEADER_EPOCH' | undefined {
  if (currentLeaderEpoch === undefined || currentLeaderEpoch < 0) return undefined;
  if (currentLeaderEpoch > LEADER_EPOCH) return 'UNKNOWN_LEADER_EPOCH';
  if (currentLeaderEpoch < LEADER_EPOCH) return 'FENCED_LEADER_EPOCH';
  return undefined;
}

/**
 * The Kafka error code and message of a thrown error (Kafka's `Errors.forException`): a
 * KafkaProtocolError's own code and its bare message; anything else is logged and reported as
 * UNKNOWN_SERVER_ERROR (-1) with no message. Same rules as the admin handlers' apiErrorOf.
 */
export function errorCodeOf(e: unknown, broker: BrokerContext, what: string): { code: number; message: string | null } {
  const { errorCode, errorMessage } = apiErrorOf(e, broker, what);
  return { code: errorCode, message: errorMessage };
}
