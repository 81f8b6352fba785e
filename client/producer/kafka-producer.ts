/**
 * KafkaProducer (Java's `org.apache.kafka.clients.producer.KafkaProducer`): send() places a record in
 * the RecordAccumulator (partition chosen by the Partitioner rules, see partitioner.ts) and returns a
 * promise of its RecordMetadata; the Sender sends the batches (see sender.ts); with
 * `enable.idempotence` (default true) every batch carries a producer id, epoch and sequence number
 * (see transaction-manager.ts). Config keys and defaults are the Java client's (producer-config.ts).
 *
 * send() waits (at most `max.block.ms`, 60000) for the topic's metadata (asking the broker to create
 * a missing topic when `allow.auto.create.topics`, default true) and for room in `buffer.memory`;
 * sends waiting this way keep their order: a later send never overtakes an earlier one.
 *
 * Errors of send():
 * - KafkaProtocolError MESSAGE_TOO_LARGE (10), Kafka's RecordTooLargeException: the record (with the
 *   batch overhead) is larger than `max.request.size` or `buffer.memory`;
 * - KafkaProtocolError UNKNOWN_TOPIC_OR_PARTITION (3): an explicit partition the topic does not have
 *   (Java waits max.block.ms for it to appear; we fail at once after one metadata refresh);
 * - TimeoutError (`KTS_ERR_TIMEOUT`): no metadata within `max.block.ms`; a batch not delivered within
 *   `delivery.timeout.ms`; BufferExhaustedError (`KTS_ERR_BUFFER_EXHAUSTED`) after `max.block.ms`
 *   with `buffer.memory` full;
 * - KafkaProtocolError with the broker's error name for non-retriable errors (e.g. INVALID_RECORD,
 *   TOPIC_AUTHORIZATION_FAILED), or the last retriable one when retries / delivery.timeout.ms ran out;
 * - ProducerClosedError (`KTS_ERR_PRODUCER_CLOSED`) after close() or a forced close;
 * - KafkaTsError `KTS_ERR_INVALID_RECORD` for a malformed ProducerRecord (no topic, negative timestamp).
 */
import { KafkaProtocolError, KafkaTsError } from '../errors.js';
import type { ClientProperties } from '../config.js';
import { boolConfig } from '../config.js';
import { KafkaCluster } from '../cluster/kafka-cluster.js';
import type { PartitionInfo, TopicMetadata } from '../cluster/metadata-cache.js';
import type { RecordHeaderInput, RecordInput } from '../records/index.js';
import { ProducerClosedError, TimeoutError } from './errors.js';
import { partitionForKey, StickyPartitionCache, type Partitioner } from './partitioner.js';
import { estimateRecordSize } from './producer-batch.js';
import { producerConfig, type ProducerConfig } from './producer-config.js';
import { RecordAccumulator } from './record-accumulator.js';
import { Sender } from './sender.js';
import { TransactionManager } from './transaction-manager.js';

export type { Partitioner } from './partitioner.js';
export type { PartitionInfo } from '../cluster/metadata-cache.js';

/** A record to send. Strings are UTF-8; `timestamp` is ms since the epoch (default: now, CreateTime). */
export interface ProducerRecord {
  topic: string;
  partition?: number;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string> | [string, Buffer | string][];
  timestamp?: number;
}

/**
 * Where a record was written: `offset` is -1 with acks=0; `timestamp` is the record's CreateTime, or
 * the broker's LogAppendTime when the topic uses it (ms).
 */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/** A record ready for the accumulator, kept only for sends that have to wait (metadata, memory). */
interface Prepared {
  topic: string;
  partition: number | undefined;
  key: Uint8Array | null;
  keyLen: number;
  value: Uint8Array | string | null;
  valueLen: number;
  headers: RecordInput['headers'];
  timestamp: number;
  /** Estimated encoded size, bytes. */
  size: number;
}

