/**
 * Errors of the producer that are not Kafka protocol errors, after the Java client's exceptions.
 * - TimeoutError (`KTS_ERR_TIMEOUT`): Kafka's `org.apache.kafka.common.errors.TimeoutException`
 *   (metadata not available within `max.block.ms`, a batch expired after `delivery.timeout.ms`).
 * - BufferExhaustedError (`KTS_ERR_BUFFER_EXHAUSTED`, a TimeoutError): Kafka's
 *   `BufferExhaustedException`, `buffer.memory` stayed full for `max.block.ms`.
 * - ProducerClosedError (`KTS_ERR_PRODUCER_CLOSED`): Kafka's `KafkaException("Producer closed ...")`.
 * Records too large are KafkaProtocolError MESSAGE_TOO_LARGE (10), Kafka's RecordTooLargeException.
 */
import { KafkaTsError } from '../errors.js';

/** An operation did not complete in time (Kafka's TimeoutException). Stable code `KTS_ERR_TIMEOUT`. */
export class TimeoutError extends KafkaTsError {
  constructor(message: string, code = 'KTS_ERR_TIMEOUT') {
    super(code, message);
  }
}

/** `buffer.memory` stayed full for `max.block.ms` (Kafka's BufferExhaustedException). Stable code `KTS_ERR_BUFFER_EXHAUSTED`. */
export class BufferExhaustedError extends TimeoutError {
  constructor(message: string) {
    super(message, 'KTS_ERR_BUFFER_EXHAUSTED');
  }
}

/** The producer is closed, or was closed before a record was sent. Stable code `KTS_ERR_PRODUCER_CLOSED`. */
export class ProducerClosedError extends KafkaTsError {
  constructor(message = 'Cannot perform operation after producer has been closed') {
    super('KTS_ERR_PRODUCER_CLOSED', message);
  }
}
