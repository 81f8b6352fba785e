import type { StreamingContext } from '../context/streaming-context.js';
import { RecurringTimer } from '../util/recurring-timer.js';
import { fmtMs, timesUntil } from '../util/time.js';
import type { JobScheduler } from './job-scheduler.js';

/**
 * Spark's `JobGenerator` (streaming/scheduler/JobGenerator.scala): a RecurringTimer posts
 * GenerateJobs(t) every batch interval; events are handled one at a time, in order:
 * - GenerateJobs(t): the ReceiverTracker allocates the received blocks to t; every input stream prepares its batch at t (decides the batch's data — e.g.
 *   Kafka offset ranges — and reports its input info), generate one job per output operation, write the checkpoint for t if
 *   t is a checkpoint time, then submit the job set. (Spark submits first and writes the checkpoint
 *   asynchronously; here the checkpoint — with the batch's input metadata such as Kafka offset
 *   ranges — is durable before any of the batch's output operations runs.)
 * - batch completion: ClearMetadata(t) (forget old batches), then DoCheckpoint(t) (state included),
 *   then — when the checkpoint was written for t, or checkpointing is off — ClearCheckpointData:
 *   old received blocks and batches (t − max remember duration) are cleaned up in the
 *   ReceiverTracker (and receiver WAL files); then cleanup of input infos; lastProcessedBatch = t.
 * Restart from a checkpoint: down times = checkpointTime until restartTime by the batch interval;
 * reschedule (pending ∪ down).filter(< restartTime).distinct.sorted, then restart the timer at
 * restartTime — with Spark's log lines ("Batches during down time (N batches): ...",
 * "Batches pending processing (N batches): ...", "Batches to reschedule (N batches): ...",
 * "Restarted JobGenerator at <t> ms").
 */
export class JobGenerator {
  private readonly timer: RecurringTimer;
  private events: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Last batch time whose jobs were generated, ms. */
  lastGeneratedBatch = -1;
  /** Last batch time whose processing completed, ms (Spark's lastProcessedBatch). */
  lastProcessedBatch = -1;
  private progressWaiters: (() => void)[] = [];

  constructor(
    private readonly ssc: StreamingContext,
    private readonly scheduler: JobScheduler,
  ) {
    this.timer = new RecurringTimer(ssc.clock, ssc.batchDurationMs, (t) => this.post(() => this.generateJobs(t)));
  }

  private post(handler: () => Promise<void> | void): void {
    this.events = this.events.then(async () => {
      if (this.stopped) return;
      try {
        await handler();
      } catch (err) {
        this.ssc.reportError('Error in job generator', err);
      }
    });
  }

  /** Start fresh (startFirstTime) or from the checkpoint the context was recovered from (restart). */
  async start(): Promise<void> {
    const cp = this.ssc.recoveredCheckpoint;
    const graph = this.ssc.graph;
    if (!cp) {
      await graph.start(graph.zeroTime ?? this.timer.getStartTime() - this.ssc.batchDurationMs);
      const startTime = graph.zeroTime! + this.ssc.batchDurationMs;
      this.timer.start(startTime);
      this.ssc.logger.info(`Started JobGenerator at ${fmtMs(startTime)}`);
      return;
    }
    await graph.restart(cp);
    const batch = this.ssc.batchDurationMs;
    const checkpointTime = cp.checkpointTime;
    const restartTime = this.timer.getRestartTime(graph.zeroTime! + batch);
    const downTimes = timesUntil(checkpointTime, restartTime, batch);
    this.ssc.logger.info(`Batches during down time (${downTimes.length} batches): ${downTimes.map(fmtMs).join(', ')}`);
    const pending = [...cp.pendingTimes].sort((a, b) => a - b);
    this.ssc.logger.info(`Batches pending processing (${pending.length} batches): ${pending.map(fmtMs).join(', ')}`);
    const toReschedule = [...new Set([...pending, ...downTimes])].filter((t) => t < restartTime).sort((a, b) => a - b);
    this.ssc.logger.info(`Batches to reschedule (${toReschedule.length} batches): ${toReschedule.map(fmtMs).join(', ')}`);
    this.rescheduled = toReschedule;
    for (const t of toReschedule) this.post(() => this.generateJobs(t));
    this.timer.start(restartTime);
    this.ssc.logger.info(`Restarted JobGenerator at ${fmtMs(restartTime)}`);
  }

