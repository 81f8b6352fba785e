/**
 * Kafka 0.8's high-level consumer (`kafka.consumer.ZookeeperConsumerConnector` with its
 * `ZKRebalancerListener` and `ZKSessionExpireListener`) on a {@link CoordinationStore}: group
 * membership, partition ownership and offsets live in the store (layout and offset convention in
 * zk-group-dirs.ts); the messages are fetched from Kafka with ONE of our `KafkaConsumer`s per
 * connector (manual `assign` + `seek`; no Kafka group), routed to one queue per consumer thread and
 * handed out by {@link KafkaStream} iterators.
 *
 * Lifecycle:
 * 1. `new ZookeeperConsumerConnector(store, config, options?)` (the store session belongs to the
 *    caller unless `options.ownsStore`), or `await ZookeeperConsumerConnector.open(factory, config)`
 *    (the connector opens — and re-opens after expiry — its own sessions and closes them);
 * 2. `createMessageStreams({ topic: numThreads })`, once: registers
 *    `/consumers/<group>/ids/<consumerId>` (EPHEMERAL), watches the group's ids children, runs the
 *    first rebalance and starts fetching; resolves to topic → streams (one per thread, index n has
 *    thread id `<consumerId>-<n>`);
 * 3. consume the streams; `commitOffsets()` when `auto.commit.enable` is false;
 * 4. `shutdown()`.
 *
 * Rebalance (Kafka 0.8's `syncedRebalance`/`rebalance`), at start and on every change of the group's
 * ids children (a member joins, leaves or its session expires) and when a subscribed topic's
 * partition count changes (checked every `partition.check.interval.ms`); serialised (never two at
 * once; watch events during one schedule one more). One attempt: stop the fetchers and clear the
 * queues (messages fetched but not handed out are dropped) → listener `beforeReleasingPartitions` →
 * with `auto.commit.enable`, commit the consumed positions → delete our owner nodes → read the ids
 * and their subscriptions (re-arming the watch) and the partition counts → range assignment
 * (range-assignor.ts) → create our owner nodes (EPHEMERAL, data = thread id); NodeExists (another
 * member has not released yet) undoes our claims and fails the attempt → read each partition's
 * offsets node (read after claiming, so the previous owner's last commit is seen) → start: the
 * committed offset, or `auto.offset.reset` (smallest = log start, largest = log end, from our
 * client's beginningOffsets/endOffsets) when there is none; for a partition this connector consumed
 * before, max(committed, its own consumed position), so that messages it already handed out are
 * not handed out again (Kafka 0.8 always restarted from ZooKeeper, re-delivering what was consumed
 * but not committed when auto-commit was off) → listener `beforeStartingFetchers` → fetch →
 * listener `afterStartingFetchers`, event `rebalance`. A failed attempt backs off
 * `rebalance.backoff.ms` and retries, up to `rebalance.max.retries` attempts, then
 * ConsumerRebalanceFailedException ("<consumerId> can't rebalance after <n> retries",
 * `KTS_ERR_ZK_CONSUMER_REBALANCE_FAILED`): thrown by createMessageStreams for the first rebalance,
 * reported as an `error` event later (the connector then owns nothing until the next change of the
 * group, as Kafka 0.8).
 *
 * Session expiry (Kafka 0.8's `handleNewSession`): the connector learns it from the store (its ids
 * watch receives `None`/Expired, or an operation throws SessionExpired); it stops handing out and
 * fetching at once (its ephemeral nodes are gone). With a way to open sessions (`open()`, or
 * `options.reconnect`) it opens a new session, registers again and rebalances. Without one it fails:
 * event `error` with ConsumerSessionExpiredException (`KTS_ERR_ZK_CONSUMER_SESSION_EXPIRED`), and
 * the streams' iterators throw that error. A store closed by its owner while the connector runs is
 * treated the same way.
 *
 * Fetching and backpressure: each fetched batch of a partition (at most `max.poll.records`) is one
 * chunk in the owning stream's queue; when a stream has `queued.max.message.chunks` chunks queued, its
 * partitions are paused in the KafkaConsumer (no more fetches for them) until the iterator takes a
 * chunk. Fetched-but-unconsumed data per stream is thus bounded by `queued.max.message.chunks`
 * chunks plus one poll's worth (≤ `max.poll.records` messages) in our queues, plus our client's own
 * prefetch (≤ 2 fetch answers of ≤ `fetch.message.max.bytes` per partition).
 *
 * Offsets: the consumed position of a partition is the offset after the last message handed out by
 * an iterator; `commitOffsets()` writes those of the owned partitions (when changed since the last
 * commit) — also every `auto.commit.interval.ms`, before releasing partitions in a rebalance and at
 * shutdown when `auto.commit.enable`. Stored offsets are the NEXT offset to read.
 *
 * Errors are reported as `error` events (listeners added with `on('error', fn)`; without a listener
 * they go to the logger): fetch errors (then retried after 1 s), failed commits, failed rebalances.
 * Times are ms.
 */
