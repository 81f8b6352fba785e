/**
 * TransactionManager, the idempotent part only (Java's `TransactionManager` for a producer without
 * `transactional.id`): the producer id and epoch from InitProducerId, and per partition the next
 * sequence number to hand out and the sequence the broker expects next (the end of the last
 * acknowledged batch).
 *
 * Sequences are assigned when a batch is first drained and kept on retry, so the broker recognises a
 * resent batch as a duplicate (answered as success with the original offset) or writes it in order.
 *
 * After OUT_OF_ORDER_SEQUENCE_NUMBER for the batch the broker should expect next, UNKNOWN_PRODUCER_ID,
 * or the failure of any batch that had a sequence (delivery timeout, a non-retriable error), the
 * sequences of that producer epoch can no longer be trusted: the manager asks for an epoch bump
 * (InitProducerId v3+ with the current id and epoch, KIP-360; a new id from an older broker), and
 * every partition starts again at sequence 0. The Sender bumps only when no request is in flight.
 * Batches waiting for a retry are then re-sequenced if the broker surely did not write them (it
 * answered with an error), and failed with the original error if their outcome is unknown (a lost
 * connection or a timeout): resending those under the new epoch could write them twice.
 */
import { KafkaProtocolError } from '../errors.js';
import { Apis } from '../protocol/index.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import type { ProducerBatch } from './producer-batch.js';

const INT32_MAX = 2147483647;

interface PartitionSequences {
  nextSequence: number;
  /** The sequence the broker expects next (end of the last acknowledged batch + 1). */
  ackedEnd: number;
  /** Batches with a sequence of the current epoch, not yet acknowledged or failed. */
  outstanding: Set<ProducerBatch>;
  /** A batch of the current epoch was acknowledged (the broker keeps this producer's state for the partition). */
  acked: boolean;
}

/** See the module comment. */
export class TransactionManager {
  producerId = -1;
  producerEpoch = -1;
  /** Set when the sequences must be reset with an epoch bump. */
  bumpNeeded = false;
  private readonly partitions = new Map<string, PartitionSequences>();

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly transactionTimeoutMs: number,
  ) {}

  /** True once a producer id is known. */
  get hasProducerId(): boolean {
    return this.producerId >= 0;
  }

  private entry(batch: ProducerBatch): PartitionSequences {
    const key = `${batch.topic}\u0000${batch.partition}`;
    let e = this.partitions.get(key);
    if (!e) this.partitions.set(key, (e = { nextSequence: 0, ackedEnd: 0, outstanding: new Set(), acked: false }));
    return e;
  }

  /** Give a batch drained for the first time its producer id, epoch and base sequence. */
  assign(batch: ProducerBatch): void {
    if (batch.baseSequence >= 0) return;
    const e = this.entry(batch);
    batch.producerId = this.producerId;
    batch.producerEpoch = this.producerEpoch;
    batch.baseSequence = e.nextSequence;
    e.nextSequence = (e.nextSequence + batch.recordCount) % (INT32_MAX + 1);
    e.outstanding.add(batch);
  }

  /**
   * Whether a batch not yet sequenced may be drained now. Not while the first batch of its partition in
   * this epoch is unanswered: a broker without state for this producer accepts any first sequence, so
   * if that batch failed (e.g. the partition was not ready yet), a later batch in flight could be
   * written before it and the retry would be out of order. Once one batch is acknowledged, the broker
   * refuses gaps, and several batches of the partition may be in flight (max.in.flight).
   */
  mayDrain(batch: ProducerBatch): boolean {
    if (batch.baseSequence >= 0) return true;
    const e = this.partitions.get(`${batch.topic}\u0000${batch.partition}`);
    return e === undefined || e.acked || e.outstanding.size === 0;
  }

  /** Forget a failed batch. */
  failed(batch: ProducerBatch): void {
    if (batch.baseSequence >= 0 && batch.producerEpoch === this.producerEpoch) this.entry(batch).outstanding.delete(batch);
  }

  /** A batch was split (ProducerBatch.split): its pieces carry its sequences now. */
  split(batch: ProducerBatch, pieces: ProducerBatch[]): void {
    if (batch.baseSequence < 0 || batch.producerEpoch !== this.producerEpoch) return;
    const e = this.entry(batch);
    e.outstanding.delete(batch);
    for (const p of pieces) e.outstanding.add(p);
  }

  /** Record an acknowledged batch. */
  acknowledged(batch: ProducerBatch): void {
    if (batch.baseSequence < 0 || batch.producerEpoch !== this.producerEpoch) return;
    const e = this.entry(batch);
    e.outstanding.delete(batch);
    // A partition's batches are written, and so acknowledged, in sequence order.
    e.ackedEnd = (batch.baseSequence + batch.recordCount) % (INT32_MAX + 1);
    e.acked = true;
  }

  /**
   * Whether OUT_OF_ORDER_SEQUENCE_NUMBER for `batch` only means an earlier batch has not been written
   * yet (it is in flight or being retried): then the batch is simply retried.
   */
  isRetriableOutOfOrder(batch: ProducerBatch): boolean {
    if (batch.producerEpoch !== this.producerEpoch) return false;
    const e = this.entry(batch);
    if (batch.baseSequence === e.ackedEnd) return false;
    for (const o of e.outstanding) if (o !== batch && o.baseSequence < batch.baseSequence) return true;
    return false;
  }

  /**
   * Get a producer id (first call) or bump the epoch (after bumpNeeded), then reset every partition's
   * sequences. Errors: KafkaProtocolError from InitProducerId (retriable ones are retried by the Sender),
   * ConnectionError.
   */
  async initProducerId(): Promise<void> {
    const c = await this.cluster.anyConnection();
    const v = c.versionFor(Apis.InitProducerId);
    if (v === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${c.address} does not support InitProducerId (needed by enable.idempotence=true)`);
    const bump = this.hasProducerId && v >= 3;
    const r = await c.request(Apis.InitProducerId, {
      transactionalId: null,
      transactionTimeoutMs: this.transactionTimeoutMs,
      producerId: bump ? this.producerId : -1,
      producerEpoch: bump ? this.producerEpoch : -1,
    });
    if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, 'InitProducerId');
    this.producerId = r.producerId;
    this.producerEpoch = r.producerEpoch;
    this.partitions.clear();
    this.bumpNeeded = false;
  }
}
