/**
 * LogManager on real directories: partitions created, reopened (data, topic ids and overrides kept),
 * deleted; several log dirs; the clean-shutdown marker; leftovers cleared at start; what is recovered
 * after an unclean shutdown; a partition copied in without stored state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { decodeBatchesSync } from '../../client/records/index.js';
import type { LogManager } from '../../broker/log/log-manager.js';
import { cleanup, makeBatch, openManager, tempDir } from './helpers.js';

const dirs: string[] = [];
let mgr: LogManager | undefined;

function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

afterEach(async () => {
  await mgr?.shutdown();
  mgr = undefined;
  for (const d of dirs.splice(0)) cleanup(d);
});

describe('LogManager', () => {
  test('partitions survive a restart with their data, topic id and config overrides', async () => {
    const dir = newDir();
    mgr = await openManager(dir);
    const a = await mgr.createLog({ topic: 'a', partition: 0 }, { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', overrides: { 'retention.ms': 1234 } });
    const b = await mgr.createLog({ topic: 'a', partition: 1 }, { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', overrides: { 'retention.ms': 1234 } });
    expect(await mgr.createLog({ topic: 'a', partition: 0 })).toBe(a);
    a.append(makeBatch({ records: 3, tag: 'x' }));
    b.append(makeBatch({ records: 1, tag: 'y' }));
    await mgr.shutdown();
    expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(true);
    mgr = await openManager(dir);
    expect(mgr.startup).toMatchObject({ logs: 2, hadCleanShutdown: [true], recoveredSegments: 0 });
    expect(fs.existsSync(path.join(dir, '.kafka_cleanshutdown'))).toBe(false);
    const a2 = mgr.getLog({ topic: 'a', partition: 0 })!;
    expect(a2.topicId).toBe('AAAAAAAAAAAAAAAAAAAAAQ');
    expect(a2.config['retention.ms']).toBe(1234);
    expect(mgr.topicOverrides('a')).toEqual({ 'retention.ms': '1234' });
    expect(a2.logEndOffset).toBe(3);
    expect(decodeBatchesSync(a2.read(0, 1000).records).batches[0]!.records[2]!.value!.toString()).toMatch(/^x-2-/);
    expect(a2.append(makeBatch()).firstOffset).toBe(3);
  });

  test('create errors: illegal topic names, bad partitions, bad overrides (nothing created)', async () => {
    const dir = newDir();
    mgr = await openManager(dir);
    for (const topic of ['', '.', '..', 'a/b', 'x'.repeat(250), 'sp ace']) {
      await expect(mgr.createLog({ topic, partition: 0 })).rejects.toMatchObject({ errorName: 'INVALID_TOPIC_EXCEPTION' });
    }
    await expect(mgr.createLog({ topic: 'ok', partition: -1 })).rejects.toMatchObject({ errorName: 'INVALID_PARTITIONS' });
    await expect(mgr.createLog({ topic: 'ok', partition: 0 }, { overrides: { 'retention.ms': 'soon' } })).rejects.toMatchObject({ errorName: 'INVALID_CONFIG' });
    await expect(mgr.createLog({ topic: 'ok', partition: 0 }, { overrides: { 'no.such.key': '1' } })).rejects.toMatchObject({ errorName: 'INVALID_CONFIG' });
    expect(fs.existsSync(path.join(dir, 'ok-0'))).toBe(false);
    expect(mgr.allLogs().length).toBe(0);
  });

  test('deleting a topic removes its directories and state for good', async () => {
    const dir = newDir();
    mgr = await openManager(dir);
    for (let p = 0; p < 3; p++) (await mgr.createLog({ topic: 'gone', partition: p })).append(makeBatch());
    await mgr.createLog({ topic: 'kept', partition: 0 });
    expect(await mgr.deleteTopic('gone')).toBe(3);
    expect(mgr.getLog({ topic: 'gone', partition: 0 })).toBeUndefined();
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('gone'))).toEqual([]);
    expect(await mgr.deleteLog({ topic: 'gone', partition: 0 })).toBe(false);
    await mgr.shutdown();
    mgr = await openManager(dir);
    expect(mgr.allLogs().map((l) => l.name)).toEqual(['kept-0']);
    // Re-creating the topic starts from offset 0.
    expect((await mgr.createLog({ topic: 'gone', partition: 0 })).logEndOffset).toBe(0);
  });

  test('several log dirs: partitions spread over them and all load back', async () => {
    const d1 = newDir();
    const d2 = newDir();
    mgr = await openManager([d1, d2]);
    for (let p = 0; p < 4; p++) (await mgr.createLog({ topic: 'spread', partition: p })).append(makeBatch({ records: p + 1 }));
    const count = (d: string) => fs.readdirSync(d).filter((n) => n.startsWith('spread-')).length;
    expect([count(d1), count(d2)]).toEqual([2, 2]);
    await mgr.shutdown();
    mgr = await openManager([d1, d2]);
    expect(mgr.startup.hadCleanShutdown).toEqual([true, true]);
    for (let p = 0; p < 4; p++) expect(mgr.getLog({ topic: 'spread', partition: p })!.logEndOffset).toBe(p + 1);
  });

  test('leftovers are cleared at start: half-deleted partitions, .deleted and temp files, orphan indexes', async () => {
    const dir = newDir();
    mgr = await openManager(dir);
    (await mgr.createLog({ topic: 't', partition: 0 })).append(makeBatch());
    await mgr.shutdown();
    mgr = undefined;
    fs.mkdirSync(path.join(dir, 't-1.abc123-delete'));
    fs.writeFileSync(path.join(dir, 't-1.abc123-delete', '00000000000000000000.log'), 'x');
    const p = path.join(dir, 't-0');
    fs.writeFileSync(path.join(p, '00000000000000000099.log.deleted'), 'x');
    fs.writeFileSync(path.join(p, '00000000000000000077.index'), Buffer.alloc(8));
    fs.writeFileSync(path.join(p, 'leader-epoch-checkpoint.tmp'), 'x');
    fs.mkdirSync(path.join(dir, 'not a partition'));
    mgr = await openManager(dir);
    expect(fs.existsSync(path.join(dir, 't-1.abc123-delete'))).toBe(false);
    expect(fs.readdirSync(p).sort()).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);
    expect(mgr.allLogs().map((l) => l.name)).toEqual(['t-0']);
  });

  test('after an unclean shutdown only the segments from the recovery point are recovered', async () => {
    const dir = newDir();
    mgr = await openManager(dir, { 'segment.bytes': 3000 });
    const log = await mgr.createLog({ topic: 't', partition: 0 });
    for (let i = 0; i < 20; i++) log.append(makeBatch({ valueBytes: 500 }));
    expect(log.numberOfSegments).toBeGreaterThan(3);
    await mgr.shutdown();
    fs.rmSync(path.join(dir, '.kafka_cleanshutdown'));
    mgr = await openManager(dir, { 'segment.bytes': 3000 });
    expect(mgr.startup.hadCleanShutdown).toEqual([false]);
    expect(mgr.startup.recoveredSegments).toBe(1);
    expect(mgr.startup.truncatedBytes).toBe(0);
    expect(mgr.getLog({ topic: 't', partition: 0 })!.logEndOffset).toBe(20);
  });

  test('a partition directory without stored state (copied in) is fully recovered and served', async () => {
    const src = newDir();
    const dst = newDir();
    mgr = await openManager(src, { 'segment.bytes': 3000 });
    const log = await mgr.createLog({ topic: 'moved', partition: 0 });
    for (let i = 0; i < 12; i++) log.append(makeBatch({ valueBytes: 500, tag: `m${i}` }));
    await mgr.shutdown();
    fs.cpSync(path.join(src, 'moved-0'), path.join(dst, 'moved-0'), { recursive: true });
    mgr = await openManager(dst, { 'segment.bytes': 3000 });
    expect(mgr.startup.recoveredSegments).toBeGreaterThan(1);
    const moved = mgr.getLog({ topic: 'moved', partition: 0 })!;
    expect(moved.logEndOffset).toBe(12);
    expect(decodeBatchesSync(moved.read(11, 1).records).batches[0]!.records[0]!.value!.toString()).toMatch(/^m11-/);
  });

  test('changed broker defaults reach every log without an override of that key', async () => {
    const dir = newDir();
    mgr = await openManager(dir, { 'retention.ms': 1000 });
    const plain = await mgr.createLog({ topic: 'plain', partition: 0 });
    const pinned = await mgr.createLog({ topic: 'pinned', partition: 0 }, { overrides: { 'retention.ms': 5 } });
    mgr.updateDefaults({ ...mgr.defaults, 'retention.ms': 2000, 'segment.bytes': 4096 });
    expect(plain.config['retention.ms']).toBe(2000);
    expect(pinned.config['retention.ms']).toBe(5);
    expect(pinned.config['segment.bytes']).toBe(4096);
  });

  test('concurrent creations of one partition yield one log', async () => {
    const dir = newDir();
    mgr = await openManager(dir);
    const logs = await Promise.all([0, 1, 2, 3].map(() => mgr!.createLog({ topic: 'race', partition: 0 })));
    expect(new Set(logs).size).toBe(1);
    expect(logs[0]!.append(makeBatch()).firstOffset).toBe(0);
    expect(mgr.allLogs().length).toBe(1);
  });

  test('shutdown is idempotent; no partition can be created after it', async () => {
    const dir = newDir();
    const m = await openManager(dir);
    await m.shutdown();
    await m.shutdown();
    await expect(m.createLog({ topic: 't', partition: 0 })).rejects.toMatchObject({ errorName: 'KAFKA_STORAGE_ERROR' });
  });
});
