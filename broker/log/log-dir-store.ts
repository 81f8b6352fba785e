/**
 * The small durable state of one log directory, kept in lmdb (`<log.dir>/kafka-ts-meta/`): per
 * partition its topic id, topic config overrides, recovery point and log start offset (what Kafka keeps
 * in `partition.metadata`, `recovery-point-offset-checkpoint` and `log-start-offset-checkpoint`), and
 * per rolled or closed segment the CRC-32C of its two index files.
 *
 * Why lmdb rather than Kafka's text checkpoint files written atomically: one store holds all of it,
 * a checkpoint of every partition is a single transaction (no half-written file, no temp-and-rename
 * dance per file), single keys can be updated without rewriting the rest, and lmdb's copy-on-write
 * B-tree cannot be torn by a crash or a power loss. The server keeps its group offsets in lmdb too.
 * The clean-shutdown marker stays a file (`.kafka_cleanshutdown`), as in Kafka, because users and
 * scripts look for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { TopicPartition } from './log-files.js';

/** Directory name of the store inside a log directory. */
export const LOG_DIR_STORE_NAME = 'kafka-ts-meta';

/** What is kept per partition. */
export interface PartitionState {
  /** Kafka topic id (22-character base64), if the creator gave one. */
  topicId?: string;
  /** Offsets below this are on stable storage (fdatasync done): recovery starts at its segment. */
  recoveryPoint: number;
  /** The log start offset (after retention and DeleteRecords). */
  logStartOffset: number;
  /** Topic config overrides, Kafka key → value text. */
  overrides: Record<string, string>;
  /** Set when a read found a corrupt batch: the segment holding this offset is recovered at the next start. */
  recoverFrom?: number;
}

/** CRC-32C of a segment's index files, recorded when it rolled or closed. */
export interface SegmentChecksum {
  logBytes: number;
  indexBytes: number;
  indexCrc: number;
  timeIndexBytes: number;
  timeIndexCrc: number;
}

type Key = [string, string, number] | [string, string, number, number];

/** The durable state one UnifiedLog reads and writes (a view of LogDirStore for one partition). */
export interface LogStateStore {
  segmentChecksum(baseOffset: number): SegmentChecksum | undefined;
  putSegmentChecksum(baseOffset: number, c: SegmentChecksum): void;
  removeSegmentChecksum(baseOffset: number): void;
  /** Persist the log start offset; resolves once it is on disk. */
  putLogStartOffset(offset: number): Promise<void>;
  /** Ask for recovery of the segment holding `offset` at the next start. */
  markRecoveryNeeded(offset: number): void;
}

/** The lmdb store of one log directory; see the module comment. Errors: lmdb's. */
export class LogDirStore {
  readonly dir: string;
  private readonly db: RootDatabase<unknown, Key>;
  private readonly partitions: Database<PartitionState, Key>;

  private constructor(dir: string, db: RootDatabase<unknown, Key>) {
    this.dir = dir;
    this.db = db;
    this.partitions = db as unknown as Database<PartitionState, Key>;
  }

  /** Open (creating) the store of log directory `logDir`. Errors: lmdb's (e.g. a lock held elsewhere). */
  static open(logDir: string): LogDirStore {
    const dir = path.join(logDir, LOG_DIR_STORE_NAME);
    fs.mkdirSync(dir, { recursive: true });
    const db = open<unknown, Key>({ path: dir, compression: false, encoding: 'msgpack' });
    return new LogDirStore(dir, db);
  }

  /** The state of `tp`, or undefined. */
  getPartition(tp: TopicPartition): PartitionState | undefined {
    return this.partitions.get(['p', tp.topic, tp.partition]) as PartitionState | undefined;
  }

  /** Every partition with a stored state. */
  listPartitions(): { tp: TopicPartition; state: PartitionState }[] {
    const out: { tp: TopicPartition; state: PartitionState }[] = [];
    for (const { key, value } of this.db.getRange({ start: ['p'], end: ['p', '\uffff'] })) {
      const k = key as [string, string, number];
      out.push({ tp: { topic: k[1], partition: k[2] }, state: value as PartitionState });
    }
    return out;
  }

  /** Write the whole state of `tp` (committed in the background; `await` for durability). */
  putPartition(tp: TopicPartition, state: PartitionState): Promise<boolean> {
    return this.partitions.put(['p', tp.topic, tp.partition], state);
  }

  /** Merge `patch` into the state of `tp` (no-op when it has none). */
  async updatePartition(tp: TopicPartition, patch: Partial<PartitionState>): Promise<void> {
    await this.db.transaction(() => {
      const cur = this.getPartition(tp);
      if (cur) void this.partitions.put(['p', tp.topic, tp.partition], { ...cur, ...patch });
    });
  }

  /** Write the recovery points and log start offsets of many partitions in one transaction. */
  async checkpoint(entries: { tp: TopicPartition; recoveryPoint: number; logStartOffset: number }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction(() => {
      for (const e of entries) {
        const cur = this.getPartition(e.tp);
        if (cur) void this.partitions.put(['p', e.tp.topic, e.tp.partition], { ...cur, recoveryPoint: e.recoveryPoint, logStartOffset: e.logStartOffset });
      }
    });
  }

  /** Remove `tp` and its segment checksums. */
  async removePartition(tp: TopicPartition): Promise<void> {
    await this.db.transaction(() => {
      void this.db.remove(['p', tp.topic, tp.partition]);
      for (const key of this.db.getKeys({ start: ['s', tp.topic, tp.partition], end: ['s', tp.topic, tp.partition, Number.MAX_SAFE_INTEGER] })) void this.db.remove(key);
    });
  }

  /** The per-partition view a UnifiedLog uses. */
  stateStore(tp: TopicPartition): LogStateStore {
    const segKey = (base: number): Key => ['s', tp.topic, tp.partition, base];
    return {
      segmentChecksum: (base) => this.db.get(segKey(base)) as SegmentChecksum | undefined,
      putSegmentChecksum: (base, c) => void this.db.put(segKey(base), c),
      removeSegmentChecksum: (base) => void this.db.remove(segKey(base)),
      putLogStartOffset: async (offset) => {
        await this.updatePartition(tp, { logStartOffset: offset });
        await this.db.flushed;
      },
      markRecoveryNeeded: (offset) => {
        const cur = this.getPartition(tp);
        if (cur && (cur.recoverFrom === undefined || offset < cur.recoverFrom)) void this.updatePartition(tp, { recoverFrom: offset });
      },
    };
  }

  /** Resolves when every write so far is on disk. */
  async flushed(): Promise<void> {
    await this.db.flushed;
  }

  /** Wait for pending writes, then close. */
  async close(): Promise<void> {
    await this.db.flushed;
    await this.db.close();
  }
}
