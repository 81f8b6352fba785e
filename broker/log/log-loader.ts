/**
 * Opening a partition directory (Kafka's `LogLoader`): clear leftovers, open every segment, and decide
 * per segment whether its index files can be trusted or the segment must be recovered.
 *
 * - Leftovers: `*.deleted` (segments awaiting unlink), `*.tmp`, `*.cleaned`, `*.swap`, and index files
 *   without a `.log` are removed.
 * - After an unclean shutdown every segment from the one holding the recovery point onwards is
 *   recovered (each batch's framing, magic, CRC-32C and offset checked, indexes rebuilt, the file cut at
 *   the first bad byte); once one is cut, the later unflushed segments are deleted, as Kafka does.
 * - Any other segment is trusted only when its `.log` size and both index files match the CRC-32C and
 *   sizes recorded when it rolled or closed, and the indexes pass a structural check and a scan of the
 *   log's tail. Otherwise (missing, stale or corrupt index; file cut by hand) it is recovered too, and
 *   a cut there leaves the later segments alone (their offsets stay valid; a gap is skipped by reads).
 * - A segment a read found corrupt (`recoverFrom` in the store) is recovered whatever the shutdown.
 * - If the log ends below the stored log start offset (files deleted by hand), everything is deleted
 *   and the log restarts empty at the log start offset.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogConfig } from './log-config.js';
import type { LogStateStore } from './log-dir-store.js';
import { baseOffsetOf, DELETED_FILE_SUFFIX, INDEX_FILE_SUFFIX, LOG_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX } from './log-files.js';
import { LogSegment, type SegmentSettings } from './log-segment.js';
import type { LogLogger } from './logger.js';

/** Inputs of LogLoader.load. */
export interface LoadParams {
  dir: string;
  name: string;
  config: LogConfig;
  now: number;
  store: LogStateStore;
  hadCleanShutdown: boolean;
  recoveryPoint: number;
  logStartOffset: number;
  recoverFrom: number | undefined;
  logger: LogLogger;
}

/** What LogLoader.load found. */
export interface LoadedLog {
  segments: LogSegment[];
  logStartOffset: number;
  recoveryPoint: number;
  /** Segments recovered (CRC-checked, indexes rebuilt), and the bytes they held before any cut. */
  recoveredSegments: number;
  recoveredBytes: number;
  /** Bytes cut from segment files, and whole later segments deleted. */
  truncatedBytes: number;
  deletedSegments: number;
}

/** Settings of a new or reopened segment from the config (the jitter drawn per segment, as Kafka). */
export function segmentSettings(config: LogConfig): SegmentSettings {
  const jitter = config['segment.jitter.ms'];
  return {
    indexIntervalBytes: config['index.interval.bytes'],
    maxIndexSize: config['segment.index.bytes'],
    rollJitterMs: jitter > 0 ? Math.floor(Math.random() * Math.min(jitter, config['segment.ms'])) : 0,
  };
}

/** Record the checksums of a segment's index files (after its files were written). */
export function recordChecksums(store: LogStateStore, seg: LogSegment): void {
  store.putSegmentChecksum(seg.baseOffset, {
    logBytes: seg.size,
    indexBytes: seg.offsetIndex.sizeInBytes,
    indexCrc: seg.offsetIndex.checksum(),
    timeIndexBytes: seg.timeIndex.sizeInBytes,
    timeIndexCrc: seg.timeIndex.checksum(),
  });
}

function removeLeftovers(dir: string): { logs: number[] } {
  const names = fs.readdirSync(dir);
  const logs = new Set<number>();
  for (const n of names) {
    if (n.endsWith(LOG_FILE_SUFFIX)) {
      const base = baseOffsetOf(n);
      if (base !== undefined) logs.add(base);
    }
  }
  for (const n of names) {
    const full = path.join(dir, n);
    if (n.endsWith(DELETED_FILE_SUFFIX) || n.endsWith('.tmp') || n.endsWith('.cleaned') || n.endsWith('.swap')) {
      fs.rmSync(full, { force: true });
    } else if (n.endsWith(INDEX_FILE_SUFFIX) || n.endsWith(TIME_INDEX_FILE_SUFFIX)) {
      const base = baseOffsetOf(n);
      if (base === undefined || !logs.has(base)) fs.rmSync(full, { force: true });
    }
  }
  return { logs: [...logs].sort((a, b) => a - b) };
}

/** Try to trust a segment's index files; returns a problem (→ recover) or null. */
function loadTrusted(seg: LogSegment, store: LogStateStore): string | null {
  const c = store.segmentChecksum(seg.baseOffset);
  if (!c) return 'no index checksum recorded';
  if (c.logBytes !== seg.size) return `log file has ${seg.size} bytes, ${c.logBytes} recorded`;
  if (!seg.offsetIndex.loadFromFile() || seg.offsetIndex.sizeInBytes !== c.indexBytes || seg.offsetIndex.checksum() !== c.indexCrc) return 'offset index missing or not the one recorded';
  if (!seg.timeIndex.loadFromFile() || seg.timeIndex.sizeInBytes !== c.timeIndexBytes || seg.timeIndex.checksum() !== c.timeIndexCrc) return 'time index missing or not the one recorded';
  return seg.loadStateFromIndexes();
}

