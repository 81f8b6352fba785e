/**
 * Error classes of the project, in the style of fastify and undici: every error has a stable string
 * `code` (`KTS_ERR_*`) that programs can test, and errors that correspond to a Kafka protocol error
 * also carry Kafka's numeric error code, its name and whether it is retriable, taken from the single
 * table in `client/protocol/error-codes.ts` (Kafka's `org.apache.kafka.common.protocol.Errors`).
 */
import { errorByCode, errorByName, type KafkaErrorName } from './protocol/error-codes.js';

const kBrand = Symbol.for('kafka-ts.error');

/** Base class of every error thrown by this project. `code` is a stable string such as `KTS_ERR_DECODE`. */
export class KafkaTsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
  /** True for any KafkaTsError, even from another copy of the package (undici's cross-copy brand). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === KafkaTsError) return typeof value === 'object' && value !== null && (value as any)[kBrand] === true;
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
  get [kBrand](): true {
    return true;
  }
}

/**
 * An error that maps to one of Kafka's protocol error codes (`errorCode`, e.g. 2), with its name
 * (`errorName`, e.g. `CORRUPT_MESSAGE`) and `retriable` flag from Kafka's error table.
 * Stable code: `KTS_ERR_KAFKA` unless a subclass says otherwise.
 */
export class KafkaProtocolError extends KafkaTsError {
  readonly errorCode: number;
  readonly errorName: KafkaErrorName | 'UNKNOWN_ERROR_CODE';
  readonly retriable: boolean;
  constructor(error: KafkaErrorName | number, message?: string, options?: { cause?: unknown; code?: string }) {
    const info = typeof error === 'number' ? errorByCode(error) : errorByName(error);
    const errorCode = typeof error === 'number' ? error : info!.code;
    const errorName = info?.name ?? 'UNKNOWN_ERROR_CODE';
    super(options?.code ?? 'KTS_ERR_KAFKA', `${errorName} (${errorCode}): ${message ?? info?.message ?? 'unknown Kafka error code'}`, options);
    this.errorCode = errorCode;
    this.errorName = errorName;
    this.retriable = info?.retriable ?? false;
  }
}

/**
 * Bytes that do not decode as the protocol message they claim to be (truncated, a length past the
 * end, an over-long varint, a negative length where none is allowed). Kafka answers such requests by
 * closing the connection (InvalidRequestException); the Kafka name is INVALID_REQUEST (42).
 * Stable code: `KTS_ERR_DECODE`.
 */
export class ProtocolDecodeError extends KafkaProtocolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_REQUEST', message, { ...options, code: 'KTS_ERR_DECODE' });
  }
}

/**
 * A value that cannot be encoded in the requested version (a field the version lacks holding a
 * non-default value, a string over 32767 bytes, an int64 outside the safe-integer range...).
 * Kafka name UNSUPPORTED_VERSION (35) when it is a version problem, else INVALID_REQUEST (42).
 * Stable code: `KTS_ERR_ENCODE`.
 */
export class ProtocolEncodeError extends KafkaProtocolError {
  constructor(message: string, error: KafkaErrorName = 'INVALID_REQUEST') {
    super(error, message, { code: 'KTS_ERR_ENCODE' });
  }
}

/**
 * A record batch or legacy message set that fails validation: wrong CRC, truncated, inconsistent
 * lengths, unknown magic, bad varints. Kafka name CORRUPT_MESSAGE (2) unless another is given
 * (INVALID_RECORD (87), UNSUPPORTED_COMPRESSION_TYPE (76), MESSAGE_TOO_LARGE (10)).
 * Stable code: `KTS_ERR_CORRUPT_RECORD`.
 */
export class CorruptRecordError extends KafkaProtocolError {
  constructor(message: string, error: KafkaErrorName = 'CORRUPT_MESSAGE', options?: { cause?: unknown }) {
    super(error, message, { ...options, code: 'KTS_ERR_CORRUPT_RECORD' });
  }
}

/** An API key or version this codec does not declare. Kafka name UNSUPPORTED_VERSION (35). Stable code: `KTS_ERR_UNSUPPORTED_API`. */
export class UnsupportedApiError extends KafkaProtocolError {
  constructor(message: string) {
    super('UNSUPPORTED_VERSION', message, { code: 'KTS_ERR_UNSUPPORTED_API' });
  }
}
