/**
 * ConsumerCoordinator (Kafka's `ConsumerCoordinator` on `AbstractCoordinator`, classic eager
 * protocol): group membership and offsets of a consumer with `group.id`.
 *
 * Membership: FindCoordinator (via KafkaCluster), JoinGroup with one protocol per configured assignor
 * (rejoining at once with the member id the broker gives on MEMBER_ID_REQUIRED, KIP-394), the leader
 * runs the chosen assignor over the members' subscriptions, SyncGroup delivers every member its
 * partitions. Heartbeats run every `heartbeat.interval.ms` on a timer, independent of poll(), so
 * they continue while the application processes records. REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID on a heartbeat make the next poll rejoin (before rejoining: commit when
 * `enable.auto.commit`, then onPartitionsRevoked). `session.timeout.ms` and `max.poll.interval.ms`
 * (the rebalance timeout) are sent in JoinGroup; a member whose application has not called poll()
 * for `max.poll.interval.ms` leaves the group from its heartbeat timer (as Java's heartbeat thread)
 * and rejoins at its next poll (onPartitionsLost); `group.instance.id` makes the member static
 * (KIP-345: no LeaveGroup on close). LeaveGroup on close of a dynamic member.
 *
 * Partition-count changes (Java's `metadataSnapshot` / `assignmentSnapshot` and
 * `rejoinNeededOrPending`): with `subscribe(topics)`, poll refreshes the metadata of the subscribed
 * topics (the leader: of every member's topics, Java's group subscription) every
 * `metadata.max.age.ms`, in the background. The leader keeps the partition counts it computed the
 * assignment from; when the metadata shows other counts (partitions added, a subscribed topic
 * created or deleted), it rejoins, so that the group's assignment covers the new partitions.
 * (With a RegExp subscription the consumer refreshes all topics at that interval itself.)
 *
 * Offsets: OffsetCommit (with the generation and member id when in a group; generation -1 for a
 * consumer that only assigns), OffsetFetch, auto-commit every `auto.commit.interval.ms` from poll.
 * Committed offsets are the next offset to read (Kafka's convention).
 *
 * Errors: KafkaProtocolError with Kafka's names (GROUP_AUTHORIZATION_FAILED, INVALID_SESSION_TIMEOUT,
 * INCONSISTENT_GROUP_PROTOCOL, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS on commit...),
 * CommitFailedError (CommitFailedException) when a commit comes after the group moved on.
 * NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS and connection failures
 * are retried after `retry.backoff.ms`, rediscovering the coordinator.
 */
import { KafkaProtocolError } from '../errors.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { Apis, errorByCode, errorCode } from '../protocol/index.js';
import type { ConsumerConfig } from './consumer-config.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js';
import { CommitFailedError } from './errors.js';
import type { SubscriptionState, TopicPartition } from './subscription-state.js';

