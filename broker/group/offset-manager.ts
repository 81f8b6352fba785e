/**
 * OffsetManager: the committed offsets of the groups (Kafka's offset half of GroupCoordinator and
 * GroupMetadataManager): OffsetCommit validation and durable storage, OffsetFetch, OffsetDelete, the
 * KIP-211 expiry job, dropping the offsets of deleted topics, and the clean-up that removes groups left
 * Empty without offsets (Kafka's `cleanupGroupMetadata`). The offsets live in each GroupMetadata (in
 * memory) and in the GroupStore (lmdb); a write is durable before a commit is answered.
 *
 * It works on the coordinator's groups through OffsetManagerHost, which validates members and owns
 * the groups' lifecycle. Errors are Kafka error codes in the results (see each method).
 *
 * Source: Kafka 3.x `GroupCoordinator.handleCommitOffsets` / `doCommitOffsets` / `validateOffsetCommit`
 * / `handleFetchOffsets` / `handleDeleteOffsets`, `GroupMetadataManager.storeOffsets` / `getOffsets` /
 * `cleanupGroupMetadata`, `GroupMetadata.removeExpiredOffsets`; `OffsetMetadataManager` (3.7+) for the
 * OffsetCommit v9 GROUP_ID_NOT_FOUND rule.
 */
import type { Logger } from 'pino';
import { errorCode, type KafkaErrorName } from '../../client/protocol/index.js';
import type { KafkaConfig } from '../config/kafka-config.js';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-protocol.js';
import type { FetchedOffset, OffsetCommitParams, OffsetDeleteResult, OffsetFetchResult, TopicPartitionRef } from './coordinator-types.js';
import type { GroupMetadata, OffsetAndMetadata } from './group-metadata.js';
import type { GroupStore } from './group-store.js';
import type { MemberMetadata } from './member-metadata.js';

const E = (name: KafkaErrorName): number => errorCode(name);
const NONE = 0;
const SEP = '\u0000';

/** What the OffsetManager needs from the GroupCoordinator. */
export interface OffsetManagerHost {
  /** Every live group, by id. */
  readonly groups: ReadonlyMap<string, GroupMetadata>;
  /** False once the coordinator shut down. */
  isActive(): boolean;
  /** INVALID_GROUP_ID / COORDINATOR_NOT_AVAILABLE, or 0. */
  groupStatusError(groupId: string, allowEmptyId: boolean): number;
  /** Create an Empty group. */
  addGroup(groupId: string): GroupMetadata;
  /** Mark a group Dead and forget it. */
  removeGroup(group: GroupMetadata): void;
  /** UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID, or 0. */
  validateCurrentMember(group: GroupMetadata, memberId: string, groupInstanceId: string | null, operation: string): number;
  /** Restart a member's session (a commit counts as a heartbeat). */
  touchMember(group: GroupMetadata, member: MemberMetadata): void;
}

