/**
 * The ZooKeeper-style coordination store of the Receiver-based Kafka input (issue 7): the
 * {@link CoordinationStore} interface (ZooKeeper's model and errors), its embedded, lmdb-based
 * implementation {@link EmbeddedCoordinationStore}, the real-ZooKeeper one
 * {@link ZooKeeperCoordinationStore}, and {@link connectCoordinationStore}, which picks one from
 * Spark's `zkQuorum` string.
 */
export * from './coordination-store.js';
export { EmbeddedCoordinationStore, type EmbeddedConnectOptions } from './embedded-store.js';
export {
  ZooKeeperCoordinationStore,
  ConnectionLossException,
  ZkConnectionTimeoutException,
  parseConnectString,
  type ZooKeeperConnectOptions,
} from './zookeeper-store.js';
export { connectCoordinationStore, resolveCoordinationTarget, type CoordinationConnectOptions, type CoordinationTarget } from './connect.js';
