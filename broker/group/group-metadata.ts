/**
 * GroupMetadata: the state of one classic group: its state machine (Empty, PreparingRebalance,
 * CompletingRebalance, Stable, Dead), generation, protocol type and selected protocol, leader, members
 * (dynamic and static), pending members (KIP-394: given an id, not yet rejoined), members that have not
 * yet sent SyncGroup, and the group's committed offsets.
 *
 * State transitions (Kafka's `validPreviousStates`):
 * - PreparingRebalance ← Stable, CompletingRebalance, Empty
 * - CompletingRebalance ← PreparingRebalance
 * - Stable ← CompletingRebalance
 * - Empty ← PreparingRebalance
 * - Dead ← any
 * An invalid transition throws Error (a coordinator bug, never a client error).
 *
 * Source: Kafka 3.x `core/src/main/scala/kafka/coordinator/group/GroupMetadata.scala`.
 */
import { CONSUMER_PROTOCOL_TYPE, unionOfSubscriptions } from './consumer-protocol.js';
import type { JoinGroupMember, JoinGroupResult, SyncGroupResult } from './coordinator-types.js';
import type { JoinCallback, MemberMetadata, MemberSummary, Protocol } from './member-metadata.js';

/** The states of a classic group, with Kafka's names (as DescribeGroups and ListGroups print them). */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Every state, for validating ListGroups filters. */
export const GROUP_STATES: readonly GroupState[] = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'];

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  Empty: ['PreparingRebalance'],
};

/** A committed offset (Kafka's OffsetAndMetadata). Timestamps in ms since the epoch. */
export interface OffsetAndMetadata {
  offset: number;
  /** -1 = unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Set by OffsetCommit v2-4 with a retention time: the offset expires then, whatever the group state. */
  expireTimestamp?: number;
}

/** See the module comment. Mutated only by the GroupCoordinator. */
export class GroupMetadata {
  private stateValue: GroupState;
  /** When the group entered its current state (ms); offsets of an Empty group expire from here (KIP-211). */
  currentStateTimestamp: number;
  generationId = 0;
  /** Set by the first member; undefined for a group used only to store offsets ("simple" group). */
  protocolType: string | undefined;
  /** The protocol selected for the current generation. */
  protocolName: string | undefined;
  leaderId: string | undefined;
  /** Members in join order (the leader's JoinGroup lists them in this order). */
  readonly members = new Map<string, MemberMetadata>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Ids handed out with MEMBER_ID_REQUIRED whose owners have not rejoined yet. */
  readonly pendingMembers = new Set<string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  private numMembersAwaitingJoin = 0;
  /** Protocol name → number of members that support it. */
  private readonly supportedProtocols = new Map<string, number>();
  /** InitialDelayedJoin: a member joined during the initial delay, so the delay extends. */
  newMemberAdded = false;
  /** Topics the consumer members subscribe to (computed per generation); undefined = unknown. */
  subscribedTopics: Set<string> | undefined;
  /** Committed offsets: topic → partition → offset. */
  readonly offsets = new Map<string, Map<number, OffsetAndMetadata>>();

  constructor(
    readonly groupId: string,
    initialState: GroupState,
    now: number,
  ) {
    this.stateValue = initialState;
    this.currentStateTimestamp = now;
  }

  /** The current state. */
  get state(): GroupState {
    return this.stateValue;
  }

  /** Whether the group is in `state`. */
  is(state: GroupState): boolean {
    return this.stateValue === state;
  }

