/**
 * SubscriptionState (Kafka's `SubscriptionState`): what the consumer reads and where it stands.
 * Holds the subscription (topics, a RegExp, or a manual assignment), the assigned partitions and, per
 * partition, the position (the offset of the next record to return to the application), the offset
 * the fetcher asks for next (ahead of the position while fetched data waits in the buffer), the
 * pending offset reset, pause state and the last high watermark / log start offset seen.
 * Partitions are keyed `${topic}-${partition}` (as Kafka's TopicPartition.toString()).
 */
import { ConfigError } from '../config.js';
import type { OffsetResetStrategy } from './consumer-config.js';

/** A topic partition (Kafka's TopicPartition). */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** `${topic}-${partition}` */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** How the assignment is decided (Kafka's SubscriptionType). */
export type SubscriptionType = 'NONE' | 'AUTO_TOPICS' | 'AUTO_PATTERN' | 'USER_ASSIGNED';

/** The state of one assigned partition (Kafka's TopicPartitionState). */
export interface TopicPartitionState extends TopicPartition {
  key: string;
  /** Offset of the next record to return; null until initialised (committed offset or reset). */
  position: number | null;
  /** Leader epoch of the last record returned (-1 unknown). */
  positionLeaderEpoch: number;
  /** Offset of the next Fetch (≥ position when data is buffered). */
  nextFetchOffset: number;
  /** Changed on every seek/reset: buffered or in-flight data of an older epoch is dropped. */
  seekEpoch: number;
  /** A reset by this strategy is pending (ListOffsets), or null. */
  resetStrategy: OffsetResetStrategy | null;
  paused: boolean;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

/** See the module comment. */
export class SubscriptionState {
  type: SubscriptionType = 'NONE';
  /** Subscribed topic names (AUTO_TOPICS; for AUTO_PATTERN the topics matched so far). */
  subscription = new Set<string>();
  pattern: RegExp | null = null;
  readonly assignment = new Map<string, TopicPartitionState>();
  private epochs = 0;

  constructor(readonly defaultResetStrategy: OffsetResetStrategy) {}

  private setType(type: SubscriptionType): void {
    if (this.type !== 'NONE' && this.type !== type) throw new ConfigError('subscription', type, 'Subscription to topics, partitions and pattern are mutually exclusive (IllegalStateException)');
    this.type = type;
  }

  /** subscribe(topics): Errors: ConfigError (IllegalStateException) when a manual assignment is active. */
  subscribe(topics: string[]): boolean {
    this.setType('AUTO_TOPICS');
    this.pattern = null;
    return this.changeSubscription(topics);
  }

  /** subscribe(pattern). */
  subscribePattern(pattern: RegExp): void {
    this.setType('AUTO_PATTERN');
    this.pattern = pattern;
  }

  /** Set the subscribed topics; true when they changed. */
  changeSubscription(topics: Iterable<string>): boolean {
    const next = new Set(topics);
    const same = next.size === this.subscription.size && [...next].every((t) => this.subscription.has(t));
    this.subscription = next;
    return !same;
  }

  /** assign(): a manual assignment; keeps the state of partitions that stay. */
  assignFromUser(tps: TopicPartition[]): void {
    this.setType('USER_ASSIGNED');
    this.setAssignment(tps);
  }

  /** The assignment received from the group leader. */
  assignFromSubscribed(tps: TopicPartition[]): void {
    this.setAssignment(tps);
  }

  private setAssignment(tps: TopicPartition[]): void {
    const keep = new Map<string, TopicPartitionState>();
    for (const tp of tps) {
      const key = tpKey(tp);
      keep.set(key, this.assignment.get(key) ?? this.newState(tp, key));
    }
    this.assignment.clear();
    for (const [k, v] of keep) this.assignment.set(k, v);
  }

  private newState(tp: TopicPartition, key: string): TopicPartitionState {
    return {
      topic: tp.topic,
      partition: tp.partition,
      key,
      position: null,
      positionLeaderEpoch: -1,
      nextFetchOffset: -1,
      seekEpoch: ++this.epochs,
      resetStrategy: null,
      paused: false,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
    };
  }

  /** unsubscribe()/close(): forget everything. */
  unsubscribe(): void {
    this.type = 'NONE';
    this.subscription = new Set();
    this.pattern = null;
    this.assignment.clear();
  }

  /** The state of an assigned partition. Errors: ConfigError (IllegalStateException) when it is not assigned. */
  stateOf(tp: TopicPartition): TopicPartitionState {
    const s = this.assignment.get(tpKey(tp));
    if (!s) throw new ConfigError('partition', tpKey(tp), `No current assignment for partition ${tpKey(tp)} (IllegalStateException)`);
    return s;
  }

  /** Move the position (seek): drops buffered and in-flight data of the partition. */
  seek(tp: TopicPartition, offset: number, leaderEpoch = -1): void {
    const s = this.stateOf(tp);
    this.seekState(s, offset, leaderEpoch);
  }

  /** As seek, on a state object. */
  seekState(s: TopicPartitionState, offset: number, leaderEpoch = -1): void {
    s.position = offset;
    s.positionLeaderEpoch = leaderEpoch;
    s.nextFetchOffset = offset;
    s.resetStrategy = null;
    s.seekEpoch = ++this.epochs;
  }

  /** Ask for a reset by `strategy` (seekToBeginning/End, OFFSET_OUT_OF_RANGE). */
  requestReset(tp: TopicPartition, strategy: OffsetResetStrategy): void {
    const s = this.stateOf(tp);
    s.position = null;
    s.resetStrategy = strategy;
    s.seekEpoch = ++this.epochs;
  }

  /** Partitions that may be fetched now (assigned, positioned, not paused). */
  fetchablePartitions(): TopicPartitionState[] {
    const out: TopicPartitionState[] = [];
    for (const s of this.assignment.values()) if (s.position !== null && !s.paused) out.push(s);
    return out;
  }

  /** Partitions without a position and without a pending reset (need their committed offset). */
  initializingPartitions(): TopicPartitionState[] {
    return [...this.assignment.values()].filter((s) => s.position === null && s.resetStrategy === null);
  }

  /** Partitions with a pending reset. */
  partitionsNeedingReset(): TopicPartitionState[] {
    return [...this.assignment.values()].filter((s) => s.position === null && s.resetStrategy !== null);
  }

  /** Positions of every positioned partition (what commit() commits by default). */
  allConsumed(): Map<string, { topic: string; partition: number; offset: number; leaderEpoch: number }> {
    const out = new Map<string, { topic: string; partition: number; offset: number; leaderEpoch: number }>();
    for (const s of this.assignment.values()) if (s.position !== null) out.set(s.key, { topic: s.topic, partition: s.partition, offset: s.position, leaderEpoch: s.positionLeaderEpoch });
    return out;
  }

  /** The assigned partitions, in assignment order. */
  assignedPartitions(): TopicPartition[] {
    return [...this.assignment.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }
}
