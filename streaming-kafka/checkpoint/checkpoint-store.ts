import fs from 'node:fs';
import path from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { SparkException } from '../util/errors.js';
import { parseCheckpoint, type CheckpointRecord } from './checkpoint.js';

/** File name of the lmdb environment inside the checkpoint directory. */
export const CHECKPOINT_DB_FILE = 'checkpoint.lmdb';
/** Checkpoints kept (Spark keeps the newest 10 checkpoint files). */
export const CHECKPOINTS_KEPT = 10;

/**
 * Spark's `CheckpointWriter` and `CheckpointReader` on lmdb: checkpoints live in
 * `<checkpointDir>/checkpoint.lmdb` under numeric keys (ms). Each write is one lmdb transaction
 * (atomic, durable when the returned promise resolves) that also drops all but the newest 10.
 * As in Spark, the key is the latest checkpoint time the writer has seen, so the completion
 * checkpoint of an older batch never hides a newer one. Writes are serialised.
 */
export class CheckpointWriter {
  private db: RootDatabase<string, number> | undefined;
  private latestTime = -1;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly checkpointDir: string) {}

  private open(): RootDatabase<string, number> {
    if (!this.db) {
      fs.mkdirSync(this.checkpointDir, { recursive: true });
      this.db = open<string, number>({ path: path.join(this.checkpointDir, CHECKPOINT_DB_FILE), encoding: 'string' });
    }
    return this.db;
  }

  /** Write `cp` (resolves once committed). Errors: lmdb's errors. */
  write(cp: CheckpointRecord): Promise<void> {
    const run = async (): Promise<void> => {
      const db = this.open();
      this.latestTime = Math.max(this.latestTime, cp.checkpointTime);
      const key = this.latestTime;
      const text = JSON.stringify(cp);
      await db.transaction(() => {
        db.put(key, text);
        const keys = [...db.getKeys()].sort((a, b) => a - b);
        for (const k of keys.slice(0, Math.max(0, keys.length - CHECKPOINTS_KEPT))) db.remove(k);
      });
    };
    const p = this.chain.then(run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.db?.close();
    this.db = undefined;
  }
}

/**
 * Spark's `CheckpointReader.read(dir)`: the newest readable checkpoint in `checkpointDir`, or
 * undefined when there is none (missing directory: logs "Checkpoint directory <dir> does not exist").
 * Errors: `SparkException("Failed to read checkpoint from directory <dir>")` when checkpoints exist
 * but none can be read, unless `ignoreReadError`.
 */
export async function readCheckpoint(
  checkpointDir: string,
  options: { ignoreReadError?: boolean; warn?: (msg: string) => void } = {},
): Promise<CheckpointRecord | undefined> {
  const file = path.join(checkpointDir, CHECKPOINT_DB_FILE);
  if (!fs.existsSync(checkpointDir)) {
    options.warn?.(`Checkpoint directory ${checkpointDir} does not exist`);
    return undefined;
  }
  if (!fs.existsSync(file)) return undefined;
  let db: RootDatabase<string, number> | undefined;
  let sawAny = false;
  try {
    db = open<string, number>({ path: file, encoding: 'string', readOnly: true });
    for (const { value } of db.getRange({ reverse: true })) {
      sawAny = true;
      const cp = parseCheckpoint(value);
      if (cp) return cp;
    }
  } catch (err) {
    if (options.ignoreReadError) return undefined;
    throw new SparkException(`Failed to read checkpoint from directory ${checkpointDir}`, { cause: err });
  } finally {
    await db?.close();
  }
  if (sawAny && !options.ignoreReadError) throw new SparkException(`Failed to read checkpoint from directory ${checkpointDir}`);
  return undefined;
}
