/**
 * The one entry point to a coordination store from Spark's `zkQuorum` string
 * (`KafkaUtils.createStream(ssc, zkQuorum, groupId, topics)`, Kafka's `zookeeper.connect`).
 *
 * The rule (decided on the string alone, nothing is probed):
 * - a filesystem path → the embedded store ({@link EmbeddedCoordinationStore}) in that directory
 *   (created if missing): an absolute path ("/var/lib/app/zk"), a relative one starting with "./"
 *   or "../" (resolved against the working directory), or a `file:` URL ("file:///var/lib/app/zk";
 *   "file:" followed by a plain path, "file:./zk", is accepted too);
 * - otherwise a ZooKeeper connect string → real ZooKeeper ({@link ZooKeeperCoordinationStore}):
 *   "host:port[,host:port...][/chroot]", hosts being names or IPv4 addresses, the port optional
 *   (2181, as Java's client); e.g. "127.0.0.1:2181", "zk1:2181,zk2:2181/kafka".
 * A bare word such as "zkdata" is therefore a ZooKeeper host (port 2181), not a directory: write
 * "./zkdata" for a directory. Anything else ("a b", "host:port:x", "") is rejected.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadArgumentsException, type ConnectOptions } from './coordination-store.js';
import { EmbeddedCoordinationStore } from './embedded-store.js';
import { parseConnectString, ZooKeeperCoordinationStore } from './zookeeper-store.js';

/** Where a `zkQuorum` string points: a ZooKeeper connect string or the directory of an embedded store. */
export type CoordinationTarget = { kind: 'zookeeper'; connectString: string } | { kind: 'embedded'; dir: string };

/** Options of {@link connectCoordinationStore}: ZooKeeper's, plus per-implementation ones (ignored by the other). */
export interface CoordinationConnectOptions extends ConnectOptions {
  /** Real ZooKeeper: Kafka's `zookeeper.connection.timeout.ms`, ms (default: the session timeout). */
  connectionTimeoutMs?: number;
  /** Embedded: watch polling interval, ms (default 25). */
  pollIntervalMs?: number;
  /** Embedded: how often expired sessions are looked for, ms (default 100). */
  reapIntervalMs?: number;
}

/**
 * Classify `zkQuorum` by the rule of the module comment. A filesystem path is returned absolute.
 * Errors: {@link BadArgumentsException} (`KTS_ERR_ZK_BAD_ARGUMENTS`) when it is neither a path nor a
 * valid connect string (the message says which forms are accepted).
 */
export function resolveCoordinationTarget(zkQuorum: string): CoordinationTarget {
  if (typeof zkQuorum !== 'string' || zkQuorum.trim() === '') throw new BadArgumentsException(null, 'empty zkQuorum');
  const q = zkQuorum.trim();
  if (q.startsWith('file:')) {
    const dir = q.startsWith('file://') ? fileURLToPath(q) : q.slice('file:'.length);
    if (dir === '') throw new BadArgumentsException(null, `no directory in zkQuorum '${zkQuorum}'`);
    return { kind: 'embedded', dir: path.resolve(dir) };
  }
  if (q.startsWith('/') || q.startsWith('./') || q.startsWith('../') || q === '.' || q === '..') return { kind: 'embedded', dir: path.resolve(q) };
  try {
    parseConnectString(q);
  } catch (e) {
    throw new BadArgumentsException(
      null,
      `zkQuorum '${zkQuorum}' is neither a ZooKeeper connect string ("host:port[,host:port][/chroot]") nor a directory (absolute, "./", "../" or "file:"): ${(e as Error).message}`,
    );
  }
  return { kind: 'zookeeper', connectString: q };
}

/**
 * Open a session on the store `zkQuorum` designates (see the module comment for the rule):
 * `ZooKeeperCoordinationStore.connect(connectString, options)` or
 * `EmbeddedCoordinationStore.connect(dir, options)`.
 * Errors: {@link BadArgumentsException} (unrecognised `zkQuorum`, timeouts not > 0), and those of the
 * chosen implementation's `connect` — for ZooKeeper `ZkConnectionTimeoutException`
 * (`KTS_ERR_ZK_CONNECTION_TIMEOUT`) when no server answers within `connectionTimeoutMs`.
 */
export async function connectCoordinationStore(zkQuorum: string, options: CoordinationConnectOptions): Promise<ZooKeeperCoordinationStore | EmbeddedCoordinationStore> {
  const target = resolveCoordinationTarget(zkQuorum);
  if (target.kind === 'zookeeper') {
    const { pollIntervalMs: _p, reapIntervalMs: _r, ...zkOptions } = options;
    return ZooKeeperCoordinationStore.connect(target.connectString, zkOptions);
  }
  const { connectionTimeoutMs: _c, ...embeddedOptions } = options;
  return EmbeddedCoordinationStore.connect(target.dir, embeddedOptions);
}
