/**
 * Helpers of the storage engine tests: temp log dirs, batches of a chosen size and timestamps, a
 * manual clock, and a LogManager opened with small, test-friendly settings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeRecordBatchSync } from '../../client/records/index.js';
import type { RecordInput } from '../../client/records/index.js';
import { defaultLogConfig, type LogConfig } from '../../broker/log/log-config.js';
import { LogManager, type LogManagerOptions } from '../../broker/log/log-manager.js';
import type { Time } from '../../broker/log/time.js';
import type { KafkaProtocolError } from '../../client/errors.js';

/** A fresh directory under the OS temp dir (removed by `cleanup`). */
export function tempDir(prefix = 'kts-log-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A clock tests move by hand. */
export class ManualTime implements Time {
  constructor(public now = 1_700_000_000_000) {}
  milliseconds(): number {
    return this.now;
  }
  sleep(ms: number): void {
    this.now += ms;
  }
}

/** Options of makeBatch. */
export interface BatchSpec {
  /** Records in the batch (default 1). */
  records?: number;
  /** Bytes of each record value (default 100). */
  valueBytes?: number;
  /** Timestamp of the first record (ms), the others +1 each (default 1_700_000_000_000). */
  timestamp?: number;
  compression?: 'none' | 'gzip' | 'snappy' | 'lz4';
  /** Text put at the start of each value (to tell batches apart). */
  tag?: string;
}

/** An uncompressed (or sync-codec) v2 batch with base offset 0, as a producer sends it. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const n = spec.records ?? 1;
  const ts = spec.timestamp ?? 1_700_000_000_000;
  const records: RecordInput[] = [];
  for (let i = 0; i < n; i++) {
    const prefix = `${spec.tag ?? 'v'}-${i}-`;
    const size = Math.max(spec.valueBytes ?? 100, prefix.length);
    const value = Buffer.alloc(size, 0x61);
    value.write(prefix);
    records.push({ key: `k${i}`, value, timestamp: ts + i });
  }
  return encodeRecordBatchSync({ records, compression: spec.compression ?? 'none' });
}

/** A LogConfig with test-sized overrides on top of the defaults. */
export function testConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig(), ...overrides };
}

/** Open a LogManager on `dirs` with background jobs far in the future (tests call them directly). */
export function openManager(dirs: string | string[], defaults: Partial<LogConfig> = {}, extra: Partial<LogManagerOptions> = {}): Promise<LogManager> {
  return LogManager.open({
    logDirs: Array.isArray(dirs) ? dirs : [dirs],
    defaults: testConfig(defaults),
    initialTaskDelayMs: 3_600_000,
    retentionCheckIntervalMs: 3_600_000,
    checkpointIntervalMs: 3_600_000,
    ...extra,
  });
}

/** Remove a temp dir. */
export function cleanup(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The Kafka error name `fn` throws (undefined when it does not throw). */
export function errorName(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as KafkaProtocolError).errorName;
  }
  return undefined;
}
