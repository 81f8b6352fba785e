import type { StreamingContext } from '../context/streaming-context.js';
import type { ReceiverInputDStream } from '../dstream/receiver-input-dstream.js';
import { ReceiverTrackerStateException, ReceiverWriteAheadLogWithoutCheckpointException } from '../receiver/errors.js';
import type { ReceivedBlockInfo } from '../receiver/received-block-info.js';
import { ReceivedBlockStore } from '../receiver/received-block-store.js';
import type { Receiver } from '../receiver/receiver.js';
import { ReceiverSupervisorImpl, errorString, type ReceiverSupervisor, type ReceiverTrackerEndpoint } from '../receiver/receiver-supervisor.js';
import { logFileTimes } from '../receiver/wal/file-based-write-ahead-log.js';
import { enableReceiverLog } from '../receiver/wal/write-ahead-log-utils.js';
import { fmtMs } from '../util/time.js';
import { ReceivedBlockTracker } from './received-block-tracker.js';
import type { ReceiverInfo } from './streaming-listener.js';

/** How long a non-graceful stop waits for the receivers to stop, ms (Spark: receiverJobExitLatch.await(10 s)). */
const RECEIVER_STOP_WAIT_MS = 10_000;

type TrackerState = 'Initialized' | 'Started' | 'Stopping' | 'Stopped';

/** True for the graph's ReceiverInputDStreams (Spark's graph.getReceiverInputStreams). */
function isReceiverInputDStream(s: unknown): s is ReceiverInputDStream<unknown> {
  return typeof (s as { getReceiver?: unknown }).getReceiver === 'function';
}

interface ReceiverJob {
  stream: ReceiverInputDStream<unknown>;
  receiver: Receiver<unknown>;
  supervisor: ReceiverSupervisorImpl | undefined;
  done: Promise<void>;
}

/**
 * Spark's `ReceiverTracker` (streaming/scheduler/ReceiverTracker.scala), with the driver and the
 * receivers in one process: created and started by the JobScheduler at `ssc.start()`.
 *
 * - start(): fails with ReceiverWriteAheadLogWithoutCheckpointException (Spark's message 11) when
 *   `spark.streaming.receiver.writeAheadLog.enable` is set without a checkpoint directory; recovers
 *   the ReceivedBlockTracker from its log (`<checkpointDir>/receivedBlockMetadata/`, kept only with
 *   the receiver WAL on and a checkpoint directory set); then launches every receiver of the graph's
 *   ReceiverInputDStreams — each in a ReceiverSupervisorImpl — and resolves when their onStart settled.
 * - A receiver whose supervisor stops (the receiver called `stop()`, or failed in onStart) is
 *   launched again with a new supervisor after `spark.streaming.receiverRestartDelay` (Spark
 *   relaunches the receiver job at once; the delay avoids a hot loop), logging "Restarting Receiver
 *   <id>" (and "Receiver has been stopped. Try to restart it." after an error), until the tracker stops.
 * - Receivers report to it (ReceiverTrackerEndpoint): register → `onReceiverStarted`, reportError →
 *   `onReceiverError`, deregister → `onReceiverStopped` (StreamingListener events with ReceiverInfo),
 *   and AddBlock → the ReceivedBlockTracker.
 * - The JobGenerator calls `allocateBlocksToBatch(t)` first thing when generating batch t, and
 *   `cleanupOldBlocksAndBatches(t − maxRememberDuration)` after batch t completed and its checkpoint
 *   was written; receiver WAL files are then cleaned except those holding a still tracked block.
 * - stopReceivers(graceful) (first step of the context's stop): stop every receiver ("Stopped by
 *   driver"; their block generators drain, so the data they buffered is stored and reported); waits at
 *   most 10 s unless graceful. stop(): close the block tracker's log.
 * Backpressure: `sendRateUpdate(streamId, rate)` (from the stream's ReceiverRateController) reaches
 * every BlockGenerator of that receiver.
 */
