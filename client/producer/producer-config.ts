/**
 * Producer settings (Java's `ProducerConfig`), with the Java client's keys and defaults. Sizes are
 * bytes, times ms.
 *
 * Idempotence as Java 3.x (KAFKA-13673): `enable.idempotence` defaults to true; when it is set to true
 * explicitly, `acks` must be all/-1 and `max.in.flight.requests.per.connection` at most 5, else
 * ConfigError; when it is left unset and those settings conflict, idempotence is turned off.
 * `delivery.timeout.ms` must be at least `linger.ms + request.timeout.ms` when set explicitly (Java's
 * rule); when not set and too small it is raised to that sum.
 *
 * Errors: ConfigError (`KTS_ERR_CLIENT_CONFIG`) naming the key.
 */
import { boolConfig, commonConfig, ConfigError, intConfig, stringConfig, type ClientProperties, type CommonConfig } from '../config.js';
import type { CompressionName } from '../records/index.js';

/** The producer's settings. */
export interface ProducerConfig extends CommonConfig {
  /** `acks`: 0, 1 or -1 (`all`, the default). */
  acks: 0 | 1 | -1;
  /** `batch.size` (16384 bytes): the uncompressed size a batch is filled to. */
  batchSize: number;
  /** `linger.ms`: how long a batch waits for more records. Default 0 (Java ≤ 3.x; Java 4.0 uses 5). */
  lingerMs: number;
  /** `buffer.memory` (33554432 bytes): records buffered before send() waits. */
  bufferMemory: number;
  /** `max.block.ms` (60000): longest wait of send() for metadata or buffer memory. */
  maxBlockMs: number;
  /** `max.request.size` (1048576 bytes): largest record (with batch overhead) and Produce request. */
  maxRequestSize: number;
  /** `compression.type`: none (default), gzip, snappy, lz4, zstd. */
  compressionType: CompressionName;
  /** `retries` (2147483647). */
  retries: number;
  /** `delivery.timeout.ms` (120000): upper bound from send() to success or failure of a record. */
  deliveryTimeoutMs: number;
  /** `enable.idempotence` (true) after the rules above. */
  idempotence: boolean;
  /** `transaction.timeout.ms` (60000), sent in InitProducerId. */
  transactionTimeoutMs: number;
}

/** Parse a producer config. Errors: ConfigError. */
export function producerConfig(props: ClientProperties): ProducerConfig {
  const common = commonConfig(props);
  const acksRaw = stringConfig(props, 'acks', 'all', ['all', '-1', '0', '1']);
  const acks = acksRaw === 'all' || acksRaw === '-1' ? -1 : (Number(acksRaw) as 0 | 1);
  const lingerMs = intConfig(props, 'linger.ms', 0, 0);
  const explicitIdempotence = props['enable.idempotence'] !== undefined && props['enable.idempotence'] !== '';
  let idempotence = boolConfig(props, 'enable.idempotence', true);
  if (idempotence) {
    if (acks !== -1) {
      if (explicitIdempotence) throw new ConfigError('acks', acksRaw, 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
      idempotence = false;
    } else if (common.maxInFlightRequestsPerConnection > 5) {
      if (explicitIdempotence) throw new ConfigError('max.in.flight.requests.per.connection', common.maxInFlightRequestsPerConnection, 'Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.');
      idempotence = false;
    }
  }
  const minDelivery = lingerMs + common.requestTimeoutMs;
  let deliveryTimeoutMs = intConfig(props, 'delivery.timeout.ms', 120000, 0);
  if (deliveryTimeoutMs < minDelivery) {
    if (props['delivery.timeout.ms'] !== undefined) throw new ConfigError('delivery.timeout.ms', deliveryTimeoutMs, `should be equal to or larger than linger.ms + request.timeout.ms (${minDelivery})`);
    deliveryTimeoutMs = minDelivery;
  }
  const compressionType = stringConfig(props, 'compression.type', 'none', ['none', 'gzip', 'snappy', 'lz4', 'zstd']) as CompressionName;
  return {
    ...common,
    acks,
    batchSize: intConfig(props, 'batch.size', 16384, 0),
    lingerMs,
    bufferMemory: intConfig(props, 'buffer.memory', 33554432, 0),
    maxBlockMs: intConfig(props, 'max.block.ms', 60000, 0),
    maxRequestSize: intConfig(props, 'max.request.size', 1048576, 1),
    compressionType,
    retries: intConfig(props, 'retries', 2147483647, 0),
    deliveryTimeoutMs,
    idempotence,
    transactionTimeoutMs: intConfig(props, 'transaction.timeout.ms', 60000, 1),
  };
}