  /** Batch times rescheduled by the last restart (ascending), for inspection. */
  rescheduled: number[] = [];

  private async generateJobs(time: number): Promise<void> {
    const graph = this.ssc.graph;
    try {
      await this.scheduler.receiverTracker?.allocateBlocksToBatch(time);
      await graph.generateInputs(time);
      const jobs = graph.generateJobs(time);
      this.lastGeneratedBatch = time;
      await this.doCheckpoint(time, [...this.scheduler.getPendingTimes(), time]);
      this.scheduler.submitJobSet(time, jobs);
    } catch (err) {
      this.lastGeneratedBatch = time;
      this.ssc.reportError(`Error generating jobs for time ${fmtMs(time)}`, err);
      this.markProcessed(time);
    }
  }

  /** Called by the JobScheduler when batch `time` completed: ClearMetadata then DoCheckpoint. */
  onBatchCompletion(time: number): void {
    this.post(async () => {
      this.ssc.graph.clearMetadata(time);
      const maxRemember = this.ssc.graph.maxInputRememberDuration();
      try {
        const wrote = await this.doCheckpoint(time, this.scheduler.getPendingTimes());
        // Spark's ClearCheckpointData: received block data may go once the checkpoint that no
        // longer needs it is written (or when there is no checkpointing)
        if (wrote || !this.ssc.checkpointWriter) await this.scheduler.receiverTracker?.cleanupOldBlocksAndBatches(time - maxRemember);
      } finally {
        this.scheduler.inputInfoTracker.cleanup(time - maxRemember);
        this.markProcessed(time);
      }
    });
  }

  /** Resolve once batch `timeMs` (and every earlier one) has been processed, its checkpoint written. */
  async waitForProcessed(timeMs: number): Promise<void> {
    while (this.lastProcessedBatch < timeMs) await new Promise<void>((resolve) => this.progressWaiters.push(resolve));
  }

  private markProcessed(time: number): void {
    this.lastProcessedBatch = Math.max(this.lastProcessedBatch, time);
    const ws = this.progressWaiters;
    this.progressWaiters = [];
    for (const w of ws) w();
  }

  /** Write the checkpoint for `time` when it is a checkpoint time; true when written. */
  private async doCheckpoint(time: number, pendingTimes: number[]): Promise<boolean> {
    const writer = this.ssc.checkpointWriter;
    const zero = this.ssc.graph.zeroTime!;
    if (!writer || (time - zero) % this.ssc.checkpointDurationMs !== 0) return false;
    await writer.write(this.ssc.buildCheckpoint(time, pendingTimes));
    return true;
  }

  /**
   * Spark's `JobGenerator.stop(processReceivedData)`. Graceful: wait until every received block has
   * been allocated to a batch (the timer keeps generating batches meanwhile; "Waiting for all received
   * blocks to be consumed for job generation"), stop the timer, then wait until the last generated
   * batch is processed, all within `spark.streaming.gracefulStopTimeout` (default 10 × batch
   * interval, wall time; warns "Timed out while stopping the job generator (timeout = <ms>)").
   * Otherwise: stop the timer and drop the events not yet handled.
   */
  async stop(graceful: boolean): Promise<void> {
    const timeout = this.ssc.conf.getNumber('spark.streaming.gracefulStopTimeout', 10 * this.ssc.batchDurationMs);
    const deadline = Date.now() + timeout;
    const tracker = this.scheduler.receiverTracker;
    if (graceful && tracker) {
      this.ssc.logger.info('Waiting for all received blocks to be consumed for job generation');
      while (tracker.hasUnallocatedBlocks() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      this.ssc.logger.info('Waited for all received blocks to be consumed for job generation');
    }
    await this.timer.stop();
    if (graceful) {
      await this.events;
      while (this.lastProcessedBatch < this.lastGeneratedBatch && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
          this.progressWaiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      if (this.lastProcessedBatch < this.lastGeneratedBatch) this.ssc.logger.warn(`Timed out while stopping the job generator (timeout = ${timeout})`);
      this.ssc.logger.info('Waited for jobs to be processed and checkpoints to be written');
    }
  }

  /** Wait for handled events, then refuse new ones. */
  async drain(): Promise<void> {
    await this.events;
    this.stopped = true;
  }
}
