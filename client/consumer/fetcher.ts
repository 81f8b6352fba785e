/**
 * Fetcher (Kafka's `Fetcher` / `AbstractFetch` with `CompletedFetch` and `FetchCollector`): sends Fetch
 * requests for the fetchable partitions, at most one in flight per leader broker, and buffers the
 * answers as completed fetches that `collect` turns into records for poll().
 *
 * Prefetching: a partition is fetched again as soon as fewer than two completed fetches of it wait in
 * the buffer, from the offset after the last batch received (`nextFetchOffset`), so the next Fetch is
 * on the wire while the application processes the previous answer. Requests carry `fetch.min.bytes`,
 * `fetch.max.wait.ms` (the broker long-polls), `fetch.max.bytes`, `max.partition.fetch.bytes` and
 * `isolation.level`; sessions are not used (full fetches, session id 0, epoch -1). Topic ids are
 * sent from Fetch v13 on.
 *
 * Collecting: records before the position are trimmed (a batch may start before the offset asked
 * for), control batches are skipped, and with read_committed the batches of aborted transactions are
 * dropped (the answer's aborted-transaction list, as Kafka's CompletedFetch). Compressed batches are
 * decoded (zstd asynchronously).
 *
 * Decoding (the hot path): each answer is decoded once, when it arrives, straight into ConsumerRecord
 * objects (decodeConsumerRecords: no intermediate record objects; records before the fetch offset are
 * not built; records without headers share one frozen empty headers array, so copy before adding).
 * Keys, values and header values are zero-copy views into the fetched buffer (or the decompressed
 * records of a compressed batch): that buffer stays alive as long as any record taken from it does.
 *
 * Errors: per partition, NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION,
 * FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_ID, INCONSISTENT_TOPIC_ID,
 * KAFKA_STORAGE_ERROR, OFFSET_NOT_AVAILABLE and REPLICA_NOT_AVAILABLE refresh the metadata and retry;
 * OFFSET_OUT_OF_RANGE resets the position by `auto.offset.reset`, or with `none` is raised by the next
 * poll (KafkaProtocolError OFFSET_OUT_OF_RANGE, Kafka's OffsetOutOfRangeException); other errors
 * (e.g. TOPIC_AUTHORIZATION_FAILED, CORRUPT_MESSAGE) are raised by the next poll. Connection failures
 * back off `retry.backoff.ms` and retry.
 */
import { KafkaProtocolError } from '../errors.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { Apis, errorCode } from '../protocol/index.js';
import { decodeLegacyEntry, MAGIC_OFFSET, MAGIC_V2, nextEntrySize, SyncCodecUnavailableError } from '../records/index.js';
import { openRecordBatch, openRecordBatchSync, type OpenedRecordBatch } from '../records/record-batch.js';
import { decodeConsumerRecords, EMPTY_HEADER_PAIRS } from '../records/record.js';
import type { ConsumerConfig } from './consumer-config.js';
import type { SubscriptionState, TopicPartitionState } from './subscription-state.js';

/** A record returned by poll (Kafka's ConsumerRecord). Offsets are int64 as numbers; timestamps in ms. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  /** In wire order, duplicates kept. */
  headers: [string, Buffer | null][];
  /** The batch's partition leader epoch (-1 unknown). */
  leaderEpoch: number;
}

/** Consecutive records of one partition returned together, with the partition's high watermark. */
export interface ConsumerBatch {
  topic: string;
  partition: number;
  records: ConsumerRecord[];
  highWatermark: number;
}

/** Completed fetches of one partition that may wait in the buffer before it is fetched no more. */
const MAX_BUFFERED_PER_PARTITION = 2;

const RETRY_WITH_METADATA = new Set(
  (
    [
      'NOT_LEADER_OR_FOLLOWER',
      'LEADER_NOT_AVAILABLE',
      'UNKNOWN_TOPIC_OR_PARTITION',
      'FENCED_LEADER_EPOCH',
      'UNKNOWN_LEADER_EPOCH',
      'UNKNOWN_TOPIC_ID',
      'INCONSISTENT_TOPIC_ID',
      'KAFKA_STORAGE_ERROR',
      'OFFSET_NOT_AVAILABLE',
      'REPLICA_NOT_AVAILABLE',
    ] as const
  ).map((n) => errorCode(n)),
);
const OFFSET_OUT_OF_RANGE = errorCode('OFFSET_OUT_OF_RANGE');

