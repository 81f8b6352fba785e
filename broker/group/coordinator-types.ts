/**
 * Inputs and results of the GroupCoordinator's operations, one per API, in the shapes of Kafka's
 * `GroupCoordinator` callbacks (`JoinGroupResult`, `SyncGroupResult`, ...) with Kafka error codes as
 * numbers (0 = NONE). The API handlers (broker/apis/08..16, 42, 47) translate between these and the
 * wire structs.
 *
 * Source: Kafka 3.x `core/src/main/scala/kafka/coordinator/group/GroupCoordinator.scala` (case classes
 * at the bottom of the file).
 */
import type { Protocol } from './member-metadata.js';

/** JoinGroup input. Times in ms. */
export interface JoinGroupParams {
  groupId: string;
  /** '' for a member without an id yet. */
  memberId: string;
  groupInstanceId: string | null;
  /** JoinGroup v4+ without an instance id: a new member gets MEMBER_ID_REQUIRED and an id (KIP-394). */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: the leader of a static group can be told to skip the assignment. */
  supportSkippingAssignment: boolean;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** Free-text reason (v8+), logged. */
  reason?: string | null;
}

/** One member as the leader's JoinGroup response lists it. */
export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** JoinGroup answer. `generationId` -1 and `leader` '' on errors; `members` only for the leader. */
export interface JoinGroupResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  members: JoinGroupMember[];
}

/** SyncGroup input. */
export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+: checked against the group's (INCONSISTENT_GROUP_PROTOCOL); null = not checked. */
  protocolType: string | null;
  protocolName: string | null;
  /** The leader's assignment (ignored from followers). */
  assignments: { memberId: string; assignment: Buffer }[];
}

/** SyncGroup answer; `assignment` is an empty Buffer (never missing) when there is none. */
export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

/** Heartbeat input. */
export interface HeartbeatParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** One member leaving: by member id, or by instance id with member id '' (admin removal, KIP-345). */
export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

/** LeaveGroup answer: a group-level error and one error per leaving member (request order). */
export interface LeaveGroupResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** A partition of a topic. */
export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** One offset to commit. */
export interface OffsetCommitEntry extends TopicPartitionRef {
  offset: number;
  /** -1 = unknown. */
  leaderEpoch: number;
  /** null is stored as ''. */
  metadata: string | null;
  /** When committed (ms); -1 = now (v1 clients may set it). */
  commitTimestamp: number;
}

/** OffsetCommit input. `generationId` -1 with memberId '' = a "simple" commit (no group management). */
export interface OffsetCommitParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** The request version: v9+ answers GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION for an unknown group. */
  apiVersion: number;
  /**
   * OffsetCommit v2-4 retention time (ms); -1 = the broker's offsets.retention.minutes rule. When set,
   * the offsets expire at commit time + retentionTimeMs whatever the group state (Kafka's expireTimestamp).
   */
  retentionTimeMs: number;
  offsets: OffsetCommitEntry[];
}

/** A committed offset as OffsetFetch returns it (-1 / '' when nothing is committed). */
export interface FetchedOffset extends TopicPartitionRef {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

/** OffsetFetch answer for one group. */
export interface OffsetFetchResult {
  errorCode: number;
  offsets: FetchedOffset[];
}

/** DescribeGroups answer for one group (state 'Dead' with no members for an unknown group). */
export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  /** The selected protocol when Stable, else ''. */
  protocol: string;
  members: import('./member-metadata.js').MemberSummary[];
}

/** ListGroups entry. */
export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: string;
}

/** OffsetDelete answer: group-level error, else one error per partition. */
export interface OffsetDeleteResult {
  errorCode: number;
  partitions: (TopicPartitionRef & { errorCode: number })[];
}
