/**
 * StreamingProgressListener: Spark's `StreamingJobProgressListener` (streaming/ui/): a
 * StreamingListener that keeps what the Streaming tab shows — the waiting (queued), running and the
 * last `spark.streaming.ui.retainedBatches` (default 1000) completed batches, the totals since the
 * start, and per batch its input infos (Kafka offset ranges of the Direct stream) and output
 * operations — and renders it as JSON (`status()`, served by StreamingStatusServer).
 */
import type { StreamingContext } from '../context/streaming-context.js';
import type { BatchInfo, OutputOperationInfo } from '../scheduler/batch-info.js';
import type { ReceiverInfo, StreamingListener } from '../scheduler/streaming-listener.js';

/** Spark's default of `spark.streaming.ui.retainedBatches`. */
export const DEFAULT_RETAINED_BATCHES = 1000;

/** A batch's status, as Spark's REST API (`BatchStatus`). */
export type BatchStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED';

/** One Kafka offset range of a batch (Spark's OffsetRange, with its count). */
export interface OffsetRangeJson {
  topic: string;
  partition: number;
  fromOffset: number;
  untilOffset: number;
  count: number;
}

/** One input stream's part of a batch (Spark's StreamInputInfo). */
export interface BatchInputJson {
  inputStreamId: number;
  inputStreamName: string;
  numRecords: number;
  /** For the Direct Kafka stream: the batch's offset ranges. */
  offsetRanges?: OffsetRangeJson[];
}

/** One output operation of a batch (Spark's OutputOperationInfo). */
export interface OutputOperationJson {
  id: number;
  name: string;
  description: string;
  startTime: number | null;
  endTime: number | null;
  duration: number | null;
  failureReason: string | null;
}

/** A batch as the status JSON shows it. Times are ms since the epoch (on the context's clock), delays ms; null = not known yet. */
export interface BatchJson {
  /** Batch time, ms; also the batch id (Spark's batchId is the batch time). */
  batchTime: number;
  status: BatchStatus;
  numRecords: number;
  submissionTime: number;
  processingStartTime: number | null;
  processingEndTime: number | null;
  schedulingDelay: number | null;
  processingDelay: number | null;
  totalDelay: number | null;
  numTotalOutputOps: number;
  numActiveOutputOps: number;
  numCompletedOutputOps: number;
  numFailedOutputOps: number;
  firstFailureReason: string | null;
  inputs: BatchInputJson[];
  outputOperations: OutputOperationJson[];
}

/** The whole status document (GET /api/v1/streaming/status). */
export interface StreamingStatusJson {
  appId: string;
  appName: string;
  /** The context's state (INITIALIZED, ACTIVE, STOPPED). */
  state: string;
  /** When the context started (ms), null before. */
  startTime: number | null;
  /** The context clock's time of this answer, ms. */
  now: number;
  batchIntervalMs: number;
  /** Completed batches since the start (not only the retained ones). */
  numCompletedBatches: number;
  numRetainedCompletedBatches: number;
  retainedBatches: number;
  numActiveBatches: number;
  numTotalReceivedRecords: number;
  numTotalProcessedRecords: number;
  /** Averages over the retained completed batches (null without any): records/s, ms. */
  avgInputRate: number | null;
  avgSchedulingDelay: number | null;
  avgProcessingTime: number | null;
  avgTotalDelay: number | null;
  inputStreams: { id: number; name: string }[];
  /** Output operations in registration order. */
  outputOperations: { id: number; name: string }[];
  /** Receivers of Receiver input streams (issue 7): empty for the Direct and queue streams. */
  receivers: ReceiverJson[];
  /** Queued and processing batches, oldest first. */
  activeBatches: BatchJson[];
  /** Retained completed batches, newest first (as Spark's table). */
  completedBatches: BatchJson[];
}

/** A receiver's status (Spark's ReceiverInfo), for the Receiver stream. */
export interface ReceiverJson {
  streamId: number;
  /** The receiver's name, `<receiver class>-<streamId>` (Spark's ReceiverInfo.name). */
  streamName: string;
  active: boolean;
  location: string;
  /** Records per second of this stream, averaged over the retained completed batches (Spark's avg of numRecords × 1000 / batch interval); null before the first. */
  avgEventRate: number | null;
  /** The last error or stop reason (`message`, then ` - ` and the error's first line when there is one), null when none. */
  lastError: string | null;
  /** ms, null when none. */
  lastErrorTime: number | null;
}

