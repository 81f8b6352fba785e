import type { StreamingContext } from '../context/streaming-context.js';
import type { Job } from '../dstream/dstream.js';
import { fmtMs } from '../util/time.js';
import { BatchInfo, type OutputOperationInfo } from './batch-info.js';
import { InputInfoTracker } from './input-info-tracker.js';
import { JobGenerator } from './job-generator.js';
import { ReceiverTracker } from './receiver-tracker.js';
import { StreamingListenerBus } from './streaming-listener.js';

interface JobSet {
  time: number;
  jobs: Job[];
  info: BatchInfo;
}

/**
 * Spark's `JobScheduler` (streaming/scheduler/JobScheduler.scala) with
 * `spark.streaming.concurrentJobs` = 1: job sets (one per batch) run strictly one after another in
 * submission order, their output operations in registration order; a batch waiting for the
 * previous one accumulates scheduling delay. Posts the StreamingListener batch and output-operation
 * events. A failing output operation is logged ("Error running job streaming job <t> ms.<i>"),
 * recorded as the operation's failureReason and reported to `awaitTermination`; the batch still
 * completes and the next ones run, as in Spark.
 */
export class JobScheduler {
  readonly inputInfoTracker = new InputInfoTracker();
  readonly listenerBus: StreamingListenerBus;
  readonly jobGenerator: JobGenerator;
  /** Spark's receiverTracker: created by start() (receivers of the ReceiverInputDStreams). */
  receiverTracker: ReceiverTracker | undefined;
  private readonly jobSets = new Map<number, JobSet>();
  private chain: Promise<void> = Promise.resolve();
  private dropQueued = false;

  constructor(private readonly ssc: StreamingContext) {
    this.listenerBus = new StreamingListenerBus((err) => ssc.logger.warn(`Listener threw an exception: ${String(err)}`));
    this.jobGenerator = new JobGenerator(ssc, this);
  }

  /** Batch times submitted and not completed (Spark's getPendingTimes), ascending. */
  getPendingTimes(): number[] {
    return [...this.jobSets.keys()].sort((a, b) => a - b);
  }

  /** Spark's `submitJobSet`: queue a batch's jobs; nothing (but a log line) when there are no jobs. */
  submitJobSet(time: number, jobs: Job[]): void {
    if (jobs.length === 0) {
      this.ssc.logger.info(`No jobs added for time ${fmtMs(time)}`);
      this.jobGenerator.onBatchCompletion(time);
      return;
    }
    const ops = new Map<number, OutputOperationInfo>(jobs.map((j) => [j.outputOpId, { batchTime: time, id: j.outputOpId, name: j.name, description: j.name }]));
    const info = new BatchInfo(time, this.inputInfoTracker.getInfo(time), this.ssc.clock.getTimeMillis(), undefined, undefined, ops);
    const set: JobSet = { time, jobs, info };
    this.jobSets.set(time, set);
    this.listenerBus.post('onBatchSubmitted', { batchInfo: info.snapshot() });
    this.chain = this.chain.then(() => this.runJobSet(set));
    this.ssc.logger.info(`Added jobs for time ${fmtMs(time)}`);
  }

  private async runJobSet(set: JobSet): Promise<void> {
    if (this.dropQueued) return;
    const { info } = set;
    for (const job of set.jobs) {
      const op = info.outputOperationInfos.get(job.outputOpId)!;
      const now = this.ssc.clock.getTimeMillis();
      if (info.processingStartTime === undefined) {
        info.processingStartTime = now;
        this.listenerBus.post('onBatchStarted', { batchInfo: info.snapshot() });
        this.ssc.logger.info(`Starting job streaming job ${fmtMs(set.time)}.${job.outputOpId} from job set of time ${fmtMs(set.time)}`);
      }
      op.startTime = now;
      this.listenerBus.post('onOutputOperationStarted', { outputOperationInfo: { ...op } });
      try {
        await job.run();
        this.ssc.logger.info(`Finished job streaming job ${fmtMs(set.time)}.${job.outputOpId} from job set of time ${fmtMs(set.time)}`);
      } catch (err) {
        op.failureReason = err instanceof Error ? (err.stack ?? err.message) : String(err);
        this.ssc.reportError(`Error running job streaming job ${fmtMs(set.time)}.${job.outputOpId}`, err);
      }
      op.endTime = this.ssc.clock.getTimeMillis();
      this.listenerBus.post('onOutputOperationCompleted', { outputOperationInfo: { ...op } });
    }
    info.processingEndTime = this.ssc.clock.getTimeMillis();
    this.jobSets.delete(set.time);
    this.listenerBus.post('onBatchCompleted', { batchInfo: info.snapshot() });
    this.ssc.logger.info(
      `Total delay: ${((info.totalDelay ?? 0) / 1000).toFixed(3)} s for time ${fmtMs(set.time)} (execution: ${((info.processingDelay ?? 0) / 1000).toFixed(3)} s)`,
    );
    this.jobGenerator.onBatchCompletion(set.time);
  }

  /**
   * Start the ReceiverTracker (recover its block metadata, launch the receivers), then the
   * generator (fresh, or recovering from the context's checkpoint), as Spark's JobScheduler.start.
   */
  async start(): Promise<void> {
    this.receiverTracker = new ReceiverTracker(this.ssc);
    try {
      await this.receiverTracker.start();
      await this.jobGenerator.start();
    } catch (err) {
      await this.receiverTracker.stop().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Spark's `JobScheduler.stop(processAllReceivedData)`: stop the receivers, then stop generating;
   * graceful = allocate every received block to batches and run every generated batch first;
   * otherwise queued batches are dropped (the running output operation finishes — JavaScript
   * cannot interrupt it). Finally close the receiver tracker's log.
   */
  async stop(graceful: boolean): Promise<void> {
    // first stop receiving (the receivers' buffered data is stored and reported)...
    await this.receiverTracker?.stopReceivers(graceful);
    // ...then generating: graceful = until every received block is allocated and processed
    await this.jobGenerator.stop(graceful);
    if (!graceful) this.dropQueued = true;
    await this.chain;
    await this.jobGenerator.drain();
    await this.receiverTracker?.stop();
  }
}