  /** Move to `state` (see the module comment). Throws Error on an invalid transition. */
  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.stateValue)) {
      throw new Error(`Group ${this.groupId} should be in one of [${VALID_PREVIOUS[state].join(', ')}] before moving to ${state}, but it is ${this.stateValue}`);
    }
    this.stateValue = state;
    this.currentStateTimestamp = now;
  }

  /** True when a rebalance may start (Kafka's `canRebalance`). */
  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.stateValue);
  }

  /** Number of members (pending members not counted). */
  get size(): number {
    return this.members.size;
  }

  /** Whether `memberId` is a member. */
  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  /** The member `memberId`. Throws Error when absent (callers check `has` first). */
  get(memberId: string): MemberMetadata {
    const m = this.members.get(memberId);
    if (!m) throw new Error(`Member ${memberId} is not in group ${this.groupId}`);
    return m;
  }

  /** Whether `memberId` leads the group. */
  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  /** Whether `memberId` was handed out with MEMBER_ID_REQUIRED and has not rejoined yet. */
  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  /** Members with an outstanding JoinGroup. */
  get numAwaiting(): number {
    return this.numMembersAwaitingJoin;
  }

  /** The member id of static member `groupInstanceId`, if present. */
  currentStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** Every member was rejoined and no pending member is left (the join phase can complete). */
  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  /** Members that have not rejoined during the current rebalance. */
  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** The largest rebalance timeout of the members (ms); 0 with no members. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /**
   * Add a member (its protocol type becomes the group's when it is the first). `callback` answers its
   * pending JoinGroup. Throws Error when a static member with the same instance id exists.
   */
  add(member: MemberMetadata, callback?: JoinCallback): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) throw new Error(`Static member with groupInstanceId=${member.groupInstanceId} cannot be added to group ${this.groupId} since it is already a member`);
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    this.incSupportedProtocols(member);
    member.awaitingJoinCallback = callback;
    if (member.isAwaitingJoin) this.numMembersAwaitingJoin++;
    this.pendingMembers.delete(member.memberId);
  }

  /** Remove a member (and its pending states); the leader passes to the first remaining member. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.decSupportedProtocols(member);
      if (member.isAwaitingJoin) this.numMembersAwaitingJoin--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /**
   * Give static member `groupInstanceId` its new member id. A JoinGroup or SyncGroup the old id has
   * outstanding is answered FENCED_INSTANCE_ID (Kafka's `replaceStaticMember`).
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string, fencedError: number): MemberMetadata {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.maybeInvokeJoinCallback(member, joinError(oldMemberId, fencedError));
    this.maybeInvokeSyncCallback(member, syncError(fencedError));
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /** Replace a member's protocols and set (or clear) its pending JoinGroup. */
  updateMember(member: MemberMetadata, protocols: Protocol[], callback: JoinCallback | undefined): void {
    this.decSupportedProtocols(member);
    member.supportedProtocols = protocols;
    this.incSupportedProtocols(member);
    if (callback && !member.isAwaitingJoin) this.numMembersAwaitingJoin++;
    else if (!callback && member.isAwaitingJoin) this.numMembersAwaitingJoin--;
    member.awaitingJoinCallback = callback;
  }

  /** Answer the member's outstanding JoinGroup, if any. Returns whether there was one. */
  maybeInvokeJoinCallback(member: MemberMetadata, result: JoinGroupResult): boolean {
    const cb = member.awaitingJoinCallback;
    if (!cb) return false;
    member.awaitingJoinCallback = undefined;
    this.numMembersAwaitingJoin--;
    cb(result);
    return true;
  }

  /** Answer the member's outstanding SyncGroup, if any. Returns whether there was one. */
  maybeInvokeSyncCallback(member: MemberMetadata, result: SyncGroupResult): boolean {
    const cb = member.awaitingSyncCallback;
    if (!cb) return false;
    member.awaitingSyncCallback = undefined;
    cb(result);
    return true;
  }

  /** Remember an id handed out with MEMBER_ID_REQUIRED. */
  addPendingMember(memberId: string): void {
    this.pendingMembers.add(memberId);
  }

  /** Forget a pending member id. */
  removePendingMember(memberId: string): void {
    this.pendingMembers.delete(memberId);
  }

  /**
   * Whether a member with `protocolType` and `protocols` may join: any non-empty protocol list when the
   * group is Empty, else the same protocol type and at least one protocol every member supports.
   */
  supportsProtocols(protocolType: string, protocols: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => this.supportedProtocols.get(p) === this.members.size);
  }

  /**
   * The protocol of the next generation: among the protocols every member supports, the one most
   * members prefer (each member votes for its first supported candidate; ties go to the protocol voted
   * first). Throws Error for a group without members.
   */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error('Cannot select protocol for empty group');
    const candidates = new Set<string>();
    for (const [p, n] of this.supportedProtocols) if (n === this.members.size) candidates.add(p);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [p, n] of votes) {
      if (n > bestVotes) {
        best = p;
        bestVotes = n;
      }
    }
    return best;
  }

  /**
   * Start the next generation: generation + 1, the protocol selected, CompletingRebalance (or Empty
   * when no member is left), pending syncs cleared (Kafka's `initNextGeneration`).
   */
  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = undefined;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', now);
    }
    this.pendingSyncMembers.clear();
  }

  /** Subscribed topics of a consumer group's members; undefined for other protocol types or undecodable metadata. */
  computeSubscribedTopics(): Set<string> | undefined {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return undefined;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === undefined) return undefined;
    const protocol = this.protocolName;
    return unionOfSubscriptions([...this.members.values()].map((m) => m.metadata(protocol)));
  }

  /** True unless the group is known not to consume `topic` (unknown subscriptions count as subscribed). */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics === undefined ? true : this.subscribedTopics.has(topic);
  }

  /**
   * If the leader has not rejoined, make the first rejoined member the leader. False when no member
   * rejoined (the rebalance cannot complete); true otherwise (also with no leader).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === undefined) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Every member with the metadata of the selected protocol, for the leader's JoinGroup response. */
  currentMemberMetadata(): JoinGroupMember[] {
    if (this.is('Dead') || this.is('PreparingRebalance')) throw new Error(`Cannot obtain member metadata for group in state ${this.state}`);
    const protocol = this.protocolName!;
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(protocol) }));
  }

  /** DescribeGroups view: members with metadata and assignments only when Stable. */
  summary(): { state: GroupState; protocolType: string; protocol: string; members: MemberSummary[] } {
    if (this.is('Stable')) {
      const protocol = this.protocolName!;
      return { state: this.state, protocolType: this.protocolType ?? '', protocol, members: [...this.members.values()].map((m) => m.summary(protocol)) };
    }
    return { state: this.state, protocolType: this.protocolType ?? '', protocol: '', members: [...this.members.values()].map((m) => m.summaryNoMetadata()) };
  }

  // --- offsets ---------------------------------------------------------------------------------------

  /** Whether the group has any committed offset. */
  get hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  /** The committed offset of a partition, if any. */
  offset(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  /** Set the committed offset of a partition (in memory; GroupStore persists). */
  putOffset(topic: string, partition: number, value: OffsetAndMetadata): void {
    let t = this.offsets.get(topic);
    if (!t) this.offsets.set(topic, (t = new Map()));
    t.set(partition, value);
  }

  /** Remove one offset; returns whether there was one. */
  removeOffset(topic: string, partition: number): boolean {
    const t = this.offsets.get(topic);
    if (!t?.delete(partition)) return false;
    if (t.size === 0) this.offsets.delete(topic);
    return true;
  }

  /** Every offset as [topic, partition, value]. */
  *allOffsets(): IterableIterator<[string, number, OffsetAndMetadata]> {
    for (const [topic, parts] of this.offsets) for (const [p, o] of parts) yield [topic, p, o];
  }

  /**
   * The offsets that have expired at `now` (Kafka's `removeExpiredOffsets`, KIP-211), without removing
   * them: an offset with an explicit expire timestamp expires then; otherwise
   * - Empty group with a protocol type: `retentionMs` after the group became Empty;
   * - Stable consumer group with known subscriptions: `retentionMs` after the commit, for topics no
   *   member subscribes to;
   * - group without protocol type (offsets only): `retentionMs` after the commit;
   * - any other group: never.
   */
  expiredOffsets(now: number, retentionMs: number): [string, number][] {
    let base: ((o: OffsetAndMetadata) => number) | undefined;
    let subscribed: ReadonlySet<string> = new Set();
    if (this.protocolType !== undefined && this.is('Empty')) base = () => this.currentStateTimestamp;
    else if (this.protocolType === CONSUMER_PROTOCOL_TYPE && this.subscribedTopics !== undefined && this.is('Stable')) {
      base = (o) => o.commitTimestamp;
      subscribed = this.subscribedTopics;
    } else if (this.protocolType === undefined) base = (o) => o.commitTimestamp;
    if (!base) return [];
    const out: [string, number][] = [];
    for (const [topic, p, o] of this.allOffsets()) {
      if (subscribed.has(topic)) continue;
      const expired = o.expireTimestamp !== undefined ? now >= o.expireTimestamp : now - base(o) >= retentionMs;
      if (expired) out.push([topic, p]);
    }
    return out;
  }

  private incSupportedProtocols(member: MemberMetadata): void {
    for (const p of member.protocolNames()) this.supportedProtocols.set(p, (this.supportedProtocols.get(p) ?? 0) + 1);
  }

  private decSupportedProtocols(member: MemberMetadata): void {
    for (const p of member.protocolNames()) {
      const n = (this.supportedProtocols.get(p) ?? 0) - 1;
      if (n <= 0) this.supportedProtocols.delete(p);
      else this.supportedProtocols.set(p, n);
    }
  }
}

/** A JoinGroup error answer (generation -1, no leader, no members). */
export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, members: [] };
}

/** A SyncGroup error answer (empty assignment, no protocol). */
export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}
