/**
 * Crash safety: a child process appends continuously, acknowledging each append on a side channel
 * once it returned, and is killed with SIGKILL at random moments (24 times, on the same log dir).
 * After every kill the log reopens as a CRC-valid prefix with contiguous offsets that holds every
 * acknowledged batch with its content, and appends (the parent's and the next child's) continue at
 * exactly the log end offset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CRC_OFFSET, LAST_OFFSET_DELTA_OFFSET, decodeBatchesSync, validateRecordBatch } from '../../client/records/index.js';
import { CLEAN_SHUTDOWN_FILE } from '../../broker/log/log-files.js';
import type { LogConfig } from '../../broker/log/log-config.js';
import type { UnifiedLog } from '../../broker/log/unified-log.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { prng } from '../records/helpers.js';
import { cleanup, makeBatch, openManager, tempDir } from './helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOPIC = 'crash';
const TP = { topic: TOPIC, partition: 0 };
const KILLS = 24;
const SEED = 0x5eed_c0de;
const SEGMENT_BYTES = 256 * 1024;
/** The parent opens the log with the child's segment size, so that its own appends roll alike. */
const PARENT_CONFIG: Partial<LogConfig> = { 'segment.bytes': SEGMENT_BYTES, 'index.interval.bytes': 4096 };

/** One acknowledged batch: what the side channel said (or what the parent appended itself). */
interface Ack {
  baseOffset: number;
  lastOffset: number;
  crc: number;
  tag: string;
}

/** One batch as read back from the log. */
interface StoredBatch {
  lastOffset: number;
  crc: number;
  bytes: Buffer;
}

/** Child flush settings, cycled through the kills. */
const FLUSH_VARIANTS: { name: string; args: string[] }[] = [
  { name: 'flush.ms=1000 (default)', args: [] },
  { name: 'flush.messages=1', args: ['--flush-messages=1'] },
  { name: 'flush.messages=1, ack after the flush', args: ['--flush-messages=1', '--await-flush'] },
  { name: 'flush.ms=20, flush.messages=50', args: ['--flush-ms=20', '--flush-messages=50'] },
];

function fail(message: string): never {
  expect.fail(message);
}

/**
 * Read the whole log from offset 0 with log.read: every batch must pass validateRecordBatch and
 * offsets must be contiguous from 0 to the log end offset. Returns the batches by base offset.
 */
function readWholeLog(log: UnifiedLog): Map<number, StoredBatch> {
  expect(log.logStartOffset).toBe(0);
  const leo = log.logEndOffset;
  const out = new Map<number, StoredBatch>();
  let next = 0;
  while (next < leo) {
    const r = log.read(next, 4 * 1024 * 1024);
    expect(r.logEndOffset).toBe(leo);
    if (r.records.length === 0) fail(`read at ${next} returned nothing, log end offset ${leo}`);
    let pos = 0;
    while (pos < r.records.length) {
      const size = validateRecordBatch(r.records, pos);
      const base = Number(r.records.readBigInt64BE(pos));
      if (base !== next) fail(`offsets not contiguous: batch at ${base}, expected ${next}`);
      const last = base + r.records.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
      out.set(base, { lastOffset: last, crc: r.records.readUInt32BE(pos + CRC_OFFSET), bytes: r.records.subarray(pos, pos + size) });
      next = last + 1;
      pos += size;
    }
  }
  expect(next).toBe(leo);
  return out;
}

/** Every record of `bytes` (one batch) must carry `tag`: values `<tag>-<i>-...`. */
function expectTagged(bytes: Buffer, tag: string): void {
  const { batches } = decodeBatchesSync(bytes);
  expect(batches).toHaveLength(1);
  const records = batches[0]!.records;
  expect(records.length).toBeGreaterThan(0);
  records.forEach((r, i) => {
    const want = `${tag}-${i}-`;
    if (r.value?.subarray(0, want.length).toString() !== want) fail(`record ${r.offset} should start with ${want}: ${r.value?.subarray(0, 40).toString()}`);
  });
}

/** The side channel of one child run: its `ready <leo>` line (if it got there) and its acks. */
function readAcks(file: string): { readyLeo: number | undefined; acks: Ack[] } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const lines = text.split('\n');
  lines.pop(); // only lines ended by '\n' are complete
  let readyLeo: number | undefined;
  const acks: Ack[] = [];
  for (const line of lines) {
    const ready = /^ready (\d+)$/.exec(line);
    if (ready) {
      readyLeo = Number(ready[1]);
      continue;
    }
    const m = /^(\d+) (\d+) ([0-9a-f]+) (\S+)$/.exec(line);
    if (!m) fail(`bad ack line ${JSON.stringify(line)}`);
    acks.push({ baseOffset: Number(m[1]), lastOffset: Number(m[2]), crc: parseInt(m[3]!, 16), tag: m[4]! });
  }
  return { readyLeo, acks };
}

