/**
 * The `.lock` of a log directory: a second LogManager on a directory in use fails with a clear error,
 * while a lock left by a dead process (kill -9), by an unrelated process that reused the pid, or a
 * garbled lock file is taken over.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LOCK_FILE, LogDirLockedError } from '../../broker/log/log-dir-lock.js';
import type { LogManager } from '../../broker/log/log-manager.js';
import { cleanup, openManager, tempDir } from './helpers.js';

let dir: string;
let mgr: LogManager | undefined;

afterEach(async () => {
  await mgr?.shutdown();
  mgr = undefined;
  cleanup(dir);
});

function procStartTime(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

describe('log dir lock', () => {
  test('a second LogManager on a directory in use fails; after shutdown it opens', async () => {
    dir = tempDir();
    mgr = await openManager(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    const err = await openManager(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogDirLockedError);
    expect((err as LogDirLockedError).code).toBe('KTS_ERR_LOG_DIR_LOCKED');
    expect((err as LogDirLockedError).message).toContain(dir);
    await mgr.shutdown();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    mgr = await openManager(dir);
  });

  test('a live process holding the lock keeps it; once it is killed the lock is stale and taken over', async () => {
    dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      fs.writeFileSync(path.join(dir, LOCK_FILE), `${child.pid}\n${procStartTime(child.pid!)}\n`);
      const err = await openManager(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogDirLockedError);
      expect((err as LogDirLockedError).ownerPid).toBe(child.pid);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    mgr = await openManager(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
  });

  test('a pid reused by an unrelated process, or a garbled lock file, does not hold the directory', async () => {
    dir = tempDir();
    // pid 1 is alive, but its start time is not the one recorded.
    fs.writeFileSync(path.join(dir, LOCK_FILE), `1\n123456789\n`);
    mgr = await openManager(dir);
    await mgr.shutdown();
    fs.writeFileSync(path.join(dir, LOCK_FILE), 'not a lock');
    mgr = await openManager(dir);
  });
});
