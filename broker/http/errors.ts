/**
 * Errors of the HTTP API: every error answer is JSON `{ "error": CODE, "message": text }` with a stable
 * CODE. Kafka's error names are used where Kafka has one (UNKNOWN_TOPIC_OR_PARTITION,
 * GROUP_ID_NOT_FOUND, TOPIC_ALREADY_EXISTS, NON_EMPTY_GROUP, INVALID_REQUEST, ...); the HTTP layer's
 * own are NOT_FOUND (no such route), ADMIN_DISABLED (403, writes are off), UNAUTHORIZED (401, missing or
 * wrong bearer token) and UNKNOWN_SERVER_ERROR (500, details only in the broker's log).
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { bareMessage } from '../apis/admin/api-error.js';

/** An error answered as `{ error: code, message }` with HTTP status `statusCode`. */
export class HttpApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status of the Kafka errors the API can meet; any other Kafka error is a 500. */
const STATUS_OF_KAFKA_ERROR: Readonly<Record<string, number>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 404,
  GROUP_ID_NOT_FOUND: 404,
  TOPIC_ALREADY_EXISTS: 409,
  NON_EMPTY_GROUP: 409,
  UNKNOWN_MEMBER_ID: 409,
  REBALANCE_IN_PROGRESS: 409,
  TOPIC_DELETION_DISABLED: 403,
  INVALID_TOPIC_EXCEPTION: 400,
  INVALID_PARTITIONS: 400,
  INVALID_REPLICATION_FACTOR: 400,
  INVALID_CONFIG: 400,
  INVALID_REQUEST: 400,
  INVALID_GROUP_ID: 400,
  OFFSET_OUT_OF_RANGE: 400,
  COORDINATOR_NOT_AVAILABLE: 503,
  KAFKA_STORAGE_ERROR: 500,
};

/** The HttpApiError of a KafkaProtocolError: its Kafka name as the code, its bare message, a matching status. */
export function fromKafkaError(e: KafkaProtocolError): HttpApiError {
  return new HttpApiError(STATUS_OF_KAFKA_ERROR[e.errorName] ?? 500, e.errorName, bareMessage(e));
}

/** An error by Kafka name, e.g. `kafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic: x')`. */
export function kafkaError(name: string, message: string): HttpApiError {
  return new HttpApiError(STATUS_OF_KAFKA_ERROR[name] ?? 500, name, message);
}

/** Rethrow `e` as an HttpApiError when it is a KafkaProtocolError (anything else is left as it is: a 500). */
export function asHttpError(e: unknown): unknown {
  return e instanceof KafkaProtocolError ? fromKafkaError(e) : e;
}
