/**
 * Producer ids and the sequence numbers of idempotent producers (Kafka's `ProducerIdManager` and
 * `ProducerStateManager`, for one broker).
 *
 * Producer ids are handed out in blocks of 1000 whose end is written to `producer-id-block` in the first
 * log dir before any id of the block is used, so an id is never given twice, across restarts too.
 *
 * Per partition and producer id the manager keeps the producer epoch and the last five batches'
 * sequence and offset ranges (Kafka's `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`). A batch is checked
 * before it is appended (`ProducerAppendInfo.checkProducerEpoch` / `checkSequence`):
 * - an older epoch is refused with INVALID_PRODUCER_EPOCH (47);
 * - a batch equal to one of the five retained ones is a duplicate: the producer gets success with the
 *   original offset, and nothing is appended (Kafka's DUPLICATE_SEQUENCE_NUMBER path);
 * - a newer epoch must start at sequence 0, and the same epoch must continue at last sequence + 1
 *   (wrapping at 2^31-1), else OUT_OF_ORDER_SEQUENCE_NUMBER (45);
 * - a producer id this partition has no state for is accepted at any sequence (its state may have
 *   been lost with the retained log, as Kafka accepts since KIP-360).
 * State lives in memory and is rebuilt after a restart from the batch headers of each partition's last
 * segment on first use (Kafka rebuilds from snapshots and the log's tail).
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaProtocolError } from '../../client/errors.js';
import { writeFileAtomic, type UnifiedLog } from '../log/index.js';

/** Size of a block of producer ids (Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000;
const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 2147483647;

/** One retained batch of a producer. */
interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMeta[];
  lastTimestamp: number;
}

/** Batch header fields used for the checks, read from the raw bytes (offsets of record batch v2). */
export interface IdempotentBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** lastOffsetDelta + 1 */
  recordCount: number;
}

/** Result of checking the batches of one partition's produce data. */
export type SequenceCheck = { kind: 'append' } | { kind: 'duplicate'; firstOffset: number; lastOffset: number };

function nextSeq(seq: number, n: number): number {
  const s = seq + n;
  return s > INT32_MAX ? s - INT32_MAX - 1 : s;
}

/**
 * Read the producer fields of every v2 batch in `records` (no validation beyond bounds; the log
 * validates the bytes). Returns [] when the data holds no idempotent batch.
 */
export function idempotentBatches(records: Buffer): IdempotentBatch[] {
  const out: IdempotentBatch[] = [];
  let pos = 0;
  while (pos + 61 <= records.length) {
    const len = records.readInt32BE(pos + 8);
    if (len < 49 || records[pos + 16] !== 2) break;
    const producerId = Number(records.readBigInt64BE(pos + 43));
    if (producerId >= 0) {
      out.push({ producerId, producerEpoch: records.readInt16BE(pos + 51), baseSequence: records.readInt32BE(pos + 53), recordCount: records.readInt32BE(pos + 23) + 1 });
    }
    pos += 12 + len;
  }
  return out;
}

/** See the module comment. */
export class ProducerStateManager {
  private nextId: number;
  private blockEnd: number;
  private readonly file: string;
  private readonly partitions = new Map<UnifiedLog, Map<number, ProducerEntry>>();
  /** Latest epoch handed out per producer id (InitProducerId epoch bumps). */
  private readonly epochs = new Map<number, number>();

  constructor(logDir: string, private readonly now: () => number = Date.now) {
    this.file = path.join(logDir, 'producer-id-block');
    const saved = fs.existsSync(this.file) ? Number(fs.readFileSync(this.file, 'utf8').trim()) : 0;
    this.nextId = Number.isSafeInteger(saved) && saved > 0 ? saved : 0;
    this.blockEnd = this.nextId;
  }

  /** A new producer id (durable before it is returned). */
  allocateProducerId(): number {
    if (this.nextId >= this.blockEnd) {
      this.blockEnd = this.nextId + PRODUCER_ID_BLOCK_SIZE;
      writeFileAtomic(this.file, `${this.blockEnd}\n`);
    }
    const id = this.nextId++;
    this.epochs.set(id, 0);
    return id;
  }

  /**
   * InitProducerId for an idempotent producer: a new id at epoch 0, or (KIP-360, v3+) the same id
   * with its epoch bumped when `producerId`/`epoch` name the latest epoch of a known id.
   * Errors: INVALID_PRODUCER_EPOCH (47) when the epoch given is not the id's latest.
   */
  initProducerId(producerId: number, epoch: number): { producerId: number; producerEpoch: number } {
    if (producerId < 0) return { producerId: this.allocateProducerId(), producerEpoch: 0 };
    const latest = this.epochs.get(producerId);
    if (latest !== undefined && latest !== epoch) throw new KafkaProtocolError('INVALID_PRODUCER_EPOCH', `epoch ${epoch} of producer ${producerId} is not its latest (${latest})`);
    if (epoch >= 32766) return { producerId: this.allocateProducerId(), producerEpoch: 0 };
    this.epochs.set(producerId, epoch + 1);
    return { producerId, producerEpoch: epoch + 1 };
  }

  private stateOf(log: UnifiedLog): Map<number, ProducerEntry> {
    let m = this.partitions.get(log);
    if (!m) {
      m = this.rebuild(log);
      this.partitions.set(log, m);
    }
    return m;
  }