/** Spark's StreamingJobProgressListener; see the module comment. Add it with `ssc.addStreamingListener`. */
export class StreamingProgressListener implements StreamingListener {
  private readonly waiting = new Map<number, BatchInfo>();
  private readonly running = new Map<number, BatchInfo>();
  /** Oldest first. */
  private readonly completed: BatchInfo[] = [];
  private totalCompleted = 0;
  private totalReceived = 0;
  private totalProcessed = 0;
  private startTime: number | null = null;
  /** Receivers of the Receiver input streams, by stream id (from onReceiverStarted/Error/Stopped; avgEventRate updated per completed batch). */
  readonly receivers = new Map<number, ReceiverJson>();

  /**
   * @param ssc the context observed
   * @param appId the application id shown and registered
   * @param retainedBatches completed batches kept (`spark.streaming.ui.retainedBatches`, default 1000)
   */
  constructor(
    private readonly ssc: StreamingContext,
    readonly appId: string,
    readonly retainedBatches = DEFAULT_RETAINED_BATCHES,
  ) {}

  onStreamingStarted(e: { time: number }): void {
    this.startTime = e.time;
  }
  onReceiverStarted(e: { receiverInfo: ReceiverInfo }): void {
    this.updateReceiver(e.receiverInfo);
  }
  onReceiverError(e: { receiverInfo: ReceiverInfo }): void {
    this.updateReceiver(e.receiverInfo);
  }
  onReceiverStopped(e: { receiverInfo: ReceiverInfo }): void {
    this.updateReceiver(e.receiverInfo);
  }

  private updateReceiver(info: ReceiverInfo): void {
    const firstLine = info.lastError.split('\n')[0] ?? '';
    const error = info.lastErrorMessage !== '' || firstLine !== '' ? [info.lastErrorMessage, firstLine].filter((x) => x !== '').join(' - ') : null;
    this.receivers.set(info.streamId, {
      streamId: info.streamId,
      streamName: info.name,
      active: info.active,
      location: info.location,
      avgEventRate: this.avgEventRate(info.streamId),
      lastError: error,
      lastErrorTime: info.lastErrorTime >= 0 ? info.lastErrorTime : null,
    });
  }

  /** Spark's receivedRecordRateWithBatchTime averaged: records/s of `streamId` over the retained completed batches; null without any. */
  avgEventRate(streamId: number): number | null {
    if (this.completed.length === 0) return null;
    const interval = this.ssc.batchDurationMs;
    let sum = 0;
    for (const b of this.completed) sum += ((b.streamIdToInputInfo.get(streamId)?.numRecords ?? 0) * 1000) / interval;
    return sum / this.completed.length;
  }
  onBatchSubmitted(e: { batchInfo: BatchInfo }): void {
    this.waiting.set(e.batchInfo.batchTime, e.batchInfo);
    this.totalReceived += e.batchInfo.numRecords;
  }
  onBatchStarted(e: { batchInfo: BatchInfo }): void {
    this.waiting.delete(e.batchInfo.batchTime);
    this.running.set(e.batchInfo.batchTime, e.batchInfo);
  }
  onOutputOperationStarted(e: { outputOperationInfo: OutputOperationInfo }): void {
    this.updateOp(e.outputOperationInfo);
  }
  onOutputOperationCompleted(e: { outputOperationInfo: OutputOperationInfo }): void {
    this.updateOp(e.outputOperationInfo);
  }
  onBatchCompleted(e: { batchInfo: BatchInfo }): void {
    this.waiting.delete(e.batchInfo.batchTime);
    this.running.delete(e.batchInfo.batchTime);
    this.completed.push(e.batchInfo);
    if (this.completed.length > this.retainedBatches) this.completed.splice(0, this.completed.length - this.retainedBatches);
    this.totalCompleted++;
    this.totalProcessed += e.batchInfo.numRecords;
    for (const r of this.receivers.values()) r.avgEventRate = this.avgEventRate(r.streamId);
  }

  /** The running batch's output operation info, updated as operations start and end. */
  private updateOp(op: OutputOperationInfo): void {
    const b = this.running.get(op.batchTime) ?? this.waiting.get(op.batchTime);
    if (b) b.outputOperationInfos.set(op.id, { ...op });
  }

  /** Completed batches since the start. */
  get numCompletedBatches(): number {
    return this.totalCompleted;
  }