interface Blocked {
  p: Prepared;
  deadline: number;
  resolve: (m: Promise<RecordMetadata>) => void;
  reject: (e: Error) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The resolve function of the promise last created with `new Promise(capture)` (no closure per send). */
let capturedResolve: (m: RecordMetadata | Promise<never>) => void;
function capture(resolve: (m: RecordMetadata | Promise<never>) => void): void {
  capturedResolve = resolve;
}

function byteLength(v: Buffer | Uint8Array | string | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** See the module comment. */
export class KafkaProducer {
  readonly config: ProducerConfig;
  private readonly cluster: KafkaCluster;
  private readonly accumulator: RecordAccumulator;
  /** The Sender (its `stats` count requests, batches, retries and epoch bumps). */
  readonly sender: Sender;
  private readonly txn: TransactionManager | undefined;
  private readonly sticky = new StickyPartitionCache();
  private readonly partitioner: Partitioner | undefined;
  private readonly autoCreate: boolean;
  /** Sends waiting for metadata or memory, in order; `blockedHead` is the first one still waiting. */
  private blocked: Blocked[] = [];
  private blockedHead = 0;
  private pumping: Promise<void> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  /**
   * @param props Java producer config keys (`bootstrap.servers` required). Errors: ConfigError.
   * @param options.partitioner replaces the default partitioning of records without an explicit partition.
   */
  constructor(props: ClientProperties, options: { partitioner?: Partitioner } = {}) {
    this.config = producerConfig(props);
    this.autoCreate = boolConfig(props, 'allow.auto.create.topics', true);
    this.partitioner = options.partitioner;
    this.cluster = new KafkaCluster(this.config);
    this.accumulator = new RecordAccumulator(this.config.batchSize, this.config.lingerMs, this.config.bufferMemory, this.config.maxRequestSize);
    this.txn = this.config.idempotence ? new TransactionManager(this.cluster, this.config.transactionTimeoutMs) : undefined;
    this.sender = new Sender(this.cluster, this.accumulator, this.config, this.txn);
  }

  /** The producer id and epoch (-1 before InitProducerId or without idempotence). */
  get producerIdAndEpoch(): { producerId: number; epoch: number } {
    return { producerId: this.txn?.producerId ?? -1, epoch: this.txn?.producerEpoch ?? -1 };
  }

  /**
   * Send a record; resolves when the broker acknowledged it (per `acks`). See the module comment for
   * the errors.
   */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    if (this.closed) return Promise.reject(new ProducerClosedError());
    try {
      this.prepare(record);
    } catch (e) {
      return Promise.reject(e);
    }
    const topicName = record.topic;
    const partition = record.partition ?? undefined;
    if (this.blockedHead === this.blocked.length) {
      const topic = this.cluster.metadata.topics.get(topicName);
      if (topic && topic.partitions.length > 0 && (partition === undefined || partition < topic.partitions.length) && this.accumulator.pool.tryAllocate(this.pSize)) {
        return this.append(topicName, partition, this.pKey, this.pKeyLen, this.pValue, this.pValueLen, this.pHeaders, this.pTimestamp, this.pSize, topic);
      }
    }
    const p: Prepared = { topic: topicName, partition, key: this.pKey, keyLen: this.pKeyLen, value: this.pValue, valueLen: this.pValueLen, headers: this.pHeaders, timestamp: this.pTimestamp, size: this.pSize };
    this.sender.wakeup(); // with idempotence: ask for the producer id meanwhile
    return new Promise<Promise<RecordMetadata>>((resolve, reject) => {
      this.blocked.push({ p, deadline: Date.now() + this.config.maxBlockMs, resolve, reject });
      this.pumping ??= this.pump();
    }).then((m) => m);
  }

  /** Wait until every record sent before this call completed (successfully or not); linger.ms is skipped. */
  async flush(): Promise<void> {
    this.accumulator.beginFlush();
    this.sender.wakeup();
    try {
      while (this.pumping) await this.pumping;
      await this.accumulator.awaitIncomplete();
    } finally {
      this.accumulator.endFlush();
    }
  }

  /**
   * Send what is buffered, then close the connections. Waits at most `timeoutMs` (default: no limit),
   * after which unsent records fail with ProducerClosedError ("forcefully"); `timeoutMs: 0` fails them
   * at once without sending (Java's close(Duration.ZERO)). Idempotent.
   */
  close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closed = true;
    this.closing ??= this.doClose(options.timeoutMs ?? Infinity);
    return this.closing;
  }

