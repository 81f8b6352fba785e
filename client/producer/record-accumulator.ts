/**
 * RecordAccumulator (Java's `org.apache.kafka.clients.producer.internals.RecordAccumulator`): one
 * deque of ProducerBatch per partition. send() appends to the last batch of its partition's deque
 * while it has room (`batch.size`, uncompressed bytes; a record bigger than that gets a batch of its
 * own), else closes it and starts a new one. During a burst (an older batch of the partition queued or
 * in flight) the last batch keeps growing past `batch.size`, up to about 1 MB (`growLimit`), instead
 * of queueing many small batches that would each need a Produce request of their own (one batch per
 * partition per request); a topic that refuses such a batch as too large goes back to `batch.size`. The Sender drains, per broker, the head batch of each
 * partition that is ready: full, older than `linger.ms`, or anything while a flush or close is under
 * way; retried batches wait `retry.backoff.ms`. Memory is counted against `buffer.memory` by the
 * BufferPool and given back when a batch completes.
 */
import type { RecordInput } from '../records/index.js';
import { RECORD_BATCH_OVERHEAD } from '../records/constants.js';
import type { MetadataCache } from '../cluster/metadata-cache.js';
import { BufferPool } from './buffer-pool.js';
import { ProducerBatch, type BatchRecordMetadata } from './producer-batch.js';

/** Default upper bound of a grown batch (librdkafka's batch.size default). */
const GROW_LIMIT = 1_000_000;

/** The deque of one partition. */
export interface PartitionQueue {
  topic: string;
  partition: number;
  batches: ProducerBatch[];
  /** Batches drained and not yet completed or re-enqueued (in flight). */
  sending: number;
}

/** What drain() found. */
export interface DrainResult {
  /** Batches to send, per leader node id (one per partition at most). */
  byNode: Map<number, ProducerBatch[]>;
  /** Earliest ms at which a waiting batch becomes ready (Infinity = none waits). */
  nextReadyMs: number;
  /** Topics with a partition whose leader is unknown (refresh their metadata). */
  unknownLeaders: Set<string>;
}

/** Options of drain(). */
export interface DrainOptions {
  /** Whether a request may be sent to this node now (in-flight limit). */
  canSend: (nodeId: number) => boolean;
  /** max.request.size in bytes. */
  maxRequestSize: number;
  /** Topics not to drain now (their metadata is being refreshed). */
  skipTopics?: ReadonlySet<string>;
  /** Whether this ready head batch may be drained now (idempotence: see TransactionManager.mayDrain). */
  mayDrain?: (batch: ProducerBatch) => boolean;
  /** Called for each drained batch before it leaves its deque (assigns sequence numbers). */
  onDrain?: (batch: ProducerBatch) => void;
}

/** See the module comment. */
export class RecordAccumulator {
  readonly pool: BufferPool;
  private readonly topics = new Map<string, (PartitionQueue | undefined)[]>();
  private readonly queues: PartitionQueue[] = [];
  private readonly incomplete = new Set<ProducerBatch>();
  private drainIndex = 0;
  /** Topics whose batches stay within batch.size (a grown batch was refused as too large). */
  private readonly noGrow = new Set<string>();
  /** The deque queue() returned last (consecutive sends usually go to the same partition). */
  private lastQueue: PartitionQueue | undefined;
  private flushesInProgress = 0;
  /** Set by close(): every batch is ready. */
  closing = false;

  /** Largest estimated size a batch queued behind another one may grow to (bytes, at least batchSize). */
  readonly growLimit: number;

  /**
   * @param maxRequestSize max.request.size: grown batches stay well under it (and under the broker's
   *   default message.max.bytes, 1048588).
   */
  constructor(
    readonly batchSize: number,
    readonly lingerMs: number,
    bufferMemory: number,
    maxRequestSize = 1048576,
  ) {
    this.pool = new BufferPool(bufferMemory);
    this.growLimit = Math.max(batchSize, Math.min(GROW_LIMIT, maxRequestSize - 1024, Math.floor(bufferMemory / 8)));
  }

  /** The deque of a partition (created on first use). */
  queue(topic: string, partition: number): PartitionQueue {
    const last = this.lastQueue;
    if (last !== undefined && last.partition === partition && last.topic === topic) return last;
    let parts = this.topics.get(topic);
    if (!parts) this.topics.set(topic, (parts = []));
    let q = parts[partition];
    if (!q) {
      q = { topic, partition, batches: [], sending: 0 };
      parts[partition] = q;
      this.queues.push(q);
    }
    this.lastQueue = q;
    return q;
  }

