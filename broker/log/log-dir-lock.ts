/**
 * The `.lock` file of a log directory (Kafka's LogManager locks each log dir with a FileLock on
 * `.lock`): two brokers appending to the same partition files would interleave batches and corrupt
 * them, so a second LogManager on a directory in use fails at once.
 *
 * Node has no flock, so the lock is a file created exclusively (`O_EXCL`) holding the owner's pid and
 * its start time from `/proc/<pid>/stat`. A lock left by a process that is gone (kill -9, power loss)
 * is stale and taken over; the start time tells a live owner from an unrelated process that reused
 * the pid. The lock is released at shutdown (and by the OS never: a crash leaves it, stale).
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaTsError } from '../../client/errors.js';

/** Name of the lock file in a log directory. */
export const LOCK_FILE = '.lock';

/** Another live process holds the log directory. Stable code KTS_ERR_LOG_DIR_LOCKED. */
export class LogDirLockedError extends KafkaTsError {
  readonly dir: string;
  readonly ownerPid: number;
  constructor(dir: string, ownerPid: number) {
    super(
      'KTS_ERR_LOG_DIR_LOCKED',
      `Failed to acquire lock on file .lock in ${dir}. A Kafka instance in another process or thread is using this directory (pid ${ownerPid}).`,
    );
    this.dir = dir;
    this.ownerPid = ownerPid;
  }
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined. */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number, started: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(pid);
  return started === undefined || now === undefined || now === started;
}

/** A held lock; `release()` removes the file if it is still ours. */
export interface LogDirLock {
  readonly file: string;
  release(): void;
}

/**
 * Take the lock of `dir`, taking over a stale one. Errors: LogDirLockedError (KTS_ERR_LOG_DIR_LOCKED)
 * when a live process holds it; filesystem errors otherwise.
 */
export function lockLogDir(dir: string): LogDirLock {
  const file = path.join(dir, LOCK_FILE);
  const mine = `${process.pid}\n${startTime(process.pid) ?? ''}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      return {
        file,
        release: () => {
          try {
            if (fs.readFileSync(file, 'utf8') === mine) fs.rmSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue; // released meanwhile: try again
    }
    const [pidText, started] = text.split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid, started || undefined)) throw new LogDirLockedError(dir, pid);
    if (pid === process.pid && started === (startTime(process.pid) ?? '')) throw new LogDirLockedError(dir, pid);
    // Stale (owner gone, or garbage): remove it, unless it changed since it was read (another process
    // took it over meanwhile), and try again; O_EXCL settles the race between two takers.
    try {
      if (fs.readFileSync(file, 'utf8') === text) fs.rmSync(file, { force: true });
    } catch {
      // gone already
    }
  }
  throw new LogDirLockedError(dir, -1);
}