/** Callbacks around a rebalance (Kafka's ConsumerRebalanceListener). May be async; the consumer awaits them. */
export interface ConsumerRebalanceListener {
  /** Before a rebalance, with the partitions the member gives up (after the auto-commit). */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  /** After a rebalance, with the new assignment. */
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** When the member learns it was already out of the group (its partitions may be another's); default: onPartitionsRevoked. */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

/** An offset to commit. */
export interface OffsetAndMetadata {
  topic: string;
  partition: number;
  /** The next offset to read. */
  offset: number;
  metadata?: string;
  leaderEpoch?: number;
}

const E = {
  NONE: 0,
  COORDINATOR_LOAD_IN_PROGRESS: errorCode('COORDINATOR_LOAD_IN_PROGRESS'),
  COORDINATOR_NOT_AVAILABLE: errorCode('COORDINATOR_NOT_AVAILABLE'),
  NOT_COORDINATOR: errorCode('NOT_COORDINATOR'),
  ILLEGAL_GENERATION: errorCode('ILLEGAL_GENERATION'),
  UNKNOWN_MEMBER_ID: errorCode('UNKNOWN_MEMBER_ID'),
  REBALANCE_IN_PROGRESS: errorCode('REBALANCE_IN_PROGRESS'),
  MEMBER_ID_REQUIRED: errorCode('MEMBER_ID_REQUIRED'),
  FENCED_INSTANCE_ID: errorCode('FENCED_INSTANCE_ID'),
  UNSTABLE_OFFSET_COMMIT: errorCode('UNSTABLE_OFFSET_COMMIT'),
  REQUEST_TIMED_OUT: errorCode('REQUEST_TIMED_OUT'),
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Thrown inside the join loop to retry after a backoff. */
class Retry extends Error {
  constructor(
    readonly backoff: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** See the module comment. */
export class ConsumerCoordinator {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  /** UNJOINED → (join/sync) → STABLE; back to UNJOINED when a rebalance is needed. */
  state: 'UNJOINED' | 'REBALANCING' | 'STABLE' = 'UNJOINED';
  listener: ConsumerRebalanceListener = {};
  private rejoinNeeded = true;
  private joining: Promise<void> | undefined;
  private joinError: Error | undefined;
  private lastPollMs = Date.now();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private nextAutoCommit: number;
  private autoCommitInFlight: Promise<void> | undefined;
  private closed = false;
  private readonly groupId: string;
  /**
   * Leader only (null otherwise): partition count per topic of the group subscription, as the
   * assignment was computed (Java's `assignmentSnapshot`); topics that did not exist are absent.
   */
  private assignmentSnapshot: Map<string, number> | null = null;
  /** Leader only: the topics of every member's subscription (Java's `groupSubscription`). */
  private groupSubscription = new Set<string>();
  private lastMetadataRefreshMs = 0;
  private metadataRefresh: Promise<void> | undefined;

  /** `onWake` is called when poll should stop waiting (a rebalance is needed). */
  constructor(
    private readonly cluster: KafkaCluster,
    private readonly config: ConsumerConfig,
    private readonly subscriptions: SubscriptionState,
    private readonly onWake: () => void,
    private readonly onAssignmentChange: () => void,
  ) {
    this.groupId = config.groupId!;
    this.nextAutoCommit = Date.now() + config.autoCommitIntervalMs;
  }

  private get autoAssigned(): boolean {
    return this.subscriptions.type === 'AUTO_TOPICS' || this.subscriptions.type === 'AUTO_PATTERN';
  }

  /** Whether poll must (re)join before fetching. */
  needRejoin(): boolean {
    return this.autoAssigned && (this.rejoinNeeded || this.state !== 'STABLE');
  }

  /** Ask for a rejoin at the next poll (subscription change, heartbeat error). */
  requestRejoin(): void {
    this.rejoinNeeded = true;
    this.stopHeartbeat();
    this.onWake();
  }

  /**
   * Called by poll: join when needed (waiting at most `timeoutMs`; false when the join is still going
   * on, in the background), auto-commit when due. Errors: see the module comment (a background join's
   * error is thrown by the next call).
   */
  async poll(timeoutMs: number): Promise<boolean> {
    this.lastPollMs = Date.now();
    if (this.joinError) {
      const e = this.joinError;
      this.joinError = undefined;
      throw e;
    }
    this.maybeRefreshMetadata();
    if (this.state === 'STABLE' && !this.rejoinNeeded && this.assignmentSnapshotChanged()) this.requestRejoin();
    if (this.needRejoin()) {
      const join = this.ensureActiveGroup();
      let timer: NodeJS.Timeout | undefined;
      let waiting = true;
      const outcome = join.then(
        () => true,
        (e) => {
          if (waiting) this.joinError = undefined; // thrown here, not again by the next poll
          throw e;
        },
      );
      const done = await Promise.race([outcome, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), Math.max(0, timeoutMs))))]).finally(() => {
        clearTimeout(timer);
        waiting = false;
      });
      if (!done) return false;
    }
    this.maybeAutoCommit();
    return true;
  }

  /**
   * Java's `assignmentSnapshot.matches(metadataSnapshot)` negated: true when this member is the
   * leader and the cached metadata gives a group-subscribed topic another partition count than the
   * assignment was computed from (or the topic appeared or disappeared).
   */
  private assignmentSnapshotChanged(): boolean {
    const snapshot = this.assignmentSnapshot;
    if (!snapshot) return false;
    for (const t of this.groupSubscription) {
      if (this.cluster.metadata.partitionCount(t) !== snapshot.get(t)) return true;
    }
    return false;
  }

  /**
   * Every `metadata.max.age.ms` (from poll, group-assigned topics only; a RegExp subscription's
   * consumer refreshes all topics itself): refresh the metadata of the subscribed topics and of the
   * leader's group subscription in the background, then rejoin when the partition counts changed.
   * A failed refresh is retried at the next interval.
   */
  private maybeRefreshMetadata(): void {
    if (this.closed || this.metadataRefresh || this.subscriptions.type !== 'AUTO_TOPICS') return;
    const now = Date.now();
    if (now - this.lastMetadataRefreshMs < this.config.metadataMaxAgeMs) return;
    this.lastMetadataRefreshMs = now;
    const topics = [...new Set([...this.subscriptions.subscription, ...this.groupSubscription])].sort();
    if (topics.length === 0) return;
    const refresh = this.cluster.refreshMetadata(topics).then(
      () => {
        if (!this.closed && this.state === 'STABLE' && !this.rejoinNeeded && this.assignmentSnapshotChanged()) this.requestRejoin();
      },
      () => undefined,
    );
    this.metadataRefresh = refresh.finally(() => (this.metadataRefresh = undefined));
  }

  /** Join (or rejoin) the group; concurrent callers share one attempt. */
  ensureActiveGroup(): Promise<void> {
    if (!this.joining) {
      const p = this.joinGroupIfNeeded().finally(() => {
        if (this.joining === p) this.joining = undefined;
      });
      this.joining = p;
      // Kept for the next poll when nobody waits any more (poll timed out).
      p.catch((e) => {
        if (this.joining === undefined) this.joinError = e as Error;
      });
    }
    return this.joining;
  }

  private async joinGroupIfNeeded(): Promise<void> {
    let prepared = false;
    while (this.needRejoin() && !this.closed) {
      if (!prepared) {
        await this.onJoinPrepare();
        prepared = true;
      }
      try {
        this.rejoinNeeded = false;
        await this.joinAndSync();
      } catch (e) {
        this.rejoinNeeded = true;
        this.state = 'UNJOINED';
        if (e instanceof Retry) {
          if (e.backoff) await sleep(this.config.retryBackoffMs);
          continue;
        }
        const err = e as KafkaProtocolError;
        if (err.retriable || err.code === 'KTS_ERR_CONNECT') {
          this.cluster.invalidateCoordinator(this.groupId);
          await sleep(this.config.retryBackoffMs);
          continue;
        }
        throw e;
      }
    }
  }

  /** Before a rejoin (eager protocol): commit (auto-commit), revoke every partition. */
  private async onJoinPrepare(): Promise<void> {
    this.stopHeartbeat();
    const owned = this.subscriptions.assignedPartitions();
    const generationValid = this.generationId >= 0 && this.memberId !== '';
    if (generationValid && this.config.enableAutoCommit) {
      try {
        await this.commitOffsets(this.consumedOffsets(), this.config.defaultApiTimeoutMs);
      } catch {
        // As Java: a failed auto-commit before a rebalance is logged, not thrown.
      }
    }
    if (owned.length > 0) {
      if (generationValid) await this.listener.onPartitionsRevoked?.(owned);
      else await (this.listener.onPartitionsLost ?? this.listener.onPartitionsRevoked)?.call(this.listener, owned);
    }
    this.subscriptions.assignFromSubscribed([]);
    this.onAssignmentChange();
  }

  private resetGeneration(resetMemberId: boolean): void {
    this.generationId = -1;
    this.protocolName = null;
    if (resetMemberId) this.memberId = '';
    this.state = 'UNJOINED';
  }

  private handleGroupError(code: number, what: string): never {
    switch (code) {
      case E.MEMBER_ID_REQUIRED:
        throw new Retry(false, what);
      case E.UNKNOWN_MEMBER_ID:
        this.resetGeneration(true);
        throw new Retry(false, what);
      case E.ILLEGAL_GENERATION:
        this.resetGeneration(false);
        throw new Retry(false, what);
      case E.REBALANCE_IN_PROGRESS:
        throw new Retry(false, what);
      case E.NOT_COORDINATOR:
      case E.COORDINATOR_NOT_AVAILABLE:
        this.cluster.invalidateCoordinator(this.groupId);
        throw new Retry(true, what);
      case E.COORDINATOR_LOAD_IN_PROGRESS:
        throw new Retry(true, what);
      default:
        throw new KafkaProtocolError(code, `${what} of group ${this.groupId}`);
    }
  }

  private async joinAndSync(): Promise<void> {
    this.state = 'REBALANCING';
    const coordinator = await this.cluster.coordinatorFor(this.groupId);
    const conn = await this.cluster.connectionTo(coordinator);
    const topics = [...this.subscriptions.subscription].sort();
    const metadata = encodeSubscription({ topics }, 1);
    const rebalanceTimeoutMs = this.config.maxPollIntervalMs;
    const timeoutMs = Math.max(this.config.requestTimeoutMs, rebalanceTimeoutMs + 5000);
    const jv = conn.versionFor(Apis.JoinGroup);
    if (jv === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${conn.address} does not support JoinGroup`);
    const join = await conn.request(
      Apis.JoinGroup,
      {
        groupId: this.groupId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.config.groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: this.config.assignors.map((a) => ({ name: a.name, metadata })),
        reason: null,
      } as any,
      { timeoutMs },
    );
    if (join.errorCode === E.MEMBER_ID_REQUIRED) this.memberId = join.memberId;
    if (join.errorCode !== E.NONE) this.handleGroupError(join.errorCode, 'JoinGroup');
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    this.protocolName = join.protocolName;
    this.assignmentSnapshot = null;
    this.groupSubscription = new Set();
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (join.leader === join.memberId && !join.skipAssignment) assignments = await this.performAssignment(join.protocolName ?? '', join.members);
    const sync = await conn.request(
      Apis.SyncGroup,
      {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.config.groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocolName: this.protocolName,
        assignments,
      } as any,
      { timeoutMs },
    );
    if (sync.errorCode !== E.NONE) this.handleGroupError(sync.errorCode, 'SyncGroup');
    if (this.closed) return;
    const assignment = decodeAssignment(sync.assignment);
    const subscribed = this.subscriptions.subscription;
    const tps: TopicPartition[] = [];
    for (const t of assignment.partitions) if (subscribed.has(t.topic)) for (const p of t.partitions) tps.push({ topic: t.topic, partition: p });
    this.subscriptions.assignFromSubscribed(tps);
    this.state = 'STABLE';
    this.nextAutoCommit = Date.now() + this.config.autoCommitIntervalMs;
    this.scheduleHeartbeat();
    this.onAssignmentChange();
    await this.listener.onPartitionsAssigned?.(tps);
  }

  /** The leader's part: run the chosen assignor over every member's subscription. */
  private async performAssignment(protocol: string, members: { memberId: string; groupInstanceId?: string | null; metadata: Buffer }[]): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.config.assignors.find((a) => a.name === protocol);
    if (!assignor) throw new KafkaProtocolError('INCONSISTENT_GROUP_PROTOCOL', `the group chose assignor ${protocol}, which this consumer does not have`);
    const subs = members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, topics: decodeSubscription(m.metadata).topics }));
    const all = [...new Set(subs.flatMap((s) => s.topics))];
    // Topics that do not exist are left out (as Java); a failed refresh fails this join (retried).
    await this.cluster.refreshMetadata(all);
    this.lastMetadataRefreshMs = Date.now();
    const partitionsPerTopic = new Map<string, number>();
    for (const t of all.sort()) {
      const n = this.cluster.metadata.partitionCount(t);
      if (n !== undefined) partitionsPerTopic.set(t, n);
    }
    this.groupSubscription = new Set(all);
    this.assignmentSnapshot = new Map(partitionsPerTopic);
    const result = assignor.assign(partitionsPerTopic, subs);
    return subs.map((s) => ({ memberId: s.memberId, assignment: encodeAssignment({ partitions: result.get(s.memberId) ?? [], userData: null }) }));
  }

  private scheduleHeartbeat(delay = this.config.heartbeatIntervalMs): void {
    this.stopHeartbeat();
    if (this.closed || this.state !== 'STABLE') return;
    this.heartbeatTimer = setTimeout(() => void this.sendHeartbeat(), delay);
    this.heartbeatTimer.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async sendHeartbeat(): Promise<void> {
    this.heartbeatTimer = undefined;
    if (this.state !== 'STABLE' || this.closed) return;
    const generation = this.generationId;
    const memberId = this.memberId;
    if (Date.now() - this.lastPollMs > this.config.maxPollIntervalMs) {
      // As Java's heartbeat thread: the application stopped polling, give the partitions to the others.
      await this.leave('consumer poll timeout has expired (max.poll.interval.ms)', false);
      this.onWake();
      return;
    }
    try {
      const coordinator = await this.cluster.coordinatorFor(this.groupId);
      const r = await this.cluster.request(coordinator, Apis.Heartbeat, { groupId: this.groupId, generationId: generation, memberId, groupInstanceId: this.config.groupInstanceId } as any);
      if (this.generationId !== generation || this.memberId !== memberId || this.closed) return;
      switch (r.errorCode) {
        case E.NONE:
          return this.scheduleHeartbeat();
        case E.REBALANCE_IN_PROGRESS:
          return this.requestRejoin();
        case E.ILLEGAL_GENERATION:
        case E.FENCED_INSTANCE_ID:
          this.resetGeneration(false);
          return this.requestRejoin();
        case E.UNKNOWN_MEMBER_ID:
          this.resetGeneration(true);
          return this.requestRejoin();
        case E.NOT_COORDINATOR:
        case E.COORDINATOR_NOT_AVAILABLE:
          this.cluster.invalidateCoordinator(this.groupId);
          return this.scheduleHeartbeat(this.config.retryBackoffMs);
        default:
          if (errorByCode(r.errorCode)?.retriable) return this.scheduleHeartbeat(this.config.retryBackoffMs);
          return this.requestRejoin();
      }
    } catch {
      if (this.closed) return;
      this.cluster.invalidateCoordinator(this.groupId);
      this.scheduleHeartbeat(this.config.retryBackoffMs);
    }
  }

  /** Positions of the assigned partitions, as offsets to commit. */
  consumedOffsets(): OffsetAndMetadata[] {
    return [...this.subscriptions.allConsumed().values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: '' }));
  }

  private maybeAutoCommit(): void {
    if (!this.config.enableAutoCommit || this.autoCommitInFlight) return;
    const now = Date.now();
    if (now < this.nextAutoCommit) return;
    this.nextAutoCommit = now + this.config.autoCommitIntervalMs;
    const offsets = this.consumedOffsets();
    if (offsets.length === 0) return;
    this.autoCommitInFlight = this.commitOffsets(offsets, this.config.defaultApiTimeoutMs)
      .catch(() => undefined)
      .finally(() => (this.autoCommitInFlight = undefined));
  }

  /**
   * OffsetCommit `offsets`, retrying coordinator errors until `timeoutMs`. Errors: CommitFailedError,
   * KafkaProtocolError REBALANCE_IN_PROGRESS (the member must poll to rejoin first) and the broker's
   * other errors (OFFSET_METADATA_TOO_LARGE, GROUP_AUTHORIZATION_FAILED...); REQUEST_TIMED_OUT after `timeoutMs`.
   */
  async commitOffsets(offsets: OffsetAndMetadata[], timeoutMs: number): Promise<void> {
    if (offsets.length === 0) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let retryCode: number | undefined;
      try {
        const coordinator = await this.cluster.coordinatorFor(this.groupId);
        const conn = await this.cluster.connectionTo(coordinator);
        const v = conn.versionFor(Apis.OffsetCommit);
        if (v === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${conn.address} does not support OffsetCommit`);
        const inGroup = this.autoAssigned && this.state === 'STABLE';
        const topics = new Map<string, { name: string; partitions: any[] }>();
        for (const o of offsets) {
          let t = topics.get(o.topic);
          if (!t) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
          t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: o.metadata ?? '' });
        }
        const r = await conn.request(
          Apis.OffsetCommit,
          {
            groupId: this.groupId,
            generationIdOrMemberEpoch: inGroup ? this.generationId : -1,
            memberId: inGroup ? this.memberId : '',
            ...(v >= 7 ? { groupInstanceId: inGroup ? this.config.groupInstanceId : null } : {}),
            topics: [...topics.values()],
          } as any,
          { version: v },
        );
        for (const t of r.topics) {
          for (const p of t.partitions) {
            const code = p.errorCode;
            if (code === E.NONE) continue;
            if (code === E.NOT_COORDINATOR || code === E.COORDINATOR_NOT_AVAILABLE || code === E.REQUEST_TIMED_OUT) {
              this.cluster.invalidateCoordinator(this.groupId);
              retryCode = code;
            } else if (code === E.COORDINATOR_LOAD_IN_PROGRESS) {
              retryCode = code;
            } else if (code === E.REBALANCE_IN_PROGRESS) {
              this.requestRejoin();
              throw new KafkaProtocolError(code, `Offset commit cannot be completed since the consumer is undergoing a rebalance (RebalanceInProgressException); poll to rejoin`);
            } else if (code === E.ILLEGAL_GENERATION || code === E.UNKNOWN_MEMBER_ID || code === E.FENCED_INSTANCE_ID) {
              this.resetGeneration(code === E.UNKNOWN_MEMBER_ID);
              this.requestRejoin();
              throw new CommitFailedError(new KafkaProtocolError(code, `OffsetCommit of group ${this.groupId}`));
            } else {
              throw new KafkaProtocolError(code, `OffsetCommit ${t.name}-${p.partitionIndex} of group ${this.groupId}`);
            }
          }
        }
        if (retryCode === undefined) return;
      } catch (e) {
        const err = e as KafkaProtocolError;
        if (!(err.retriable || err.code === 'KTS_ERR_CONNECT')) throw e;
        this.cluster.invalidateCoordinator(this.groupId);
        retryCode = err.errorCode ?? E.COORDINATOR_NOT_AVAILABLE;
      }
      if (Date.now() + this.config.retryBackoffMs > deadline) throw new KafkaProtocolError('REQUEST_TIMED_OUT', `OffsetCommit of group ${this.groupId} did not complete in ${timeoutMs} ms (last error code ${retryCode})`);
      await sleep(this.config.retryBackoffMs);
    }
  }

  /**
   * OffsetFetch: the committed offsets of `tps` (keyed `${topic}-${partition}`, null when none),
   * asking for stable offsets (v7+). Retries coordinator errors and UNSTABLE_OFFSET_COMMIT until
   * `timeoutMs`. Errors: the broker's (GROUP_AUTHORIZATION_FAILED...), REQUEST_TIMED_OUT.
   */
  async fetchCommittedOffsets(tps: TopicPartition[], timeoutMs: number): Promise<Map<string, { offset: number; metadata: string; leaderEpoch: number } | null>> {
    const deadline = Date.now() + timeoutMs;
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) {
      let l = byTopic.get(tp.topic);
      if (!l) byTopic.set(tp.topic, (l = []));
      l.push(tp.partition);
    }
    const topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
    for (;;) {
      let retry = false;
      try {
        const coordinator = await this.cluster.coordinatorFor(this.groupId);
        const conn = await this.cluster.connectionTo(coordinator);
        const v = conn.versionFor(Apis.OffsetFetch);
        if (v === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${conn.address} does not support OffsetFetch`);
        const body =
          v >= 8
            ? { groups: [{ groupId: this.groupId, memberId: null, memberEpoch: -1, topics }], requireStable: true }
            : { groupId: this.groupId, topics, ...(v >= 7 ? { requireStable: true } : {}) };
        const r: any = await conn.request(Apis.OffsetFetch, body as any, { version: v });
        const group = v >= 8 ? r.groups[0] : r;
        const code: number = group?.errorCode ?? 0;
        const out = new Map<string, { offset: number; metadata: string; leaderEpoch: number } | null>();
        if (code === E.NOT_COORDINATOR || code === E.COORDINATOR_NOT_AVAILABLE || code === E.COORDINATOR_LOAD_IN_PROGRESS) {
          if (code !== E.COORDINATOR_LOAD_IN_PROGRESS) this.cluster.invalidateCoordinator(this.groupId);
          retry = true;
        } else if (code !== 0) {
          throw new KafkaProtocolError(code, `OffsetFetch of group ${this.groupId}`);
        } else {
          for (const t of group.topics) {
            for (const p of t.partitions) {
              if (p.errorCode === E.UNSTABLE_OFFSET_COMMIT) retry = true;
              else if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `OffsetFetch ${t.name}-${p.partitionIndex} of group ${this.groupId}`);
              else out.set(`${t.name}-${p.partitionIndex}`, p.committedOffset < 0 ? null : { offset: p.committedOffset, metadata: p.metadata ?? '', leaderEpoch: p.committedLeaderEpoch ?? -1 });
            }
          }
          if (!retry) {
            for (const tp of tps) if (!out.has(`${tp.topic}-${tp.partition}`)) out.set(`${tp.topic}-${tp.partition}`, null);
            return out;
          }
        }
      } catch (e) {
        const err = e as KafkaProtocolError;
        if (!(err.retriable || err.code === 'KTS_ERR_CONNECT')) throw e;
        this.cluster.invalidateCoordinator(this.groupId);
      }
      if (Date.now() + this.config.retryBackoffMs > deadline) throw new KafkaProtocolError('REQUEST_TIMED_OUT', `OffsetFetch of group ${this.groupId} did not complete in ${timeoutMs} ms`);
      await sleep(this.config.retryBackoffMs);
    }
  }

  /**
   * Leave the group (unsubscribe/close; `revoke` false when max.poll.interval.ms expired: the next
   * poll calls onPartitionsLost): revoke callbacks, then LeaveGroup unless the member is static.
   * Errors from LeaveGroup are ignored (the session timeout removes the member anyway).
   */
  async leave(reason: string, revoke = true): Promise<void> {
    this.stopHeartbeat();
    const memberId = this.memberId;
    const owned = this.subscriptions.assignedPartitions();
    if (revoke && owned.length > 0 && this.autoAssigned && this.state === 'STABLE') {
      try {
        await this.listener.onPartitionsRevoked?.(owned);
      } catch {
        // a listener error must not keep the member in the group
      }
    }
    this.resetGeneration(true);
    this.rejoinNeeded = true;
    this.assignmentSnapshot = null;
    this.groupSubscription = new Set();
    if (memberId === '' || this.config.groupInstanceId !== null) return;
    try {
      const coordinator = await this.cluster.coordinatorFor(this.groupId);
      const conn = await this.cluster.connectionTo(coordinator);
      const v = conn.versionFor(Apis.LeaveGroup) ?? 0;
      await conn.request(Apis.LeaveGroup, (v >= 3 ? { groupId: this.groupId, members: [{ memberId, groupInstanceId: null, reason }] } : { groupId: this.groupId, memberId }) as any, { version: v, timeoutMs: Math.min(this.config.requestTimeoutMs, 5000) });
    } catch {
      // ignored, see above
    }
  }

  /** Stop heartbeats and auto-commits (the consumer is closing). */
  close(): void {
    this.closed = true;
    this.stopHeartbeat();
  }

  /** Wait for an auto-commit in flight. */
  async settle(): Promise<void> {
    await this.autoCommitInFlight;
  }
}
