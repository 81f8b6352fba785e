/**
 * Sender (Java's `org.apache.kafka.clients.producer.internals.Sender`), event-driven instead of a
 * thread: woken by send(), by answers, and by timers (linger.ms, retry.backoff.ms), it
 * 1. expires batches that waited longer than `delivery.timeout.ms` (TimeoutError);
 * 2. with idempotence, gets a producer id first and bumps the epoch when the TransactionManager asks
 *    for it (only when no Produce request is in flight);
 * 3. drains the ready batches into ONE Produce request per broker (one batch per partition, at most
 *    `max.request.size` bytes), while that broker has fewer than `max.in.flight.requests.per.connection`
 *    requests in flight (waiting for a slot is what makes batches grow with linger.ms = 0);
 * 4. handles the answers: success (and DUPLICATE_SEQUENCE_NUMBER) completes the batch; retriable
 *    errors (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE,
 *    NETWORK_EXCEPTION, REQUEST_TIMED_OUT, ... and a lost connection) mark the topic's metadata stale
 *    and re-enqueue the batch after `retry.backoff.ms` while `retries` and `delivery.timeout.ms` allow;
 *    other errors fail the batch's sends with KafkaProtocolError (Kafka's name and code).
 *
 * Ordering: a partition's batches are drained in order and a retried batch goes back before younger
 * ones. With idempotence, up to 5 requests per connection are safe: the broker refuses a batch whose
 * predecessor is missing (OUT_OF_ORDER_SEQUENCE_NUMBER, retried here while an earlier batch of the
 * partition is still outstanding, else an epoch bump: see TransactionManager) and recognises resent ones.
 * Without idempotence and with max.in.flight > 1, a retry can reorder records, as in Java.
 * MESSAGE_TOO_LARGE from the broker for a batch of several records splits it into `batch.size` pieces
 * that are sent in its place (Java's splitAndReenqueue); for a single record it fails the send.
 */
import { KafkaProtocolError } from '../errors.js';
import { Apis } from '../protocol/index.js';
import { errorCode } from '../protocol/index.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { ConnectionError } from '../network/broker-connection.js';
import { TimeoutError } from './errors.js';
import type { ProducerBatch } from './producer-batch.js';
import type { ProducerConfig } from './producer-config.js';
import type { RecordAccumulator } from './record-accumulator.js';
import type { TransactionManager } from './transaction-manager.js';

const METADATA_ERRORS = new Set([errorCode('NOT_LEADER_OR_FOLLOWER'), errorCode('UNKNOWN_TOPIC_OR_PARTITION'), errorCode('LEADER_NOT_AVAILABLE'), errorCode('NETWORK_EXCEPTION'), errorCode('REQUEST_TIMED_OUT'), errorCode('FENCED_LEADER_EPOCH'), errorCode('KAFKA_STORAGE_ERROR')]);
const DUPLICATE_SEQUENCE_NUMBER = errorCode('DUPLICATE_SEQUENCE_NUMBER');
const OUT_OF_ORDER_SEQUENCE_NUMBER = errorCode('OUT_OF_ORDER_SEQUENCE_NUMBER');
const UNKNOWN_PRODUCER_ID = errorCode('UNKNOWN_PRODUCER_ID');
const MESSAGE_TOO_LARGE = errorCode('MESSAGE_TOO_LARGE');

/** Counters, for tests and benchmarks. */
export interface SenderStats {
  produceRequests: number;
  batchesSent: number;
  retries: number;
  epochBumps: number;
  /** Batches split after MESSAGE_TOO_LARGE. */
  splits: number;
}

