/**
 * Errors of the ZooKeeper-based consumer group, named after Kafka 0.8's exceptions
 * (`kafka.common.InvalidConfigException`, `kafka.common.MessageStreamsExistException`,
 * `kafka.common.ConsumerRebalanceFailedException`), each with a stable string `code`
 * (`KTS_ERR_ZK_CONSUMER_*`) that programs can test. All extend the project's `KafkaTsError`.
 * The coordination store's own errors (`KeeperException`, codes `KTS_ERR_ZK_*`) pass through unchanged.
 */
import { KafkaTsError } from '../../client/errors.js';

/**
 * A bad consumer config value (Kafka 0.8's `InvalidConfigException`, or the
 * `IllegalArgumentException("Missing required property '<key>'")` of its VerifiableProperties).
 * `key` names the config key. Code `KTS_ERR_ZK_CONSUMER_CONFIG`.
 */
export class InvalidConfigException extends KafkaTsError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super('KTS_ERR_ZK_CONSUMER_CONFIG', message);
  }
}

/**
 * `createMessageStreams` called a second time (Kafka 0.8's `MessageStreamsExistException`:
 * "ZookeeperConsumerConnector can create message streams at most once").
 * Code `KTS_ERR_ZK_CONSUMER_STREAMS_EXIST`.
 */
export class MessageStreamsExistException extends KafkaTsError {
  constructor(message = 'ZookeeperConsumerConnector can create message streams at most once') {
    super('KTS_ERR_ZK_CONSUMER_STREAMS_EXIST', message);
  }
}

/**
 * A rebalance that did not succeed within `rebalance.max.retries` attempts (Kafka 0.8's
 * `ConsumerRebalanceFailedException`: "<consumerId> can't rebalance after <n> retries"); `cause` is
 * the last attempt's error when it threw. Code `KTS_ERR_ZK_CONSUMER_REBALANCE_FAILED`.
 */
export class ConsumerRebalanceFailedException extends KafkaTsError {
  constructor(
    readonly consumerId: string,
    readonly retries: number,
    options?: { cause?: unknown },
  ) {
    super('KTS_ERR_ZK_CONSUMER_REBALANCE_FAILED', `${consumerId} can't rebalance after ${retries} retries`, options);
  }
}

/**
 * The connector's coordination-store session expired (or was closed by its owner) while the connector
 * ran, and the connector has no way to open a new one (it was constructed on a caller-owned store
 * without a `reconnect` factory). Membership and ownership are gone; the streams fail with this error.
 * Code `KTS_ERR_ZK_CONSUMER_SESSION_EXPIRED`.
 */
export class ConsumerSessionExpiredException extends KafkaTsError {
  constructor(
    readonly consumerId: string,
    detail: string,
  ) {
    super('KTS_ERR_ZK_CONSUMER_SESSION_EXPIRED', `consumer ${consumerId}: ${detail}`);
  }
}

/**
 * Another live session holds this consumer's registration node `/consumers/<group>/ids/<consumerId>`
 * (two connectors with the same `consumer.id`, or a crashed one whose session has not expired yet),
 * and it did not go away within `rebalance.max.retries` × `rebalance.backoff.ms`.
 * Code `KTS_ERR_ZK_CONSUMER_ID_EXISTS`.
 */
export class ConsumerIdExistsException extends KafkaTsError {
  constructor(readonly path: string) {
    super('KTS_ERR_ZK_CONSUMER_ID_EXISTS', `the consumer registration ${path} is held by another session`);
  }
}

/** An operation on a connector that was shut down. Code `KTS_ERR_ZK_CONSUMER_SHUT_DOWN`. */
export class ConsumerShutdownException extends KafkaTsError {
  constructor(message: string) {
    super('KTS_ERR_ZK_CONSUMER_SHUT_DOWN', message);
  }
}

/**
 * Opening a coordination-store session took longer than `zookeeper.connection.timeout.ms`
 * (Kafka 0.8's ZkClient `ZkTimeoutException`). Code `KTS_ERR_ZK_CONSUMER_CONNECT_TIMEOUT`.
 */
export class ZkConnectTimeoutException extends KafkaTsError {
  constructor(timeoutMs: number) {
    super('KTS_ERR_ZK_CONSUMER_CONNECT_TIMEOUT', `Unable to connect to the coordination store within timeout: ${timeoutMs}`);
  }
}
