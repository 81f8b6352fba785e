/**
 * GroupStore: the durable state of the group coordinator, in lmdb (`<log.dir>/kafka-ts-groups/`):
 * committed offsets (`['o', group, topic, partition]` → offset, leader epoch, metadata, commit and
 * expire timestamps) and group metadata records (`['g', group]` → protocol type, generation, selected
 * protocol, leader, state timestamp and the members with their subscription and assignment).
 *
 * This is what Kafka writes to `__consumer_offsets` (OffsetCommit value v3 and GroupMetadata value v3
 * records) and reads back when a broker becomes coordinator; a record removal is Kafka's tombstone.
 * lmdb gives the same guarantees without a compacted log: a write is a durable transaction when its
 * promise resolves, and a crash leaves either the old or the new value.
 *
 * Source: Kafka 3.x `core/src/main/scala/kafka/coordinator/group/GroupMetadataManager.scala`
 * (`storeGroup`, `storeOffsets`, `loadGroupsAndOffsets`, `cleanupGroupMetadata`). Errors: lmdb's.
 */
import fs from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { OffsetAndMetadata } from './group-metadata.js';

/** A member as stored with its group: only the selected protocol's metadata is kept, as Kafka does. */
export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  /** Metadata of the selected protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

/** A group metadata record. */
export interface StoredGroup {
  protocolType: string | null;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  /** When the group entered its state (ms). */
  currentStateTimestamp: number;
  members: StoredMember[];
}

/** One stored offset. */
export interface StoredOffset {
  groupId: string;
  topic: string;
  partition: number;
  value: OffsetAndMetadata;
}

type Key = [string, string] | [string, string, string, number];

/** See the module comment. */
export class GroupStore {
  private constructor(
    readonly dir: string,
    private readonly db: RootDatabase<unknown, Key>,
  ) {}

  /** Open (creating) the store in `dir`. Errors: lmdb's (e.g. the environment is locked elsewhere). */
  static open(dir: string): GroupStore {
    fs.mkdirSync(dir, { recursive: true });
    return new GroupStore(dir, open<unknown, Key>({ path: dir, compression: false, encoding: 'msgpack' }));
  }

  /** Every group record, by group id. */
  loadGroups(): Map<string, StoredGroup> {
    const out = new Map<string, StoredGroup>();
    for (const { key, value } of this.db.getRange({ start: ['g'], end: ['g', '\uffff'] })) {
      const g = value as StoredGroup;
      for (const m of g.members) {
        m.subscription = Buffer.from(m.subscription);
        m.assignment = Buffer.from(m.assignment);
      }
      out.set((key as [string, string])[1], g);
    }
    return out;
  }

  /** Every committed offset. */
  loadOffsets(): StoredOffset[] {
    const out: StoredOffset[] = [];
    for (const { key, value } of this.db.getRange({ start: ['o'], end: ['o', '\uffff'] })) {
      const k = key as [string, string, string, number];
      out.push({ groupId: k[1], topic: k[2], partition: k[3], value: value as OffsetAndMetadata });
    }
    return out;
  }

  /** Write (replace) a group record; resolves when durable. */
  async putGroup(groupId: string, group: StoredGroup): Promise<void> {
    await this.db.put(['g', groupId], group);
  }

  /** Write offsets of one group in one transaction; resolves when durable. */
  async putOffsets(groupId: string, offsets: readonly { topic: string; partition: number; value: OffsetAndMetadata }[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.db.transaction(() => {
      for (const o of offsets) void this.db.put(['o', groupId, o.topic, o.partition], stripUndefined(o.value));
    });
  }

  /** Remove offsets of one group (and its group record when `removeGroup`) in one transaction. */
  async remove(groupId: string, offsets: readonly { topic: string; partition: number }[], removeGroup = false): Promise<void> {
    if (offsets.length === 0 && !removeGroup) return;
    await this.db.transaction(() => {
      for (const o of offsets) void this.db.remove(['o', groupId, o.topic, o.partition]);
      if (removeGroup) void this.db.remove(['g', groupId]);
    });
  }

  /** Resolves when every write so far is durable. */
  async flushed(): Promise<void> {
    await this.db.flushed;
  }

  /** Wait for pending writes, then close. */
  async close(): Promise<void> {
    await this.db.flushed;
    await this.db.close();
  }
}

function stripUndefined(o: OffsetAndMetadata): OffsetAndMetadata {
  const v: OffsetAndMetadata = { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, commitTimestamp: o.commitTimestamp };
  if (o.expireTimestamp !== undefined) v.expireTimestamp = o.expireTimestamp;
  return v;
}
