import fs from 'node:fs';
import path from 'node:path';
import type { OffsetRange } from '../kafka/offset-range.js';

/**
 * Exactly-once output, the idempotent way (Spark's guide: "idempotent updates"): one file per
 * batch, `<dir>/batch-<batchTimeMs>.json`, holding the batch time, its offset ranges and the
 * results, written atomically (temp file, fsync, rename, directory fsync). A batch that runs
 * again (after a restart, with the same checkpointed ranges) writes the same file again — the
 * output holds it once. Returns the file path.
 */
export function writeBatchFile(dir: string, batchTimeMs: number, ranges: OffsetRange[], results: Record<string, unknown>): string {
  return writeBatchResultFile(dir, batchTimeMs, { offsetRanges: ranges.map((r) => r.toJSON()), ...results });
}

/**
 * The file write of {@link writeBatchFile} for any batch description: `<dir>/batch-<batchTimeMs>.json`
 * = `{"batchTime": batchTimeMs, ...body}`, written atomically (temp file, fsync, rename, directory
 * fsync); the directory is created when missing. Returns the file path. Errors: fs errors (ENOSPC...).
 */
export function writeBatchResultFile(dir: string, batchTimeMs: number, body: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `batch-${batchTimeMs}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  const text = JSON.stringify({ batchTime: batchTimeMs, ...body });
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dfd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
  return file;
}
