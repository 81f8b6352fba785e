/**
 * KafkaConsumer (Kafka's `KafkaConsumer`, classic group protocol): reads records from partitions it
 * is assigned by hand (`assign`) or by its group (`subscribe` with `group.id`), as the public API in
 * client/CLIENT-API.md. Built from a SubscriptionState (positions), a Fetcher (prefetching Fetch
 * requests), an OffsetFetcher (ListOffsets) and, with `group.id`, a ConsumerCoordinator (membership,
 * heartbeats, commits) over one KafkaCluster.
 *
 * poll(timeoutMs) joins/rejoins the group when needed (also when a subscribed topic's partition
 * count changed: the metadata of subscribed topics is refreshed every `metadata.max.age.ms` and the
 * group leader rejoins on a change, as Java's ConsumerCoordinator), auto-commits when due, initialises positions
 * (committed offset, else `auto.offset.reset`), returns up to `max.poll.records` buffered records
 * at once, or waits up to `timeoutMs` (ms) for some; it returns [] on timeout. Offsets are int64 as JS
 * numbers; timestamps are ms since the epoch. Partitions are keyed `${topic}-${partition}` in maps.
 *
 * Errors: ConfigError (`KTS_ERR_CLIENT_CONFIG`) for bad configs and misuse (Kafka's
 * IllegalStateException / InvalidGroupIdException), NoOffsetForPartitionError
 * (`KTS_ERR_NO_OFFSET_FOR_PARTITION`) with `auto.offset.reset=none`, KafkaProtocolError with Kafka's
 * names (OFFSET_OUT_OF_RANGE with `none`, TOPIC_AUTHORIZATION_FAILED, REBALANCE_IN_PROGRESS on
 * commit...), CommitFailedError (`KTS_ERR_COMMIT_FAILED`), ConsumerClosedError after close(),
 * ConnectionError (`KTS_ERR_CONNECT`).
 */
import { KafkaCluster } from '../cluster/kafka-cluster.js';
import { ConfigError, type ClientProperties } from '../config.js';
import type { KafkaProtocolError } from '../errors.js';
import type { ConsumerPartitionAssignor } from './assignors.js';
import { consumerConfig, type ConsumerConfig } from './consumer-config.js';
import { ConsumerCoordinator, type ConsumerRebalanceListener, type OffsetAndMetadata } from './consumer-coordinator.js';
import { ConsumerClosedError, NoOffsetForPartitionError } from './errors.js';
import { Fetcher, type ConsumerBatch, type ConsumerRecord } from './fetcher.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, OffsetFetcher } from './offset-fetcher.js';
import { SubscriptionState, tpKey, type TopicPartition } from './subscription-state.js';

export type { ConsumerRecord, ConsumerBatch } from './fetcher.js';
export type { TopicPartition } from './subscription-state.js';
export type { ConsumerRebalanceListener } from './consumer-coordinator.js';

/** Options of the KafkaConsumer constructor. */
export interface KafkaConsumerOptions {
  /** Assignor objects instead of `partition.assignment.strategy` names. */
  assignors?: ConsumerPartitionAssignor[];
}

/** See the module comment. */
export class KafkaConsumer {
  readonly config: ConsumerConfig;
  readonly cluster: KafkaCluster;
  private readonly subscriptions: SubscriptionState;
  private readonly fetcher: Fetcher;
  private readonly offsetFetcher: OffsetFetcher;
  private readonly coordinator: ConsumerCoordinator | null;
  private waiters: (() => void)[] = [];
  private updatingPositions: Promise<void> | undefined;
  private lastPatternCheck = 0;
  private closed = false;

