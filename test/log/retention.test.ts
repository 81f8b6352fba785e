/**
 * Retention on real files with an injected clock: retention.ms from the largest record timestamp,
 * retention.bytes, the active segment rolled before everything goes, the log start offset, DeleteRecords,
 * per-topic overrides, cleanup.policy=compact, and the retention job running on its own timer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { decodeBatchesSync } from '../../client/records/index.js';
import type { LogConfig } from '../../broker/log/log-config.js';
import type { LogManager } from '../../broker/log/log-manager.js';
import type { UnifiedLog } from '../../broker/log/unified-log.js';
import { cleanup, errorName, makeBatch, ManualTime, openManager, tempDir } from './helpers.js';

const HOUR = 3_600_000;
let dir: string;
let mgr: LogManager | undefined;
let time: ManualTime;

async function open(config: Partial<LogConfig> = {}, extra: Parameters<typeof openManager>[2] = {}): Promise<LogManager> {
  mgr = await openManager(dir, { 'file.delete.delay.ms': 0, ...config }, { time, ...extra });
  return mgr;
}

afterEach(async () => {
  await mgr?.shutdown();
  mgr = undefined;
  cleanup(dir);
});

function setup(): void {
  dir = tempDir();
  time = new ManualTime(1_700_000_000_000);
}

/** Append `n` single-record batches of ~1 KiB stamped `ts`. */
function fill(log: UnifiedLog, n: number, ts: number): void {
  for (let i = 0; i < n; i++) log.append(makeBatch({ valueBytes: 1000, timestamp: ts }));
}

const segmentFiles = (name: string) => fs.readdirSync(path.join(dir, name)).filter((f) => f.endsWith('.log')).sort();

