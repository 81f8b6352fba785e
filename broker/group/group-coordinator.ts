/**
 * GroupCoordinator: Kafka's classic consumer-group coordinator for this one broker, which coordinates
 * every group. It runs the group membership protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, with
 * dynamic members (KIP-394 member ids) and static members (KIP-345 group.instance.id)), stores
 * committed offsets (OffsetCommit / OffsetFetch / OffsetDelete, delegated to OffsetManager) and answers
 * the admin APIs (DescribeGroups, ListGroups, DeleteGroups). Group metadata and offsets are durable in
 * lmdb (GroupStore; records by group-records.ts), so offsets, generations and assignments survive a
 * restart as they survive a coordinator move in Kafka.
 *
 * Modules: member-metadata.ts and group-metadata.ts (state of one member / one group, Kafka's
 * MemberMetadata / GroupMetadata), offset-manager.ts (offsets), group-store.ts (lmdb), timers.ts
 * (session, join and sync timers), consumer-protocol.ts (subscribed topics), coordinator-types.ts
 * (inputs and results).
 *
 * The rebalance, as Kafka runs it:
 * 1. A member joins (or a member leaves, fails its session, or the leader rejoins): the group moves to
 *    PreparingRebalance and waits until every known member has sent JoinGroup again, or until the
 *    rebalance timeout (the largest of the members', ms) ends; members that did not rejoin are then
 *    removed. A new (Empty) group first waits `group.initial.rebalance.delay.ms`, extended by that much
 *    while members keep joining, up to the rebalance timeout (InitialDelayedJoin).
 * 2. CompletingRebalance: generation + 1, a protocol every member supports is chosen by vote, and every
 *    JoinGroup is answered; the leader's answer lists every member with its metadata.
 * 3. The leader's SyncGroup carries the assignment: it is stored, every SyncGroup is answered with the
 *    member's share (an empty Buffer for members left out), and the group is Stable. Members that do not
 *    send SyncGroup within the rebalance timeout are removed and a new rebalance starts.
 * Sessions: every member must heartbeat within its session timeout (ms) or be removed (a rebalance
 * follows). Members awaiting a JoinGroup or SyncGroup answer need not heartbeat; a new member's pending
 * JoinGroup expires after 5 minutes (NewMemberJoinTimeoutMs).
 *
 * Errors are answered as Kafka error codes inside the results (never thrown): INVALID_GROUP_ID (24),
 * UNKNOWN_MEMBER_ID (25), ILLEGAL_GENERATION (22), INCONSISTENT_GROUP_PROTOCOL (23),
 * INVALID_SESSION_TIMEOUT (26), REBALANCE_IN_PROGRESS (27), MEMBER_ID_REQUIRED (79),
 * GROUP_MAX_SIZE_REACHED (81), FENCED_INSTANCE_ID (82), OFFSET_METADATA_TOO_LARGE (12),
 * GROUP_ID_NOT_FOUND (69), NON_EMPTY_GROUP (68), GROUP_SUBSCRIBED_TO_TOPIC (86),
 * COORDINATOR_NOT_AVAILABLE (15) after shutdown or when the store fails, NOT_COORDINATOR (16) for
 * requests still waiting at shutdown.
 *
 * Deliberate differences from Kafka: a JoinGroup or SyncGroup superseded by a second one from the same
 * member is answered REBALANCE_IN_PROGRESS (Kafka drops the first answer: it cannot happen on its muted
 * sockets); a member removed while its SyncGroup waits gets UNKNOWN_MEMBER_ID; topics are not
 * authorized (no ACLs).
 *
 * Source: Kafka 3.x `core/src/main/scala/kafka/coordinator/group/GroupCoordinator.scala`,
 * `GroupMetadataManager.scala` (offsets, expiry), `DelayedJoin.scala`, `DelayedHeartbeat.scala`,
 * `DelayedSync.scala`; validation rules of KafkaApis' group handlers.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { errorCode, type KafkaErrorName } from '../../client/protocol/index.js';
import type { KafkaConfig } from '../config/kafka-config.js';
import type {
  GroupDescription,
  GroupOverview,
  HeartbeatParams,
  JoinGroupParams,
  JoinGroupResult,
  LeaveGroupResult,
  LeavingMember,
  OffsetCommitParams,
  OffsetDeleteResult,
  OffsetFetchResult,
  SyncGroupParams,
  SyncGroupResult,
  TopicPartitionRef,
} from './coordinator-types.js';
import { GroupMetadata, joinError, syncError } from './group-metadata.js';
import { restoreGroup, toStoredGroup } from './group-records.js';
import { GroupStore } from './group-store.js';
import { MemberMetadata, type Protocol } from './member-metadata.js';
import { OffsetManager, type OffsetManagerHost } from './offset-manager.js';
import { Timers } from './timers.js';

export type * from './coordinator-types.js';
export type { GroupState, OffsetAndMetadata } from './group-metadata.js';
export { GROUP_STATES } from './group-metadata.js';

/** What GroupCoordinator.open needs. */
export interface GroupCoordinatorOptions {
  /** Directory of the lmdb store of groups and committed offsets (created if missing). */
  dir: string;
  /**
   * Broker config: group.initial.rebalance.delay.ms, group.min/max.session.timeout.ms, group.max.size,
   * offsets.retention.minutes, offsets.retention.check.interval.ms, offset.metadata.max.bytes.
   */
  config: KafkaConfig;
  logger: Logger;
  /** Wall clock, ms. Default Date.now. */
  now?: () => number;
}

