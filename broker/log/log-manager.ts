/**
 * All partition logs of the broker (Kafka's `LogManager`): opens `log.dirs` at start (loading and
 * recovering every partition), creates and deletes partitions, and runs the background jobs on timers
 * that stop at shutdown:
 *
 * | job (Kafka's name) | every | does |
 * |---|---|---|
 * | kafka-log-retention | log.retention.check.interval.ms (300000), first after log.initial.task.delay.ms (30000) | UnifiedLog.deleteOldSegments on every log |
 * | kafka-recovery-point-checkpoint, kafka-log-start-offset-checkpoint | log.flush.offset.checkpoint.interval.ms (60000) | one lmdb transaction per log dir with every partition's recovery point and log start offset |
 * | kafka-log-flusher | per log, flush.ms after its oldest unflushed append | UnifiedLog.flush |
 *
 * Clean shutdown flushes every log, writes the checkpoints and index files, then the
 * `.kafka_cleanshutdown` marker of each log dir. At start the marker is read and removed, so a crash
 * afterwards is seen as unclean.
 *
 * Placement: a new partition goes to the log dir holding the fewest partitions (Kafka's nextLogDirs).
 * Partition state (topic id, config overrides, checkpoints) lives in each log dir's lmdb store
 * (LogDirStore).
 */
import fs from 'node:fs';
import path from 'node:path';
import { KafkaProtocolError } from '../../client/errors.js';
import { applyTopicOverrides, normaliseTopicOverrides, type LogConfig } from './log-config.js';
import { LOG_DIR_STORE_NAME, LogDirStore, type PartitionState } from './log-dir-store.js';
import { CLEAN_SHUTDOWN_FILE, DELETE_DIR_SUFFIX, fsyncDirectory, parseTopicPartitionDir, topicPartitionName, validateTopicName, writeFileAtomic, type TopicPartition } from './log-files.js';
import { lockLogDir, type LogDirLock } from './log-dir-lock.js';
import { loadLog, type LoadedLog, type LoadParams } from './log-loader.js';
import { SILENT_LOGGER, type LogLogger } from './logger.js';
import { SystemTime, type Time } from './time.js';
import { UnifiedLog } from './unified-log.js';

/** Broker-level settings of the log manager (Kafka's names; values in ms). */
export interface LogManagerOptions {
  /** log.dirs (log.dir): one or more directories; created if missing. */
  logDirs: string[];
  /** Broker defaults of every topic config (logConfigFromBrokerProperties). */
  defaults: LogConfig;
  /** log.retention.check.interval.ms, default 300000. */
  retentionCheckIntervalMs?: number;
  /** log.initial.task.delay.ms, default 30000. */
  initialTaskDelayMs?: number;
  /** log.flush.offset.checkpoint.interval.ms, default 60000 (also used for log start offsets). */
  checkpointIntervalMs?: number;
  /** Clock (tests inject one). Default: the system clock. */
  time?: Time;
  /** pino-compatible logger. Default: silent. */
  logger?: LogLogger;
}

/** What LogManager.open found, for the start-up log line. */
export interface StartupReport {
  logs: number;
  hadCleanShutdown: boolean[];
  /** Segments recovered and the bytes they held (CRC-checked). */
  recoveredSegments: number;
  recoveredBytes: number;
  /** Bytes cut from segments, whole deleted segments included. */
  truncatedBytes: number;
  /** Time to open every log dir, ms. */
  loadMs: number;
}

interface LogDir {
  path: string;
  store: LogDirStore;
  lock: LogDirLock;
}

/** All partition logs of `log.dirs` (Kafka's LogManager); see the module comment. Open with LogManager.open. */
export class LogManager {
  private _defaults: LogConfig;
  private readonly dirs: LogDir[];
  private readonly logs = new Map<string, { log: UnifiedLog; dir: LogDir }>();
  private readonly creating = new Map<string, Promise<UnifiedLog>>();
  private readonly time: Time;
  private readonly logger: LogLogger;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly options: LogManagerOptions;
  private shutdownDone = false;
  /** What happened at open. */
  readonly startup: StartupReport;

  private constructor(options: LogManagerOptions, dirs: LogDir[], startup: StartupReport) {
    this.options = options;
    this._defaults = options.defaults;
    this.dirs = dirs;
    this.time = options.time ?? SystemTime;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.startup = startup;
  }