/** See the module comment. */
export class Sender {
  readonly stats: SenderStats = { produceRequests: 0, batchesSent: 0, retries: 0, epochBumps: 0, splits: 0 };
  private readonly inFlight = new Map<number, number>();
  private totalInFlight = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAtMs = Infinity;
  private initializing = false;
  private refreshing = false;
  private running = true;
  /** A fatal error (e.g. InitProducerId refused): every batch fails with it. */
  fatalError: Error | undefined;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly accumulator: RecordAccumulator,
    private readonly config: ProducerConfig,
    private readonly txn: TransactionManager | undefined,
  ) {}

  /** Number of Produce requests in flight. */
  get inFlightRequests(): number {
    return this.totalInFlight;
  }

  /** Run soon (coalesced). */
  wakeup(): void {
    if (this.scheduled || !this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.runOnce();
    });
  }

  /** Stop: no more requests are sent (in-flight answers are still handled). */
  close(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private wakeAt(ms: number): void {
    if (!this.running || ms >= this.timerAtMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAtMs = ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAtMs = Infinity;
      this.runOnce();
    }, Math.max(0, ms - Date.now()));
  }

  private runOnce(): void {
    if (!this.running) return;
    const now = Date.now();
    for (const b of this.accumulator.expiredBatches(now, this.config.deliveryTimeoutMs)) {
      this.failBatch(b, new TimeoutError(`Expiring ${b.recordCount} record(s) for ${b.topic}-${b.partition}: ${now - b.createdMs} ms has passed since batch creation (delivery.timeout.ms ${this.config.deliveryTimeoutMs})`));
    }
    if (this.fatalError) {
      this.accumulator.abortAll(this.fatalError);
      return;
    }
    // The producer id is asked for at the first wakeup (a send, even one still waiting for metadata),
    // in parallel with the first metadata request, as Java's sender does when it starts.
    if (this.txn && !this.txn.hasProducerId) this.initProducerId();
    const topics = this.accumulator.queuedTopics();
    if (topics.size === 0) return;
    // Topics marked stale (after NOT_LEADER_OR_FOLLOWER and the like) or too old wait for fresh metadata.
    let stale: Set<string> | undefined;
    for (const t of topics) if (this.cluster.metadata.needsRefresh(t, this.config.metadataMaxAgeMs, now)) (stale ??= new Set()).add(t);
    if (stale) this.refreshMetadata([...stale]);
    if (this.txn) {
      if (!this.txn.hasProducerId || (this.txn.bumpNeeded && this.totalInFlight === 0)) {
        this.initProducerId();
        return;
      }
      if (this.txn.bumpNeeded) return; // woken again when the requests in flight are answered
    }
    const txn = this.txn;
    const max = this.config.maxInFlightRequestsPerConnection;
    const options = {
      canSend: (node: number) => (this.inFlight.get(node) ?? 0) < max,
      maxRequestSize: this.config.maxRequestSize,
      skipTopics: stale,
      mayDrain: txn ? (b: ProducerBatch) => txn.mayDrain(b) : undefined,
      onDrain: txn ? (b: ProducerBatch) => txn.assign(b) : undefined,
    };
    // One request carries at most one batch per partition: drain again while requests can be sent, so
    // that a partition with several ready batches gets several requests in flight (as Java's sender
    // loop does), not one per wakeup.
    let nextReadyMs = Infinity;
    for (let round = 0; round < max; round++) {
      const r = this.accumulator.drain(now, this.cluster.metadata, options);
      if (r.unknownLeaders.size > 0) this.refreshMetadata([...r.unknownLeaders]);
      nextReadyMs = Math.min(nextReadyMs, r.nextReadyMs);
      if (r.byNode.size === 0) break;
      for (const [node, batches] of r.byNode) void this.sendProduce(node, batches);
    }
    if (nextReadyMs < Infinity) this.wakeAt(nextReadyMs);
    // Keep checking delivery timeouts of waiting batches.
    if (this.accumulator.hasQueued) this.wakeAt(now + Math.max(this.config.retryBackoffMs, 100));
  }

  private refreshMetadata(topics: string[]): void {
    if (this.refreshing) return;
    this.refreshing = true;
    this.cluster.refreshMetadata(topics).then(
      () => {
        this.refreshing = false;
        this.wakeup();
      },
      () => {
        this.refreshing = false;
        this.wakeAt(Date.now() + this.config.retryBackoffMs);
      },
    );
  }

  private initProducerId(): void {
    const txn = this.txn!;
    if (this.initializing) return;
    this.initializing = true;
    const bump = txn.hasProducerId;
    if (bump) {
      // Batches waiting for a retry carry the old epoch's sequences: re-sequence those the broker
      // surely did not write; fail those whose outcome is unknown (see TransactionManager).
      for (const b of this.accumulator.queuedBatches()) {
        if (b.baseSequence < 0) continue;
        if (b.outcomeUnknown) {
          this.accumulator.remove(b);
          this.failBatch(b, b.lastError ?? new KafkaProtocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', `${b.topic}-${b.partition}: the producer epoch was bumped and the outcome of this batch is unknown`));
        } else {
          b.producerId = -1;
          b.producerEpoch = -1;
          b.baseSequence = -1;
        }
      }
    }
    txn.initProducerId().then(
      () => {
        this.initializing = false;
        if (bump) this.stats.epochBumps++;
        this.wakeup();
      },
      (e: Error) => {
        this.initializing = false;
        const retriable = e instanceof ConnectionError || (e instanceof KafkaProtocolError && e.retriable);
        if (!retriable) this.fatalError = e;
        this.wakeAt(Date.now() + this.config.retryBackoffMs);
        if (!retriable) this.wakeup();
      },
    );
  }

  private async sendProduce(node: number, batches: ProducerBatch[]): Promise<void> {
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
    this.totalInFlight++;
    this.stats.produceRequests++;
    this.stats.batchesSent += batches.length;
    const done = () => {
      this.inFlight.set(node, this.inFlight.get(node)! - 1);
      this.totalInFlight--;
      this.wakeup();
    };
    const topics = new Map<string, { name: string; partitionData: { index: number; records: Buffer }[] }>();
    try {
      for (const b of batches) {
        b.attempts++;
        b.inFlight = true;
        const records = await b.encode(this.config.compressionType);
        let t = topics.get(b.topic);
        if (!t) topics.set(b.topic, (t = { name: b.topic, partitionData: [] }));
        t.partitionData.push({ index: b.partition, records });
      }
    } catch (e) {
      for (const b of batches) this.failBatch(b, e as Error);
      return done();
    }
    const acks = this.config.acks;
    let response;
    try {
      response = await this.cluster.request(node, Apis.Produce, { transactionalId: null, acks, timeoutMs: this.config.requestTimeoutMs, topicData: [...topics.values()] }, { expectResponse: acks !== 0 });
    } catch (e) {
      const err = e as Error;
      const notSent = err instanceof ConnectionError || (err instanceof KafkaProtocolError && err.errorName === 'LEADER_NOT_AVAILABLE');
      const retriable = notSent || (err instanceof KafkaProtocolError && err.retriable);
      const now = Date.now();
      for (const b of batches) {
        b.inFlight = false;
        this.cluster.metadata.invalidate(b.topic);
        if (!notSent) b.outcomeUnknown = true;
        if (retriable) this.retryOrFail(b, err instanceof KafkaProtocolError ? err : new KafkaProtocolError('NETWORK_EXCEPTION', err.message, { cause: err }), now);
        else this.failBatch(b, err);
      }
      return done();
    }
    if (acks === 0) {
      for (const b of batches) this.completeBatch(b, -1, -1);
      return done();
    }
    const byPartition = new Map<string, { errorCode: number; baseOffset: number; logAppendTimeMs: number; errorMessage?: string | null }>();
    for (const t of response.responses) for (const p of t.partitionResponses) byPartition.set(`${t.name}\u0000${p.index}`, p);
    const now = Date.now();
    for (const b of batches) {
      b.inFlight = false;
      const p = byPartition.get(`${b.topic}\u0000${b.partition}`);
      if (!p) {
        this.retryOrFail(b, new KafkaProtocolError('NETWORK_EXCEPTION', `no answer for ${b.topic}-${b.partition} in the Produce response`), now);
        continue;
      }
      const code = p.errorCode;
      if (code === 0 || code === DUPLICATE_SEQUENCE_NUMBER) {
        this.completeBatch(b, p.baseOffset, p.logAppendTimeMs ?? -1);
        continue;
      }
      const err = new KafkaProtocolError(code, p.errorMessage ?? `${b.topic}-${b.partition}`);
      if (METADATA_ERRORS.has(code)) this.cluster.metadata.invalidate(b.topic);
      if (code === MESSAGE_TOO_LARGE && b.recordCount > 1 && this.running) {
        // As Java: split into batch.size pieces and send those (the broker wrote nothing of it).
        this.stats.splits++;
        const pieces = b.split(this.config.batchSize);
        this.txn?.split(b, pieces);
        this.accumulator.reenqueueSplit(b, pieces);
      } else if (code === OUT_OF_ORDER_SEQUENCE_NUMBER && this.txn?.isRetriableOutOfOrder(b)) {
        this.retryOrFail(b, err, now, true);
      } else if (code === OUT_OF_ORDER_SEQUENCE_NUMBER || code === UNKNOWN_PRODUCER_ID) {
        if (this.txn) this.txn.bumpNeeded = true;
        this.failBatch(b, err);
      } else if (err.retriable) {
        this.retryOrFail(b, err, now);
      } else {
        this.failBatch(b, err);
      }
    }
    done();
  }

  private retryOrFail(b: ProducerBatch, err: KafkaProtocolError, now: number, force = false): void {
    b.lastError = err;
    if (this.running && (force || b.attempts <= this.config.retries) && now - b.createdMs < this.config.deliveryTimeoutMs) {
      this.stats.retries++;
      this.accumulator.reenqueue(b, now, this.config.retryBackoffMs);
    } else {
      this.failBatch(b, err);
    }
  }

  private completeBatch(b: ProducerBatch, baseOffset: number, logAppendTime: number): void {
    this.txn?.acknowledged(b);
    // With acks=0 the socket may still be writing the batch: its buffer is not reused then.
    b.complete({ baseOffset, logAppendTime }, this.config.acks !== 0);
    this.accumulator.deallocate(b);
  }

  private failBatch(b: ProducerBatch, err: Error): void {
    if (this.txn && b.baseSequence >= 0 && b.producerEpoch === this.txn.producerEpoch && !b.completed) {
      this.txn.failed(b);
      this.txn.bumpNeeded = true;
    }
    b.fail(err);
    this.accumulator.deallocate(b);
  }
}
