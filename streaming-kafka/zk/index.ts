/**
 * The ZooKeeper-style coordination store of the Receiver-based Kafka input (issue 7): the
 * {@link CoordinationStore} interface (ZooKeeper's model and errors) and its embedded, lmdb-based
 * implementation {@link EmbeddedCoordinationStore}.
 */
export * from './coordination-store.js';
export { EmbeddedCoordinationStore, type EmbeddedConnectOptions } from './embedded-store.js';
