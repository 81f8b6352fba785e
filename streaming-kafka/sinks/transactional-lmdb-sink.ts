import fs from 'node:fs';
import nodePath from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { OffsetRange, tpKey } from '../kafka/offset-range.js';

/** Writes of one batch inside the sink's transaction. */
export interface SinkTransaction {
  /** Store `value` (JSON-able) under `key` in the results. */
  put(key: string, value: unknown): void;
  /** Current value of `key` (including this transaction's writes). */
  get(key: string): unknown;
}

/**
 * Exactly-once output, "your own data store" way of Spark's Kafka integration guide (§ Storing
 * Offsets): a batch's results and its offset ranges are written in **one lmdb transaction**; the
 * offsets are updated only where the stored end of a partition equals the batch's `fromOffset`
 * (detecting skips and duplicates). On restart, start the stream from `storedOffsets()`
 * (`ConsumerStrategies.Assign(partitions, params, sink.storedOffsets())`), without relying on the
 * checkpoint for offsets.
 * Layout: `<path>` is an lmdb environment with keys `offset/<topic>-<partition>` → next offset,
 * `result/<key>` → JSON value, `batch` → last committed batch time.
 */
export class TransactionalLmdbSink {
  private readonly db: RootDatabase<string, string>;
  private closed = false;

  /**
   * Open the sink at `path` (created when missing). Sinks on the same path in one process share one
   * lmdb environment (reference-counted, closed with the last sink): LMDB forbids opening an
   * environment twice in a process, and a second open while a write transaction is in flight
   * blocks the process. Errors: fs and lmdb errors.
   */
  constructor(readonly path: string) {
    fs.mkdirSync(nodePath.dirname(path), { recursive: true });
    const key = nodePath.resolve(path);
    let e = openEnvs.get(key);
    if (e === undefined) {
      e = { db: open<string, string>({ path, encoding: 'string' }), refs: 0 };
      openEnvs.set(key, e);
    }
    e.refs++;
    this.db = e.db;
  }

  /** Next offset to read per `topic-partition` (the stored ends). */
  storedOffsets(): Map<string, number> {
    const out = new Map<string, number>();
    for (const { key, value } of this.db.getRange({ start: 'offset/', end: 'offset0' })) out.set(key.slice('offset/'.length), Number(value));
    return out;
  }

  /** A stored result value. */
  getResult(key: string): unknown {
    const v = this.db.get(`result/${key}`);
    return v === undefined ? undefined : JSON.parse(v);
  }

  /** All results, key → value. */
  results(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const { key, value } of this.db.getRange({ start: 'result/', end: 'result0' })) out.set(key.slice('result/'.length), JSON.parse(value));
    return out;
  }

  /**
   * Commit one batch: in one transaction, check every non-empty range against the stored end of its
   * partition, run `write(txn)` (results), and store the new ends.
   * Returns 'committed', or 'duplicate' (nothing written) when every range is already covered by the
   * stored offsets (a batch that runs again after a restart).
   * Errors: Error("Offset mismatch for <topic>-<partition>: stored end is <e>, batch starts at <f> (offsets <f> to <u>)")
   * when a batch would skip or partly repeat records; nothing is written then.
   */
  async commitBatch(batchTimeMs: number, ranges: OffsetRange[], write: (txn: SinkTransaction) => void): Promise<'committed' | 'duplicate'> {
    const db = this.db;
    return db.transaction(() => {
      const nonEmpty = ranges.filter((r) => r.count() > 0);
      const ends = nonEmpty.map((r) => {
        const stored = db.get(`offset/${tpKey(r)}`);
        return stored === undefined ? undefined : Number(stored);
      });
      if (nonEmpty.length > 0 && nonEmpty.every((r, i) => ends[i] !== undefined && ends[i]! >= r.untilOffset)) return 'duplicate' as const;
      nonEmpty.forEach((r, i) => {
        const end = ends[i];
        if (end !== undefined && end !== r.fromOffset) {
          throw new Error(`Offset mismatch for ${tpKey(r)}: stored end is ${end}, batch starts at ${r.fromOffset} (offsets ${r.fromOffset} to ${r.untilOffset})`);
        }
      });
      const txn: SinkTransaction = {
        put: (key, value) => void db.put(`result/${key}`, JSON.stringify(value)),
        get: (key) => {
          const v = db.get(`result/${key}`);
          return v === undefined ? undefined : JSON.parse(v);
        },
      };
      write(txn);
      for (const r of ranges) {
        const stored = db.get(`offset/${tpKey(r)}`);
        if (stored === undefined || Number(stored) < r.untilOffset) db.put(`offset/${tpKey(r)}`, String(r.untilOffset));
      }
      db.put('batch', String(batchTimeMs));
      return 'committed' as const;
    });
  }

  /** Release the sink; the environment closes with the last sink of its path in this process. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const key = nodePath.resolve(this.path);
    const e = openEnvs.get(key);
    if (e === undefined || e.db !== this.db) return;
    if (--e.refs > 0) return;
    openEnvs.delete(key);
    await this.db.close();
  }
}

/** The lmdb environments of the open sinks, by resolved path (one per path and process, as LMDB requires). */
const openEnvs = new Map<string, { db: RootDatabase<string, string>; refs: number }>();
