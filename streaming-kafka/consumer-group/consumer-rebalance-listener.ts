/**
 * Kafka 0.8.2's `kafka.javaapi.consumer.ConsumerRebalanceListener`: callbacks around a rebalance of
 * a {@link ZookeeperConsumerConnector}. Both are optional and may be async (the rebalance awaits
 * them); an exception thrown by a callback fails that rebalance attempt (it is retried as any failed
 * attempt, as in Kafka, where the exception propagates out of `rebalance()`).
 */

/** A partition owned by a consumer thread of this connector. */
export interface OwnedPartition {
  topic: string;
  partition: number;
  /** `<consumerId>-<n>` */
  threadId: string;
}

/** See the module comment. */
export interface ConsumerRebalanceListener {
  /**
   * Called after the fetchers stopped and before the connector commits (with `auto.commit.enable`)
   * and releases its owner nodes: `owned` are the partitions it owns now (possibly empty).
   * Kafka 0.8.2's `beforeReleasingPartitions(partitionOwnership)`; commit here what was processed
   * when auto-commit is off.
   */
  beforeReleasingPartitions?(owned: OwnedPartition[]): void | Promise<void>;
  /**
   * Called once the connector owns its new partitions (owner nodes created) and before it starts
   * fetching them: `globalAssignment` is the whole group's range assignment, `assignment` this
   * connector's part. Kafka 0.8.2's `beforeStartingFetchers(consumerId, globalPartitionAssignment)`.
   */
  beforeStartingFetchers?(consumerId: string, globalAssignment: OwnedPartition[], assignment: OwnedPartition[]): void | Promise<void>;
  /** Called after the fetchers started on `assignment` (this connector's partitions, possibly empty). */
  afterStartingFetchers?(assignment: OwnedPartition[]): void | Promise<void>;
}