  /** The status document (see StreamingStatusJson). */
  status(): StreamingStatusJson {
    const names = new Map(this.ssc.graph.inputStreams.map((s) => [s.id, s.name]));
    const batch = (b: BatchInfo, status: BatchStatus): BatchJson => batchJson(b, status, names);
    const completed = this.completed.map((b) => batch(b, 'COMPLETED')).reverse();
    const active = [...[...this.waiting.values()].map((b) => batch(b, 'QUEUED')), ...[...this.running.values()].map((b) => batch(b, 'PROCESSING'))].sort((a, b) => a.batchTime - b.batchTime);
    const avg = (f: (b: BatchJson) => number | null): number | null => {
      const xs = completed.map(f).filter((x): x is number => x !== null);
      return xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
    };
    const interval = this.ssc.batchDurationMs;
    return {
      appId: this.appId,
      appName: this.ssc.appName ?? this.ssc.conf.get('spark.app.name') ?? 'StreamingContext',
      state: this.ssc.getState(),
      startTime: this.startTime,
      now: this.ssc.clock.getTimeMillis(),
      batchIntervalMs: interval,
      numCompletedBatches: this.totalCompleted,
      numRetainedCompletedBatches: completed.length,
      retainedBatches: this.retainedBatches,
      numActiveBatches: active.length,
      numTotalReceivedRecords: this.totalReceived,
      numTotalProcessedRecords: this.totalProcessed,
      avgInputRate: avg((b) => (b.numRecords * 1000) / interval),
      avgSchedulingDelay: avg((b) => b.schedulingDelay),
      avgProcessingTime: avg((b) => b.processingDelay),
      avgTotalDelay: avg((b) => b.totalDelay),
      inputStreams: [...names].map(([id, name]) => ({ id, name })),
      outputOperations: this.ssc.graph.outputStreams.map((_, i) => ({ id: i, name: outputOpName(this.completed.at(-1) ?? [...this.running.values()][0], i) })),
      receivers: [...this.receivers.values()].sort((a, b) => a.streamId - b.streamId).map((r) => ({ ...r })),
      activeBatches: active,
      completedBatches: completed,
    };
  }
}

function outputOpName(b: BatchInfo | undefined, id: number): string {
  return b?.outputOperationInfos.get(id)?.name ?? `output operation ${id}`;
}

/** The offset ranges in an input info's metadata (the Direct stream's `offsets`), if any. */
function offsetRangesIn(metadata: Record<string, unknown>): OffsetRangeJson[] | undefined {
  const offsets = metadata['offsets'];
  if (!Array.isArray(offsets)) return undefined;
  const out: OffsetRangeJson[] = [];
  for (const o of offsets as Record<string, unknown>[]) {
    if (typeof o?.['topic'] !== 'string' || typeof o['partition'] !== 'number' || typeof o['fromOffset'] !== 'number' || typeof o['untilOffset'] !== 'number') continue;
    out.push({ topic: o['topic'], partition: o['partition'], fromOffset: o['fromOffset'], untilOffset: o['untilOffset'], count: o['untilOffset'] - o['fromOffset'] });
  }
  return out;
}

function batchJson(b: BatchInfo, status: BatchStatus, names: Map<number, string>): BatchJson {
  const ops = [...b.outputOperationInfos.values()].sort((x, y) => x.id - y.id);
  const failed = ops.filter((o) => o.failureReason !== undefined);
  return {
    batchTime: b.batchTime,
    status,
    numRecords: b.numRecords,
    submissionTime: b.submissionTime,
    processingStartTime: b.processingStartTime ?? null,
    processingEndTime: b.processingEndTime ?? null,
    schedulingDelay: b.schedulingDelay ?? null,
    processingDelay: b.processingDelay ?? null,
    totalDelay: b.totalDelay ?? null,
    numTotalOutputOps: ops.length,
    numActiveOutputOps: ops.filter((o) => o.startTime !== undefined && o.endTime === undefined).length,
    numCompletedOutputOps: ops.filter((o) => o.endTime !== undefined && o.failureReason === undefined).length,
    numFailedOutputOps: failed.length,
    firstFailureReason: failed[0]?.failureReason?.split('\n')[0] ?? null,
    inputs: [...b.streamIdToInputInfo.values()].map((i) => {
      const ranges = offsetRangesIn(i.metadata);
      return { inputStreamId: i.inputStreamId, inputStreamName: names.get(i.inputStreamId) ?? `input [${i.inputStreamId}]`, numRecords: i.numRecords, ...(ranges ? { offsetRanges: ranges } : {}) };
    }),
    outputOperations: ops.map((o) => ({
      id: o.id,
      name: o.name,
      description: o.description,
      startTime: o.startTime ?? null,
      endTime: o.endTime ?? null,
      duration: o.startTime !== undefined && o.endTime !== undefined ? o.endTime - o.startTime : null,
      failureReason: o.failureReason ?? null,
    })),
  };
}