import { EventEmitter } from 'node:events';
import { KafkaConsumer, type ConsumerBatch, type TopicPartition } from '../../client/index.js';
import { defaultLogger, type StreamingLogger } from '../util/logger.js';
import {
  EventType,
  KeeperState,
  SessionExpiredException,
  type CoordinationStore,
  type CoordinationStoreFactory,
  type WatchedEvent,
  type Watcher,
} from '../zk/coordination-store.js';
import { ConsumerConfig, type ConsumerProperties } from './consumer-config.js';
import type { ConsumerRebalanceListener, OwnedPartition } from './consumer-rebalance-listener.js';
import {
  ConsumerIdExistsException,
  ConsumerRebalanceFailedException,
  ConsumerSessionExpiredException,
  ConsumerShutdownException,
  MessageStreamsExistException,
  ZkConnectTimeoutException,
} from './errors.js';
import { KafkaStream, type MessageAndMetadata, type StreamSource } from './kafka-stream.js';
import { consumersPerTopic, rangeAssign } from './range-assignor.js';
import { TopicCount } from './topic-count.js';
import { createEphemeralPathExpectConflict, deletePath, readDataMaybeNull, readOffset, writeOffset, ZKGroupDirs, ZKGroupTopicDirs } from './zk-group-dirs.js';

/** Options of the connector beyond the Kafka config. */
export interface ConnectorOptions {
  /** Kafka 0.8.2's rebalance listener (also settable with `setConsumerRebalanceListener` before `createMessageStreams`). */
  rebalanceListener?: ConsumerRebalanceListener;
  /**
   * Opens a new session after the connector's session expired (Kafka's `handleNewSession`); called
   * with `zookeeper.session.timeout.ms` and a session watcher, bounded by
   * `zookeeper.connection.timeout.ms`. Sessions opened this way belong to the connector (closed when
   * replaced and at shutdown). Without it, an expired session fails the connector.
   */
  reconnect?: CoordinationStoreFactory;
  /** Close the given store at shutdown (the connector owns it). Default false: the caller closes it. */
  ownsStore?: boolean;
  /** Where info lines (Kafka's rebalance log) and unlistened errors go. Default: warnings and errors to stderr. */
  logger?: StreamingLogger;
}

/** A committed or consumed offset: the NEXT offset to read of a partition. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** Counters of a connector (since it was created). */
export interface ConnectorStats {
  /** Messages routed from the KafkaConsumer into stream queues. */
  fetchedMessages: number;
  /** Chunks routed into stream queues. */
  fetchedChunks: number;
  /** Messages handed out by the stream iterators. */
  consumedMessages: number;
  /** Chunks waiting in the queues now (all streams). */
  queuedChunks: number;
  /** Messages fetched and not handed out now (all streams). */
  queuedMessages: number;
  /** Successful rebalances. */
  rebalances: number;
  /** Streams whose partitions are paused now (full queue). */
  pausedStreams: number;
}

/** The connector's events: `error` (a reported error), `rebalance` (this connector's new assignment, after fetchers started). */
export type ConnectorEvents = {
  error: [error: Error];
  rebalance: [assignment: OwnedPartition[]];
};

interface Owned extends OwnedPartition {
  key: string;
  stream: KafkaStream;
}

/** Thrown inside a rebalance when the session it started on is gone: aborts without retrying. */
class SessionLost extends Error {}

const FETCH_ERROR_BACKOFF_MS = 1000;
const POLL_TIMEOUT_MS = 100;

const tpKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** See the module comment. */
export class ZookeeperConsumerConnector extends EventEmitter<ConnectorEvents> implements StreamSource {
  /** The parsed config. */
  readonly config: ConsumerConfig;
  /** This member's id, `<group.id>_<consumer.id>` (Kafka 0.8's `consumerIdString`). */
  readonly consumerId: string;
  /** The group's directories. */
  readonly dirs: ZKGroupDirs;

  private session: CoordinationStore;
  private ownsStore: boolean;
  private readonly reconnect: CoordinationStoreFactory | undefined;
  private readonly logger: StreamingLogger;
  private listener: ConsumerRebalanceListener | undefined;
  private idsWatcher: Watcher;

  private topicCount: TopicCount | undefined;
  private myThreadIds = new Set<string>();
  private readonly streams = new Map<string, KafkaStream[]>();
  private readonly streamByThread = new Map<string, KafkaStream>();
  private readonly consumer: KafkaConsumer;

  private readonly owned = new Map<string, Owned>();
  /** Consumed positions (next offset to hand out) of partitions this connector fetched. */
  private readonly positions = new Map<string, number>();
  /** The offset last committed (or read from the store) per partition; absent = none. */
  private readonly checkpointed = new Map<string, number>();
  private readonly topicDirs = new Map<string, ZKGroupTopicDirs>();
  private partitionCounts = new Map<string, number>();

  private _generation = 0;
  private fetching = false;
  private fetchLoop: Promise<void> | null = null;
  private readonly paused = new Set<KafkaStream>();