  /** Producer state from the batch headers of the log's last segment (after a restart). */
  private rebuild(log: UnifiedLog): Map<number, ProducerEntry> {
    const m = new Map<number, ProducerEntry>();
    const segs = log.logSegments();
    const last = segs[segs.length - 1];
    if (!last || log.logEndOffset === log.logStartOffset) return m;
    let from = Math.max(last.baseOffset, log.logStartOffset);
    try {
      while (from < log.logEndOffset) {
        const { records } = log.read(from, 8 * 1024 * 1024, { maxOffset: log.logEndOffset });
        if (records.length === 0) break;
        let pos = 0;
        while (pos + 61 <= records.length) {
          const len = records.readInt32BE(pos + 8);
          const baseOffset = Number(records.readBigInt64BE(pos));
          const lastOffset = baseOffset + records.readInt32BE(pos + 23);
          const pid = Number(records.readBigInt64BE(pos + 43));
          if (pid >= 0) {
            const count = lastOffset - baseOffset + 1;
            this.record(m, pid, records.readInt16BE(pos + 51), records.readInt32BE(pos + 53), count, baseOffset, lastOffset);
          }
          from = lastOffset + 1;
          pos += 12 + len;
        }
      }
    } catch {
      // Unreadable tail: start without state for this partition (any sequence accepted).
    }
    return m;
  }

  private record(m: Map<number, ProducerEntry>, pid: number, epoch: number, baseSeq: number, count: number, firstOffset: number, lastOffset: number): void {
    let e = m.get(pid);
    if (!e || e.epoch !== epoch) {
      e = { epoch, batches: [], lastTimestamp: this.now() };
      m.set(pid, e);
    }
    e.batches.push({ firstSeq: baseSeq, lastSeq: nextSeq(baseSeq, count - 1), firstOffset, lastOffset });
    if (e.batches.length > BATCHES_TO_RETAIN) e.batches.shift();
    e.lastTimestamp = this.now();
    const latest = this.epochs.get(pid);
    if (latest === undefined || latest < epoch) this.epochs.set(pid, epoch);
  }

  /**
   * Check the idempotent batches of one partition's produce data before appending.
   * Errors: INVALID_PRODUCER_EPOCH (47), OUT_OF_ORDER_SEQUENCE_NUMBER (45).
   */
  check(log: UnifiedLog, batches: readonly IdempotentBatch[]): SequenceCheck {
    if (batches.length === 0) return { kind: 'append' };
    const m = this.stateOf(log);
    // A request with several batches: Kafka checks each; a duplicate request repeats all of them.
    const first = batches[0]!;
    const e = m.get(first.producerId);
    if (e && e.epoch === first.producerEpoch) {
      const dup = e.batches.find((b) => b.firstSeq === first.baseSequence && b.lastSeq === nextSeq(first.baseSequence, first.recordCount - 1));
      if (dup) {
        const lastBatch = batches[batches.length - 1]!;
        const dupLast = e.batches.find((b) => b.firstSeq === lastBatch.baseSequence) ?? dup;
        return { kind: 'duplicate', firstOffset: dup.firstOffset, lastOffset: dupLast.lastOffset };
      }
    }
    let epoch = e?.epoch;
    let lastSeq = e && e.batches.length > 0 ? e.batches[e.batches.length - 1]!.lastSeq : undefined;
    for (const b of batches) {
      if (b.producerId !== first.producerId) throw new KafkaProtocolError('INVALID_RECORD', 'batches of one partition in one request come from different producers');
      if (epoch !== undefined && b.producerEpoch < epoch) {
        throw new KafkaProtocolError('INVALID_PRODUCER_EPOCH', `Epoch of producer ${b.producerId} at offset is ${b.producerEpoch}, which is smaller than the last seen epoch ${epoch}`);
      }
      if (epoch !== undefined && b.producerEpoch > epoch) {
        if (b.baseSequence !== 0) throw new KafkaProtocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', `Invalid sequence number for new epoch of producer ${b.producerId}: ${b.producerEpoch} (request epoch), ${b.baseSequence} (seq. number), ${epoch} (current producer epoch)`);
      } else if (epoch !== undefined && lastSeq !== undefined && b.baseSequence !== nextSeq(lastSeq, 1)) {
        throw new KafkaProtocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', `Out of order sequence number for producer ${b.producerId} at offset ${log.logEndOffset} in partition ${log.name}: ${b.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`);
      }
      epoch = b.producerEpoch;
      lastSeq = nextSeq(b.baseSequence, b.recordCount - 1);
    }
    return { kind: 'append' };
  }

  /** Record appended batches (UnifiedLog.append's `batches`). */
  update(log: UnifiedLog, appended: readonly { producerId: number; producerEpoch: number; baseSequence: number; recordCount: number; baseOffset: number; lastOffset: number }[]): void {
    let m: Map<number, ProducerEntry> | undefined;
    for (const b of appended) {
      if (b.producerId < 0) continue;
      m ??= this.stateOf(log);
      this.record(m, b.producerId, b.producerEpoch, b.baseSequence, b.lastOffset - b.baseOffset + 1, b.baseOffset, b.lastOffset);
    }
  }

  /** Forget a partition (deleted, or its log replaced). */
  forget(log: UnifiedLog): void {
    this.partitions.delete(log);
  }
}
