import { createRequire } from 'node:module';
import { describe, it, expect } from 'vitest';
import { ERROR_CODES, errorByCode, errorByName, errorCode, type ErrorCodeInfo } from '../../client/protocol/error-codes.js';
import { KafkaProtocolError, KafkaTsError } from '../../client/errors.js';

/** Last code defined by Kafka 3.8.0's Errors.java (TRANSACTION_ABORTABLE). */
const LAST_CODE = 120;

/**
 * Codes whose exception extends RetriableException in Kafka 3.8.0 (directly, or through
 * InvalidMetadataException and friends), as listed in the generated 3.8 protocol error table.
 */
const RETRIABLE_CODES = [
  2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100, 103, 106,
];

interface KafkaJsErrorCode {
  type: string;
  code: number;
  retriable: boolean;
  message: string;
}

const require = createRequire(import.meta.url);
const kafkajsErrorCodes = (require('kafkajs/src/protocol/error.js') as { errorCodes: KafkaJsErrorCode[] }).errorCodes;

/**
 * kafkajs 2.2.4 still uses names that Kafka has since renamed; the code and meaning are the same.
 * (Kafka: UNKNOWN -> UNKNOWN_SERVER_ERROR after 0.11; GROUP_* -> COORDINATOR_* in 0.11 when
 * transactions started using the coordinator errors; NOT_LEADER_FOR_PARTITION -> NOT_LEADER_OR_FOLLOWER
 * in 2.6, when followers began serving fetches.)
 */
const KAFKAJS_OLD_NAMES: Record<number, { kafkajs: string; kafka: string }> = {
  [-1]: { kafkajs: 'UNKNOWN', kafka: 'UNKNOWN_SERVER_ERROR' },
  6: { kafkajs: 'NOT_LEADER_FOR_PARTITION', kafka: 'NOT_LEADER_OR_FOLLOWER' },
  14: { kafkajs: 'GROUP_LOAD_IN_PROGRESS', kafka: 'COORDINATOR_LOAD_IN_PROGRESS' },
  15: { kafkajs: 'GROUP_COORDINATOR_NOT_AVAILABLE', kafka: 'COORDINATOR_NOT_AVAILABLE' },
  16: { kafkajs: 'NOT_COORDINATOR_FOR_GROUP', kafka: 'NOT_COORDINATOR' },
};

/**
 * Codes where kafkajs's `retriable` differs from Kafka 3.8.0 (which we follow), with the reason.
 * Currently none: for every code kafkajs knows (-1..88, no 0), its flag matches Kafka 3.8.0.
 */
const KAFKAJS_RETRIABLE_DISAGREEMENTS: Record<number, string> = {};