  /**
   * Append a record of `size` estimated bytes (already allocated from the pool), encoding it into its
   * partition's open batch (see ProducerBatch.append for the arguments). Returns the batch, or
   * undefined when `abortOnNewBatch` and a new batch would be needed (the sticky partitioner then picks
   * another partition, KIP-480). While an older batch of the partition is queued or in flight, the
   * open batch keeps taking records past `batch.size`, up to `growLimit`: during a burst, one large
   * batch replaces a queue of small ones (fewer, larger requests, as librdkafka's 1 MB batches), and
   * no record waits longer than it would have (it could not have been sent earlier anyway).
   * Errors: ProtocolEncodeError for bad header input (nothing appended).
   */
  append(
    topic: string,
    partition: number,
    key: Uint8Array | null,
    keyLen: number,
    value: Uint8Array | string | null,
    valueLen: number,
    headers: RecordInput['headers'],
    timestamp: number,
    size: number,
    abortOnNewBatch: boolean,
    resolve: (m: BatchRecordMetadata | Promise<never>) => void,
  ): ProducerBatch | undefined {
    const q = this.queue(topic, partition);
    const batches = q.batches;
    const last = batches[batches.length - 1];
    if (last && !last.closed) {
      const total = last.estimatedBytes + size;
      if (total <= this.batchSize || (!abortOnNewBatch && total <= this.growLimit && (batches.length > 1 || q.sending > 0) && !this.noGrow.has(topic))) {
        last.append(key, keyLen, value, valueLen, headers, timestamp, size, resolve);
        return last;
      }
      last.closed = true;
    }
    if (abortOnNewBatch) return undefined;
    // batch.size to start with; a growing batch doubles its buffer, or starts with a large free one
    // (buffers are reused, see ProducerBatch).
    const mayGrow = (batches.length > 0 || q.sending > 0) && this.growLimit > this.batchSize && !this.noGrow.has(topic);
    const batch = new ProducerBatch(topic, partition, Date.now(), Math.max(this.batchSize, size) + RECORD_BATCH_OVERHEAD, mayGrow);
    try {
      batch.append(key, keyLen, value, valueLen, headers, timestamp, size, resolve);
    } catch (e) {
      batch.fail(e as Error);
      throw e;
    }
    batches.push(batch);
    this.incomplete.add(batch);
    if (batch.estimatedBytes >= this.batchSize) batch.closed = true;
    return batch;
  }

  /** True when `topic-partition` has an open batch (used by the sticky partitioner). */
  hasOpenBatch(topic: string, partition: number): boolean {
    const q = this.topics.get(topic)?.[partition];
    const last = q?.batches[q.batches.length - 1];
    return last !== undefined && !last.closed;
  }

  /**
   * Take the ready head batches, grouped by leader (Java's `ready` + `drain`): at most one batch per
   * partition, and per node batches up to `maxRequestSize` bytes (at least one).
   */
  drain(nowMs: number, metadata: MetadataCache, options: DrainOptions): DrainResult {
    const byNode = new Map<number, ProducerBatch[]>();
    const sizes = new Map<number, number>();
    const full = new Set<number>();
    const unknownLeaders = new Set<string>();
    let nextReadyMs = Infinity;
    const n = this.queues.length;
    const start = n > 0 ? this.drainIndex % n : 0;
    this.drainIndex++;
    const urgent = this.closing || this.flushesInProgress > 0;
    for (let k = 0; k < n; k++) {
      const q = this.queues[(start + k) % n]!;
      const batch = q.batches[0];
      if (!batch || options.skipTopics?.has(q.topic)) continue;
      if (batch.attempts > 0 && nowMs < batch.retryAtMs) {
        nextReadyMs = Math.min(nextReadyMs, batch.retryAtMs);
        continue;
      }
      const ready = urgent || batch.closed || q.batches.length > 1 || batch.estimatedBytes >= this.batchSize || nowMs - batch.createdMs >= this.lingerMs;
      if (!ready) {
        nextReadyMs = Math.min(nextReadyMs, batch.createdMs + this.lingerMs);
        continue;
      }
      if (options.mayDrain && !options.mayDrain(batch)) continue; // woken again by the answer
      const leader = metadata.leaderFor(q.topic, q.partition);
      if (!leader) {
        unknownLeaders.add(q.topic);
        continue;
      }
      const node = leader.nodeId;
      if (full.has(node) || !options.canSend(node)) continue;
      const used = sizes.get(node) ?? 0;
      if (used > 0 && used + batch.sizeInBytes > options.maxRequestSize) {
        full.add(node);
        nextReadyMs = nowMs;
        continue;
      }
      sizes.set(node, used + batch.sizeInBytes);
      q.batches.shift();
      batch.closed = true;
      batch.sending = true;
      q.sending++;
      options.onDrain?.(batch);
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(batch);
    }
    return { byNode, nextReadyMs, unknownLeaders };
  }