export class ReceiverTracker implements ReceiverTrackerEndpoint {
  readonly receiverInputStreams: ReceiverInputDStream<unknown>[];
  readonly receivedBlockTracker: ReceivedBlockTracker;
  /** The in-memory block store (Spark's BlockManager) shared by the supervisors and the streams. */
  readonly blockStore = new ReceivedBlockStore();
  private state: TrackerState = 'Initialized';
  private readonly streamIds: number[];
  private readonly infos = new Map<number, ReceiverInfo>();
  private readonly jobs = new Map<number, ReceiverJob>();
  private readonly relaunchAbort = new AbortController();

  constructor(private readonly ssc: StreamingContext) {
    this.receiverInputStreams = ssc.graph.inputStreams.filter(isReceiverInputDStream);
    this.streamIds = this.receiverInputStreams.map((s) => s.id);
    const walOn = enableReceiverLog(ssc.conf);
    this.receivedBlockTracker = new ReceivedBlockTracker({
      conf: ssc.conf,
      streamIds: this.streamIds,
      clock: ssc.clock,
      logger: ssc.logger,
      checkpointDir: walOn && this.receiverInputStreams.length > 0 ? ssc.checkpointDir : undefined,
    });
  }

  private get logger() {
    return this.ssc.logger;
  }

  /** See the class comment. Errors: ReceiverTrackerStateException("ReceiverTracker already started"), message 11. */
  async start(): Promise<void> {
    if (this.state !== 'Initialized') throw new ReceiverTrackerStateException('ReceiverTracker already started');
    if (this.receiverInputStreams.length === 0) {
      this.state = 'Started';
      return;
    }
    if (enableReceiverLog(this.ssc.conf) && this.ssc.checkpointDir === undefined) throw new ReceiverWriteAheadLogWithoutCheckpointException();
    // getReceiver() once per stream (Spark's KafkaInputDStream makes a new receiver per call)
    const receivers = new Map<ReceiverInputDStream<unknown>, Receiver<unknown>>();
    for (const s of this.receiverInputStreams) {
      const r = s.getReceiver();
      if ([...receivers.values()].includes(r)) throw new ReceiverTrackerStateException(`The same Receiver object is used by two input streams (stream ${s.id}); give each stream its own receiver`);
      receivers.set(s, r);
    }
    await this.receivedBlockTracker.recoverPastEvents({ checkpointPresent: this.ssc.recoveredCheckpoint !== undefined });
    this.state = 'Started';
    await this.launchReceivers(receivers);
    this.logger.info('ReceiverTracker started');
  }

  /** Spark's launchReceivers: one job per receiver; resolves when every first onStart settled. */
  private async launchReceivers(receivers: Map<ReceiverInputDStream<unknown>, Receiver<unknown>>): Promise<void> {
    this.logger.info(`Starting ${receivers.size} receivers`);
    const started: Promise<void>[] = [];
    for (const [stream, receiver] of receivers) {
      receiver.setReceiverId(stream.id);
      let firstStarted!: () => void;
      started.push(new Promise<void>((resolve) => (firstStarted = resolve)));
      const job: ReceiverJob = { stream, receiver, supervisor: undefined, done: Promise.resolve() };
      this.jobs.set(stream.id, job);
      job.done = this.runReceiver(job, firstStarted);
      this.logger.info(`Receiver ${stream.id} started`);
    }
    await Promise.all(started);
  }

  /** The receiver "job": supervise, and relaunch when the supervisor stops, until the tracker stops. */
  private async runReceiver(job: ReceiverJob, firstStarted: () => void): Promise<void> {
    const id = job.stream.id;
    const delay = this.ssc.conf.getNumber('spark.streaming.receiverRestartDelay', 2000);
    try {
      while (this.state === 'Initialized' || this.state === 'Started') {
        let failure: unknown;
        try {
          const sup = new ReceiverSupervisorImpl(job.receiver, this, {
            conf: this.ssc.conf,
            clock: this.ssc.clock,
            logger: this.logger,
            checkpointDir: this.ssc.checkpointDir,
            blockStore: this.blockStore,
          });
          job.supervisor = sup;
          await sup.start();
          firstStarted();
          await sup.awaitTermination();
        } catch (err) {
          failure = err ?? new Error('receiver stopped with an error');
        }
        firstStarted();
        if (this.state !== 'Initialized' && this.state !== 'Started') break;
        if (failure !== undefined) this.logger.error(`Receiver has been stopped. Try to restart it.: ${errorString(failure)}`);
        this.logger.info(`Restarting Receiver ${id}`);
        await abortableSleep(delay, this.relaunchAbort.signal);
      }
    } finally {
      firstStarted();
      const info = this.infos.get(id);
      if (info?.active) this.logger.warn(`Receiver ${id} exited but didn't deregister`);
    }
  }