function deleteSegmentNow(seg: LogSegment, store: LogStateStore): void {
  for (const f of seg.markDeleted()) fs.rmSync(f, { force: true });
  store.removeSegmentChecksum(seg.baseOffset);
}

/**
 * Load the partition in `params.dir`, recovering what needs it (see the module comment). Creates the
 * first segment of an empty log. Errors: filesystem errors only; corrupt data is cut, never thrown.
 */
export function loadLog(params: LoadParams): LoadedLog {
  const { dir, store, logger, now } = params;
  const { logs } = removeLeftovers(dir);
  let segments = logs.map((base) => LogSegment.open(dir, base, segmentSettings(params.config), now));
  let recovered = 0;
  let recoveredBytes = 0;
  let truncatedBytes = 0;
  let deleted = 0;
  const recoveredSet = new Set<LogSegment>();
  const recover = (seg: LogSegment, why: string): boolean => {
    recoveredSet.add(seg);
    recoveredBytes += seg.size;
    const r = seg.recover();
    recovered++;
    if (r.truncatedBytes > 0) {
      truncatedBytes += r.truncatedBytes;
      logger.warn({ partition: params.name, segment: seg.baseOffset, truncatedBytes: r.truncatedBytes, reason: r.reason }, `recovered segment ${seg.baseOffset} of ${params.name} (${why}): cut ${r.truncatedBytes} bytes`);
    }
    return r.truncatedBytes > 0;
  };

  // The first unflushed segment: the one holding the recovery point (or the last).
  let firstUnflushed = segments.length;
  if (!params.hadCleanShutdown) {
    firstUnflushed = 0;
    for (let i = 0; i < segments.length; i++) {
      const next = segments[i + 1];
      if (next === undefined || next.baseOffset > params.recoveryPoint) {
        firstUnflushed = i;
        break;
      }
    }
  }
  const forced = params.recoverFrom;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    const isForced = forced !== undefined && seg.baseOffset <= forced && (next === undefined || next.baseOffset > forced);
    if (i >= firstUnflushed) {
      if (recover(seg, 'unclean shutdown')) {
        // Everything after a cut in unflushed data is suspect: delete the later segments (Kafka's recoverLog).
        for (const later of segments.slice(i + 1)) {
          truncatedBytes += later.size;
          deleteSegmentNow(later, store);
          deleted++;
        }
        segments = segments.slice(0, i + 1);
        break;
      }
      continue;
    }
    const problem = isForced ? 'a read found a corrupt batch' : loadTrusted(seg, store);
    if (problem !== null) {
      if (!isForced) logger.info({ partition: params.name, segment: seg.baseOffset, problem }, `rebuilding the indexes of segment ${seg.baseOffset} of ${params.name}: ${problem}`);
      recover(seg, problem);
    }
  }
  // Recovered segments other than the last (the active one) are inactive: write their rebuilt indexes
  // and record their checksums, as a roll does. Trusted segments matched theirs already.
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    if (!recoveredSet.has(seg)) continue;
    seg.onBecomeInactiveSegment();
    recordChecksums(store, seg);
  }
  // Drop empty segments other than the last (left by a cut at a segment's first batch).
  const kept: LogSegment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.isEmpty && i < segments.length - 1) {
      deleteSegmentNow(seg, store);
      deleted++;
    } else kept.push(seg);
  }
  segments = kept;

  let logStartOffset = params.logStartOffset;
  const logEnd = segments.length > 0 ? segments[segments.length - 1]!.nextOffset : 0;
  if (segments.length > 0 && logEnd < logStartOffset) {
    logger.warn({ partition: params.name, logEnd, logStartOffset }, `${params.name} ends at ${logEnd}, below its log start offset ${logStartOffset}: deleting its segments`);
    for (const s of segments) {
      deleteSegmentNow(s, store);
      deleted++;
    }
    segments = [];
  }
  if (segments.length === 0) segments.push(LogSegment.create(dir, logStartOffset, segmentSettings(params.config), now));
  logStartOffset = Math.max(logStartOffset, segments[0]!.baseOffset);
  // Make what recovery kept durable, so that the recovery point can be the log end.
  for (const s of segments) s.flushSync();
  const recoveryPoint = segments[segments.length - 1]!.nextOffset;
  return { segments, logStartOffset, recoveryPoint, recoveredSegments: recovered, recoveredBytes, truncatedBytes, deletedSegments: deleted };
}