  private chain: Promise<void> = Promise.resolve();
  private rebalanceRequested = false;
  private rebalanceScheduled = false;
  private sessionLost = false;
  private failure: Error | undefined;
  private shuttingDown = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly sleepers = new Set<() => void>();
  private wakeFetchBackoff: (() => void) | undefined;
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private partitionCheckTimer: NodeJS.Timeout | undefined;
  private counters = { fetchedMessages: 0, fetchedChunks: 0, consumedMessages: 0, rebalances: 0 };

  /**
   * @param store an open session; owned by the caller (who closes it after `shutdown()`) unless `options.ownsStore`.
   * @param config Kafka 0.8 consumer keys plus `bootstrap.servers` (see consumer-config.ts).
   * Errors: InvalidConfigException (`KTS_ERR_ZK_CONSUMER_CONFIG`) naming the key; our client's
   * ConfigError (`KTS_ERR_CLIENT_CONFIG`, naming the key) for a bad key passed to the KafkaConsumer.
   */
  constructor(store: CoordinationStore, config: ConsumerProperties, options: ConnectorOptions = {}) {
    super();
    this.config = new ConsumerConfig(config);
    this.consumerId = this.config.consumerIdString;
    this.dirs = new ZKGroupDirs(this.config.groupId);
    this.session = store;
    this.ownsStore = options.ownsStore ?? false;
    this.reconnect = options.reconnect;
    this.logger = options.logger ?? defaultLogger;
    this.listener = options.rebalanceListener;
    this.idsWatcher = this.makeIdsWatcher(store);
    this.consumer = new KafkaConsumer(this.config.kafkaConsumerProps);
  }

  /**
   * Open a session with `connect` (`zookeeper.session.timeout.ms`, bounded by
   * `zookeeper.connection.timeout.ms`) and a connector on it that owns its sessions: it opens a new
   * one with `connect` after an expiry and closes them at shutdown.
   * Errors: InvalidConfigException, ZkConnectTimeoutException (`KTS_ERR_ZK_CONSUMER_CONNECT_TIMEOUT`),
   * the factory's errors.
   */
  static async open(connect: CoordinationStoreFactory, config: ConsumerProperties, options: Omit<ConnectorOptions, 'reconnect' | 'ownsStore'> = {}): Promise<ZookeeperConsumerConnector> {
    const cfg = new ConsumerConfig(config);
    let target: ZookeeperConsumerConnector | undefined;
    let opened: CoordinationStore | undefined;
    const store = await withTimeout(
      connect({ sessionTimeoutMs: cfg.zkSessionTimeoutMs, watcher: (e) => (target && opened ? target.onSessionEvent(opened, e) : undefined) }),
      cfg.zkConnectionTimeoutMs,
    );
    opened = store;
    target = new ZookeeperConsumerConnector(store, config, { ...options, reconnect: connect, ownsStore: true });
    return target;
  }

  /** The current coordination-store session (changes after an expiry when the connector can reconnect). */
  get store(): CoordinationStore {
    return this.session;
  }

  /** The fetch generation (bumped whenever the fetchers stop); part of the stream contract. */
  get generation(): number {
    return this._generation;
  }

  /** Kafka 0.8.2's `setConsumerRebalanceListener`: only before `createMessageStreams`. Errors: MessageStreamsExistException afterwards. */
  setConsumerRebalanceListener(listener: ConsumerRebalanceListener | undefined): void {
    if (this.topicCount) throw new MessageStreamsExistException('Cannot set the rebalance listener after the message streams were created');
    this.listener = listener;
  }

  /**
   * Register in the group and start consuming (see the module comment). `topicCountMap`: topic →
   * number of consumer threads (≥ 1). Resolves after the first rebalance to topic → streams, where
   * `streams[n].threadId === '<consumerId>-<n>'`.
   * Errors: MessageStreamsExistException (`KTS_ERR_ZK_CONSUMER_STREAMS_EXIST`, "ZookeeperConsumerConnector
   * can create message streams at most once") on a second call; ConsumerShutdownException after
   * shutdown; InvalidConfigException (key `topicCountMap`); ConsumerIdExistsException; the store's
   * KeeperExceptions; ConsumerRebalanceFailedException when the first rebalance fails (the connector
   * stays registered and rebalances again on the next group change; call shutdown() to leave).
   */
  async createMessageStreams(topicCountMap: Readonly<Record<string, number>>): Promise<Map<string, KafkaStream[]>> {
    if (this.shuttingDown) throw new ConsumerShutdownException('ZookeeperConsumerConnector is shut down');
    if (this.topicCount) throw new MessageStreamsExistException();
    const tc = new TopicCount(this.consumerId, topicCountMap);
    this.topicCount = tc;
    for (const [topic, ids] of tc.getConsumerThreadIdsPerTopic()) {
      const n = ids.length;
      const list = Array.from({ length: n }, (_, i) => new KafkaStream(topic, `${this.consumerId}-${i}`, this));
      this.streams.set(topic, list);
      for (const s of list) {
        this.streamByThread.set(`${topic}\0${s.threadId}`, s);
        this.myThreadIds.add(s.threadId);
      }
    }
    await this.serial(async () => {
      if (this.shuttingDown) return;
      if (this.session.state !== KeeperState.SyncConnected && this.reconnect) await this.replaceSession();
      await this.registerConsumerInZK();
      this.startTimers();
      try {
        await this.syncedRebalance();
      } catch (e) {
        if (!(e instanceof SessionLost)) throw e;
        // with a reconnect factory the session handler registers again and rebalances
        if (!this.reconnect) throw new ConsumerSessionExpiredException(this.consumerId, 'the coordination-store session expired during the first rebalance');
      }
    });
    return new Map(this.streams);
  }

