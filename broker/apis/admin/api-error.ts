/**
 * Kafka's `ApiError` for the admin handlers: a thrown error turned into the `errorCode` and
 * `errorMessage` of one per-item result (a topic, a resource).
 *
 * A KafkaProtocolError keeps its code and gives its bare message (without the `NAME (code): ` prefix
 * that KafkaProtocolError adds, so clients see Kafka's wording). Anything else is logged and answered
 * UNKNOWN_SERVER_ERROR (-1) with a null message, as Kafka does not to leak internals.
 *
 * Source: Kafka 3.8.0 `clients/.../requests/ApiError.java` (`fromThrowable`).
 */
import { KafkaProtocolError } from '../../../client/errors.js';
import { errorCode, type KafkaErrorName } from '../../../client/protocol/index.js';
import type { BrokerContext } from '../../server/types.js';

/** The error of one result: Kafka code (0 = none) and message (null when none). */
export interface ApiError {
  errorCode: number;
  errorMessage: string | null;
}

/** No error. */
export const NONE: ApiError = Object.freeze({ errorCode: 0, errorMessage: null });

/** An error by Kafka name with a message, e.g. `apiError('INVALID_REQUEST', 'Duplicate topic name.')`. */
export function apiError(name: KafkaErrorName, message: string | null = null): ApiError {
  return { errorCode: errorCode(name), errorMessage: message };
}

/** The message of a KafkaProtocolError without the `NAME (code): ` prefix KafkaProtocolError puts in front. */
export function bareMessage(e: KafkaProtocolError): string {
  const prefix = `${e.errorName} (${e.errorCode}): `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/**
 * The ApiError of a thrown value. KafkaProtocolError → its code and bare message; anything else is
 * logged at error level (`what` names the operation) and becomes UNKNOWN_SERVER_ERROR (-1), message null.
 */
export function apiErrorOf(e: unknown, broker: BrokerContext, what: string): ApiError {
  if (e instanceof KafkaProtocolError) return { errorCode: e.errorCode, errorMessage: bareMessage(e) };
  broker.logger.error({ err: e }, `unexpected error in ${what}`);
  return { errorCode: -1, errorMessage: null };
}

/** Names that occur more than once in `names`. */
export function duplicates(names: readonly (string | null)[]): Set<string> {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const n of names) {
    if (n === null) continue;
    if (seen.has(n)) dups.add(n);
    seen.add(n);
  }
  return dups;
}