/**
 * One fetched entry (v2 batch or legacy message), its records already built as ConsumerRecords
 * (records before the fetch offset left out). Keys, values and header values are views into the
 * fetched (or decompressed) buffer: that buffer lives as long as any record returned from it.
 */
interface FetchedBatch {
  magic: number;
  lastOffset: number;
  isControl: boolean;
  isTransactional: boolean;
  producerId: number;
  records: ConsumerRecord[];
}

/** One partition's answer, waiting to be returned by poll (Kafka's CompletedFetch). */
interface CompletedFetch {
  state: TopicPartitionState;
  seekEpoch: number;
  batches: FetchedBatch[];
  batchIndex: number;
  recordIndex: number;
  highWatermark: number;
  /** read_committed: aborted transactions not yet reached, by first offset. */
  aborted: { producerId: number; firstOffset: number }[];
  abortedProducerIds: Set<number>;
}

/** See the module comment. */
export class Fetcher {
  private readonly inFlight = new Set<number>();
  private readonly backoffUntil = new Map<number, number>();
  private readonly completed: CompletedFetch[] = [];
  private readonly buffered = new Map<string, number>();
  private pendingError: Error | undefined;
  private refreshing = false;
  private lastRefreshMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** `onData` is called whenever something arrives that poll may want (data, an error, a reset). */
  constructor(
    private readonly cluster: KafkaCluster,
    private readonly config: ConsumerConfig,
    private readonly subscriptions: SubscriptionState,
    private readonly onData: () => void,
  ) {}

  /** Whether collect() has something to return (records or an error), ignoring paused partitions. */
  hasAvailable(): boolean {
    if (this.pendingError) return true;
    return this.completed.some((c) => !c.state.paused);
  }

  /** Send a Fetch to every leader that has fetchable partitions and none in flight. */
  sendFetches(): void {
    if (this.closed) return;
    const byNode = new Map<number, TopicPartitionState[]>();
    let missingLeader = false;
    const now = Date.now();
    for (const s of this.subscriptions.fetchablePartitions()) {
      if ((this.buffered.get(s.key) ?? 0) >= MAX_BUFFERED_PER_PARTITION) continue;
      const leader = this.cluster.metadata.leaderFor(s.topic, s.partition);
      // Unknown or marked stale (after NOT_LEADER_OR_FOLLOWER...): wait for the refresh; merely old: refresh and fetch meanwhile.
      if (!leader || this.cluster.metadata.needsRefresh(s.topic, Infinity)) {
        missingLeader = true;
        continue;
      }
      if (this.cluster.metadata.needsRefresh(s.topic, this.config.metadataMaxAgeMs)) missingLeader = true;
      const node = leader.nodeId;
      if (this.inFlight.has(node) || (this.backoffUntil.get(node) ?? 0) > now) continue;
      let l = byNode.get(node);
      if (!l) byNode.set(node, (l = []));
      l.push(s);
    }
    if (missingLeader) this.refreshMetadata();
    for (const [node, parts] of byNode) void this.fetchFrom(node, parts);
  }

  private refreshMetadata(): void {
    if (this.refreshing || this.closed) return;
    // At most one refresh per retry.backoff.ms (a topic that does not exist would otherwise spin).
    const wait = this.lastRefreshMs + this.config.retryBackoffMs - Date.now();
    if (wait > 0) return this.retryLater(wait);
    this.lastRefreshMs = Date.now();
    this.refreshing = true;
    const topics = [...new Set([...this.subscriptions.assignment.values()].map((s) => s.topic))];
    this.cluster.refreshMetadata(topics).then(
      () => {
        this.refreshing = false;
        this.sendFetches();
      },
      () => {
        this.refreshing = false;
        this.retryLater();
      },
    );
  }