describe('ERROR_CODES table', () => {
  const codes = ERROR_CODES.map((x) => x.code);

  it('has unique codes', () => {
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('is sorted by code and contiguous from -1 to the last 3.8.0 code', () => {
    const expected = Array.from({ length: LAST_CODE + 2 }, (_, i) => i - 1);
    expect(codes).toEqual(expected);
    expect(ERROR_CODES[ERROR_CODES.length - 1]!.name).toBe('TRANSACTION_ABORTABLE');
  });

  it('has unique, upper-snake-case names and a non-empty message on every row', () => {
    const names = ERROR_CODES.map((x) => x.name);
    expect(new Set(names).size).toBe(names.length);
    for (const row of ERROR_CODES as readonly ErrorCodeInfo[]) {
      expect(row.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(row.message.length).toBeGreaterThan(0);
      expect(Number.isInteger(row.code)).toBe(true);
    }
  });

  it('marks exactly the RetriableException codes as retriable', () => {
    const retriable = ERROR_CODES.filter((x) => x.retriable).map((x) => x.code);
    expect(retriable).toEqual(RETRIABLE_CODES);
  });

  it('spot checks', () => {
    const check = (code: number, name: string, retriable: boolean) => {
      const row = errorByCode(code);
      expect(row, `code ${code}`).toBeDefined();
      expect(row!.name).toBe(name);
      expect(row!.retriable, name).toBe(retriable);
    };
    check(-1, 'UNKNOWN_SERVER_ERROR', false);
    check(0, 'NONE', false);
    check(2, 'CORRUPT_MESSAGE', true);
    check(3, 'UNKNOWN_TOPIC_OR_PARTITION', true);
    check(6, 'NOT_LEADER_OR_FOLLOWER', true);
    check(8, 'BROKER_NOT_AVAILABLE', false);
    check(9, 'REPLICA_NOT_AVAILABLE', true);
    check(14, 'COORDINATOR_LOAD_IN_PROGRESS', true);
    check(15, 'COORDINATOR_NOT_AVAILABLE', true);
    check(16, 'NOT_COORDINATOR', true);
    check(19, 'NOT_ENOUGH_REPLICAS', true);
    check(20, 'NOT_ENOUGH_REPLICAS_AFTER_APPEND', true);
    check(27, 'REBALANCE_IN_PROGRESS', false);
    check(35, 'UNSUPPORTED_VERSION', false);
    check(41, 'NOT_CONTROLLER', true);
    check(42, 'INVALID_REQUEST', false);
    check(51, 'CONCURRENT_TRANSACTIONS', true);
    check(79, 'MEMBER_ID_REQUIRED', false);
    check(89, 'THROTTLING_QUOTA_EXCEEDED', true);
    check(90, 'PRODUCER_FENCED', false);
    check(100, 'UNKNOWN_TOPIC_ID', true);
    check(106, 'FETCH_SESSION_TOPIC_ID_ERROR', true);
    check(110, 'FENCED_MEMBER_EPOCH', false);
    check(113, 'STALE_MEMBER_EPOCH', false);
    check(119, 'INVALID_REGISTRATION', false);
    check(120, 'TRANSACTION_ABORTABLE', false);
  });

  it('lookup helpers agree with the table', () => {
    for (const row of ERROR_CODES) {
      expect(errorByCode(row.code)).toBe(row);
      expect(errorByName(row.name)).toBe(row);
      expect(errorCode(row.name)).toBe(row.code);
    }
    expect(errorByCode(-2)).toBeUndefined();
    expect(errorByCode(LAST_CODE + 1)).toBeUndefined();
    expect(errorByName('NOT_A_KAFKA_ERROR')).toBeUndefined();
    expect(() => errorCode('NOT_A_KAFKA_ERROR' as never)).toThrow(TypeError);
  });
});

describe('cross-check against kafkajs', () => {
  it('kafkajs table loaded', () => {
    expect(kafkajsErrorCodes.length).toBeGreaterThan(80);
  });

  it('every code kafkajs knows exists here with the same name (or a documented rename)', () => {
    for (const k of kafkajsErrorCodes) {
      const row = errorByCode(k.code);
      expect(row, `kafkajs code ${k.code} ${k.type}`).toBeDefined();
      const renamed = KAFKAJS_OLD_NAMES[k.code];
      if (renamed) {
        expect(k.type).toBe(renamed.kafkajs);
        expect(row!.name).toBe(renamed.kafka);
      } else {
        expect(row!.name, `code ${k.code}`).toBe(k.type);
      }
    }
  });

  it('the documented renames are all still needed', () => {
    const kafkajsByCode = new Map(kafkajsErrorCodes.map((k) => [k.code, k]));
    for (const [code, names] of Object.entries(KAFKAJS_OLD_NAMES)) {
      expect(kafkajsByCode.get(Number(code))?.type).toBe(names.kafkajs);
    }
  });

  it('retriable flags agree, except for documented disagreements', () => {
    const disagreements: number[] = [];
    for (const k of kafkajsErrorCodes) {
      const row = errorByCode(k.code)!;
      if (row.retriable !== k.retriable) disagreements.push(k.code);
    }
    expect(disagreements).toEqual(Object.keys(KAFKAJS_RETRIABLE_DISAGREEMENTS).map(Number));
  });
});

describe('KafkaProtocolError', () => {
  it('takes code, name and retriable from the table', () => {
    const err = new KafkaProtocolError('CORRUPT_MESSAGE');
    expect(err.errorCode).toBe(2);
    expect(err.errorName).toBe('CORRUPT_MESSAGE');
    expect(err.retriable).toBe(true);
    expect(err.code).toBe('KTS_ERR_KAFKA');
    expect(err).toBeInstanceOf(KafkaTsError);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('CORRUPT_MESSAGE (2)');
  });

  it('accepts a numeric code', () => {
    const err = new KafkaProtocolError(6, 'moved');
    expect(err.errorName).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(err.retriable).toBe(true);
    expect(err.message).toBe('NOT_LEADER_OR_FOLLOWER (6): moved');
    const last = new KafkaProtocolError(120);
    expect(last.errorName).toBe('TRANSACTION_ABORTABLE');
    expect(last.retriable).toBe(false);
  });

  it('handles a code Kafka 3.8.0 does not define', () => {
    const err = new KafkaProtocolError(9999);
    expect(err.errorCode).toBe(9999);
    expect(err.errorName).toBe('UNKNOWN_ERROR_CODE');
    expect(err.retriable).toBe(false);
  });
});