  private async doClose(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    if (timeoutMs <= 0) {
      // Java's close(Duration.ZERO): fail what is buffered at once, send nothing more.
      this.sender.close();
      const e = new ProducerClosedError('Producer is closed forcefully.');
      for (const b of this.blocked.slice(this.blockedHead)) b.reject(e);
      this.blocked = [];
      this.blockedHead = 0;
      this.accumulator.pool.abortWaiters(e);
      this.accumulator.abortAll(e);
      this.cluster.close();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
      if (timeoutMs < Infinity) timer = setTimeout(r, Math.max(0, timeoutMs));
    });
    const drained = (async () => {
      this.accumulator.closing = true;
      this.sender.wakeup();
      while (this.pumping) await this.pumping;
      while (this.accumulator.hasIncomplete && !this.sender.fatalError) await this.accumulator.awaitIncomplete();
    })();
    await Promise.race([drained, timeout]);
    if (timer) clearTimeout(timer);
    if (this.accumulator.hasIncomplete || this.blockedHead < this.blocked.length || Date.now() > deadline) {
      const e = new ProducerClosedError('Producer is closed forcefully.');
      for (const b of this.blocked.slice(this.blockedHead)) b.reject(e);
      this.blocked = [];
      this.blockedHead = 0;
      this.accumulator.pool.abortWaiters(e);
      this.accumulator.abortAll(e);
    }
    this.sender.close();
    this.cluster.close();
  }

  /** The partitions of `topic` (waits up to max.block.ms for its metadata). Errors: as send(). */
  async partitionsFor(topic: string): Promise<PartitionInfo[]> {
    if (this.closed) throw new ProducerClosedError();
    this.sender.wakeup(); // with idempotence: ask for the producer id meanwhile
    return (await this.waitOnMetadata(topic, Date.now() + this.config.maxBlockMs)).partitions;
  }

  // The record being sent, as prepare() left it (fields instead of an object per send).
  private pKey: Uint8Array | null = null;
  private pKeyLen = -1;
  private pValue: Uint8Array | string | null = null;
  private pValueLen = -1;
  private pHeaders: RecordInput['headers'] = undefined;
  private pTimestamp = 0;
  private pSize = 0;

  /** Check a record and leave its encoder inputs in the p* fields. Errors: see the module comment. */
  private prepare(record: ProducerRecord): void {
    if (!record || typeof record.topic !== 'string' || record.topic === '') throw new KafkaTsError('KTS_ERR_INVALID_RECORD', 'a ProducerRecord needs a topic');
    let timestamp = record.timestamp;
    if (timestamp === undefined || timestamp === null) timestamp = Date.now();
    else if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new KafkaTsError('KTS_ERR_INVALID_RECORD', `Invalid timestamp: ${record.timestamp}. Timestamp should always be non-negative or null.`);
    const part = record.partition;
    if (part !== undefined && part !== null && (!Number.isInteger(part) || part < 0)) {
      throw new KafkaTsError('KTS_ERR_INVALID_RECORD', `Invalid partition given with record: ${part}`);
    }
    const k = record.key;
    let key: Uint8Array | null;
    if (k === undefined || k === null) key = null;
    else if (typeof k === 'string') key = Buffer.from(k);
    else if (k instanceof Uint8Array) key = k;
    else throw new KafkaTsError('KTS_ERR_INVALID_RECORD', 'a record key must be a Buffer, a string or null');
    const value = record.value;
    let valueLen: number;
    if (value === undefined || value === null) valueLen = -1;
    else if (typeof value === 'string') valueLen = Buffer.byteLength(value);
    else if (value instanceof Uint8Array) valueLen = value.length;
    else throw new KafkaTsError('KTS_ERR_INVALID_RECORD', 'a record value must be a Buffer, a string or null');
    let headers: RecordInput['headers'];
    let headerBytes = 0;
    const h = record.headers;
    if (h) {
      if (Array.isArray(h)) {
        const list: RecordHeaderInput[] = [];
        for (const [hk, hv] of h) {
          list.push({ key: hk, value: hv });
          headerBytes += 10 + Buffer.byteLength(hk) + byteLength(hv);
        }
        headers = list;
      } else {
        for (const hk in h) headerBytes += 10 + Buffer.byteLength(hk) + byteLength(h[hk]);
        headers = h;
      }
    }
    const keyLen = key === null ? -1 : key.length;
    const size = estimateRecordSize(key === null ? 0 : keyLen, valueLen < 0 ? 0 : valueLen, headerBytes);
    const serialized = size + 61;
    if (serialized > this.config.maxRequestSize) {
      throw new KafkaProtocolError('MESSAGE_TOO_LARGE', `The message is ${serialized} bytes when serialized which is larger than ${this.config.maxRequestSize}, which is the value of the max.request.size configuration.`);
    }
    if (serialized > this.config.bufferMemory) {
      throw new KafkaProtocolError('MESSAGE_TOO_LARGE', `The message is ${serialized} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration.`);
    }
    this.pKey = key;
    this.pKeyLen = keyLen;
    this.pValue = value ?? null;
    this.pValueLen = valueLen;
    this.pHeaders = headers;
    this.pTimestamp = timestamp;
    this.pSize = size;
  }

  /** Place a record whose memory is allocated; returns its RecordMetadata promise. */
  private append(
    topicName: string,
    explicitPartition: number | undefined,
    key: Uint8Array | null,
    keyLen: number,
    value: Uint8Array | string | null,
    valueLen: number,
    headers: RecordInput['headers'],
    timestamp: number,
    size: number,
    topic: TopicMetadata,
  ): Promise<RecordMetadata> {
    const n = topic.partitions.length;
    let partition = explicitPartition;
    let sticky = false;
    if (partition === undefined) {
      if (this.partitioner) {
        partition = this.partitioner(topicName, key === null || Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.length), n);
        if (!Number.isInteger(partition) || partition < 0 || partition >= n) {
          this.accumulator.pool.deallocate(size);
          return Promise.reject(new KafkaTsError('KTS_ERR_INVALID_RECORD', `the partitioner returned ${partition} for ${topicName}, which has ${n} partitions`));
        }
      } else if (key !== null) {
        partition = partitionForKey(key, n);
      } else {
        partition = this.sticky.partition(topicName, n);
        // With one partition there is nowhere else to go: let its batch grow instead (see RecordAccumulator.append).
        sticky = n > 1;
      }
    }
    const promise = new Promise<RecordMetadata>(capture);
    const resolve = capturedResolve;
    try {
      const acc = this.accumulator;
      if (!acc.append(topicName, partition, key, keyLen, value, valueLen, headers, timestamp, size, sticky, resolve)) {
        // KIP-480: the sticky partition's batch is full or was sent: move on to another partition.
        partition = this.sticky.nextPartition(topicName, n, partition);
        acc.append(topicName, partition, key, keyLen, value, valueLen, headers, timestamp, size, false, resolve);
      }
    } catch (e) {
      this.accumulator.pool.deallocate(size);
      return Promise.reject(e);
    }
    this.sender.wakeup();
    return promise;
  }

  /** Serve blocked sends in order: metadata first, then memory, each within the send's max.block.ms. */
  private async pump(): Promise<void> {
    try {
      while (this.blockedHead < this.blocked.length) {
        const b = this.blocked[this.blockedHead]!;
        try {
          let topic = this.cluster.metadata.topics.get(b.p.topic);
          if (!topic || topic.partitions.length === 0 || (b.p.partition !== undefined && b.p.partition >= topic.partitions.length)) {
            topic = await this.waitOnMetadata(b.p.topic, b.deadline, b.p.partition);
          }
          if (b.p.partition !== undefined && b.p.partition >= topic.partitions.length) {
            throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `Invalid partition given with record: ${b.p.partition} is not in the range [0...${topic.partitions.length}).`);
          }
          const pool = this.accumulator.pool;
          if (!pool.tryAllocate(b.p.size)) await pool.allocate(b.p.size, Math.max(0, b.deadline - Date.now()));
          this.takeBlocked();
          const p = b.p;
          b.resolve(this.append(p.topic, p.partition, p.key, p.keyLen, p.value, p.valueLen, p.headers, p.timestamp, p.size, topic));
        } catch (e) {
          this.takeBlocked();
          b.reject(e as Error);
        }
      }
    } finally {
      this.pumping = undefined;
    }
  }

  private takeBlocked(): void {
    this.blocked[this.blockedHead++] = undefined as unknown as Blocked;
    if (this.blockedHead === this.blocked.length) {
      this.blocked = [];
      this.blockedHead = 0;
    } else if (this.blockedHead > 4096 && this.blockedHead * 2 > this.blocked.length) {
      this.blocked = this.blocked.slice(this.blockedHead);
      this.blockedHead = 0;
    }
  }

  /**
   * The metadata of `topic` (with `partition` present when given, refreshed once for it), retried
   * every retry.backoff.ms until `deadline`. Errors: TimeoutError; the broker's non-retriable topic
   * errors (e.g. INVALID_TOPIC_EXCEPTION, TOPIC_AUTHORIZATION_FAILED).
   */
  private async waitOnMetadata(topic: string, deadline: number, partition?: number): Promise<TopicMetadata> {
    let refreshedForPartition = false;
    for (;;) {
      if (this.closed && !this.closing) throw new ProducerClosedError();
      try {
        const t = await this.cluster.topic(topic, { allowAutoTopicCreation: this.autoCreate });
        if (t.partitions.length > 0) {
          if (partition === undefined || partition < t.partitions.length || refreshedForPartition) return t;
          refreshedForPartition = true;
          this.cluster.metadata.invalidate(topic);
          continue;
        }
      } catch (e) {
        const retriable = !(e instanceof KafkaProtocolError) || e.retriable || e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION';
        if (!retriable) throw e;
        this.cluster.metadata.invalidate(topic);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`Topic ${topic} not present in metadata after ${this.config.maxBlockMs} ms.`);
      await sleep(Math.min(this.config.retryBackoffMs, left));
    }
  }
}
