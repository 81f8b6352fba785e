/**
 * Conversion between a GroupMetadata and its stored group metadata record (GroupStore): what Kafka
 * writes as a GroupMetadata value (v3) in `__consumer_offsets` on every completed rebalance and reads
 * back on loading. Only the selected protocol's metadata of each member is stored; a group with
 * members is restored as Stable, one without as Empty.
 *
 * Source: Kafka 3.x `GroupMetadataManager.groupMetadataValue` / `readGroupMessageValue`,
 * `GroupMetadata.loadGroup`.
 */
import { GroupMetadata } from './group-metadata.js';
import type { StoredGroup } from './group-store.js';
import { MemberMetadata } from './member-metadata.js';

/** The record of `group`, with `assignment` (member id → bytes; missing = empty) as the members' assignments. */
export function toStoredGroup(group: GroupMetadata, assignment: ReadonlyMap<string, Buffer>): StoredGroup {
  const protocol = group.protocolName;
  return {
    protocolType: group.protocolType ?? null,
    generationId: group.generationId,
    protocolName: protocol ?? null,
    leaderId: group.leaderId ?? null,
    currentStateTimestamp: group.currentStateTimestamp,
    members:
      protocol === undefined
        ? []
        : [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            rebalanceTimeoutMs: m.rebalanceTimeoutMs,
            sessionTimeoutMs: m.sessionTimeoutMs,
            subscription: m.metadata(protocol),
            assignment: assignment.get(m.memberId) ?? Buffer.alloc(0),
          })),
  };
}

/** A group rebuilt from its record: Stable with its members and assignments, or Empty. No offsets, no timers. */
export function restoreGroup(groupId: string, rec: StoredGroup): GroupMetadata {
  const protocol = rec.protocolName;
  const hasMembers = rec.members.length > 0 && protocol !== null;
  const g = new GroupMetadata(groupId, hasMembers ? 'Stable' : 'Empty', rec.currentStateTimestamp);
  g.protocolType = rec.protocolType ?? undefined;
  g.generationId = rec.generationId;
  if (hasMembers) {
    g.protocolName = protocol;
    for (const sm of rec.members) {
      const m = new MemberMetadata(sm.memberId, sm.groupInstanceId, sm.clientId, sm.clientHost, sm.rebalanceTimeoutMs, sm.sessionTimeoutMs, g.protocolType ?? '', [{ name: protocol, metadata: sm.subscription }]);
      m.assignment = sm.assignment;
      g.add(m);
    }
    g.leaderId = rec.leaderId !== null && g.has(rec.leaderId) ? rec.leaderId : g.members.keys().next().value;
  }
  g.subscribedTopics = g.computeSubscribedTopics();
  return g;
}