describe('retention.ms', () => {
  test('deletes the oldest segments whose largest timestamp is older than retention.ms', async () => {
    setup();
    const m = await open({ 'segment.bytes': 5 * 1100, 'retention.ms': 24 * HOUR });
    const log = await m.createLog({ topic: 't', partition: 0 });
    const t0 = time.now;
    fill(log, 10, t0 - 48 * HOUR); // two segments, two days old
    fill(log, 10, t0 - 2 * HOUR); // two segments, fresh
    fill(log, 3, t0);
    const before = log.logSegments().map((s) => s.baseOffset);
    expect(before.length).toBe(5);
    expect(m.cleanupLogs()).toBe(2);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual(before.slice(2));
    expect(log.logStartOffset).toBe(before[2]);
    expect(segmentFiles('t-0').length).toBe(3);
    expect(errorName(() => log.read(before[2]! - 1, 100))).toBe('OFFSET_OUT_OF_RANGE');
    expect(decodeBatchesSync(log.read(before[2]!, 100).records).batches[0]!.baseOffset).toBe(before[2]);
    expect(await log.fetchOffsetByTimestamp(-2)).toMatchObject({ offset: before[2] });
    // Time passes: the next two segments expire too, the active one stays.
    time.sleep(23 * HOUR);
    expect(m.cleanupLogs()).toBe(2);
    expect(log.numberOfSegments).toBe(1);
    expect(log.logStartOffset).toBe(20);
    expect(log.logEndOffset).toBe(23);
  });

  test('when every segment is expired the active one is rolled first; appends continue at the log end', async () => {
    setup();
    const m = await open({ 'retention.ms': HOUR });
    const log = await m.createLog({ topic: 't', partition: 0 });
    fill(log, 4, time.now);
    time.sleep(2 * HOUR);
    expect(m.cleanupLogs()).toBe(1);
    expect(log.numberOfSegments).toBe(1);
    expect(log.activeSegment.isEmpty).toBe(true);
    expect(log.activeSegment.baseOffset).toBe(4);
    expect(log.logStartOffset).toBe(4);
    expect(log.logEndOffset).toBe(4);
    expect(segmentFiles('t-0')).toEqual(['00000000000000000004.log']);
    expect(log.read(4, 100).records.length).toBe(0);
    expect(log.append(makeBatch()).firstOffset).toBe(4);
    // An empty active segment is never deleted.
    time.sleep(10 * HOUR);
    m.cleanupLogs();
    expect(log.logEndOffset).toBe(5);
  });

  test('segments are renamed .deleted and unlinked after file.delete.delay.ms', async () => {
    setup();
    const m = await open({ 'segment.bytes': 3 * 1100, 'retention.ms': HOUR, 'file.delete.delay.ms': 100 });
    const log = await m.createLog({ topic: 't', partition: 0 });
    fill(log, 6, time.now - 5 * HOUR);
    fill(log, 1, time.now);
    m.cleanupLogs();
    const names = fs.readdirSync(path.join(dir, 't-0'));
    expect(names.filter((n) => n.endsWith('.log.deleted')).length).toBe(2);
    const t0 = Date.now();
    while (fs.readdirSync(path.join(dir, 't-0')).some((n) => n.endsWith('.deleted')) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    expect(fs.readdirSync(path.join(dir, 't-0')).some((n) => n.endsWith('.deleted'))).toBe(false);
  });

  test('the retention job runs on its own every log.retention.check.interval.ms', async () => {
    setup();
    const m = await open({ 'segment.bytes': 2 * 1100, 'retention.ms': HOUR }, { initialTaskDelayMs: 10, retentionCheckIntervalMs: 20 });
    const log = await m.createLog({ topic: 't', partition: 0 });
    fill(log, 6, time.now - 3 * HOUR);
    fill(log, 1, time.now);
    const t0 = Date.now();
    while (log.logStartOffset < 6 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(log.logStartOffset).toBe(6);
  });
});

describe('retention.bytes', () => {
  test('deletes the oldest segments while the log is larger than retention.bytes', async () => {
    setup();
    const m = await open({ 'segment.bytes': 4 * 1100 });
    const log = await m.createLog({ topic: 't', partition: 0 }, { overrides: { 'retention.bytes': 9000 } });
    fill(log, 22, time.now);
    const segs = log.logSegments();
    const sizes = segs.map((s) => s.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    // Kafka's rule: delete the oldest while total - retention.bytes >= its size.
    let diff = total - 9000;
    let expected = 0;
    while (expected < segs.length - 1 && diff - sizes[expected]! >= 0) diff -= sizes[expected++]!;
    expect(expected).toBeGreaterThan(0);
    expect(m.cleanupLogs()).toBe(expected);
    expect(log.size).toBe(total - sizes.slice(0, expected).reduce((a, b) => a + b, 0));
    expect(log.size - 9000).toBeLessThan(log.logSegments()[0]!.size);
    expect(log.logStartOffset).toBe(segs[expected]!.baseOffset);
  });
});

describe('log start offset and DeleteRecords', () => {
  test('DeleteRecords moves the log start offset, deletes segments below it, and persists it', async () => {
    setup();
    let m = await open({ 'segment.bytes': 3 * 1100 });
    const log = await m.createLog({ topic: 't', partition: 0 });
    fill(log, 10, time.now);
    expect(await log.deleteRecordsBefore(7)).toBe(7);
    expect(log.logStartOffset).toBe(7);
    expect(log.logSegments()[0]!.baseOffset).toBe(6);
    expect(errorName(() => log.read(6, 100))).toBe('OFFSET_OUT_OF_RANGE');
    expect(decodeBatchesSync(log.read(7, 100).records).batches[0]!.baseOffset).toBe(7);
    expect(await log.fetchOffsetByTimestamp(-2)).toMatchObject({ offset: 7 });
    await expect(log.deleteRecordsBefore(11)).rejects.toMatchObject({ errorName: 'OFFSET_OUT_OF_RANGE' });
    expect(await log.deleteRecordsBefore(3)).toBe(7); // never moves back
    await m.shutdown();
    m = await open({ 'segment.bytes': 3 * 1100 });
    const again = m.getLog({ topic: 't', partition: 0 })!;
    expect(again.logStartOffset).toBe(7);
    expect(await again.deleteRecordsBefore(-1)).toBe(10); // -1 = the high watermark
    expect(again.numberOfSegments).toBe(1);
    expect(again.read(10, 100).records.length).toBe(0);
  });

  test('the log start offset survives an unclean restart', async () => {
    setup();
    let m = await open({ 'segment.bytes': 3 * 1100 });
    const log = await m.createLog({ topic: 't', partition: 0 });
    fill(log, 10, time.now);
    await log.deleteRecordsBefore(8);
    await m.shutdown();
    fs.rmSync(path.join(dir, '.kafka_cleanshutdown'));
    m = await open({ 'segment.bytes': 3 * 1100 });
    expect(m.startup.hadCleanShutdown).toEqual([false]);
    expect(m.getLog({ topic: 't', partition: 0 })!.logStartOffset).toBe(8);
  });
});

describe('per-topic configs', () => {
  test('topic overrides win over broker defaults; other topics keep the defaults', async () => {
    setup();
    const m = await open({ 'segment.bytes': 2 * 1100, 'retention.ms': 7 * 24 * HOUR });
    const short = await m.createLog({ topic: 'short', partition: 0 }, { overrides: { 'retention.ms': HOUR } });
    const long = await m.createLog({ topic: 'long', partition: 0 });
    fill(short, 6, time.now - 2 * HOUR);
    fill(long, 6, time.now - 2 * HOUR);
    m.cleanupLogs();
    expect(short.logStartOffset).toBe(6);
    expect(long.logStartOffset).toBe(0);
    // Changing the overrides applies at once and persists.
    await m.setTopicOverrides('long', { 'retention.ms': '3600000' });
    m.cleanupLogs();
    expect(long.logStartOffset).toBe(6);
    expect(m.topicOverrides('long')).toEqual({ 'retention.ms': '3600000' });
  });

  test('cleanup.policy=compact keeps everything (compaction is not implemented)', async () => {
    setup();
    const m = await open({ 'segment.bytes': 2 * 1100, 'retention.ms': HOUR, 'retention.bytes': 1 });
    const log = await m.createLog({ topic: 'c', partition: 0 }, { overrides: { 'cleanup.policy': 'compact' } });
    fill(log, 6, time.now - 10 * HOUR);
    expect(m.cleanupLogs()).toBe(0);
    expect(log.logStartOffset).toBe(0);
  });
});
