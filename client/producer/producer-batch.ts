/**
 * ProducerBatch (Java's `org.apache.kafka.clients.producer.internals.ProducerBatch`): the records
 * for one partition that go to the broker together as one record batch v2. Records are kept as given
 * and encoded once, when the batch is first drained (encode(); again only if its producer epoch or
 * sequence changes). Its `done` promise settles once for the whole batch; each send() derives its
 * RecordMetadata from it (offset = base offset + index; timestamp = the record's CreateTime, or the
 * broker's LogAppendTime when the answer carries one).
 */
import { encodeRecordBatch, encodeRecordBatchSync, type CompressionName, type RecordInput } from '../records/index.js';

/** What the broker answered for a batch: base offset (-1 with acks=0) and log-append time (-1 = CreateTime). */
export interface BatchResult {
  baseOffset: number;
  logAppendTime: number;
}

/** Upper bound of one record's encoded size in bytes (Java's DefaultRecord.sizeInBytes upper bound). */
export function estimateRecordSize(keyBytes: number, valueBytes: number, headerBytes: number): number {
  return 21 + keyBytes + valueBytes + headerBytes;
}

let nextBatchId = 0;

/** See the module comment. */
export class ProducerBatch {
  /** Creation order (for re-queueing retried batches in order). */
  readonly id = nextBatchId++;
  readonly records: RecordInput[] = [];
  /** Estimated uncompressed size of the records, bytes. */
  estimatedBytes = 0;
  /** No more records may be added (full, drained, or aborted). */
  closed = false;
  /** Times sent (0 = never). */
  attempts = 0;
  /** ms before which a retry is not sent (retry.backoff.ms). */
  retryAtMs = 0;
  /** Idempotence: producer id / epoch / first sequence, -1 until first drained. */
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;
  /** True once a send of this batch ended without a definite answer (the broker may have written it). */
  outcomeUnknown = false;
  /** The last retriable error (reported if the batch finally fails). */
  lastError: Error | undefined;
  /** Set while a Produce request carrying this batch is in flight. */
  inFlight = false;
  /** Settled (done resolved or rejected). */
  completed = false;
  readonly done: Promise<BatchResult>;
  private resolveFn!: (r: BatchResult) => void;
  private rejectFn!: (e: Error) => void;
  private encoded: Buffer | undefined;
  private encodedFor = '';

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
  ) {
    this.done = new Promise<BatchResult>((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    // Failures reach the callers through the promises derived per record.
    this.done.catch(() => {});
  }

  /** Number of records. */
  get recordCount(): number {
    return this.records.length;
  }

  /** Add a record of `size` estimated bytes; returns its index in the batch. */
  append(record: RecordInput, size: number): number {
    this.records.push(record);
    this.estimatedBytes += size;
    return this.records.length - 1;
  }

  /** The batch's wire bytes (encoded once per producer id/epoch/sequence). zstd encodes off the main thread. */
  async encode(compression: CompressionName): Promise<Buffer> {
    const key = `${this.producerId}/${this.producerEpoch}/${this.baseSequence}`;
    if (this.encoded && this.encodedFor === key) return this.encoded;
    const input = { compression, producerId: this.producerId, producerEpoch: this.producerEpoch, baseSequence: this.baseSequence, records: this.records };
    this.encoded = compression === 'zstd' ? await encodeRecordBatch(input) : encodeRecordBatchSync(input);
    this.encodedFor = key;
    return this.encoded;
  }

  /** Size of the encoded batch if encoded, else the estimate (bytes). */
  get sizeInBytes(): number {
    return this.encoded?.length ?? this.estimatedBytes + 61;
  }

  /** Settle with success. */
  complete(result: BatchResult): void {
    if (this.completed) return;
    this.completed = true;
    this.encoded = undefined;
    this.resolveFn(result);
  }

  /** Settle with failure. */
  fail(error: Error): void {
    if (this.completed) return;
    this.completed = true;
    this.encoded = undefined;
    this.rejectFn(error);
  }
}
