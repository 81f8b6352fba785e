/**
 * RecordAccumulator (Java's `org.apache.kafka.clients.producer.internals.RecordAccumulator`): one
 * deque of ProducerBatch per partition. send() appends to the last batch of its partition's deque
 * while it has room (`batch.size`, uncompressed bytes; a record bigger than that gets a batch of its
 * own), else closes it and starts a new one. The Sender drains, per broker, the head batch of each
 * partition that is ready: full, older than `linger.ms`, or anything while a flush or close is under
 * way; retried batches wait `retry.backoff.ms`. Memory is counted against `buffer.memory` by the
 * BufferPool and given back when a batch completes.
 */
import type { RecordInput } from '../records/index.js';
import type { MetadataCache } from '../cluster/metadata-cache.js';
import { BufferPool } from './buffer-pool.js';
import { ProducerBatch } from './producer-batch.js';

/** The deque of one partition. */
export interface PartitionQueue {
  topic: string;
  partition: number;
  batches: ProducerBatch[];
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
  private flushesInProgress = 0;
  /** Set by close(): every batch is ready. */
  closing = false;

  constructor(
    readonly batchSize: number,
    readonly lingerMs: number,
    bufferMemory: number,
  ) {
    this.pool = new BufferPool(bufferMemory);
  }

  /** The deque of a partition (created on first use). */
  queue(topic: string, partition: number): PartitionQueue {
    let parts = this.topics.get(topic);
    if (!parts) this.topics.set(topic, (parts = []));
    let q = parts[partition];
    if (!q) {
      q = { topic, partition, batches: [] };
      parts[partition] = q;
      this.queues.push(q);
    }
    return q;
  }

  /**
   * Append a record of `size` estimated bytes (already allocated from the pool). Returns the batch and
   * the record's index, or undefined when `abortOnNewBatch` and a new batch would be needed (the
   * sticky partitioner then picks another partition, KIP-480).
   */
  append(topic: string, partition: number, record: RecordInput, size: number, nowMs: number, abortOnNewBatch = false): { batch: ProducerBatch; index: number } | undefined {
    const q = this.queue(topic, partition);
    const last = q.batches[q.batches.length - 1];
    if (last && !last.closed) {
      if (last.estimatedBytes + size <= this.batchSize) return { batch: last, index: last.append(record, size) };
      last.closed = true;
    }
    if (abortOnNewBatch) return undefined;
    const batch = new ProducerBatch(topic, partition, nowMs);
    q.batches.push(batch);
    this.incomplete.add(batch);
    const index = batch.append(record, size);
    if (batch.estimatedBytes >= this.batchSize) batch.closed = true;
    return { batch, index };
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
      const ready = urgent || batch.closed || q.batches.length > 1 || nowMs - batch.createdMs >= this.lingerMs;
      if (!ready) {
        nextReadyMs = Math.min(nextReadyMs, batch.createdMs + this.lingerMs);
        continue;
      }
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
    let i = 0;
    while (i < q.batches.length && q.batches[i]!.id < batch.id) i++;
    q.batches.splice(i, 0, batch);
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