  /**
   * Spark's `stop(graceful)`, receivers part: stop every receiver ("Stopped by driver"), waiting
   * for them (at most 10 s unless graceful); their generators drain into the block store and the
   * tracker. Warns "Not all of the receivers have deregistered, <ids>" when some did not.
   */
  async stopReceivers(graceful: boolean): Promise<void> {
    if (this.state !== 'Started') {
      if (this.state === 'Initialized') this.state = 'Stopping';
      return;
    }
    this.state = 'Stopping';
    this.relaunchAbort.abort();
    if (this.jobs.size === 0) return;
    const all = (async () => {
      await Promise.all([...this.jobs.values()].map((j) => j.supervisor?.stop('Stopped by driver')));
      await Promise.all([...this.jobs.values()].map((j) => j.done));
    })();
    this.logger.info(`Sent stop signal to all ${this.jobs.size} receivers`);
    if (graceful) {
      this.logger.info('Waiting for receiver job to terminate gracefully');
      await all;
      this.logger.info('Waited for receiver job to terminate gracefully');
    } else {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, RECEIVER_STOP_WAIT_MS)))]);
      clearTimeout(timer);
    }
    const active = [...this.infos.values()].filter((i) => i.active).map((i) => i.streamId);
    if (active.length > 0) this.logger.warn(`Not all of the receivers have deregistered, ${active.join(', ')}`);
    else this.logger.info('All of the receivers have deregistered successfully');
  }

  /** Spark's `stop` end: close the block tracker (its log). Call after the job generator stopped. */
  async stop(): Promise<void> {
    if (this.state === 'Stopped') return;
    if (this.state === 'Started') await this.stopReceivers(false);
    await this.receivedBlockTracker.stop();
    this.state = 'Stopped';
    this.logger.info('ReceiverTracker stopped');
  }

  /** Spark's `allocateBlocksToBatch(batchTime)` (no-op without receiver streams). */
  async allocateBlocksToBatch(batchTimeMs: number): Promise<void> {
    if (this.receiverInputStreams.length > 0) await this.receivedBlockTracker.allocateBlocksToBatch(batchTimeMs);
  }

  /** Spark's `getBlocksOfBatch`. */
  getBlocksOfBatch(batchTimeMs: number): Map<number, ReceivedBlockInfo[]> {
    return this.receivedBlockTracker.getBlocksOfBatch(batchTimeMs);
  }

  /** Spark's `getBlocksOfBatchAndStream`. */
  getBlocksOfBatchAndStream(batchTimeMs: number, streamId: number): ReceivedBlockInfo[] {
    return this.receivedBlockTracker.getBlocksOfBatchAndStream(batchTimeMs, streamId);
  }

  /** Spark's `hasUnallocatedBlocks`. */
  hasUnallocatedBlocks(): boolean {
    return this.receivedBlockTracker.hasUnallocatedReceivedBlocks();
  }

  /**
   * Spark's `cleanupOldBlocksAndBatches(cleanupThreshTime)`: forget batches before the threshold
   * (and clean the driver log); with the receiver WAL, each running receiver cleans its log files
   * ending before min(threshold, start time of the oldest file holding a block still tracked).
   */
  async cleanupOldBlocksAndBatches(thresholdMs: number): Promise<void> {
    if (this.receiverInputStreams.length === 0) return;
    await this.receivedBlockTracker.cleanupOldBatches(thresholdMs, false);
    if (!enableReceiverLog(this.ssc.conf)) return;
    this.logger.info(`Cleanup old received batch data: ${fmtMs(thresholdMs)}`);
    const oldestNeeded = new Map<number, number>();
    for (const b of this.receivedBlockTracker.liveBlocks()) {
      const start = b.walRecordHandle ? logFileTimes(b.walRecordHandle.path)?.startTime : undefined;
      if (start !== undefined) oldestNeeded.set(b.streamId, Math.min(oldestNeeded.get(b.streamId) ?? Infinity, start));
    }
    for (const [id, job] of this.jobs) {
      const sup = job.supervisor;
      if (!sup || sup.isStopping()) continue;
      const safe = Math.min(thresholdMs, oldestNeeded.get(id) ?? Infinity);
      await sup.cleanupOldBlocks(safe).catch((err: unknown) => this.logger.warn(`Cleaning the write ahead log of receiver ${id} failed: ${String(err)}`));
    }
  }

  /** Spark's `sendRateUpdate(streamUID, newRate)`: records/s for every BlockGenerator of that receiver. */
  sendRateUpdate(streamId: number, newRate: number): void {
    if (this.state !== 'Started') return;
    this.jobs.get(streamId)?.supervisor?.updateRate(newRate);
  }

  /** The supervisor currently running stream `streamId`'s receiver. */
  supervisorOf(streamId: number): ReceiverSupervisorImpl | undefined {
    return this.jobs.get(streamId)?.supervisor;
  }

  /** The receivers' latest ReceiverInfo (copies), by stream id order. */
  receiverInfos(): ReceiverInfo[] {
    return [...this.infos.values()].sort((a, b) => a.streamId - b.streamId).map((i) => ({ ...i }));
  }

  // --- ReceiverTrackerEndpoint (Spark's RPC messages from the supervisors) ---

  /** RegisterReceiver: posts onReceiverStarted; false when the tracker is stopping. */
  registerReceiver(streamId: number, typ: string, host: string, _supervisor: ReceiverSupervisor): boolean {
    if (!this.streamIds.includes(streamId)) throw new ReceiverTrackerStateException(`Register received for unexpected id ${streamId}`);
    if (this.state === 'Stopping' || this.state === 'Stopped') return false;
    const info: ReceiverInfo = { streamId, name: `${typ}-${streamId}`, active: true, location: host, executorId: 'driver', lastErrorMessage: '', lastError: '', lastErrorTime: -1 };
    this.infos.set(streamId, info);
    this.ssc.scheduler.listenerBus.post('onReceiverStarted', { receiverInfo: { ...info } });
    this.logger.info(`Registered receiver for stream ${streamId} from ${host}`);
    return true;
  }

  /** DeregisterReceiver: posts onReceiverStopped (with the reason as last error when `error` is set). */
  deregisterReceiver(streamId: number, message: string, error: string): void {
    const lastErrorTime = error === '' ? -1 : this.ssc.clock.getTimeMillis();
    const old = this.infos.get(streamId);
    if (!old) this.logger.warn('No prior receiver info');
    const info: ReceiverInfo = {
      ...(old ?? { streamId, name: '', location: '', executorId: '' }),
      active: false,
      lastErrorMessage: message,
      lastError: error,
      lastErrorTime,
    };
    this.infos.set(streamId, info);
    this.ssc.scheduler.listenerBus.post('onReceiverStopped', { receiverInfo: { ...info } });
    const text = `Deregistered receiver for stream ${streamId}: ${error ? `${message} - ${error}` : message}`;
    if (error) this.logger.error(text);
    else this.logger.info(text);
  }

  /** AddBlock: record the block in the ReceivedBlockTracker (durably with the WAL). */
  addBlock(info: ReceivedBlockInfo): Promise<boolean> {
    return this.receivedBlockTracker.addBlock(info);
  }

  /** ReportError: posts onReceiverError. */
  reportError(streamId: number, message: string, error: string): void {
    const old = this.infos.get(streamId);
    if (!old) this.logger.warn('No prior receiver info');
    const info: ReceiverInfo = {
      ...(old ?? { streamId, name: '', active: false, location: '', executorId: '' }),
      lastErrorMessage: message,
      lastError: error,
      lastErrorTime: this.ssc.clock.getTimeMillis(),
    };
    this.infos.set(streamId, info);
    this.ssc.scheduler.listenerBus.post('onReceiverError', { receiverInfo: { ...info } });
    this.logger.warn(`Error reported by receiver for stream ${streamId}: ${error ? `${message} - ${error}` : message}`);
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
