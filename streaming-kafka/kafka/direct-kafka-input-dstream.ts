import { KafkaConsumer, type ConsumerRecord } from '../../client/index.js';
import type { StreamingContext } from '../context/streaming-context.js';
import { ReplayableInputDStream } from '../dstream/input-dstream.js';
import type { ConsumerStrategy } from './consumer-strategies.js';
import { KafkaBatchData } from './kafka-batch-data.js';
import { OffsetRange, tpKey, type TopicPartition } from './offset-range.js';
import { RangeReader } from './range-reader.js';
import { RateController } from '../scheduler/rate/rate-controller.js';
import { createRateEstimator } from '../scheduler/rate/pid-rate-estimator.js';
import { IllegalStateException } from '../util/errors.js';
import { maxMessagesPerPartition } from './rate-limits.js';

/** How long a batch waits for the driver consumer's group rebalance to give it partitions again (ms). */
const REBALANCE_WAIT_MS = 60_000;

/** Checkpointed form of a batch: `[topic, partition, fromOffset, untilOffset]` per partition (Spark's tuple form). */
export type OffsetRangeTuple = [string, number, number, number];

/**
 * Spark's `DirectKafkaInputDStream` (kafka010), no receivers: at each batch the driver consumer
 * looks up the latest offsets, clamps them by the rate limits (maxMessagesPerPartition), and the
 * batch is the offset ranges `[current, until)` per partition — checkpointed with the batch, so a
 * recovered batch reads exactly the same records; `currentOffsets` then moves to `until`. Each batch
 * is a KafkaBatchData (HasOffsetRanges) with one partition per Kafka partition.
 * `commitAsync(ranges)` (Spark's CanCommitOffsets) queues offsets that the driver commits to the
 * consumer group at the next batch (for monitoring; needs `group.id`).
 * Input info metadata: `{ offsets: OffsetRange[], Description: "topic: T\tpartition: P\toffsets: F to U\tcount: N" lines }`.
 * Stream name (Spark): "Kafka 0.10 direct stream [id]".
 * Backpressure (`spark.streaming.backpressure.enabled`): a RateController with the PID estimator;
 * its latest rate (or `spark.streaming.backpressure.initialRate` before the first estimate) is split over
 * the partitions by lag (see maxMessagesPerPartition).
 * Subscribe: partitions added to a subscribed topic are picked up when the driver consumer's group
 * rebalances (the client's leader rejoins when it sees a new partition count, refreshing the
 * subscribed topics' metadata every `metadata.max.age.ms`); they start from the strategy's offsets,
 * else the committed offset or `auto.offset.reset`. Spark's paranoidPoll uses the blocking
 * `poll(long)`, which finishes a rebalance before returning; here a batch that finds the
 * assignment emptied by a rebalance in progress polls until the group gives it partitions again
 * (at most 60 s; then the revoked-partitions error).
 * Conf: `spark.streaming.kafka.maxRatePerPartition`, `spark.streaming.kafka.minRatePerPartition`,
 * `spark.streaming.kafka.consumer.poll.ms` (default `spark.network.timeout`, 120 s).
 */
export class DirectKafkaInputDStream extends ReplayableInputDStream<ConsumerRecord, OffsetRangeTuple[]> {
  /** Next offset to read per `topic-partition`. */
  currentOffsets = new Map<string, number>();
  private driver: KafkaConsumer | undefined;
  private readonly reader: RangeReader;
  private readonly commitQueue: OffsetRange[] = [];
  private commitCallback: ((err: Error | null, offsets: Map<string, number>) => void) | undefined;
  /** `spark.streaming.backpressure.initialRate` (records/s; 0 = none): the rate before the first estimate. */
  private readonly initialRate: number;