  /**
   * Commit offsets (the NEXT offset to read) into `/consumers/<group>/offsets/<topic>/<partition>`,
   * creating nodes as needed. Without an argument: the consumed positions of the owned partitions
   * that changed since their last commit (the auto-commit path). With `offsets`: exactly those, owned
   * or not. Works after shutdown() as long as the store session is open (e.g. to commit the last
   * blocks of a receiver).
   * Errors: the store's KeeperExceptions (SessionExpired...); RangeError for an offset that is not a
   * non-negative integer.
   */
  async commitOffsets(offsets?: readonly PartitionOffset[]): Promise<void> {
    if (offsets === undefined) return this.commitConsumed();
    for (const o of offsets) {
      if (!Number.isSafeInteger(o.offset) || o.offset < 0 || !Number.isSafeInteger(o.partition) || o.partition < 0) throw new RangeError(`invalid offset to commit: ${o.topic}-${o.partition}=${o.offset}`);
    }
    const session = this.session;
    for (const o of offsets) {
      await writeOffset(session, this.dirsFor(o.topic), o.partition, o.offset);
      this.checkpointed.set(tpKey(o.topic, o.partition), o.offset);
    }
  }

  /** The partitions this connector owns now (owner nodes held), by topic then partition. */
  ownedPartitions(): OwnedPartition[] {
    return [...this.owned.values()]
      .map((o) => ({ topic: o.topic, partition: o.partition, threadId: o.threadId }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /** The consumed positions (next offset to hand out) of the owned partitions. */
  consumedOffsets(): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const o of this.ownedPartitions()) {
      const p = this.positions.get(tpKey(o.topic, o.partition));
      if (p !== undefined) out.push({ topic: o.topic, partition: o.partition, offset: p });
    }
    return out;
  }

  /** Counters and queue sizes (see {@link ConnectorStats}). */
  stats(): ConnectorStats {
    let queuedChunks = 0;
    let queuedMessages = 0;
    for (const list of this.streams.values()) {
      for (const s of list) {
        queuedChunks += s.queuedChunks;
        queuedMessages += s.queuedMessages;
      }
    }
    return { ...this.counters, queuedChunks, queuedMessages, pausedStreams: this.paused.size };
  }

  /**
   * Leave the group (Kafka 0.8's `shutdown`): end the streams (iterators return done; queued messages
   * are dropped), stop fetching and the timers, commit the consumed positions when
   * `auto.commit.enable`, delete the owner nodes and the ids node, close the KafkaConsumer (and the
   * store when the connector owns it). Waits for a rebalance in progress. Idempotent; errors on the
   * way are reported, not thrown.
   */
  shutdown(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.shuttingDown = true;
    this.stopTimers();
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
    this._generation++;
    for (const s of this.allStreams()) s.end();
    this.shutdownPromise = this.serial(async () => {
      await this.stopFetchers();
      const alive = this.session.state === KeeperState.SyncConnected && !this.sessionLost;
      if (alive) {
        if (this.config.autoCommitEnable) await this.commitConsumed().catch((e: Error) => this.reportError(e));
        await this.releasePartitionOwnership().catch((e: Error) => this.reportError(e));
        if (this.topicCount) await deletePath(this.session, this.dirs.consumerRegistryPath(this.consumerId)).catch((e: Error) => this.reportError(e));
      }
      this.owned.clear();
      await this.consumer.close().catch(() => undefined);
      if (this.ownsStore) await this.session.close().catch(() => undefined);
      this.logger.info(`${this.consumerId}, ZKConsumerConnector shutdown completed`);
    });
    return this.shutdownPromise;
  }

  // ------------------------------------------------------------------------------------------
  // StreamSource

  /** @internal A chunk left a stream's queue: resume its partitions when the queue has room. */
  onChunkTaken(stream: KafkaStream): void {
    if (!this.paused.has(stream) || stream.queuedChunks >= this.config.queuedMaxMessageChunks) return;
    this.paused.delete(stream);
    if (!this.fetching) return;
    const tps = this.partitionsOfStream(stream);
    try {
      if (tps.length > 0) this.consumer.resume(tps);
    } catch {
      // not assigned any more (fetchers stopping)
    }
  }

  /** @internal A message was handed out: its partition's consumed position moves past it. */
  onMessageConsumed(m: MessageAndMetadata): void {
    this.positions.set(tpKey(m.topic, m.partition), m.offset + 1);
    this.counters.consumedMessages++;
  }

  /** StreamSource: `count` messages of one partition handed out at once, `last` the last of them. */
  onMessagesConsumed(last: MessageAndMetadata, count: number): void {
    this.positions.set(tpKey(last.topic, last.partition), last.offset + 1);
    this.counters.consumedMessages += count;
  }

  // ------------------------------------------------------------------------------------------
  // internals

  private allStreams(): KafkaStream[] {
    return [...this.streams.values()].flat();
  }

  private dirsFor(topic: string): ZKGroupTopicDirs {
    let d = this.topicDirs.get(topic);
    if (!d) this.topicDirs.set(topic, (d = new ZKGroupTopicDirs(this.config.groupId, topic)));
    return d;
  }

  private reportError(e: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', e);
    else this.logger.error(`${this.consumerId}: ${e.name}: ${e.message}`);
  }

  /** Run `fn` after everything queued before it (rebalances, commits, session changes, shutdown). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  /** Sleep `ms`, cut short by shutdown. */
  private sleep(ms: number): Promise<void> {
    if (this.shuttingDown) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private startTimers(): void {
    if (this.config.autoCommitEnable && !this.autoCommitTimer) {
      this.autoCommitTimer = setInterval(() => {
        void this.serial(() => this.commitConsumed()).catch((e: Error) => {
          if (!(e instanceof SessionExpiredException)) this.reportError(e);
        });
      }, this.config.autoCommitIntervalMs);
      this.autoCommitTimer.unref();
    }
    if (this.config.partitionCheckIntervalMs > 0 && !this.partitionCheckTimer) {
      this.partitionCheckTimer = setInterval(() => void this.checkPartitionCounts(), this.config.partitionCheckIntervalMs);
      this.partitionCheckTimer.unref();
    }
  }

  private stopTimers(): void {
    if (this.autoCommitTimer) clearInterval(this.autoCommitTimer);
    if (this.partitionCheckTimer) clearInterval(this.partitionCheckTimer);
    this.autoCommitTimer = undefined;
    this.partitionCheckTimer = undefined;
  }

  /** Kafka 0.8's topic partition change listener, by polling our client's metadata. */
  private async checkPartitionCounts(): Promise<void> {
    if (!this.topicCount || this.shuttingDown || this.failure || this.rebalanceScheduled) return;
    try {
      const now = await this.partitionsFor(Object.keys(this.topicCount.topicCountMap));
      for (const [t, parts] of now) {
        if ((this.partitionCounts.get(t) ?? 0) !== parts.length) {
          this.logger.info(`${this.consumerId}, topic ${t} now has ${parts.length} partitions: rebalancing`);
          this.scheduleRebalance();
          return;
        }
      }
    } catch {
      // the next check, or the next rebalance, will see it
    }
  }

  /** topic → partition ids (empty when the topic does not exist), from a metadata refresh. */
  private async partitionsFor(topics: string[]): Promise<Map<string, number[]>> {
    const cluster = this.consumer.cluster;
    await cluster.refreshMetadata(topics);
    const out = new Map<string, number[]>();
    for (const t of topics) out.set(t, (cluster.metadata.topics.get(t)?.partitions ?? []).map((p) => p.partition));
    return out;
  }

  private makeIdsWatcher(session: CoordinationStore): Watcher {
    return (e: WatchedEvent) => {
      if (e.type === EventType.None) {
        this.onSessionEvent(session, e);
        return;
      }
      if (session !== this.session) return;
      this.logger.info(`${this.consumerId}, ${e.type} on ${e.path}: rebalancing`);
      this.scheduleRebalance();
    };
  }

  /** A session event (from the ids watch or the session's default watcher). */
  private onSessionEvent(session: CoordinationStore, e: WatchedEvent): void {
    if (e.type !== EventType.None || (e.state !== KeeperState.Expired && e.state !== KeeperState.Closed)) return;
    this.onSessionLost(session, e.state);
  }

  /** Our session expired or was closed: ownership is gone; reconnect (handleNewSession) or fail. */
  private onSessionLost(session: CoordinationStore, state: KeeperState): void {
    if (this.shuttingDown || this.failure || session !== this.session || this.sessionLost) return;
    this.sessionLost = true;
    this.logger.warn(`${this.consumerId}, coordination-store session ${String(session.sessionId)} ${state}: partition ownership is lost`);
    // stop handing out at once: the partitions may already be another member's
    this._generation++;
    for (const s of this.allStreams()) s.clear();
    void this.serial(async () => {
      await this.stopFetchers();
      this.owned.clear();
      if (this.shuttingDown) return;
      if (!this.reconnect) {
        this.fail(new ConsumerSessionExpiredException(this.consumerId, `the coordination-store session ${state === KeeperState.Closed ? 'was closed' : 'expired'} and the connector cannot open a new one (no reconnect factory)`));
        return;
      }
      for (;;) {
        if (this.shuttingDown) return;
        try {
          await this.replaceSession();
          break;
        } catch (e) {
          this.reportError(e as Error);
          await this.sleep(this.config.rebalanceBackoffMs);
        }
      }
      if (!this.topicCount || this.shuttingDown) return;
      this.logger.info(`${this.consumerId}, ZK expired; release old broker partition ownership; re-register consumer ${this.consumerId}`);
      try {
        await this.registerConsumerInZK();
        await this.syncedRebalance();
      } catch (e) {
        if (!(e instanceof SessionLost)) this.reportError(e as Error);
      }
    }).catch((e: Error) => this.reportError(e));
  }

  /** Open a new session with the reconnect factory and make it current. */
  private async replaceSession(): Promise<void> {
    const factory = this.reconnect!;
    const holder: { store?: CoordinationStore } = {};
    const next = await withTimeout(
      factory({ sessionTimeoutMs: this.config.zkSessionTimeoutMs, watcher: (e) => (holder.store ? this.onSessionEvent(holder.store, e) : undefined) }),
      this.config.zkConnectionTimeoutMs,
    );
    holder.store = next;
    const old = this.session;
    if (this.ownsStore && old !== next) await old.close().catch(() => undefined);
    this.session = next;
    this.ownsStore = true;
    this.sessionLost = false;
    this.idsWatcher = this.makeIdsWatcher(next);
    this.logger.info(`${this.consumerId}, opened coordination-store session ${String(next.sessionId)}`);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.stopTimers();
    this._generation++;
    for (const s of this.allStreams()) s.end(error);
    this.reportError(error);
  }

  /** Kafka 0.8's `registerConsumerInZK`: the ephemeral ids node with the subscription JSON. */
  private async registerConsumerInZK(): Promise<void> {
    const path = this.dirs.consumerRegistryPath(this.consumerId);
    const data = this.topicCount!.registrationData();
    for (let i = 0; ; i++) {
      const r = await createEphemeralPathExpectConflict(this.session, path, data);
      if (r !== 'conflict') {
        this.logger.info(`${this.consumerId}, end registering consumer ${this.consumerId} in ZK`);
        return;
      }
      if (i + 1 >= this.config.rebalanceMaxRetries || this.shuttingDown) throw new ConsumerIdExistsException(path);
      await this.sleep(this.config.rebalanceBackoffMs);
    }
  }

  /** Ask for a rebalance; runs after whatever is in progress, and once for any number of requests meanwhile. */
  private scheduleRebalance(): void {
    if (!this.topicCount || this.shuttingDown || this.failure) return;
    this.rebalanceRequested = true;
    if (this.rebalanceScheduled) return;
    this.rebalanceScheduled = true;
    void this.serial(async () => {
      try {
        while (this.rebalanceRequested && !this.shuttingDown && !this.failure && !this.sessionLost) {
          this.rebalanceRequested = false;
          try {
            await this.syncedRebalance();
          } catch (e) {
            if (!(e instanceof SessionLost)) this.reportError(e as Error);
          }
        }
      } finally {
        this.rebalanceScheduled = false;
      }
    });
  }

  /** Kafka 0.8's `syncedRebalance`: up to `rebalance.max.retries` attempts, `rebalance.backoff.ms` apart. */
  private async syncedRebalance(): Promise<void> {
    let lastError: unknown;
    for (let i = 0; i < this.config.rebalanceMaxRetries; i++) {
      if (this.shuttingDown || this.failure || this.sessionLost) return;
      this.logger.info(`${this.consumerId}, begin rebalancing consumer ${this.consumerId} try #${i}`);
      const session = this.session;
      let done = false;
      try {
        done = await this.rebalance(session);
      } catch (e) {
        if (e instanceof SessionLost || session.state !== KeeperState.SyncConnected || e instanceof SessionExpiredException) {
          if (session.state !== KeeperState.SyncConnected || e instanceof SessionExpiredException) this.onSessionLost(session, session.state === KeeperState.Closed ? KeeperState.Closed : KeeperState.Expired);
          await this.stopFetchers();
          throw e instanceof SessionLost ? e : new SessionLost();
        }
        lastError = e;
        this.logger.info(`${this.consumerId}, exception during rebalance: ${(e as Error).message}`);
      }
      this.logger.info(`${this.consumerId}, end rebalancing consumer ${this.consumerId} try #${i}`);
      if (done) return;
      // nothing may stay owned or fetched during the backoff (another member may take the partitions)
      await this.stopFetchers();
      await this.releasePartitionOwnership().catch(() => undefined);
      await this.sleep(this.config.rebalanceBackoffMs);
    }
    if (this.shuttingDown || this.failure || this.sessionLost) return;
    // keep watching the group: the next change triggers another rebalance (as Kafka 0.8)
    await this.session.getChildren(this.dirs.consumerRegistryDir, this.idsWatcher).catch(() => undefined);
    throw new ConsumerRebalanceFailedException(this.consumerId, this.config.rebalanceMaxRetries, lastError === undefined ? undefined : { cause: lastError });
  }

  /** One attempt (Kafka 0.8's `ZKRebalancerListener.rebalance`); true when done. */
  private async rebalance(session: CoordinationStore): Promise<boolean> {
    const alive = (): void => {
      if (session !== this.session || this.sessionLost || session.state !== KeeperState.SyncConnected) throw new SessionLost();
    };
    await this.stopFetchers();
    await this.listener?.beforeReleasingPartitions?.(this.ownedPartitions());
    if (this.config.autoCommitEnable && this.owned.size > 0) {
      this.logger.info(`${this.consumerId}, Committing all offsets after clearing the fetcher queues`);
      await this.commitConsumed().catch((e: Error) => {
        if (e instanceof SessionExpiredException) throw e;
        this.reportError(e);
      });
    }
    await this.releasePartitionOwnership();
    if (this.shuttingDown) return true;

    // the group now (re-arming the watch: every change after this read schedules another rebalance)
    this.rebalanceRequested = false;
    const ids = await session.getChildren(this.dirs.consumerRegistryDir, this.idsWatcher);
    const subscriptions: TopicCount[] = [];
    for (const id of ids) {
      if (id === this.consumerId) continue;
      const data = await readDataMaybeNull(session, this.dirs.consumerRegistryPath(id));
      if (data === null) continue; // left meanwhile: its watch event follows
      const tc = TopicCount.parse(id, data);
      if (tc) subscriptions.push(tc);
      else this.logger.warn(`${this.consumerId}, ignoring consumer ${id} of group ${this.config.groupId}: registration not understood: ${data}`);
    }
    if (!ids.includes(this.consumerId)) {
      this.logger.warn(`${this.consumerId}, own registration missing from ${this.dirs.consumerRegistryDir}: registering again`);
      await this.registerConsumerInZK();
    }
    subscriptions.push(this.topicCount!);
    const myTopics = Object.keys(this.topicCount!.topicCountMap);
    const partitions = await this.partitionsFor(myTopics);
    alive();
    this.partitionCounts = new Map([...partitions].map(([t, p]) => [t, p.length]));
    const threads = consumersPerTopic(subscriptions);
    const myThreads = new Map(myTopics.map((t) => [t, threads.get(t) ?? []]));
    const global = rangeAssign(partitions, myThreads);
    const mine = global.filter((a) => this.myThreadIds.has(a.threadId));
    for (const t of myTopics) {
      this.logger.info(`${this.consumerId}, Consumer ${this.consumerId} rebalancing the following partitions: ${JSON.stringify(partitions.get(t))} for topic ${t} with consumers: ${JSON.stringify(threads.get(t))}`);
    }
    if (this.shuttingDown) return true;

    // claim (Kafka's reflectPartitionOwnershipDecision): all or nothing. A partition enters `owned`
    // only once its owner node exists, and leaves it before the node is deleted.
    for (const a of mine) {
      const dirs = this.dirsFor(a.topic);
      const r = await createEphemeralPathExpectConflict(session, dirs.ownerPath(a.partition), a.threadId);
      if (r === 'conflict') {
        this.logger.info(`${this.consumerId}, waiting for the partition ownership to be deleted: ${a.partition} for topic ${a.topic}`);
        await this.releasePartitionOwnership();
        return false;
      }
      const stream = this.streamByThread.get(`${a.topic}\0${a.threadId}`)!;
      const key = tpKey(a.topic, a.partition);
      this.owned.set(key, { topic: a.topic, partition: a.partition, threadId: a.threadId, key, stream });
      this.logger.info(`${this.consumerId}, ${a.threadId} successfully owned partition ${a.partition} for topic ${a.topic}`);
    }

    // where to start each partition
    const committed = new Map<string, number | null>();
    for (const a of mine) committed.set(tpKey(a.topic, a.partition), await readOffset(session, this.dirsFor(a.topic), a.partition));
    const needReset = mine.filter((a) => committed.get(tpKey(a.topic, a.partition)) === null && !this.positions.has(tpKey(a.topic, a.partition)));
    const resetOffsets = needReset.length === 0 ? new Map<string, number>() : this.config.autoOffsetReset === 'smallest' ? await this.consumer.beginningOffsets(needReset) : await this.consumer.endOffsets(needReset);
    alive();
    const starts = new Map<string, number>();
    for (const a of mine) {
      const key = tpKey(a.topic, a.partition);
      const c = committed.get(key) ?? null;
      const own = this.positions.get(key);
      let start: number;
      if (c === null) start = own ?? resetOffsets.get(key) ?? -1;
      else start = own === undefined ? c : Math.max(c, own);
      if (start < 0) throw new Error(`no start offset for ${key}`);
      starts.set(key, start);
      this.positions.set(key, start);
      if (c === null) this.checkpointed.delete(key);
      else this.checkpointed.set(key, c);
    }
    const assignment = this.ownedPartitions();
    const globalOut = global.map((a) => ({ topic: a.topic, partition: a.partition, threadId: a.threadId }));
    await this.listener?.beforeStartingFetchers?.(this.consumerId, globalOut, assignment);
    alive();
    if (this.shuttingDown) return true;
    this.startFetchers(starts);
    this.counters.rebalances++;
    await this.listener?.afterStartingFetchers?.(assignment);
    try {
      this.emit('rebalance', assignment);
    } catch (e) {
      this.reportError(e as Error);
    }
    return true;
  }

  /** Commit the consumed positions of owned partitions that changed since their last commit. */
  private async commitConsumed(): Promise<void> {
    const session = this.session;
    if (this.sessionLost) return;
    for (const o of [...this.owned.values()]) {
      const pos = this.positions.get(o.key);
      if (pos === undefined || pos === this.checkpointed.get(o.key)) continue;
      await writeOffset(session, this.dirsFor(o.topic), o.partition, pos);
      this.checkpointed.set(o.key, pos);
    }
  }

  /** Delete our owner nodes (Kafka's `releasePartitionOwnership`). */
  private async releasePartitionOwnership(): Promise<void> {
    const session = this.session;
    for (const o of [...this.owned.values()]) {
      this.owned.delete(o.key);
      await deletePath(session, this.dirsFor(o.topic).ownerPath(o.partition));
    }
  }

  /** Stop fetching and clear every queue (Kafka's `closeFetchers` + `clearFetcherQueues`). */
  private async stopFetchers(): Promise<void> {
    this._generation++;
    for (const s of this.allStreams()) s.clear();
    this.paused.clear();
    this.fetching = false;
    this.wakeFetchBackoff?.();
    const loop = this.fetchLoop;
    this.fetchLoop = null;
    if (loop) await loop;
    if (this.consumer.assignment().length > 0) {
      try {
        this.consumer.assign([]);
      } catch {
        // closed
      }
    }
  }

  /** Assign the owned partitions to the KafkaConsumer at their start offsets and run the fetch loop. */
  private startFetchers(starts: Map<string, number>): void {
    const consumer = this.consumer;
    const tps: TopicPartition[] = [...this.owned.values()].map((o) => ({ topic: o.topic, partition: o.partition }));
    if (tps.length === 0) return;
    consumer.assign(tps);
    for (const tp of tps) consumer.seek(tp, starts.get(tpKey(tp.topic, tp.partition))!);
    consumer.resume(tps);
    this.fetching = true;
    const gen = this._generation;
    this.fetchLoop = this.runFetcher(consumer, gen);
  }

  private async runFetcher(consumer: KafkaConsumer, gen: number): Promise<void> {
    while (this.fetching && gen === this._generation) {
      let batches: ConsumerBatch[];
      try {
        batches = await consumer.pollBatches(POLL_TIMEOUT_MS);
      } catch (e) {
        if (!this.fetching || gen !== this._generation) break;
        this.reportError(e as Error);
        await this.fetchBackoff();
        continue;
      }
      if (!this.fetching || gen !== this._generation) break;
      for (const b of batches) this.route(b, gen);
    }
  }

  /** The fetch loop's pause after an error: FETCH_ERROR_BACKOFF_MS, cut short when the fetchers stop. */
  private fetchBackoff(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, FETCH_ERROR_BACKOFF_MS);
      const self = this;
      function done(): void {
        clearTimeout(t);
        if (self.wakeFetchBackoff === done) self.wakeFetchBackoff = undefined;
        resolve();
      }
      this.wakeFetchBackoff = done;
    });
  }

  /** Put one fetched batch into its owning stream's queue; pause the stream's partitions when full. */
  private route(b: ConsumerBatch, gen: number): void {
    const o = this.owned.get(tpKey(b.topic, b.partition));
    if (!o || b.records.length === 0) return;
    const messages: MessageAndMetadata[] = b.records.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset, key: r.key, message: r.value, timestamp: r.timestamp }));
    o.stream.enqueue({ topic: b.topic, partition: b.partition, messages, generation: gen });
    this.counters.fetchedMessages += messages.length;
    this.counters.fetchedChunks++;
    if (o.stream.queuedChunks >= this.config.queuedMaxMessageChunks && !this.paused.has(o.stream)) {
      this.paused.add(o.stream);
      const tps = this.partitionsOfStream(o.stream);
      try {
        if (tps.length > 0) this.consumer.pause(tps);
      } catch {
        // not assigned any more (fetchers stopping)
      }
    }
  }

  private partitionsOfStream(stream: KafkaStream): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const o of this.owned.values()) if (o.stream === stream) out.push({ topic: o.topic, partition: o.partition });
    return out;
  }
}

/** Resolve with `p`, or reject with ZkConnectTimeoutException after `ms` (closing a session that arrives late). */
async function withTimeout(p: Promise<CoordinationStore>, ms: number): Promise<CoordinationStore> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new ZkConnectTimeoutException(ms));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (timedOut) p.then((s) => s.close(), () => undefined).catch(() => undefined);
  }
}