/** See the module comment. */
export class OffsetManager {
  constructor(
    private readonly host: OffsetManagerHost,
    private readonly store: GroupStore,
    private readonly config: KafkaConfig,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * OffsetCommit: validate the committer, then store the offsets durably. Resolves to one error code per
   * entry (request order): NONE, OFFSET_METADATA_TOO_LARGE (metadata longer than
   * offset.metadata.max.bytes, counted in UTF-16 units as Kafka's String.length), or for every entry
   * ILLEGAL_GENERATION / GROUP_ID_NOT_FOUND (v9+) for an unknown group with a generation,
   * UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS (CompletingRebalance),
   * COORDINATOR_NOT_AVAILABLE. A commit without generation (-1) and member id to a group that does not
   * exist creates an Empty group that only stores offsets. Topic existence is the caller's check.
   */
  async commitOffsets(p: OffsetCommitParams): Promise<number[]> {
    const all = (code: number) => p.offsets.map(() => code);
    const statusError = this.host.groupStatusError(p.groupId, true);
    if (statusError) return all(statusError);
    let group = this.host.groups.get(p.groupId);
    if (!group) {
      if (p.generationId >= 0) return all(p.apiVersion >= 9 ? E('GROUP_ID_NOT_FOUND') : E('ILLEGAL_GENERATION'));
      group = this.host.addGroup(p.groupId);
    }
    let err = NONE;
    if (group.is('Dead')) err = E('COORDINATOR_NOT_AVAILABLE');
    else if (p.generationId >= 0 || p.memberId !== '' || p.groupInstanceId !== null) {
      err = this.host.validateCurrentMember(group, p.memberId, p.groupInstanceId, 'offset-commit') || (p.generationId !== group.generationId ? E('ILLEGAL_GENERATION') : 0);
    } else if (!group.is('Empty')) {
      err = E('UNKNOWN_MEMBER_ID'); // only members may commit to a group with members
    }
    if (err) return all(err);
    if (group.is('CompletingRebalance')) return all(E('REBALANCE_IN_PROGRESS'));
    if (group.is('Stable') || group.is('PreparingRebalance')) {
      this.host.touchMember(group, group.get(p.memberId));
    }
    const now = this.now();
    const codes = all(NONE);
    const accepted: { topic: string; partition: number; value: OffsetAndMetadata }[] = [];
    p.offsets.forEach((o, i) => {
      const metadata = o.metadata ?? '';
      if (metadata.length > this.config.offsetMetadataMaxBytes) {
        codes[i] = E('OFFSET_METADATA_TOO_LARGE');
        return;
      }
      const value: OffsetAndMetadata = { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, commitTimestamp: o.commitTimestamp === -1 ? now : o.commitTimestamp };
      if (p.retentionTimeMs !== -1) value.expireTimestamp = now + p.retentionTimeMs;
      accepted.push({ topic: o.topic, partition: o.partition, value });
    });
    if (accepted.length === 0) return codes;
    try {
      await this.store.putOffsets(group.groupId, accepted);
    } catch (e) {
      this.logger.error({ err: e, groupId: group.groupId }, 'failed to store committed offsets');
      p.offsets.forEach((_, i) => {
        if (codes[i] === NONE) codes[i] = E('COORDINATOR_NOT_AVAILABLE');
      });
      return codes;
    }
    if (this.host.groups.get(group.groupId) !== group || group.is('Dead')) {
      // The group was deleted while the commit was being written: do not resurrect its offsets.
      await this.store.remove(group.groupId, accepted).catch(() => {});
      return codes;
    }
    for (const a of accepted) group.putOffset(a.topic, a.partition, a.value);
    return codes;
  }

  /**
   * OffsetFetch: the committed offsets of `partitions` (every committed partition when null), -1 with
   * metadata '' and leader epoch -1 where nothing is committed; whatever the group's state (a group may
   * use Kafka only to store offsets). Group-level errors: INVALID_GROUP_ID never (an empty group id is
   * allowed, as Kafka allows it), COORDINATOR_NOT_AVAILABLE after shutdown.
   */
  fetchOffsets(groupId: string, partitions: readonly TopicPartitionRef[] | null): OffsetFetchResult {
    const statusError = this.host.groupStatusError(groupId, true);
    if (statusError) return { errorCode: statusError, offsets: [] };
    const group = this.host.groups.get(groupId);
    const live = group && !group.is('Dead') ? group : undefined;
    const none = (t: string, p: number): FetchedOffset => ({ topic: t, partition: p, offset: -1, leaderEpoch: -1, metadata: '', errorCode: NONE });
    if (partitions === null) {
      if (!live) return { errorCode: NONE, offsets: [] };
      const offsets = [...live.allOffsets()]
        .map(([topic, partition, o]) => ({ topic, partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: NONE }))
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
      return { errorCode: NONE, offsets };
    }
    return {
      errorCode: NONE,
      offsets: partitions.map(({ topic, partition }) => {
        const o = live?.offset(topic, partition);
        return o ? { topic, partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: NONE } : none(topic, partition);
      }),
    };
  }

  /**
   * OffsetDelete: remove the group's offsets of `partitions`. Allowed for Empty groups, and for consumer
   * groups (protocol type `consumer`) for topics no member subscribes to (subscriptions are read from the
   * members' consumer-protocol metadata; undecodable metadata counts as subscribed to everything).
   * Group-level errors: INVALID_GROUP_ID, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (active non-consumer group);
   * per partition: GROUP_SUBSCRIBED_TO_TOPIC.
   */
  async deleteOffsets(groupId: string, partitions: readonly TopicPartitionRef[]): Promise<OffsetDeleteResult> {
    const statusError = this.host.groupStatusError(groupId, false);
    if (statusError) return { errorCode: statusError, partitions: [] };
    const group = this.host.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: E('GROUP_ID_NOT_FOUND'), partitions: [] };
    let eligible: TopicPartitionRef[];
    const out: (TopicPartitionRef & { errorCode: number })[] = [];
    if (group.is('Empty')) eligible = [...partitions];
    else if (group.protocolType === CONSUMER_PROTOCOL_TYPE) {
      eligible = [];
      for (const tp of partitions) {
        if (group.isSubscribedToTopic(tp.topic)) out.push({ ...tp, errorCode: E('GROUP_SUBSCRIBED_TO_TOPIC') });
        else eligible.push(tp);
      }
    } else return { errorCode: E('NON_EMPTY_GROUP'), partitions: [] };
    if (eligible.length > 0) {
      await this.cleanupGroupMetadata([group], (g) => eligible.filter((tp) => g.removeOffset(tp.topic, tp.partition)));
      for (const tp of eligible) out.push({ ...tp, errorCode: NONE });
    }
    const order = new Map(partitions.map((tp, i) => [`${tp.topic}${SEP}${tp.partition}`, i]));
    out.sort((a, b) => order.get(`${a.topic}${SEP}${a.partition}`)! - order.get(`${b.topic}${SEP}${b.partition}`)!);
    return { errorCode: NONE, partitions: out };
  }

  /**
   * Remove expired offsets (see GroupMetadata.expiredOffsets: KIP-211 rules with offsets.retention.minutes)
   * and the groups left Empty without offsets. Runs every offsets.retention.check.interval.ms; public for
   * tests and tools. Resolves to the number of offsets removed.
   */
  async cleanupExpiredOffsets(): Promise<number> {
    if (!this.host.isActive()) return 0;
    const now = this.now();
    const retention = this.config.offsetsRetentionMs;
    return this.cleanupGroupMetadata([...this.host.groups.values()], (g) => {
      const expired = g.expiredOffsets(now, retention).map(([topic, partition]) => ({ topic, partition }));
      for (const e of expired) g.removeOffset(e.topic, e.partition);
      return expired;
    });
  }

  /**
   * Drop every group's offsets of a deleted topic (Kafka's handleDeletedPartitions); groups left Empty
   * without offsets are removed.
   */
  async onTopicDeleted(topic: string): Promise<void> {
    if (!this.host.isActive()) return;
    await this.cleanupGroupMetadata([...this.host.groups.values()], (g) => {
      const parts = g.offsets.get(topic);
      if (!parts) return [];
      const removed = [...parts.keys()].map((partition) => ({ topic, partition }));
      g.offsets.delete(topic);
      return removed;
    });
  }

  /**
   * Apply `select` (which removes offsets from a group and returns them) to each group, kill groups left
   * Empty without offsets, and write the removals. Resolves to the number of offsets removed.
   */
  async cleanupGroupMetadata(groups: GroupMetadata[], select: (g: GroupMetadata) => TopicPartitionRef[]): Promise<number> {
    let count = 0;
    const writes: Promise<void>[] = [];
    for (const g of groups) {
      const removed = select(g);
      count += removed.length;
      let dead = false;
      if (g.is('Empty') && !g.hasOffsets) {
        this.logger.info({ groupId: g.groupId, generationId: g.generationId }, `group ${g.groupId} transitioned to Dead`);
        this.host.removeGroup(g);
        dead = true;
      }
      if (removed.length > 0 || dead) {
        writes.push(this.store.remove(g.groupId, removed, dead).catch((e: unknown) => this.logger.error({ err: e, groupId: g.groupId }, 'failed to remove offsets from the store')));
      }
    }
    await Promise.all(writes);
    if (count > 0) this.logger.info({ offsets: count }, `removed ${count} offsets`);
    return count;
  }
}