  /** Put a batch back for a retry, before the batches created after it (Java's `reenqueue`). */
  reenqueue(batch: ProducerBatch, nowMs: number, backoffMs: number): void {
    batch.retryAtMs = nowMs + backoffMs;
    const q = this.queue(batch.topic, batch.partition);
    if (batch.sending) {
      batch.sending = false;
      q.sending--;
    }
    let i = 0;
    while (i < q.batches.length && q.batches[i]!.id < batch.id) i++;
    q.batches.splice(i, 0, batch);
  }

  /**
   * Replace a drained batch by its pieces (ProducerBatch.split), at its place in its deque, ready at
   * once; batches of its topic no longer grow past batch.size (the broker refused one).
   */
  reenqueueSplit(batch: ProducerBatch, pieces: ProducerBatch[]): void {
    this.noGrow.add(batch.topic);
    const q = this.queue(batch.topic, batch.partition);
    if (batch.sending) {
      batch.sending = false;
      q.sending--;
    }
    this.incomplete.delete(batch);
    let i = 0;
    while (i < q.batches.length && q.batches[i]!.id < batch.id) i++;
    q.batches.splice(i, 0, ...pieces);
    for (const p of pieces) this.incomplete.add(p);
  }

  /** Take a queued batch out of its deque. */
  remove(batch: ProducerBatch): void {
    const q = this.topics.get(batch.topic)?.[batch.partition];
    const i = q ? q.batches.indexOf(batch) : -1;
    if (i >= 0) q!.batches.splice(i, 1);
  }

  /** Batches waiting in deques (not in flight) older than `deliveryTimeoutMs`, removed from their deques. */
  expiredBatches(nowMs: number, deliveryTimeoutMs: number): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const q of this.queues) {
      while (q.batches.length > 0 && nowMs - q.batches[0]!.createdMs >= deliveryTimeoutMs) out.push(q.batches.shift()!);
    }
    return out;
  }

  /** Every queued (not in flight) batch with a sequence number, of every partition. */
  queuedBatches(): ProducerBatch[] {
    return this.queues.flatMap((q) => q.batches);
  }

  /** Forget a completed batch and give its memory back. */
  deallocate(batch: ProducerBatch): void {
    if (batch.sending) {
      batch.sending = false;
      const q = this.topics.get(batch.topic)?.[batch.partition];
      if (q) q.sending--;
    }
    if (this.incomplete.delete(batch)) this.pool.deallocate(batch.estimatedBytes);
  }

  /** Whether any batch is not yet completed. */
  get hasIncomplete(): boolean {
    return this.incomplete.size > 0;
  }

  /** Topics with a queued batch. */
  queuedTopics(): Set<string> {
    const out = new Set<string>();
    for (const q of this.queues) if (q.batches.length > 0) out.add(q.topic);
    return out;
  }

  /** True when some deque holds a batch. */
  get hasQueued(): boolean {
    return this.queues.some((q) => q.batches.length > 0);
  }

  /** Make every batch ready now, until endFlush() (Java's beginFlush). */
  beginFlush(): void {
    this.flushesInProgress++;
  }

  /** End of a flush. */
  endFlush(): void {
    this.flushesInProgress--;
  }

  /** Resolve when every batch that exists now has completed, successfully or not (Java's awaitFlushCompletion). */
  async awaitIncomplete(): Promise<void> {
    await Promise.allSettled([...this.incomplete].map((b) => b.done));
  }

  /** Fail every incomplete batch (forced close, fatal error). */
  abortAll(error: Error): void {
    for (const q of this.queues) q.batches.length = 0;
    for (const b of [...this.incomplete]) {
      b.fail(error);
      this.deallocate(b);
    }
  }
}