  /** Errors: ConfigError. */
  constructor(props: ClientProperties, options: KafkaConsumerOptions = {}) {
    this.config = consumerConfig(props, options.assignors);
    this.cluster = new KafkaCluster(this.config);
    this.subscriptions = new SubscriptionState(this.config.autoOffsetReset);
    const wake = () => this.wake();
    this.fetcher = new Fetcher(this.cluster, this.config, this.subscriptions, wake);
    this.offsetFetcher = new OffsetFetcher(this.cluster, this.config);
    this.coordinator = this.config.groupId === null ? null : new ConsumerCoordinator(this.cluster, this.config, this.subscriptions, wake, () => this.fetcher.clearBuffered());
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private ensureOpen(): void {
    if (this.closed) throw new ConsumerClosedError();
  }

  private requireGroup(): ConsumerCoordinator {
    if (!this.coordinator) throw new ConfigError('group.id', undefined, 'To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration (InvalidGroupIdException)');
    return this.coordinator;
  }

  /** Read exactly these partitions (no group management); replaces the previous assignment. Errors: ConfigError when subscribed. */
  assign(partitions: TopicPartition[]): void {
    this.ensureOpen();
    if (partitions.length === 0) {
      if (this.subscriptions.type === 'USER_ASSIGNED') this.subscriptions.unsubscribe();
      this.fetcher.clearBuffered(true);
      return;
    }
    this.subscriptions.assignFromUser(partitions.map((p) => ({ topic: p.topic, partition: p.partition })));
    this.fetcher.clearBuffered();
    this.wake();
  }

  /**
   * Join the group (`group.id` required) for these topics or every topic matching the RegExp; the
   * assignment happens in poll(). Errors: ConfigError without group.id or with a manual assignment.
   */
  subscribe(topics: string[] | RegExp, listener?: ConsumerRebalanceListener): void {
    this.ensureOpen();
    const coordinator = this.requireGroup();
    if (listener) coordinator.listener = listener;
    if (topics instanceof RegExp) {
      this.subscriptions.subscribePattern(topics);
      this.lastPatternCheck = 0;
      coordinator.requestRejoin();
      return;
    }
    if (topics.length === 0) {
      this.unsubscribe().catch(() => undefined); // as Java: an empty list unsubscribes
      return;
    }
    for (const t of topics) if (typeof t !== 'string' || t.trim() === '') throw new ConfigError('topics', t, 'Topic collection to subscribe to cannot contain null or empty topic');
    if (this.subscriptions.subscribe(topics)) coordinator.requestRejoin();
  }

  /** Leave the group (revoking the partitions, committing first with auto-commit) or drop the manual assignment. */
  async unsubscribe(): Promise<void> {
    this.ensureOpen();
    if (this.coordinator && (this.subscriptions.type === 'AUTO_TOPICS' || this.subscriptions.type === 'AUTO_PATTERN')) {
      if (this.config.enableAutoCommit && this.coordinator.state === 'STABLE') await this.coordinator.commitOffsets(this.coordinator.consumedOffsets(), this.config.defaultApiTimeoutMs).catch(() => undefined);
      await this.coordinator.leave('the consumer unsubscribed from all topics');
    }
    this.subscriptions.unsubscribe();
    this.fetcher.clearBuffered(true);
  }

  /** The partitions currently assigned (by assign() or by the group). */
  assignment(): TopicPartition[] {
    return this.subscriptions.assignedPartitions();
  }

  /** The subscribed topics (for a RegExp, those matched so far). */
  subscription(): string[] {
    return [...this.subscriptions.subscription];
  }

  /** Next poll reads `tp` from `offset`. Errors: ConfigError (IllegalStateException) if `tp` is not assigned or the offset is negative. */
  seek(tp: TopicPartition, offset: number): void {
    this.ensureOpen();
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ConfigError('offset', offset, 'seek offset must not be a negative number');
    this.subscriptions.seek(tp, offset);
    this.wake();
  }

  /** Next poll reads from the log start offset (evaluated lazily, as Java). Default: every assigned partition. */
  seekToBeginning(tps?: TopicPartition[]): void {
    this.ensureOpen();
    for (const tp of tps ?? this.assignment()) this.subscriptions.requestReset(tp, 'earliest');
    this.wake();
  }

  /** Next poll reads from the end (high watermark, or last stable offset with read_committed). */
  seekToEnd(tps?: TopicPartition[]): void {
    this.ensureOpen();
    for (const tp of tps ?? this.assignment()) this.subscriptions.requestReset(tp, 'latest');
    this.wake();
  }

  /**
   * The offset of the next record poll will return for `tp`, looking up the committed offset or
   * resetting when not yet known. Errors: ConfigError when `tp` is not assigned, NoOffsetForPartitionError.
   */
  async position(tp: TopicPartition): Promise<number> {
    this.ensureOpen();
    const deadline = Date.now() + this.config.defaultApiTimeoutMs;
    for (;;) {
      const s = this.subscriptions.stateOf(tp);
      if (s.position !== null) return s.position;
      try {
        await this.updateFetchPositions(deadline - Date.now());
      } catch (e) {
        // A poll's shorter update may time out; keep trying until our own deadline.
        if ((e as KafkaProtocolError).errorName !== 'REQUEST_TIMED_OUT' || Date.now() >= deadline) throw e;
      }
      this.ensureOpen();
      if (this.subscriptions.stateOf(tp).position === null) await new Promise((r) => setTimeout(r, this.config.retryBackoffMs));
    }
  }

  /** Stop returning and fetching records of these partitions (buffered data is kept). */
  pause(tps: TopicPartition[]): void {
    for (const tp of tps) this.subscriptions.stateOf(tp).paused = true;
  }

  /** Resume paused partitions. */
  resume(tps: TopicPartition[]): void {
    for (const tp of tps) this.subscriptions.stateOf(tp).paused = false;
    this.fetcher.sendFetches();
    this.wake();
  }

  /** The paused partitions. */
  paused(): TopicPartition[] {
    return [...this.subscriptions.assignment.values()].filter((s) => s.paused).map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  /** Positions for partitions without one: the committed offset when there is a group, else (or without one) the reset strategy. */
  private updateFetchPositions(timeoutMs: number): Promise<void> {
    this.updatingPositions ??= this.doUpdateFetchPositions(Math.max(0, timeoutMs)).finally(() => (this.updatingPositions = undefined));
    return this.updatingPositions;
  }

  private async doUpdateFetchPositions(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const initializing = this.subscriptions.initializingPartitions();
    if (initializing.length > 0) {
      const epochs = new Map(initializing.map((s) => [s, s.seekEpoch]));
      const committed = this.coordinator ? await this.coordinator.fetchCommittedOffsets(initializing, timeoutMs) : new Map();
      const missing: string[] = [];
      for (const s of initializing) {
        if (this.subscriptions.assignment.get(s.key) !== s || s.seekEpoch !== epochs.get(s) || s.position !== null) continue;
        const c = committed.get(s.key);
        if (c) this.subscriptions.seekState(s, c.offset, c.leaderEpoch);
        else if (this.config.autoOffsetReset === 'none') missing.push(s.key);
        else this.subscriptions.requestReset(s, this.config.autoOffsetReset);
      }
      if (missing.length > 0) throw new NoOffsetForPartitionError(missing);
    }
    const resets = this.subscriptions.partitionsNeedingReset();
    if (resets.length === 0) return;
    const none = resets.filter((s) => s.resetStrategy === 'none');
    if (none.length > 0) throw new NoOffsetForPartitionError(none.map((s) => s.key));
    const epochs = new Map(resets.map((s) => [s, s.seekEpoch]));
    const found = await this.offsetFetcher.listOffsets(
      resets.map((s) => ({ topic: s.topic, partition: s.partition, timestamp: s.resetStrategy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP })),
      Math.max(0, deadline - Date.now()),
    );
    for (const s of resets) {
      if (this.subscriptions.assignment.get(s.key) !== s || s.seekEpoch !== epochs.get(s) || s.position !== null) continue;
      const o = found.get(s.key);
      if (o) this.subscriptions.seekState(s, o.offset, o.leaderEpoch);
    }
  }

  /** With a RegExp subscription: match the topics again every `metadata.max.age.ms` (and at first). */
  private async maybeUpdatePatternSubscription(): Promise<void> {
    const pattern = this.subscriptions.pattern;
    if (this.subscriptions.type !== 'AUTO_PATTERN' || !pattern) return;
    const now = Date.now();
    if (now - this.lastPatternCheck < this.config.metadataMaxAgeMs && this.lastPatternCheck > 0) return;
    this.lastPatternCheck = now;
    await this.cluster.refreshMetadata(null);
    const matched = [...this.cluster.metadata.topics.values()].filter((t) => !(this.config.excludeInternalTopics && t.isInternal)).map((t) => t.name).filter((n) => { pattern.lastIndex = 0; return pattern.test(n); });
    if (this.subscriptions.changeSubscription(matched)) this.coordinator!.requestRejoin();
  }

  /**
   * Records grouped by partition: waits up to `timeoutMs` (ms) for data, returns at most
   * `max.poll.records` records in all, [] on timeout. Errors: see the module comment.
   */
  async pollBatches(timeoutMs: number): Promise<ConsumerBatch[]> {
    this.ensureOpen();
    if (this.subscriptions.type === 'NONE') throw new ConfigError('subscription', undefined, 'Consumer is not subscribed to any topics or assigned any partitions (IllegalStateException)');
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (;;) {
      if (this.coordinator) {
        if (this.subscriptions.type === 'AUTO_PATTERN') await this.maybeUpdatePatternSubscription();
        // A join that outlasts the timeout goes on in the background; poll returns [] meanwhile (as Java's).
        if (!(await this.coordinator.poll(deadline - Date.now()))) return [];
      }
      if (this.closed) return [];
      try {
        await this.updateFetchPositions(deadline - Date.now());
      } catch (e) {
        // Positions not found within the poll's time (e.g. the topic does not exist yet): return what is there, as Java.
        if ((e as KafkaProtocolError).errorName !== 'REQUEST_TIMED_OUT') throw e;
      }
      const batches = this.fetcher.collect(this.config.maxPollRecords);
      this.fetcher.sendFetches();
      if (batches.length > 0 || this.closed) return batches;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.waitForData(left);
      if (this.closed) return [];
    }
  }

  /** As pollBatches, the records in one array (partition by partition). */
  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    const batches = await this.pollBatches(timeoutMs);
    if (batches.length === 1) return batches[0]!.records;
    const out: ConsumerRecord[] = [];
    for (const b of batches) for (const r of b.records) out.push(r);
    return out;
  }

  private waitForData(ms: number): Promise<void> {
    if (this.fetcher.hasAvailable() || (this.coordinator?.needRejoin() ?? false)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Every record, polling until close() (the loop ends then). Errors: as poll. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumerRecord> {
    while (!this.closed) {
      const records = await this.poll(1000);
      for (const r of records) yield r;
    }
  }

  /** Every batch, polling until close(). Errors: as pollBatches. */
  async *batches(): AsyncGenerator<ConsumerBatch> {
    while (!this.closed) {
      for (const b of await this.pollBatches(1000)) yield b;
    }
  }

  /**
   * Commit offsets (the next offset to read) for the group; without arguments, the positions of
   * every assigned partition (what poll returned so far). A Map is keyed `${topic}-${partition}`.
   * Errors: ConfigError without group.id, CommitFailedError, KafkaProtocolError (REBALANCE_IN_PROGRESS...).
   */
  async commit(offsets?: Map<string, number> | { topic: string; partition: number; offset: number; metadata?: string }[]): Promise<void> {
    this.ensureOpen();
    const coordinator = this.requireGroup();
    let list: OffsetAndMetadata[];
    if (offsets === undefined) list = coordinator.consumedOffsets();
    else if (offsets instanceof Map) {
      list = [...offsets].map(([key, offset]) => {
        const i = key.lastIndexOf('-');
        return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)), offset, metadata: '' };
      });
    } else list = offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata ?? '' }));
    for (const o of list) if (!Number.isSafeInteger(o.offset) || o.offset < 0 || !Number.isInteger(o.partition)) throw new ConfigError('offsets', `${o.topic}-${o.partition}=${o.offset}`, 'invalid offset to commit');
    await coordinator.commitOffsets(list, this.config.defaultApiTimeoutMs);
  }

  /** Java's name for commit(): waits for the broker's answer. Errors: as commit. */
  commitSync(offsets?: Parameters<KafkaConsumer['commit']>[0]): Promise<void> {
    return this.commit(offsets);
  }

  /**
   * Java's commitAsync: starts the commit and returns at once; `callback` gets the error (or null).
   * The offsets are taken now (the positions at the call when none are given).
   */
  commitAsync(offsets?: Parameters<KafkaConsumer['commit']>[0], callback?: (error: Error | null) => void): void {
    this.commit(offsets).then(
      () => callback?.(null),
      (e: Error) => callback?.(e),
    );
  }

  /** The group's committed offsets (and metadata strings) of `tps`, null where none. Errors: ConfigError without group.id, KafkaProtocolError. */
  async committed(tps: TopicPartition[]): Promise<Map<string, { offset: number; metadata: string } | null>> {
    this.ensureOpen();
    const r = await this.requireGroup().fetchCommittedOffsets(tps, this.config.defaultApiTimeoutMs);
    const out = new Map<string, { offset: number; metadata: string } | null>();
    for (const [k, v] of r) out.set(k, v ? { offset: v.offset, metadata: v.metadata } : null);
    return out;
  }

  /** The first offset whose timestamp is ≥ the given one (ms), per partition; null when there is none. Errors: as OffsetFetcher. */
  async offsetsForTimes(query: { topic: string; partition: number; timestamp: number }[]): Promise<Map<string, { offset: number; timestamp: number } | null>> {
    this.ensureOpen();
    for (const q of query) if (q.timestamp < 0) throw new ConfigError('timestamp', q.timestamp, `The target time for partition ${tpKey(q)} is ${q.timestamp}. The target time cannot be negative.`);
    const r = await this.offsetFetcher.listOffsets(query);
    const out = new Map<string, { offset: number; timestamp: number } | null>();
    for (const q of query) {
      const v = r.get(tpKey(q));
      out.set(tpKey(q), v ? { offset: v.offset, timestamp: v.timestamp } : null);
    }
    return out;
  }

  /** Log start offsets. Errors: as OffsetFetcher. */
  async beginningOffsets(tps: TopicPartition[]): Promise<Map<string, number>> {
    return this.offsetsAt(tps, EARLIEST_TIMESTAMP);
  }

  /** End offsets (high watermark; last stable offset with read_committed). Errors: as OffsetFetcher. */
  async endOffsets(tps: TopicPartition[]): Promise<Map<string, number>> {
    return this.offsetsAt(tps, LATEST_TIMESTAMP);
  }

  private async offsetsAt(tps: TopicPartition[], timestamp: number): Promise<Map<string, number>> {
    this.ensureOpen();
    const r = await this.offsetFetcher.listOffsets(tps.map((tp) => ({ topic: tp.topic, partition: tp.partition, timestamp })));
    const out = new Map<string, number>();
    for (const tp of tps) out.set(tpKey(tp), r.get(tpKey(tp))?.offset ?? -1);
    return out;
  }

  /**
   * Close: with a group, commit the positions (when `enable.auto.commit`) and leave the group
   * (dynamic members), then close the connections. A poll in progress returns []. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    const coordinator = this.coordinator;
    if (coordinator) {
      coordinator.close();
      await coordinator.settle();
      const inGroup = this.subscriptions.type === 'AUTO_TOPICS' || this.subscriptions.type === 'AUTO_PATTERN';
      if (this.config.enableAutoCommit && (!inGroup || coordinator.state === 'STABLE')) {
        await coordinator.commitOffsets(coordinator.consumedOffsets(), Math.min(this.config.defaultApiTimeoutMs, 5000)).catch(() => undefined);
      }
      if (inGroup) await coordinator.leave('the consumer is being closed');
    }
    this.fetcher.close();
    this.subscriptions.unsubscribe();
    this.cluster.close();
  }
}