/** How long a new member's first JoinGroup may wait for the rebalance (Kafka's NewMemberJoinTimeoutMs, 5 min). */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** The bit field DescribeGroups v3+ reports for a group when asked: READ (3), DELETE (6), DESCRIBE (8) (no authorizer). */
export const GROUP_AUTHORIZED_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

const E = (name: KafkaErrorName): number => errorCode(name);
const NONE = 0;
const SEP = '\u0000';

/** See the module comment. Open with GroupCoordinator.open. */
export class GroupCoordinator {
  private readonly groups = new Map<string, GroupMetadata>();
  private readonly timers = new Timers();
  /** Groups with a pending DelayedJoin: 'initial' (InitialDelayedJoin, never completes early) or 'normal'. */
  private readonly joinOps = new Map<string, 'initial' | 'normal'>();
  private active = true;
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly config: KafkaConfig;
  private readonly logger: Logger;
  private readonly now: () => number;

  private readonly offsets: OffsetManager;

  private constructor(
    readonly options: GroupCoordinatorOptions,
    private readonly store: GroupStore,
  ) {
    this.config = options.config;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    const host: OffsetManagerHost = {
      groups: this.groups,
      isActive: () => this.active,
      groupStatusError: (id, allowEmpty) => this.groupStatusError(id, allowEmpty),
      addGroup: (id) => this.addGroup(id),
      removeGroup: (g) => this.removeGroup(g),
      validateCurrentMember: (g, m, i, op) => this.validateCurrentMember(g, m, i, op),
      touchMember: (g, m) => this.scheduleHeartbeat(g, m, m.sessionTimeoutMs),
    };
    this.offsets = new OffsetManager(host, store, this.config, this.logger, this.now);
  }

  /**
   * Open the store in `options.dir`, load every group and offset (members of loaded groups get a fresh
   * session timeout, as after a Kafka coordinator failover) and start the offset expiry job (every
   * offsets.retention.check.interval.ms). Errors: lmdb's.
   */
  static async open(options: GroupCoordinatorOptions): Promise<GroupCoordinator> {
    const store = GroupStore.open(options.dir);
    const c = new GroupCoordinator(options, store);
    c.load();
    c.retentionTimer = setInterval(() => void c.cleanupExpiredOffsets().catch((e) => c.logger.error({ err: e }, 'offset expiry failed')), options.config.offsetsRetentionCheckIntervalMs);
    c.retentionTimer.unref();
    return c;
  }

  // --- JoinGroup -------------------------------------------------------------------------------------

