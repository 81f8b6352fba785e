/**
 * MetadataCache: what the client knows of the cluster (Java's `Metadata` / `MetadataCache`): brokers
 * by node id, each topic's id and partitions with their leaders and leader epochs, the cluster id and
 * the controller, and when it was last refreshed (`metadata.max.age.ms`). Built from Metadata answers;
 * partitions whose leader is unknown have leader -1.
 */

/** One broker. */
export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** One partition of a topic. */
export interface PartitionInfo {
  partition: number;
  /** Leader node id, -1 when unknown (LEADER_NOT_AVAILABLE). */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

/** One topic. */
export interface TopicMetadata {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: PartitionInfo[];
}

/** See the module comment. */
export class MetadataCache {
  readonly brokers = new Map<number, BrokerNode>();
  readonly topics = new Map<string, TopicMetadata>();
  clusterId: string | null = null;
  controllerId = -1;
  /** ms (Date.now) of the last refresh; 0 = never. */
  lastRefreshMs = 0;
  /** Topics whose metadata must be fetched again before use (after NOT_LEADER_OR_FOLLOWER and the like). */
  private readonly stale = new Set<string>();
  private allStale = false;

  /** Apply a decoded Metadata response (any version). Returns the per-topic errors (name → Kafka code). */
  update(response: { brokers: { nodeId: number; host: string; port: number; rack?: string | null }[]; clusterId?: string | null; controllerId?: number; topics: any[] }, nowMs = Date.now()): Map<string, number> {
    this.brokers.clear();
    for (const b of response.brokers) this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    this.clusterId = response.clusterId ?? null;
    this.controllerId = response.controllerId ?? -1;
    const errors = new Map<string, number>();
    for (const t of response.topics) {
      if (t.name == null) continue;
      if (t.errorCode !== 0) {
        errors.set(t.name, t.errorCode);
        // LEADER_NOT_AVAILABLE (topic being created) keeps what we knew; other errors forget the topic.
        if (t.errorCode !== 5) this.topics.delete(t.name);
        continue;
      }
      const partitions: PartitionInfo[] = t.partitions
        .map((p: any) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1, replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode }))
        .sort((a: PartitionInfo, b: PartitionInfo) => a.partition - b.partition);
      this.topics.set(t.name, { name: t.name, topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: t.isInternal ?? false, partitions });
      this.stale.delete(t.name);
    }
    this.lastRefreshMs = nowMs;
    this.allStale = false;
    return errors;
  }

  /** Mark a topic's metadata stale (refresh before the next use). */
  invalidate(topic?: string): void {
    if (topic === undefined) this.allStale = true;
    else this.stale.add(topic);
  }

  /** Whether `topic` must be refreshed (unknown, stale, or older than `maxAgeMs`). */
  needsRefresh(topic: string, maxAgeMs: number, nowMs = Date.now()): boolean {
    return this.allStale || !this.topics.has(topic) || this.stale.has(topic) || nowMs - this.lastRefreshMs >= maxAgeMs;
  }

  /** The leader node of a partition, or undefined (unknown topic, partition or leader). */
  leaderFor(topic: string, partition: number): BrokerNode | undefined {
    const p = this.topics.get(topic)?.partitions[partition];
    if (!p || p.partition !== partition || p.leader < 0) return undefined;
    return this.brokers.get(p.leader);
  }

  /** Number of partitions of a known topic, or undefined. */
  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.partitions.length;
  }
}
