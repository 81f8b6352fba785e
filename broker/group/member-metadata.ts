/**
 * MemberMetadata: one member of a classic group as the coordinator sees it: its ids, client, session
 * and rebalance timeouts (ms), the assignment protocols it supports (in its order of preference, each
 * with opaque metadata bytes), the assignment the leader gave it, and the JoinGroup / SyncGroup
 * request it has outstanding (a callback the coordinator answers when the rebalance step completes).
 *
 * Source: Kafka 3.x `core/src/main/scala/kafka/coordinator/group/MemberMetadata.scala`.
 */
import type { JoinGroupResult, SyncGroupResult } from './coordinator-types.js';

/** One assignment protocol a member supports: its name (`range`, `RoundRobinAssigner`...) and metadata bytes. */
export interface Protocol {
  name: string;
  metadata: Buffer;
}

/** Answers a member's outstanding JoinGroup. */
export type JoinCallback = (result: JoinGroupResult) => void;
/** Answers a member's outstanding SyncGroup. */
export type SyncCallback = (result: SyncGroupResult) => void;

/** What describes a member (DescribeGroups). Buffers are empty unless the group is Stable. */
export interface MemberSummary {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** See the module comment. Mutable: the coordinator owns every instance. */
export class MemberMetadata {
  /** The assignment given by the leader in the last SyncGroup (empty until then). */
  assignment: Buffer = EMPTY;
  /** The JoinGroup waiting for the rebalance to complete, if any. */
  awaitingJoinCallback: JoinCallback | undefined;
  /** The SyncGroup waiting for the leader's assignment, if any. */
  awaitingSyncCallback: SyncCallback | undefined;
  /**
   * True from a first JoinGroup until the rebalance it takes part in completes: such a member's
   * session is NewMemberJoinTimeoutMs (5 min), not its session timeout (KIP-394 defunct members).
   */
  isNew = false;

  constructor(
    /** Member id, `clientId-uuid` (or `instanceId-uuid` for static members); replaced on static rejoin. */
    public memberId: string,
    /** group.instance.id of a static member (KIP-345), or null. */
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    /** Client address as Kafka prints it (`/127.0.0.1`). */
    readonly clientHost: string,
    /** How long the coordinator waits for this member to rejoin during a rebalance (ms). */
    public rebalanceTimeoutMs: number,
    /** How long without a heartbeat before the member is removed (ms). */
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    /** Supported protocols in preference order. */
    public supportedProtocols: Protocol[],
  ) {}

  /** Whether the member has a group.instance.id. */
  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  /** Whether a JoinGroup of the member waits for the join phase to complete. */
  get isAwaitingJoin(): boolean {
    return this.awaitingJoinCallback !== undefined;
  }

  /** Whether a SyncGroup of the member waits for the leader's assignment. */
  get isAwaitingSync(): boolean {
    return this.awaitingSyncCallback !== undefined;
  }

  /** The names of the supported protocols. */
  protocolNames(): string[] {
    return this.supportedProtocols.map((p) => p.name);
  }

  /** The metadata of `protocol`. Throws Error when the member does not support it (a coordinator bug). */
  metadata(protocol: string): Buffer {
    const p = this.supportedProtocols.find((x) => x.name === protocol);
    if (!p) throw new Error(`Member ${this.memberId} does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** True when `protocols` equals the supported protocols (same names, order and metadata bytes). */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false;
    return protocols.every((p, i) => p.name === this.supportedProtocols[i]!.name && p.metadata.equals(this.supportedProtocols[i]!.metadata));
  }

  /** The member's preferred protocol among `candidates` (Kafka's `vote`). Throws when none is supported. */
  vote(candidates: ReadonlySet<string>): string {
    const p = this.supportedProtocols.find((x) => candidates.has(x.name));
    if (!p) throw new Error(`Member ${this.memberId} does not support any of the candidate protocols`);
    return p.name;
  }

  /** DescribeGroups view with the metadata of `protocol` and the assignment (Stable groups). */
  summary(protocol: string): MemberSummary {
    return { ...this.summaryNoMetadata(), metadata: this.metadata(protocol), assignment: this.assignment };
  }

  /** DescribeGroups view without metadata and assignment (groups not Stable). */
  summaryNoMetadata(): MemberSummary {
    return { memberId: this.memberId, groupInstanceId: this.groupInstanceId, clientId: this.clientId, clientHost: this.clientHost, metadata: EMPTY, assignment: EMPTY };
  }
}