  /**
   * JoinGroup: resolves when the member may proceed (a completed join phase, or an immediate answer:
   * MEMBER_ID_REQUIRED with a new id, an error, or the current generation for a follower that rejoins a
   * Stable group unchanged). See the module comment for errors.
   */
  joinGroup(p: JoinGroupParams): Promise<JoinGroupResult> {
    const statusError = this.groupStatusError(p.groupId, false);
    if (statusError) return Promise.resolve(joinError(p.memberId, statusError));
    if (p.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs || p.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs) {
      return Promise.resolve(joinError(p.memberId, E('INVALID_SESSION_TIMEOUT')));
    }
    const isUnknownMember = p.memberId === '';
    let group = this.groups.get(p.groupId);
    if (!group) {
      // A group is created by a member without id; a member id for a group that does not exist is unknown.
      if (!isUnknownMember) return Promise.resolve(joinError(p.memberId, E('UNKNOWN_MEMBER_ID')));
      group = this.addGroup(p.groupId);
    }
    const g = group;
    return new Promise<JoinGroupResult>((resolve) => {
      if (!this.acceptJoiningMember(g, p.memberId)) {
        const m = g.members.get(p.memberId);
        if (m) this.removeMember(g, m, E('GROUP_MAX_SIZE_REACHED'));
        resolve(joinError('', E('GROUP_MAX_SIZE_REACHED')));
      } else if (isUnknownMember) {
        this.doNewMemberJoinGroup(g, p, resolve);
      } else {
        this.doCurrentMemberJoinGroup(g, p, resolve);
      }
      if (g.is('PreparingRebalance')) this.tryCompleteJoin(g);
    });
  }

  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.has(memberId) && group.get(memberId).isAwaitingJoin) || group.numAwaiting < this.config.groupMaxSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.size < this.config.groupMaxSize;
    }
  }

  private doNewMemberJoinGroup(group: GroupMetadata, p: JoinGroupParams, resolve: (r: JoinGroupResult) => void): void {
    if (group.is('Dead')) return resolve(joinError('', E('COORDINATOR_NOT_AVAILABLE')));
    if (!group.supportsProtocols(p.protocolType, p.protocols.map((x) => x.name))) return resolve(joinError('', E('INCONSISTENT_GROUP_PROTOCOL')));
    const newMemberId = `${p.groupInstanceId ?? p.clientId}-${crypto.randomUUID()}`;
    if (p.groupInstanceId !== null) {
      const oldMemberId = group.currentStaticMemberId(p.groupInstanceId);
      if (oldMemberId !== undefined) {
        this.logger.info({ groupId: group.groupId, groupInstanceId: p.groupInstanceId, oldMemberId, newMemberId, state: group.state }, 'static member rejoins with unknown member id: replacing its member id');
        this.updateStaticMemberAndRebalance(group, oldMemberId, newMemberId, p, resolve);
      } else {
        this.addMemberAndRebalance(group, newMemberId, p, resolve);
      }
    } else if (p.requireKnownMemberId) {
      // KIP-394: register a pending member and have it rejoin with its id.
      group.addPendingMember(newMemberId);
      this.timers.set(this.pendingKey(group, newMemberId), p.sessionTimeoutMs, () => {
        if (this.groups.get(group.groupId) === group && group.isPendingMember(newMemberId)) {
          this.logger.info({ groupId: group.groupId, memberId: newMemberId }, 'pending member removed after session timeout expiration');
          this.removePendingMemberAndUpdateGroup(group, newMemberId);
        }
      });
      resolve(joinError(newMemberId, E('MEMBER_ID_REQUIRED')));
    } else {
      this.addMemberAndRebalance(group, newMemberId, p, resolve);
    }
  }

  private doCurrentMemberJoinGroup(group: GroupMetadata, p: JoinGroupParams, resolve: (r: JoinGroupResult) => void): void {
    const memberId = p.memberId;
    if (group.is('Dead')) return resolve(joinError(memberId, E('COORDINATOR_NOT_AVAILABLE')));
    if (!group.supportsProtocols(p.protocolType, p.protocols.map((x) => x.name))) return resolve(joinError(memberId, E('INCONSISTENT_GROUP_PROTOCOL')));
    if (group.isPendingMember(memberId)) {
      // Pending members are dynamic: an instance id here is a confused client (Kafka: IllegalStateException).
      if (p.groupInstanceId !== null) return resolve(joinError(memberId, E('UNKNOWN_MEMBER_ID')));
      this.addMemberAndRebalance(group, memberId, p, resolve);
      return;
    }
    const err = this.validateCurrentMember(group, memberId, p.groupInstanceId, 'join-group');
    if (err) return resolve(joinError(memberId, err));
    const member = group.get(memberId);
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(group, member, p, `member ${memberId} joining group during PreparingRebalance`, resolve);
        return;
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // Same metadata (it probably missed the JoinGroup answer): answer with the current generation.
          resolve(this.currentGenerationResult(group, memberId, group.isLeader(memberId)));
        } else {
          this.updateMemberAndRebalance(group, member, p, `updating metadata for member ${memberId} during CompletingRebalance`, resolve);
        }
        return;
      case 'Stable':
        if (group.isLeader(memberId)) {
          // The leader rejoining forces a rebalance (it may have seen metadata changes).
          this.updateMemberAndRebalance(group, member, p, `leader ${memberId} re-joining group during Stable`, resolve);
        } else if (!member.matches(p.protocols)) {
          this.updateMemberAndRebalance(group, member, p, `updating metadata for member ${memberId} during Stable`, resolve);
        } else {
          resolve(this.currentGenerationResult(group, memberId, false));
        }
        return;
      case 'Empty':
      case 'Dead':
        resolve(joinError(memberId, E('UNKNOWN_MEMBER_ID')));
    }
  }

  private currentGenerationResult(group: GroupMetadata, memberId: string, withMembers: boolean): JoinGroupResult {
    return {
      errorCode: NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType ?? null,
      protocolName: group.protocolName ?? null,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, p: JoinGroupParams, resolve: (r: JoinGroupResult) => void): void {
    const member = new MemberMetadata(memberId, p.groupInstanceId, p.clientId, p.clientHost, p.rebalanceTimeoutMs, p.sessionTimeoutMs, p.protocolType, p.protocols);
    member.isNew = true;
    // A member joining during the initial delay extends it.
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, resolve);
    this.timers.clear(this.pendingKey(group, memberId));
    this.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding new member ${memberId} with group instance id ${p.groupInstanceId}${p.reason ? `; client reason: ${p.reason}` : ''}`);
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, p: JoinGroupParams, reason: string, resolve: (r: JoinGroupResult) => void): void {
    this.setJoinCallback(group, member, p.protocols, resolve);
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    this.maybePrepareRebalance(group, p.reason ? `${reason}; client reason: ${p.reason}` : reason);
  }

  /** updateMember with a new JoinGroup callback; a JoinGroup it supersedes is answered REBALANCE_IN_PROGRESS. */
  private setJoinCallback(group: GroupMetadata, member: MemberMetadata, protocols: Protocol[], resolve: (r: JoinGroupResult) => void): void {
    group.maybeInvokeJoinCallback(member, joinError(member.memberId, E('REBALANCE_IN_PROGRESS')));
    group.updateMember(member, protocols, resolve);
  }

  /**
   * A static member rejoined without member id: it takes over the old member's place under a new id.
   * In a Stable group whose selected protocol stays the same there is no rebalance: the group is stored
   * and the member gets the current generation (Kafka's updateStaticMemberAndRebalance).
   */
  private updateStaticMemberAndRebalance(group: GroupMetadata, oldMemberId: string, newMemberId: string, p: JoinGroupParams, resolve: (r: JoinGroupResult) => void): void {
    const instanceId = p.groupInstanceId!;
    const currentLeader = group.leaderId ?? '';
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId, E('FENCED_INSTANCE_ID'));
    this.timers.clear(this.heartbeatKey(group, oldMemberId));
    this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    const oldProtocols = member.supportedProtocols;
    const oldTimeouts = [member.rebalanceTimeoutMs, member.sessionTimeoutMs] as const;
    this.setJoinCallback(group, member, p.protocols, resolve);
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== group.selectProtocol()) {
          this.maybePrepareRebalance(group, `group's selected protocol will change because static member ${newMemberId} with instance id ${instanceId} joined with change of protocol`);
          return;
        }
        const generation = group.generationId;
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
        this.store.putGroup(group.groupId, toStoredGroup(group, assignment)).then(
          () => {
            if (!group.is('Stable') || group.generationId !== generation) return; // a rebalance answers it
            const isLeader = group.isLeader(newMemberId);
            if (p.supportSkippingAssignment) {
              // v9+: the leader learns it leads but must not compute a new assignment (SkipAssignment).
              group.maybeInvokeJoinCallback(member, { ...this.currentGenerationResult(group, newMemberId, isLeader), skipAssignment: isLeader });
            } else {
              // Older versions: name the old leader, so that a replaced leader does not assign.
              group.maybeInvokeJoinCallback(member, { ...this.currentGenerationResult(group, newMemberId, false), leader: currentLeader });
            }
          },
          (e: unknown) => {
            this.logger.warn({ err: e, groupId: group.groupId }, 'failed to persist the group after a static member rejoined; reverting');
            if (!group.has(newMemberId)) return;
            group.updateMember(member, oldProtocols, undefined);
            [member.rebalanceTimeoutMs, member.sessionTimeoutMs] = oldTimeouts;
            const old = group.replaceStaticMember(instanceId, newMemberId, oldMemberId, E('COORDINATOR_NOT_AVAILABLE'));
            this.timers.clear(this.heartbeatKey(group, newMemberId));
            this.scheduleHeartbeat(group, old, old.sessionTimeoutMs);
            resolve(joinError('', E('COORDINATOR_NOT_AVAILABLE')));
          },
        );
        return;
      }
      case 'CompletingRebalance':
        // The old member id may already be in the leader's assignment: rebalance so that every member gets one.
        this.maybePrepareRebalance(group, `updating metadata for static member ${newMemberId} with instance id ${instanceId}`);
        return;
      default:
        // PreparingRebalance: the member's JoinGroup now waits with the others.
        return;
    }
  }

  private maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
  }

  /** Start a rebalance: answer waiting SyncGroups REBALANCE_IN_PROGRESS, move to PreparingRebalance, wait for joins. */
  private prepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, E('REBALANCE_IN_PROGRESS'));
    this.timers.clear(this.syncKey(group));
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now());
    this.logger.info({ groupId: group.groupId, generationId: group.generationId, reason }, `preparing to rebalance group ${group.groupId}`);
    if (wasEmpty) {
      const delay = this.config.groupInitialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      this.scheduleJoin(group);
    }
  }

  /** InitialDelayedJoin: wait `delayMs`; if members joined meanwhile and time remains, wait again. */
  private scheduleInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    this.joinOps.set(group.groupId, 'initial');
    this.timers.set(this.joinKey(group), delayMs, () => {
      if (this.groups.get(group.groupId) !== group) return;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const delay = Math.min(this.config.groupInitialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, delay, Math.max(remainingMs - delayMs, 0));
      } else {
        this.joinOps.delete(group.groupId);
        this.onCompleteJoin(group);
      }
    });
  }

  /** DelayedJoin: complete now if every member rejoined, else when the rebalance timeout ends. */
  private scheduleJoin(group: GroupMetadata): void {
    this.joinOps.set(group.groupId, 'normal');
    if (this.tryCompleteJoin(group)) return;
    this.timers.set(this.joinKey(group), group.rebalanceTimeoutMs, () => {
      if (this.groups.get(group.groupId) !== group || this.joinOps.get(group.groupId) !== 'normal') return;
      this.joinOps.delete(group.groupId);
      this.onCompleteJoin(group);
    });
  }

  /** Complete a pending (non-initial) join phase when every member has rejoined. */
  private tryCompleteJoin(group: GroupMetadata): boolean {
    if (this.joinOps.get(group.groupId) !== 'normal' || !group.hasAllMembersJoined()) return false;
    this.joinOps.delete(group.groupId);
    this.timers.clear(this.joinKey(group));
    this.onCompleteJoin(group);
    return true;
  }

  /** The join phase ended: drop dynamic members that did not rejoin, start the next generation, answer every JoinGroup. */
  private onCompleteJoin(group: GroupMetadata): void {
    for (const m of group.notYetRejoinedMembers()) {
      if (m.isStaticMember) continue;
      this.logger.info({ groupId: group.groupId, memberId: m.memberId }, 'removing member that did not rejoin before the rebalance timeout');
      this.removeMember(group, m, E('UNKNOWN_MEMBER_ID'));
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Nobody rejoined: wait another rebalance timeout while sessions expire.
      this.logger.warn({ groupId: group.groupId }, 'could not complete rebalance because no members rejoined');
      this.scheduleJoin(group);
      return;
    }
    group.initNextGeneration(this.now());
    if (group.is('Empty')) {
      this.logger.info({ groupId: group.groupId, generationId: group.generationId }, `group ${group.groupId} is now empty`);
      this.store.putGroup(group.groupId, toStoredGroup(group, new Map())).catch((e: unknown) => this.logger.warn({ err: e, groupId: group.groupId }, 'failed to write empty group metadata'));
      return;
    }
    this.logger.info({ groupId: group.groupId, generationId: group.generationId, members: group.size, protocol: group.protocolName }, `stabilized group ${group.groupId}`);
    const leaderMembers = group.currentMemberMetadata();
    for (const m of [...group.members.values()]) {
      const isLeader = group.isLeader(m.memberId);
      group.maybeInvokeJoinCallback(m, { ...this.currentGenerationResult(group, m.memberId, false), members: isLeader ? leaderMembers : [] });
      this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    this.schedulePendingSync(group);
  }

  /** DelayedSync: members that have not sent SyncGroup within the rebalance timeout are removed. */
  private schedulePendingSync(group: GroupMetadata): void {
    const generation = group.generationId;
    this.timers.set(this.syncKey(group), group.rebalanceTimeoutMs, () => {
      if (this.groups.get(group.groupId) !== group || group.generationId !== generation) return;
      if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSyncMembers.size === 0) return;
      const missing = [...group.pendingSyncMembers];
      for (const id of missing) {
        const m = group.members.get(id);
        if (m) {
          group.maybeInvokeSyncCallback(m, syncError(E('UNKNOWN_MEMBER_ID')));
          group.maybeInvokeJoinCallback(m, joinError(id, E('UNKNOWN_MEMBER_ID')));
        }
        group.remove(id);
        this.timers.clear(this.heartbeatKey(group, id));
      }
      this.prepareRebalance(group, `removing ${missing.join(', ')} on pending sync request expiration`);
    });
  }

  private removePendingSyncMember(group: GroupMetadata, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.timers.clear(this.syncKey(group));
  }

  // --- SyncGroup -------------------------------------------------------------------------------------

  /**
   * SyncGroup: the leader's call stores the assignment and answers every waiting member; a follower's
   * call waits for the leader's (CompletingRebalance) or gets its assignment at once (Stable).
   * Errors: INVALID_GROUP_ID, UNKNOWN_MEMBER_ID (unknown group or member, Empty group), FENCED_INSTANCE_ID,
   * ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL (v5 protocol type/name), REBALANCE_IN_PROGRESS.
   */
  syncGroup(p: SyncGroupParams): Promise<SyncGroupResult> {
    const statusError = this.groupStatusError(p.groupId, false);
    if (statusError) return Promise.resolve(syncError(statusError));
    const group = this.groups.get(p.groupId);
    if (!group) return Promise.resolve(syncError(E('UNKNOWN_MEMBER_ID')));
    if (group.is('Dead')) return Promise.resolve(syncError(E('COORDINATOR_NOT_AVAILABLE')));
    const err =
      this.validateCurrentMember(group, p.memberId, p.groupInstanceId, 'sync-group') ||
      (p.generationId !== group.generationId ? E('ILLEGAL_GENERATION') : 0) ||
      (p.protocolType !== null && group.protocolType !== p.protocolType ? E('INCONSISTENT_GROUP_PROTOCOL') : 0) ||
      (p.protocolName !== null && group.protocolName !== p.protocolName ? E('INCONSISTENT_GROUP_PROTOCOL') : 0);
    if (err) return Promise.resolve(syncError(err));
    switch (group.state) {
      case 'Empty':
        return Promise.resolve(syncError(E('UNKNOWN_MEMBER_ID')));
      case 'PreparingRebalance':
        return Promise.resolve(syncError(E('REBALANCE_IN_PROGRESS')));
      case 'Stable': {
        this.removePendingSyncMember(group, p.memberId);
        const member = group.get(p.memberId);
        this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
        return Promise.resolve({ errorCode: NONE, protocolType: group.protocolType ?? null, protocolName: group.protocolName ?? null, assignment: member.assignment });
      }
      default: {
        // CompletingRebalance
        const member = group.get(p.memberId);
        return new Promise<SyncGroupResult>((resolve) => {
          group.maybeInvokeSyncCallback(member, syncError(E('REBALANCE_IN_PROGRESS')));
          member.awaitingSyncCallback = resolve;
          this.removePendingSyncMember(group, p.memberId);
          if (group.isLeader(p.memberId)) this.completeSyncFromLeader(group, p);
        });
      }
    }
  }

  private completeSyncFromLeader(group: GroupMetadata, p: SyncGroupParams): void {
    const given = new Map<string, Buffer>();
    for (const a of p.assignments) given.set(a.memberId, a.assignment);
    const assignment = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const id of group.members.keys()) {
      const a = given.get(id);
      if (a === undefined) missing.push(id);
      assignment.set(id, a ?? Buffer.alloc(0));
    }
    if (missing.length > 0) this.logger.warn({ groupId: group.groupId, generationId: group.generationId, missing }, 'setting empty assignments for members left out by the leader');
    const generation = group.generationId;
    this.store.putGroup(group.groupId, toStoredGroup(group, assignment)).then(
      () => {
        if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
        for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? Buffer.alloc(0);
        this.propagateAssignment(group, NONE);
        group.transitionTo('Stable', this.now());
        this.logger.info({ groupId: group.groupId, generationId: generation, members: group.size }, `assignment received from leader for group ${group.groupId}`);
      },
      (e: unknown) => {
        this.logger.warn({ err: e, groupId: group.groupId }, 'failed to store the group assignment');
        if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
        this.resetAndPropagateAssignmentError(group, E('COORDINATOR_NOT_AVAILABLE'));
        this.maybePrepareRebalance(group, 'error when storing group assignment during SyncGroup');
      },
    );
  }

  private resetAndPropagateAssignmentError(group: GroupMetadata, error: number): void {
    for (const m of group.members.values()) m.assignment = Buffer.alloc(0);
    this.propagateAssignment(group, error);
  }

  private propagateAssignment(group: GroupMetadata, error: number): void {
    for (const m of group.members.values()) {
      const result: SyncGroupResult =
        error === NONE ? { errorCode: NONE, protocolType: group.protocolType ?? null, protocolName: group.protocolName ?? null, assignment: m.assignment } : syncError(error);
      // A session that ran out while the member waited is restarted now.
      if (group.maybeInvokeSyncCallback(m, result)) this.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
    }
  }

  // --- Heartbeat ---------------------------------------------------------------------------------------

  /**
   * Heartbeat: restart the member's session. Returns a Kafka error code: NONE (Stable, CompletingRebalance),
   * REBALANCE_IN_PROGRESS (PreparingRebalance: the member must rejoin), UNKNOWN_MEMBER_ID,
   * FENCED_INSTANCE_ID, ILLEGAL_GENERATION, INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE.
   */
  heartbeat(p: HeartbeatParams): number {
    const statusError = this.groupStatusError(p.groupId, false);
    if (statusError) return statusError;
    const group = this.groups.get(p.groupId);
    if (!group) return E('UNKNOWN_MEMBER_ID');
    if (group.is('Dead')) return E('COORDINATOR_NOT_AVAILABLE');
    const err = this.validateCurrentMember(group, p.memberId, p.groupInstanceId, 'heartbeat') || (p.generationId !== group.generationId ? E('ILLEGAL_GENERATION') : 0);
    if (err) return err;
    if (group.is('Empty')) return E('UNKNOWN_MEMBER_ID');
    const member = group.get(p.memberId);
    this.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    return group.is('PreparingRebalance') ? E('REBALANCE_IN_PROGRESS') : NONE;
  }

  private scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata, timeoutMs: number): void {
    const memberId = member.memberId;
    this.timers.set(this.heartbeatKey(group, memberId), timeoutMs, () => this.onExpireHeartbeat(group, memberId));
  }

  private onExpireHeartbeat(group: GroupMetadata, memberId: string): void {
    if (this.groups.get(group.groupId) !== group || group.is('Dead')) return;
    const member = group.members.get(memberId);
    if (!member) return;
    // Members waiting for a JoinGroup or SyncGroup answer need no heartbeat, unless new (KIP-394).
    const satisfied = !member.isNew && (member.isAwaitingJoin || member.isAwaitingSync);
    if (satisfied) return;
    this.logger.info({ groupId: group.groupId, memberId }, 'member has failed (session timeout), removing it from the group');
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on heartbeat expiration`);
  }

  // --- LeaveGroup --------------------------------------------------------------------------------------

  /**
   * LeaveGroup: remove each member (by member id; by instance id when the member id is ''), which
   * starts a rebalance. Per-member errors: UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID. Group-level:
   * INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE (then no member results).
   */
  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    const statusError = this.groupStatusError(groupId, false);
    if (statusError) return { errorCode: statusError, members: [] };
    const group = this.groups.get(groupId);
    const result = (m: LeavingMember, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    if (!group) return { errorCode: NONE, members: leaving.map((m) => result(m, E('UNKNOWN_MEMBER_ID'))) };
    if (group.is('Dead')) return { errorCode: E('COORDINATOR_NOT_AVAILABLE'), members: [] };
    const members = leaving.map((l) => {
      const why = `removing member on LeaveGroup${l.reason ? `; client reason: ${l.reason}` : ''}`;
      if (l.memberId === '') {
        const current = l.groupInstanceId !== null ? group.currentStaticMemberId(l.groupInstanceId) : undefined;
        if (current === undefined) return result(l, E('UNKNOWN_MEMBER_ID'));
        this.removeMemberAndUpdateGroup(group, group.get(current), why);
        return result(l, NONE);
      }
      if (group.isPendingMember(l.memberId)) {
        this.timers.clear(this.pendingKey(group, l.memberId));
        this.removePendingMemberAndUpdateGroup(group, l.memberId);
        return result(l, NONE);
      }
      const err = this.validateCurrentMember(group, l.memberId, l.groupInstanceId, 'leave-group');
      if (err) return result(l, err);
      this.logger.info({ groupId, memberId: l.memberId, reason: l.reason }, 'member left the group through LeaveGroup');
      this.removeMemberAndUpdateGroup(group, group.get(l.memberId), why);
      return result(l, NONE);
    });
    return { errorCode: NONE, members };
  }

  /** Remove a member (answering its waiting requests with `error`) and its session timer. */
  private removeMember(group: GroupMetadata, member: MemberMetadata, error: number): void {
    group.maybeInvokeJoinCallback(member, joinError('', error));
    group.maybeInvokeSyncCallback(member, syncError(error));
    group.remove(member.memberId);
    this.timers.clear(this.heartbeatKey(group, member.memberId));
  }

  private removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    this.removeMember(group, member, E('UNKNOWN_MEMBER_ID'));
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        break;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        break;
      default:
    }
  }

  private removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    group.removePendingMember(memberId);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  /** FENCED_INSTANCE_ID / UNKNOWN_MEMBER_ID checks of a request naming a member (0 when valid). */
  private validateCurrentMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null, operation: string): number {
    if (groupInstanceId !== null) {
      const current = group.currentStaticMemberId(groupInstanceId);
      if (current === undefined) return E('UNKNOWN_MEMBER_ID');
      if (current !== memberId) {
        this.logger.info({ groupId: group.groupId, memberId, groupInstanceId, currentMemberId: current, operation }, 'static member fenced by a newer member id');
        return E('FENCED_INSTANCE_ID');
      }
      return NONE;
    }
    return group.has(memberId) ? NONE : E('UNKNOWN_MEMBER_ID');
  }

  // --- Offsets (OffsetManager) --------------------------------------------------------------------------

  /**
   * OffsetCommit: validate the committer, then store the offsets durably; one error code per entry.
   * See OffsetManager.commitOffsets.
   */
  commitOffsets(p: OffsetCommitParams): Promise<number[]> {
    return this.offsets.commitOffsets(p);
  }

  /** OffsetFetch of one group (every committed partition when `partitions` is null). See OffsetManager.fetchOffsets. */
  fetchOffsets(groupId: string, partitions: readonly TopicPartitionRef[] | null): OffsetFetchResult {
    return this.offsets.fetchOffsets(groupId, partitions);
  }

  /** OffsetDelete. See OffsetManager.deleteOffsets. */
  deleteOffsets(groupId: string, partitions: readonly TopicPartitionRef[]): Promise<OffsetDeleteResult> {
    return this.offsets.deleteOffsets(groupId, partitions);
  }

  /**
   * Remove expired offsets (KIP-211, offsets.retention.minutes) and groups left Empty without offsets.
   * Runs every offsets.retention.check.interval.ms; public for tests and tools. Resolves to the number
   * of offsets removed.
   */
  cleanupExpiredOffsets(): Promise<number> {
    return this.offsets.cleanupExpiredOffsets();
  }

  /** Drop every group's offsets of a deleted topic; groups left Empty without offsets are removed. */
  onTopicDeleted(topic: string): Promise<void> {
    return this.offsets.onTopicDeleted(topic);
  }

  // --- Admin: DescribeGroups, ListGroups, DeleteGroups --------------------------------------------------

  /**
   * DescribeGroups of one group: state, protocol type, protocol (when Stable) and members (with metadata
   * and assignment when Stable). An unknown group is described as Dead without error, as Kafka does.
   */
  describeGroup(groupId: string): GroupDescription {
    const statusError = this.groupStatusError(groupId, true);
    if (statusError) return { errorCode: statusError, groupId, state: '', protocolType: '', protocol: '', members: [] };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: NONE, groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
    const s = group.summary();
    return { errorCode: NONE, groupId, state: s.state, protocolType: s.protocolType, protocol: s.protocol, members: s.members };
  }

  /**
   * ListGroups: every group with its protocol type and state, optionally only those whose state is in
   * `states` (compared case-insensitively; empty = all). errorCode COORDINATOR_NOT_AVAILABLE after shutdown.
   */
  listGroups(states: readonly string[] = []): { errorCode: number; groups: GroupOverview[] } {
    if (!this.active) return { errorCode: E('COORDINATOR_NOT_AVAILABLE'), groups: [] };
    const wanted = new Set(states.map((s) => s.toLowerCase()));
    const groups: GroupOverview[] = [];
    for (const g of this.groups.values()) {
      if (wanted.size > 0 && !wanted.has(g.state.toLowerCase())) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state });
    }
    return { errorCode: NONE, groups };
  }

  /**
   * DeleteGroups: delete Empty groups with their offsets. Per group (request order, duplicates once):
   * NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, COORDINATOR_NOT_AVAILABLE.
   */
  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; errorCode: number }[]> {
    const results = new Map<string, number>();
    const eligible: GroupMetadata[] = [];
    for (const id of groupIds) {
      if (results.has(id)) continue;
      const statusError = this.groupStatusError(id, true);
      const group = this.groups.get(id);
      if (statusError) results.set(id, statusError);
      else if (!group || group.is('Dead')) results.set(id, E('GROUP_ID_NOT_FOUND'));
      else if (!group.is('Empty')) results.set(id, E('NON_EMPTY_GROUP'));
      else {
        eligible.push(group);
        results.set(id, NONE);
      }
    }
    if (eligible.length > 0) {
      const removed = await this.offsets.cleanupGroupMetadata(eligible, (g) => {
        const all = [...g.allOffsets()].map(([topic, partition]) => ({ topic, partition }));
        g.offsets.clear();
        return all;
      });
      this.logger.info({ groups: eligible.map((g) => g.groupId), offsets: removed }, 'deleted groups');
    }
    return [...results].map(([groupId, errorCode]) => ({ groupId, errorCode }));
  }

  // --- Lifecycle --------------------------------------------------------------------------------------

  /**
   * Stop: no more requests are served (COORDINATOR_NOT_AVAILABLE), requests still waiting for a rebalance
   * step are answered NOT_COORDINATOR (Kafka's onGroupUnloaded), timers are cleared, the store is
   * flushed and closed. Idempotent.
   */
  async shutdown(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.timers.clearAll();
    this.joinOps.clear();
    const notCoordinator = E('NOT_COORDINATOR');
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        g.maybeInvokeJoinCallback(m, joinError(m.memberId, notCoordinator));
        g.maybeInvokeSyncCallback(m, syncError(notCoordinator));
      }
    }
    await this.store.close();
  }

  /** Number of pending timers (sessions, joins, syncs): for tests that check nothing leaks. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  // --- Internals --------------------------------------------------------------------------------------

  /** Kafka's validateGroupStatus: INVALID_GROUP_ID for '' (except where Kafka allows it), COORDINATOR_NOT_AVAILABLE when stopped. */
  private groupStatusError(groupId: string, allowEmptyId: boolean): number {
    if (!allowEmptyId && groupId === '') return E('INVALID_GROUP_ID');
    if (!this.active) return E('COORDINATOR_NOT_AVAILABLE');
    return NONE;
  }

  private addGroup(groupId: string): GroupMetadata {
    const g = new GroupMetadata(groupId, 'Empty', this.now());
    this.groups.set(groupId, g);
    return g;
  }

  /** Mark a group Dead and forget it (timers included). */
  private removeGroup(g: GroupMetadata): void {
    g.transitionTo('Dead', this.now());
    if (this.groups.get(g.groupId) === g) this.groups.delete(g.groupId);
    this.joinOps.delete(g.groupId);
    this.timers.clear(this.joinKey(g));
    this.timers.clear(this.syncKey(g));
    this.timers.clearPrefix(`hb${SEP}${g.groupId}${SEP}`);
    this.timers.clearPrefix(`pending${SEP}${g.groupId}${SEP}`);
  }

  /** Load stored groups (Stable with their members, or Empty) and offsets; start the members' sessions. */
  private load(): void {
    for (const [groupId, rec] of this.store.loadGroups()) this.groups.set(groupId, restoreGroup(groupId, rec));
    let offsets = 0;
    for (const o of this.store.loadOffsets()) {
      const g = this.groups.get(o.groupId) ?? this.addGroup(o.groupId);
      g.putOffset(o.topic, o.partition, o.value);
      offsets++;
    }
    for (const g of this.groups.values()) for (const m of g.members.values()) this.scheduleHeartbeat(g, m, m.sessionTimeoutMs);
    if (this.groups.size > 0) this.logger.info({ groups: this.groups.size, offsets }, 'loaded groups and offsets');
  }

  private heartbeatKey(g: GroupMetadata, memberId: string): string {
    return `hb${SEP}${g.groupId}${SEP}${memberId}`;
  }
  private pendingKey(g: GroupMetadata, memberId: string): string {
    return `pending${SEP}${g.groupId}${SEP}${memberId}`;
  }
  private joinKey(g: GroupMetadata): string {
    return `join${SEP}${g.groupId}`;
  }
  private syncKey(g: GroupMetadata): string {
    return `sync${SEP}${g.groupId}`;
  }
}