function hasAck(file: string): boolean {
  try {
    return /\n\d/.test(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

async function killHard(child: ChildProcess, stderr: () => string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) fail(`the child exited by itself (code ${child.exitCode}, signal ${child.signalCode}): ${stderr()}`);
  const exited = once(child, 'exit');
  expect(child.kill('SIGKILL')).toBe(true);
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
}

describe('crash: kill -9 during continuous appends', () => {
  const dir = tempDir('kts-crash-');
  afterAll(() => cleanup(dir));

  it(`keeps every acknowledged batch over ${KILLS} SIGKILLs, the log a CRC-valid contiguous prefix`, async () => {
    const script = bundleChildScript(path.join(HERE, 'fixtures', 'append-child.ts'));
    const logDir = path.join(dir, 'logs');
    const marker = path.join(logDir, CLEAN_SHUTDOWN_FILE);
    const rnd = prng(SEED);
    const acked: Ack[] = [];
    let expectedLeo = 0;
    let killsAfterAck = 0;
    let tornTails = 0;
    let childAcks = 0;

    for (let run = 0; run < KILLS; run++) {
      const variant = FLUSH_VARIANTS[run % FLUSH_VARIANTS.length]!;
      // The first run always gets as far as creating the partition; some later ones are killed
      // early, maybe while the child is still opening (recovering) the log.
      const early = run > 0 && run % 6 === 5;
      const burst = rnd() < 0.2;
      const ackFile = path.join(dir, `ack-${run}.txt`);
      const args = [script, logDir, TOPIC, ackFile, `--seed=${run + 1}`, `--tag=r${run}`, `--segment-bytes=${SEGMENT_BYTES}`, `--bytes-per-ms=${burst ? 32768 : 4096}`, ...variant.args];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      const where = `run ${run} (${variant.name}${burst ? ', burst' : ''}${early ? ', early kill' : ''})`;

      if (early) {
        await sleep(20 + rnd() * 330);
      } else {
        const deadline = Date.now() + 20_000;
        while (!hasAck(ackFile)) {
          if (child.exitCode !== null || child.signalCode !== null) fail(`${where}: the child exited before its first ack: ${err}`);
          if (Date.now() > deadline) fail(`${where}: no ack within 20 s: ${err}`);
          await sleep(5);
        }
        await sleep(50 + rnd() * 350);
        killsAfterAck++;
      }
      await killHard(child, () => err);
      expect(err, where).toBe('');

      const { readyLeo, acks } = readAcks(ackFile);
      if (readyLeo !== undefined) expect(readyLeo, `${where}: the child opened the log at the log end`).toBe(expectedLeo);
      else expect(acks, where).toEqual([]);
      // The child's appends continue at the log end and are contiguous.
      let next = expectedLeo;
      for (const a of acks) {
        if (a.baseOffset !== next) fail(`${where}: ack ${a.baseOffset}-${a.lastOffset} (${a.tag}) should start at ${next}`);
        expect(a.lastOffset).toBeGreaterThanOrEqual(a.baseOffset);
        next = a.lastOffset + 1;
      }
      acked.push(...acks);
      childAcks += acks.length;

      const hadMarker = fs.existsSync(marker);
      if (readyLeo !== undefined) expect(hadMarker, `${where}: the child removed the clean-shutdown marker at open`).toBe(false);
      const mgr = await openManager(logDir, PARENT_CONFIG);
      try {
        expect(mgr.startup.hadCleanShutdown, where).toEqual([hadMarker]);
        if (readyLeo !== undefined) expect(mgr.startup.hadCleanShutdown, where).toEqual([false]);
        if (mgr.startup.truncatedBytes > 0) tornTails++;
        const log = mgr.getLog(TP);
        if (!log) fail(`${where}: the partition is gone`);

        // A CRC-valid, contiguous prefix holding every acknowledged batch, unchanged.
        const stored = readWholeLog(log);
        for (const a of acked) {
          const s = stored.get(a.baseOffset);
          if (!s) fail(`${where}: acknowledged batch ${a.baseOffset}-${a.lastOffset} (${a.tag}) is missing; log end ${log.logEndOffset}`);
          if (s.lastOffset !== a.lastOffset || s.crc !== a.crc) {
            fail(`${where}: acknowledged batch ${a.baseOffset}-${a.lastOffset} crc ${a.crc.toString(16)} (${a.tag}) reads back as ${a.baseOffset}-${s.lastOffset} crc ${s.crc.toString(16)}`);
          }
        }
        for (const a of acks) expectTagged(stored.get(a.baseOffset)!.bytes, a.tag);
        expect(log.logEndOffset, where).toBeGreaterThanOrEqual(next);

        // An append from the parent continues at exactly the log end offset.
        const leo = log.logEndOffset;
        const tag = `p${run}`;
        const batch = makeBatch({ records: 1 + (run % 3), valueBytes: 200, timestamp: Date.now(), tag });
        const info = log.append(batch);
        expect(info.firstOffset, where).toBe(leo);
        expect(info.lastOffset).toBe(leo + (run % 3));
        expect(log.logEndOffset).toBe(leo + 1 + (run % 3));
        await info.flush;
        const back = log.read(leo, 1 << 20).records;
        expect(back.length).toBe(batch.length);
        expect(validateRecordBatch(back, 0)).toBe(batch.length);
        expectTagged(back, tag);
        acked.push({ baseOffset: leo, lastOffset: info.lastOffset, crc: batch.readUInt32BE(CRC_OFFSET), tag });
        expectedLeo = log.logEndOffset;
      } finally {
        // Never hold the lmdb store while a child runs.
        await mgr.shutdown();
      }
      expect(fs.existsSync(marker)).toBe(true);
      // Sometimes hand the log over as after a crash: the child then recovers the active segment.
      if (rnd() < 0.25) fs.rmSync(marker);
    }

    expect(killsAfterAck).toBeGreaterThanOrEqual(20);
    expect(childAcks).toBeGreaterThan(KILLS * 10);
    // Informational: how many reopenings had a torn tail to cut.
    console.log(`crash test: ${KILLS} kills (${killsAfterAck} after acks), ${childAcks} child acks, ${acked.length - childAcks} parent appends, final log end ${expectedLeo}, torn tails cut at ${tornTails} reopenings`);
  }, 120_000);
});