  private retryLater(ms = this.config.retryBackoffMs): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.sendFetches();
    }, ms);
  }

  private async fetchFrom(node: number, parts: TopicPartitionState[]): Promise<void> {
    this.inFlight.add(node);
    const sent = new Map<string, { state: TopicPartitionState; seekEpoch: number; fetchOffset: number }>();
    try {
      const conn = await this.cluster.connectionTo(node);
      const v = conn.versionFor(Apis.Fetch);
      if (v === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${conn.address} does not support Fetch`);
      const topics = new Map<string, { topic: string; topicId: string; partitions: any[] }>();
      const idToName = new Map<string, string>();
      for (const s of parts) {
        let t = topics.get(s.topic);
        if (!t) {
          const topicId = this.cluster.metadata.topics.get(s.topic)?.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA';
          idToName.set(topicId, s.topic);
          topics.set(s.topic, (t = { topic: s.topic, topicId, partitions: [] }));
        }
        t.partitions.push({ partition: s.partition, currentLeaderEpoch: -1, fetchOffset: s.nextFetchOffset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: this.config.maxPartitionFetchBytes });
        sent.set(s.key, { state: s, seekEpoch: s.seekEpoch, fetchOffset: s.nextFetchOffset });
      }
      const r = await conn.request(
        Apis.Fetch,
        {
          replicaId: -1,
          maxWaitMs: this.config.fetchMaxWaitMs,
          minBytes: this.config.fetchMinBytes,
          maxBytes: this.config.fetchMaxBytes,
          isolationLevel: this.config.isolationLevel,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...topics.values()],
          forgottenTopicsData: [],
          rackId: this.config.clientRack,
        } as any,
        { timeoutMs: this.config.requestTimeoutMs + this.config.fetchMaxWaitMs, version: v },
      );
      if (r.errorCode) throw new KafkaProtocolError(r.errorCode, `Fetch from broker ${node}`);
      for (const t of r.responses) {
        const name = v >= 13 ? idToName.get(t.topicId) : t.topic;
        if (name === undefined) continue;
        for (const p of t.partitions) {
          const key = `${name}-${p.partitionIndex}`;
          const req = sent.get(key);
          if (req) await this.handlePartition(req, p);
        }
      }
    } catch (e) {
      if (this.closed) return;
      const err = e as KafkaProtocolError;
      if (err.retriable === false && err.errorName !== undefined && err.errorName !== 'UNKNOWN_ERROR_CODE') {
        this.pendingError = err;
        this.onData();
      }
      this.backoffUntil.set(node, Date.now() + this.config.retryBackoffMs);
      this.cluster.metadata.invalidate();
      this.retryLater();
    } finally {
      this.inFlight.delete(node);
    }
    if (!this.closed) this.sendFetches();
  }

  private async handlePartition(req: { state: TopicPartitionState; seekEpoch: number; fetchOffset: number }, p: any): Promise<void> {
    const s = req.state;
    const current = () => this.subscriptions.assignment.get(s.key) === s && s.seekEpoch === req.seekEpoch && s.nextFetchOffset === req.fetchOffset;
    if (!current()) return;
    if (p.errorCode !== 0) {
      if (RETRY_WITH_METADATA.has(p.errorCode)) {
        this.cluster.metadata.invalidate(s.topic);
        this.refreshMetadata();
      } else if (p.errorCode === OFFSET_OUT_OF_RANGE) {
        if (s.position !== req.fetchOffset) {
          // A prefetch past buffered data went out of range (e.g. the log was truncated): fetch again from the position.
          this.subscriptions.seekState(s, s.position!, s.positionLeaderEpoch);
        } else if (this.subscriptions.defaultResetStrategy === 'none') {
          this.pendingError = new KafkaProtocolError('OFFSET_OUT_OF_RANGE', `Fetch position ${req.fetchOffset} is out of range for partition ${s.key} (OffsetOutOfRangeException)`);
        } else {
          this.subscriptions.requestReset(s, this.subscriptions.defaultResetStrategy);
        }
        this.onData();
      } else {
        this.pendingError = new KafkaProtocolError(p.errorCode, `Fetch ${s.key} at offset ${req.fetchOffset}`);
        this.onData();
      }
      return;
    }
    s.highWatermark = p.highWatermark;
    if (p.lastStableOffset >= 0) s.lastStableOffset = p.lastStableOffset;
    if (p.logStartOffset >= 0) s.logStartOffset = p.logStartOffset;
    const records: Buffer | null = p.records;
    if (!records || records.length === 0) return;
    let batches: FetchedBatch[];
    let partialBytes: number;
    try {
      const r = this.decodeFetched(s, records, req.fetchOffset);
      if (r instanceof Promise) {
        ({ batches, partialBytes } = await r);
        if (!current()) return;
      } else ({ batches, partialBytes } = r);
    } catch (e) {
      this.pendingError = e as Error;
      this.onData();
      return;
    }
    if (batches.length === 0) {
      if (partialBytes > 0) {
        this.pendingError = new KafkaProtocolError('RECORD_TOO_LARGE', `There are some messages at [Partition=Offset]: {${s.key}=${req.fetchOffset}} whose size is larger than the fetch size ${this.config.maxPartitionFetchBytes} and hence cannot be returned (RecordTooLargeException)`);
        this.onData();
      }
      return;
    }
    s.nextFetchOffset = batches[batches.length - 1]!.lastOffset + 1;
    const aborted = this.config.isolationLevel === 1 && p.abortedTransactions ? [...p.abortedTransactions].sort((a: any, b: any) => a.firstOffset - b.firstOffset) : [];
    this.completed.push({ state: s, seekEpoch: s.seekEpoch, batches, batchIndex: 0, recordIndex: 0, highWatermark: p.highWatermark, aborted, abortedProducerIds: new Set() });
    this.buffered.set(s.key, (this.buffered.get(s.key) ?? 0) + 1);
    this.onData();
  }

  /**
   * Decode the complete entries of a partition's records in one pass into ConsumerRecords (see
   * FetchedBatch); a trailing partial entry is counted in `partialBytes`. Synchronous unless a batch
   * needs an asynchronous codec (zstd): from that batch on, the rest is decoded asynchronously.
   * Errors: CorruptRecordError as decodeRecordBatchSync / decodeLegacyEntry.
   */
  private decodeFetched(s: TopicPartitionState, buf: Buffer, fetchOffset: number): { batches: FetchedBatch[]; partialBytes: number } | Promise<{ batches: FetchedBatch[]; partialBytes: number }> {
    const opts = { verifyCrc: this.config.checkCrcs };
    const batches: FetchedBatch[] = [];
    const end = buf.length;
    let pos = 0;
    while (pos < end) {
      const size = nextEntrySize(buf, pos, end);
      if (size < 0) return { batches, partialBytes: end - pos };
      if (buf[pos + MAGIC_OFFSET] === MAGIC_V2) {
        let opened: OpenedRecordBatch;
        try {
          opened = openRecordBatchSync(buf, pos, opts);
        } catch (e) {
          if (!(e instanceof SyncCodecUnavailableError)) throw e;
          return this.decodeFetchedAsync(s, buf, fetchOffset, pos, batches);
        }
        batches.push(this.v2Batch(s, opened, fetchOffset));
      } else batches.push(this.legacyBatch(s, buf, pos, size, fetchOffset));
      pos += size;
    }
    return { batches, partialBytes: 0 };
  }

  private async decodeFetchedAsync(s: TopicPartitionState, buf: Buffer, fetchOffset: number, pos: number, batches: FetchedBatch[]): Promise<{ batches: FetchedBatch[]; partialBytes: number }> {
    const opts = { verifyCrc: this.config.checkCrcs };
    const end = buf.length;
    while (pos < end) {
      const size = nextEntrySize(buf, pos, end);
      if (size < 0) return { batches, partialBytes: end - pos };
      if (buf[pos + MAGIC_OFFSET] === MAGIC_V2) batches.push(this.v2Batch(s, await openRecordBatch(buf, pos, opts), fetchOffset));
      else batches.push(this.legacyBatch(s, buf, pos, size, fetchOffset));
      pos += size;
    }
    return { batches, partialBytes: 0 };
  }

  private v2Batch(s: TopicPartitionState, o: OpenedRecordBatch, fetchOffset: number): FetchedBatch {
    const h = o.header;
    const records: ConsumerRecord[] = [];
    const logAppend = h.timestampType === 1;
    // Control batches keep their (one) record: its key tells commit from abort.
    const minOffset = h.isControl ? -Infinity : fetchOffset;
    decodeConsumerRecords(o.data, o.start, o.end, h.recordCount, h.baseOffset, h.baseTimestamp, logAppend ? h.maxTimestamp : null, s.topic, s.partition, logAppend ? 'LogAppendTime' : 'CreateTime', h.partitionLeaderEpoch, minOffset, records);
    return { magic: 2, lastOffset: h.lastOffset, isControl: h.isControl, isTransactional: h.isTransactional, producerId: h.producerId, records };
  }

  private legacyBatch(s: TopicPartitionState, buf: Buffer, pos: number, size: number, fetchOffset: number): FetchedBatch {
    const b = decodeLegacyEntry(buf.subarray(0, pos + size), pos, { verifyCrc: this.config.checkCrcs });
    const timestampType = b.timestampType === 1 ? 'LogAppendTime' : 'CreateTime';
    const records: ConsumerRecord[] = [];
    for (const r of b.records) {
      if (r.offset < fetchOffset) continue;
      records.push({
        topic: s.topic,
        partition: s.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        timestampType,
        key: r.key,
        value: r.value,
        headers: EMPTY_HEADER_PAIRS,
        leaderEpoch: -1,
      });
    }
    return { magic: b.magic, lastOffset: b.lastOffset, isControl: false, isTransactional: false, producerId: -1, records };
  }

  /**
   * Take up to `maxRecords` records from the buffer, moving the positions past them (and past
   * control batches, aborted batches and compacted gaps). Paused partitions keep their buffered data.
   * Errors: the error a Fetch answer left (see the module comment), thrown once.
   */
  collect(maxRecords: number): ConsumerBatch[] {
    if (this.pendingError) {
      const e = this.pendingError;
      this.pendingError = undefined;
      throw e;
    }
    const out: ConsumerBatch[] = [];
    let n = 0;
    for (let i = 0; i < this.completed.length && n < maxRecords; ) {
      const cf = this.completed[i]!;
      const s = cf.state;
      if (this.subscriptions.assignment.get(s.key) !== s || s.seekEpoch !== cf.seekEpoch || s.position === null) {
        this.drop(i);
        continue;
      }
      if (s.paused) {
        i++;
        continue;
      }
      const records = this.drain(cf, maxRecords - n);
      if (records.length > 0) {
        out.push({ topic: s.topic, partition: s.partition, records, highWatermark: cf.highWatermark });
        n += records.length;
      }
      if (cf.batchIndex >= cf.batches.length) this.drop(i);
      else i++;
    }
    return out;
  }

  private drop(i: number): void {
    const cf = this.completed[i]!;
    this.completed.splice(i, 1);
    const left = (this.buffered.get(cf.state.key) ?? 1) - 1;
    if (left > 0) this.buffered.set(cf.state.key, left);
    else this.buffered.delete(cf.state.key);
    this.sendFetches();
  }

  private drain(cf: CompletedFetch, max: number): ConsumerRecord[] {
    const s = cf.state;
    const out: ConsumerRecord[] = [];
    let position = s.position!;
    const readCommitted = this.config.isolationLevel === 1;
    while (cf.batchIndex < cf.batches.length && out.length < max) {
      const b = cf.batches[cf.batchIndex]!;
      if (b.lastOffset < position) {
        cf.batchIndex++;
        cf.recordIndex = 0;
        continue;
      }
      if (b.magic === 2) {
        if (readCommitted) {
          while (cf.aborted.length > 0 && cf.aborted[0]!.firstOffset <= b.lastOffset) cf.abortedProducerIds.add(cf.aborted.shift()!.producerId);
        }
        if (b.isControl) {
          const key = b.records[0]?.key;
          if (readCommitted && key && key.length >= 4 && key.readInt16BE(2) === 0) cf.abortedProducerIds.delete(b.producerId);
          position = b.lastOffset + 1;
          cf.batchIndex++;
          cf.recordIndex = 0;
          continue;
        }
        if (readCommitted && b.isTransactional && cf.abortedProducerIds.has(b.producerId)) {
          position = b.lastOffset + 1;
          cf.batchIndex++;
          cf.recordIndex = 0;
          continue;
        }
      }
      const recs = b.records;
      let j = cf.recordIndex;
      for (; j < recs.length && out.length < max; j++) {
        const r = recs[j]!;
        if (r.offset < position) continue;
        out.push(r);
        position = r.offset + 1;
        s.positionLeaderEpoch = r.leaderEpoch;
      }
      cf.recordIndex = j;
      if (j >= recs.length) {
        if (b.lastOffset + 1 > position) position = b.lastOffset + 1;
        cf.batchIndex++;
        cf.recordIndex = 0;
      }
    }
    s.position = position;
    return out;
  }

  /** Forget buffered data of partitions no longer assigned (and of everything when `all`). */
  clearBuffered(all = false): void {
    for (let i = this.completed.length - 1; i >= 0; i--) {
      const cf = this.completed[i]!;
      if (all || this.subscriptions.assignment.get(cf.state.key) !== cf.state) this.drop(i);
    }
  }

  /** Stop fetching; answers in flight are ignored. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.completed.length = 0;
    this.buffered.clear();
  }
}