  constructor(
    ssc: StreamingContext,
    readonly strategy: ConsumerStrategy,
  ) {
    super(ssc);
    const pollMs = ssc.conf.getNumber('spark.streaming.kafka.consumer.poll.ms') ?? ssc.conf.getNumber('spark.network.timeout', 120_000);
    this.reader = new RangeReader(strategy.kafkaParams, pollMs);
    this.initialRate = ssc.conf.getNumber('spark.streaming.backpressure.initialRate', 0);
    if (RateController.isBackPressureEnabled(ssc.conf)) this.rateController = new RateController(this.id, createRateEstimator(ssc.conf, ssc.batchDurationMs));
  }

  /** Spark's estimated rate: the controller's latest rate if > 0, else initialRate; undefined without backpressure. */
  get estimatedRate(): number | undefined {
    if (!this.rateController) return undefined;
    const latest = this.rateController.getLatestRate();
    return latest > 0 ? latest : this.initialRate;
  }

  /** Spark's stream name. */
  override get name(): string {
    return `Kafka 0.10 direct stream [${this.id}]`;
  }

  private partitions(): TopicPartition[] {
    if (this.strategy.kind === 'Assign') return this.strategy.partitions;
    return this.driver!.assignment().sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /**
   * Spark's `start()`: open the driver consumer (Assign: assign; Subscribe: join the group and wait
   * for an assignment, all partitions paused — the driver reads offsets only); starting offsets
   * from the checkpoint, the strategy's offsets, or committed/auto.offset.reset.
   */
  override async start(): Promise<void> {
    this.driver = new KafkaConsumer({ ...this.strategy.kafkaParams, 'enable.auto.commit': false });
    if (this.strategy.kind === 'Assign') {
      this.driver.assign(this.strategy.partitions);
    } else {
      this.driver.subscribe(this.strategy.topics);
      const deadline = Date.now() + REBALANCE_WAIT_MS;
      while (this.driver.assignment().length === 0 && Date.now() < deadline) await this.paranoidPoll(100);
    }
    await this.trackNewPartitions(this.partitions());
  }

  /**
   * Spark's paranoidPoll: keep the group membership going without consuming — pause everything,
   * poll, and seek back to the smallest offset of any record returned (partitions newly assigned
   * during the poll may have been fetched).
   */
  private async paranoidPoll(timeoutMs = 0): Promise<void> {
    const d = this.driver!;
    d.pause(d.assignment());
    const records = await d.poll(timeoutMs);
    const min = new Map<string, { topic: string; partition: number; offset: number }>();
    for (const r of records) {
      const k = `${r.topic}-${r.partition}`;
      const m = min.get(k);
      if (!m || r.offset < m.offset) min.set(k, { topic: r.topic, partition: r.partition, offset: r.offset });
    }
    for (const m of min.values()) d.seek({ topic: m.topic, partition: m.partition }, m.offset);
    d.pause(d.assignment());
  }

  /** Starting offsets of partitions `parts` (the assignment) not tracked yet; Spark's revoked-partitions error. */
  private async trackNewPartitions(parts: TopicPartition[]): Promise<void> {
    const assigned = new Set(parts.map(tpKey));
    const revoked = [...this.currentOffsets.keys()].filter((k) => !assigned.has(k));
    if (revoked.length > 0) {
      throw new IllegalStateException(
        `Previously tracked partitions [${revoked.join(', ')}] been revoked by Kafka because of consumer rebalance. This is mostly due to another stream with same group id joined, please check if there're different streaming application misconfigure to use same group id. Fundamentally different stream should use different group id`,
      );
    }
    for (const tp of parts) {
      const key = tpKey(tp);
      if (this.currentOffsets.has(key)) continue;
      const given = this.strategy.offsets.get(key);
      this.currentOffsets.set(key, given ?? (await this.driver!.position(tp)));
    }
  }

  override async stop(): Promise<void> {
    await this.driver?.close();
    this.driver = undefined;
    await this.reader.close();
  }

  /**
   * The partitions of this batch (one snapshot of the assignment, which a background rebalance may
   * change meanwhile) and their latest (end) offsets.
   */
  private async latestOffsets(): Promise<{ parts: TopicPartition[]; latest: Map<string, number> }> {
    if (this.strategy.kind === 'Subscribe') {
      await this.paranoidPoll(0);
      // A rebalance in progress (eager protocol: everything revoked until the new assignment): wait for it.
      const deadline = Date.now() + REBALANCE_WAIT_MS;
      while (this.currentOffsets.size > 0 && this.driver!.assignment().length === 0 && Date.now() < deadline) await this.paranoidPoll(100);
    }
    const parts = this.partitions();
    if (this.strategy.kind === 'Subscribe') await this.trackNewPartitions(parts);
    return { parts, latest: await this.driver!.endOffsets(parts) };
  }

  protected override async planBatch(): Promise<OffsetRangeTuple[]> {
    const { parts, latest } = await this.latestOffsets();
    await this.commitAll();
    const offsets = parts.map((tp) => ({ tp, current: this.currentOffsets.get(tpKey(tp))!, latest: latest.get(tpKey(tp))! }));
    const limits = maxMessagesPerPartition(offsets, this.ssc.conf, this.ssc.batchDurationMs, this.estimatedRate);
    const tuples = offsets.map(({ tp, current, latest: l }) => {
      const limit = limits?.get(tpKey(tp));
      const until = limit === undefined ? l : Math.min(current + limit, l);
      return [tp.topic, tp.partition, current, until] as OffsetRangeTuple;
    });
    for (const t of tuples) this.currentOffsets.set(`${t[0]}-${t[1]}`, t[3]);
    return tuples;
  }

  protected override async readBatch(_timeMs: number, tuples: OffsetRangeTuple[]): Promise<KafkaBatchData> {
    const ranges = tuples.map(OffsetRange.fromTuple);
    return new KafkaBatchData(await this.reader.read(ranges), ranges);
  }

  protected override numRecordsOf(tuples: OffsetRangeTuple[]): number {
    return tuples.reduce((n, t) => n + (t[3] - t[2]), 0);
  }

  protected override describe(tuples: OffsetRangeTuple[]): Record<string, unknown> {
    const ranges = tuples.map(OffsetRange.fromTuple);
    const description = ranges
      .filter((r) => r.count() > 0)
      .sort((a, b) => b.count() - a.count())
      .map((r) => `topic: ${r.topic}\tpartition: ${r.partition}\toffsets: ${r.fromOffset} to ${r.untilOffset}\tcount: ${r.count()}`)
      .join('\n');
    return { offsets: ranges, Description: description };
  }

  /** After recovery: continue from the last recovered batch's until offsets. */
  protected override onRestored(batches: [number, OffsetRangeTuple[]][]): void {
    const last = batches[batches.length - 1];
    if (last) for (const t of last[1]) this.currentOffsets.set(`${t[0]}-${t[1]}`, t[3]);
  }

  /**
   * Spark's `CanCommitOffsets.commitAsync(offsetRanges, callback?)`: queue the ranges; the largest
   * untilOffset per partition is committed to the group at the next batch. Only the most recently
   * provided callback is used (as Spark).
   */
  commitAsync(ranges: OffsetRange[], callback?: (err: Error | null, offsets: Map<string, number>) => void): void {
    this.commitQueue.push(...ranges);
    if (callback) this.commitCallback = callback;
  }

  private async commitAll(): Promise<void> {
    if (this.commitQueue.length === 0 || !this.driver) return;
    const m = new Map<string, number>();
    const tps = new Map<string, OffsetRange>();
    for (const r of this.commitQueue.splice(0)) {
      const k = tpKey(r);
      m.set(k, Math.max(m.get(k) ?? -1, r.untilOffset));
      tps.set(k, r);
    }
    const list = [...m].map(([k, offset]) => ({ topic: tps.get(k)!.topic, partition: tps.get(k)!.partition, offset }));
    const cb = this.commitCallback;
    this.driver.commit(list).then(
      () => cb?.(null, m),
      (err: Error) => {
        this.ssc.logger.warn(`commitAsync failed: ${err.message}`);
        cb?.(err, m);
      },
    );
  }
}
