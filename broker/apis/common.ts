/**
 * Small helpers shared by the partition-level handlers: finding a partition's log with Kafka's error
 * for a missing one, checking a client's current leader epoch against ours (always 0: one broker,
 * never a leader change), and turning a thrown error into a Kafka error code.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import type { UnifiedLog } from '../log/index.js';
import type { BrokerContext } from '../server/types.js';

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
 * The Kafka error code of a thrown error: a KafkaProtocolError's own code; anything else is logged and
 * reported as UNKNOWN_SERVER_ERROR (-1) (Kafka's `Errors.forException`).
 */
export function errorCodeOf(e: unknown, broker: BrokerContext, what: string): { code: number; message: string } {
  if (e instanceof KafkaProtocolError) return { code: e.errorCode, message: e.message };
  broker.logger.error({ err: e }, `unexpected error in ${what}`);
  return { code: -1, message: (e as Error)?.message ?? String(e) };
}