  /**
   * Open every log dir: take its `.lock` (a second LogManager on a directory in use fails with
   * LogDirLockedError, KTS_ERR_LOG_DIR_LOCKED; a lock left by a dead process is taken over), remove partitions left half-deleted, load every partition (recovering after an
   * unclean shutdown, see LogLoader), remove the clean-shutdown markers, start the background jobs.
   * Errors: filesystem errors; lmdb's when a store cannot be opened.
   */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    if (options.logDirs.length === 0) throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', 'log.dirs is empty');
    const t0 = Date.now();
    const logger = options.logger ?? SILENT_LOGGER;
    const dirs: LogDir[] = [];
    const clean: boolean[] = [];
    const report: StartupReport = { logs: 0, hadCleanShutdown: clean, recoveredSegments: 0, recoveredBytes: 0, truncatedBytes: 0, loadMs: 0 };
    const mgr = new LogManager(options, dirs, report);
    try {
      for (const d of options.logDirs) {
        const dirPath = path.resolve(d);
        fs.mkdirSync(dirPath, { recursive: true });
        const lock = lockLogDir(dirPath);
        try {
          dirs.push({ path: dirPath, store: LogDirStore.open(dirPath), lock });
        } catch (e) {
          lock.release();
          throw e;
        }
        clean.push(fs.existsSync(path.join(dirPath, CLEAN_SHUTDOWN_FILE)));
      }
      await mgr.loadDirs(clean);
    } catch (e) {
      // Leave nothing held: close what was opened, release the locks (no clean-shutdown marker).
      for (const { log } of mgr.logs.values()) log.close();
      for (const d of dirs) {
        await d.store.close();
        d.lock.release();
      }
      throw e;
    }
    report.logs = mgr.logs.size;
    report.loadMs = Date.now() - t0;
    mgr.startTimers();
    logger.info({ ...report, logDirs: mgr.logDirs }, `loaded ${report.logs} partition log(s) in ${report.loadMs} ms`);
    return mgr;
  }

  private async loadDirs(clean: boolean[]): Promise<void> {
    const dirs = this.dirs;
    for (let i = 0; i < dirs.length; i++) {
      const dir = dirs[i]!;
      const stored = new Map(dir.store.listPartitions().map((p) => [topicPartitionName(p.tp), p]));
      for (const name of fs.readdirSync(dir.path)) {
        const full = path.join(dir.path, name);
        if (name.endsWith(DELETE_DIR_SUFFIX)) {
          fs.rmSync(full, { recursive: true, force: true });
          continue;
        }
        if (name === LOG_DIR_STORE_NAME || !fs.statSync(full).isDirectory()) continue;
        const tp = parseTopicPartitionDir(name);
        if (!tp) continue;
        const state = stored.get(name)?.state;
        stored.delete(name);
        this.loadPartition(dir, tp, full, state, clean[i]!);
      }
      // State without a directory: the partition was deleted by hand.
      for (const { tp } of stored.values()) await dir.store.removePartition(tp);
      await this.checkpointDir(dir);
      await dir.store.flushed();
      fs.rmSync(path.join(dir.path, CLEAN_SHUTDOWN_FILE), { force: true });
      fsyncDirectory(dir.path);
    }
  }

  private loadPartition(dir: LogDir, tp: TopicPartition, full: string, state: PartitionState | undefined, hadCleanShutdown: boolean): void {
    const { loaded } = this.openLog(dir, tp, full, state?.overrides ?? {}, state?.topicId, {
      hadCleanShutdown: hadCleanShutdown && state !== undefined,
      recoveryPoint: state?.recoveryPoint ?? 0,
      logStartOffset: state?.logStartOffset ?? 0,
      recoverFrom: state?.recoverFrom,
    });
    this.startup.recoveredSegments += loaded.recoveredSegments;
    this.startup.recoveredBytes += loaded.recoveredBytes;
    this.startup.truncatedBytes += loaded.truncatedBytes;
    const next: PartitionState = {
      ...(state?.topicId !== undefined ? { topicId: state.topicId } : {}),
      overrides: state?.overrides ?? {},
      recoveryPoint: loaded.recoveryPoint,
      logStartOffset: loaded.logStartOffset,
    };
    void dir.store.putPartition(tp, next);
  }

  /** Load (recovering as `recovery` says) the partition directory `full` and register its UnifiedLog. */
  private openLog(
    dir: LogDir,
    tp: TopicPartition,
    full: string,
    overrides: Record<string, string>,
    topicId: string | undefined,
    recovery: Pick<LoadParams, 'hadCleanShutdown' | 'recoveryPoint' | 'logStartOffset' | 'recoverFrom'>,
  ): { log: UnifiedLog; loaded: LoadedLog } {
    const name = topicPartitionName(tp);
    const store = dir.store.stateStore(tp);
    const config = this.effectiveConfig(overrides);
    const loaded = loadLog({ dir: full, name, config, now: this.time.milliseconds(), store, logger: this.logger, ...recovery });
    const log = new UnifiedLog({
      dir: full,
      topicPartition: tp,
      ...(topicId !== undefined ? { topicId } : {}),
      config,
      segments: loaded.segments,
      logStartOffset: loaded.logStartOffset,
      recoveryPoint: loaded.recoveryPoint,
      time: this.time,
      store,
      logger: this.logger,
    });
    this.logs.set(name, { log, dir });
    return { log, loaded };
  }

  private effectiveConfig(overrides: Record<string, string> | undefined): LogConfig {
    return applyTopicOverrides(this._defaults, overrides);
  }

  private startTimers(): void {
    const every = (name: string, initial: number, interval: number, job: () => Promise<unknown> | unknown) => {
      const run = async () => {
        try {
          await job();
        } catch (e) {
          this.logger.error({ job: name, err: e }, `${name} failed`);
        }
      };
      const first = setTimeout(() => {
        void run();
        const t = setInterval(() => void run(), interval);
        t.unref();
        this.timers.push(t);
      }, initial);
      first.unref();
      this.timers.push(first);
    };
    const o = this.options;
    every('kafka-log-retention', o.initialTaskDelayMs ?? 30000, o.retentionCheckIntervalMs ?? 300000, () => this.cleanupLogs());
    every('kafka-recovery-point-checkpoint', o.initialTaskDelayMs ?? 30000, o.checkpointIntervalMs ?? 60000, () => this.checkpoint());
  }

  /** The log directories (absolute paths). */
  get logDirs(): readonly string[] {
    return this.dirs.map((d) => d.path);
  }

  /** The broker defaults. */
  get defaults(): LogConfig {
    return this._defaults;
  }

  /** Change the broker defaults (dynamic broker config); every log without an override follows. */
  updateDefaults(defaults: LogConfig): void {
    this._defaults = defaults;
    for (const { log, dir } of this.logs.values()) log.updateConfig(this.effectiveConfig(dir.store.getPartition(log.topicPartition)?.overrides));
  }

  /** The log of `tp`, or undefined. */
  getLog(tp: TopicPartition): UnifiedLog | undefined {
    return this.logs.get(topicPartitionName(tp))?.log;
  }

  /** Every log. */
  allLogs(): UnifiedLog[] {
    return [...this.logs.values()].map((e) => e.log);
  }

  /** The topic config overrides of `topic` (from any of its partitions), or undefined when no partition exists. */
  topicOverrides(topic: string): Record<string, string> | undefined {
    for (const { log, dir } of this.logs.values()) if (log.topicPartition.topic === topic) return { ...(dir.store.getPartition(log.topicPartition)?.overrides ?? {}) };
    return undefined;
  }

  /**
   * Create the log of `tp` (idempotent: returns the existing log). `overrides` are topic configs
   * (validated), `topicId` Kafka's topic id to remember. The directory, its first segment and its state
   * are durable when the promise resolves.
   * Errors: KafkaProtocolError INVALID_TOPIC_EXCEPTION (17) for an illegal name, INVALID_PARTITIONS (37)
   * for a negative partition, INVALID_CONFIG (40) for a bad override.
   */
  async createLog(tp: TopicPartition, options?: { topicId?: string; overrides?: Record<string, string | number> }): Promise<UnifiedLog> {
    this.ensureOpen();
    validateTopicName(tp.topic);
    if (!Number.isInteger(tp.partition) || tp.partition < 0 || tp.partition > 2147483647) throw new KafkaProtocolError('INVALID_PARTITIONS', `invalid partition ${tp.partition}`);
    const existing = this.getLog(tp);
    if (existing) return existing;
    const name = topicPartitionName(tp);
    // Concurrent creations of one partition (auto-creation from several requests) share one.
    const pending = this.creating.get(name);
    if (pending) return pending;
    const creation = this.doCreateLog(tp, name, options).finally(() => this.creating.delete(name));
    this.creating.set(name, creation);
    return creation;
  }

  private async doCreateLog(tp: TopicPartition, name: string, options: { topicId?: string; overrides?: Record<string, string | number> } | undefined): Promise<UnifiedLog> {
    const overrides = normaliseTopicOverrides(options?.overrides ?? {});
    const dir = this.nextLogDir();
    const full = path.join(dir.path, name);
    fs.mkdirSync(full, { recursive: true });
    const state: PartitionState = { ...(options?.topicId !== undefined ? { topicId: options.topicId } : {}), overrides, recoveryPoint: 0, logStartOffset: 0 };
    await dir.store.putPartition(tp, state);
    const { log } = this.openLog(dir, tp, full, overrides, options?.topicId, { hadCleanShutdown: true, recoveryPoint: 0, logStartOffset: 0, recoverFrom: undefined });
    fsyncDirectory(full);
    fsyncDirectory(dir.path);
    await dir.store.flushed();
    this.logger.info({ partition: name, logDir: dir.path }, `created log ${name}`);
    return log;
  }

  private nextLogDir(): LogDir {
    const counts = new Map(this.dirs.map((d) => [d, 0]));
    for (const { dir } of this.logs.values()) counts.set(dir, (counts.get(dir) ?? 0) + 1);
    let best = this.dirs[0]!;
    for (const d of this.dirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  /**
   * Delete the log of `tp`: close it, rename its directory `<name>.<id>-delete` (gone at once for
   * readers), forget its state, then remove the files. Resolves false when there was no such log.
   */
  async deleteLog(tp: TopicPartition): Promise<boolean> {
    const name = topicPartitionName(tp);
    const entry = this.logs.get(name);
    if (!entry) return false;
    this.logs.delete(name);
    entry.log.close();
    const renamed = path.join(entry.dir.path, `${name}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${DELETE_DIR_SUFFIX}`);
    fs.renameSync(entry.log.dir, renamed);
    fsyncDirectory(entry.dir.path);
    await entry.dir.store.removePartition(tp);
    await fs.promises.rm(renamed, { recursive: true, force: true });
    this.logger.info({ partition: name }, `deleted log ${name}`);
    return true;
  }

  /** Delete every partition of `topic`; resolves to how many there were. */
  async deleteTopic(topic: string): Promise<number> {
    const tps = this.allLogs().filter((l) => l.topicPartition.topic === topic).map((l) => l.topicPartition);
    for (const tp of tps) await this.deleteLog(tp);
    return tps.length;
  }

  /**
   * Replace the config overrides of every partition of `topic` (validated first; nothing changes on
   * error). Errors: InvalidConfigError INVALID_CONFIG (40); KafkaProtocolError UNKNOWN_TOPIC_OR_PARTITION (3).
   */
  async setTopicOverrides(topic: string, overrides: Record<string, string | number>): Promise<void> {
    const normalised = normaliseTopicOverrides(overrides);
    const config = this.effectiveConfig(normalised);
    const entries = [...this.logs.values()].filter((e) => e.log.topicPartition.topic === topic);
    if (entries.length === 0) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `topic ${topic} has no partition here`);
    for (const { log, dir } of entries) {
      await dir.store.updatePartition(log.topicPartition, { overrides: normalised });
      log.updateConfig(config);
    }
  }

  /** Run retention on every log now (what the kafka-log-retention job does). Returns segments deleted. */
  cleanupLogs(): number {
    let n = 0;
    for (const { log } of this.logs.values()) {
      try {
        n += log.deleteOldSegments();
      } catch (e) {
        this.logger.error({ partition: log.name, err: e }, `retention of ${log.name} failed`);
      }
    }
    return n;
  }

  /** Write every partition's recovery point and log start offset (one lmdb transaction per log dir). */
  async checkpoint(): Promise<void> {
    for (const dir of this.dirs) await this.checkpointDir(dir);
  }

  private async checkpointDir(dir: LogDir): Promise<void> {
    const entries = [...this.logs.values()]
      .filter((e) => e.dir === dir)
      .map(({ log }) => ({ tp: log.topicPartition, recoveryPoint: log.recoveryPoint, logStartOffset: log.logStartOffset }));
    await dir.store.checkpoint(entries);
  }

  /** fdatasync every log. */
  async flushAll(): Promise<void> {
    await Promise.all(this.allLogs().map((l) => l.flush()));
  }

  /**
   * Clean shutdown: stop the jobs, flush every log, close them (index files and their checksums
   * written), checkpoint, close the stores, then write each log dir's `.kafka_cleanshutdown`.
   */
  async shutdown(): Promise<void> {
    if (this.shutdownDone) return;
    this.shutdownDone = true;
    for (const t of this.timers) clearTimeout(t);
    await this.flushAll();
    for (const { log } of this.logs.values()) log.close();
    await this.checkpoint();
    for (const dir of this.dirs) {
      await dir.store.close();
      writeFileAtomic(path.join(dir.path, CLEAN_SHUTDOWN_FILE), '');
      dir.lock.release();
    }
    this.logger.info({ logDirs: this.logDirs }, 'log manager shut down cleanly');
  }

  /**
   * Stop without a clean shutdown, leaving the directories as a crash of the process would: no flush,
   * no index files, no checkpoint, no clean-shutdown marker (the next open recovers). The lmdb writes
   * already queued still commit and the locks are released. For a fatal storage error, and for tests.
   */
  async halt(): Promise<void> {
    if (this.shutdownDone) return;
    this.shutdownDone = true;
    for (const t of this.timers) clearTimeout(t);
    for (const { log } of this.logs.values()) log.halt();
    for (const dir of this.dirs) {
      await dir.store.close();
      dir.lock.release();
    }
    this.logger.warn({ logDirs: this.logDirs }, 'log manager halted (no clean shutdown)');
  }

  private ensureOpen(): void {
    if (this.shutdownDone) throw new KafkaProtocolError('KAFKA_STORAGE_ERROR', 'the log manager is shut down');
  }
}
