/**
 * Spark's `BatchInfo`, `StreamInputInfo` and `OutputOperationInfo`
 * (streaming/scheduler/BatchInfo.scala, InputInfoTracker.scala, OutputOperationInfo.scala).
 * All times are ms read on the context's clock; delays are undefined until known.
 */

/** Spark's `StreamInputInfo`: records in a batch from one input stream, with source metadata (e.g. Kafka offset ranges). */
export interface StreamInputInfo {
  inputStreamId: number;
  /** Number of records (>= 0). */
  numRecords: number;
  metadata: Record<string, unknown>;
}

/** Spark's `OutputOperationInfo`: one output operation's run in one batch. */
export interface OutputOperationInfo {
  /** Batch time, ms. */
  batchTime: number;
  /** Output operation index in registration order. */
  id: number;
  name: string;
  description: string;
  /** ms, when started. */
  startTime?: number;
  /** ms, when ended. */
  endTime?: number;
  /** The error text when it failed. */
  failureReason?: string;
}

/** Spark's `BatchInfo`. */
export class BatchInfo {
  constructor(
    /** Batch time, ms. */
    readonly batchTime: number,
    /** Input info per input stream id. */
    readonly streamIdToInputInfo: Map<number, StreamInputInfo>,
    /** When the batch was submitted to the job scheduler, ms. */
    readonly submissionTime: number,
    /** When its first output operation started, ms. */
    public processingStartTime: number | undefined,
    /** When its last output operation ended, ms. */
    public processingEndTime: number | undefined,
    /** Output operation infos by id. */
    readonly outputOperationInfos: Map<number, OutputOperationInfo>,
  ) {}

  /** `processingStartTime - submissionTime`, ms. */
  get schedulingDelay(): number | undefined {
    return this.processingStartTime === undefined ? undefined : this.processingStartTime - this.submissionTime;
  }
  /** `processingEndTime - processingStartTime`, ms. */
  get processingDelay(): number | undefined {
    return this.processingEndTime === undefined || this.processingStartTime === undefined ? undefined : this.processingEndTime - this.processingStartTime;
  }
  /** `schedulingDelay + processingDelay`, ms. */
  get totalDelay(): number | undefined {
    const s = this.schedulingDelay;
    const p = this.processingDelay;
    return s === undefined || p === undefined ? undefined : s + p;
  }
  /** Records in the batch, all input streams. */
  get numRecords(): number {
    let n = 0;
    for (const i of this.streamIdToInputInfo.values()) n += i.numRecords;
    return n;
  }
  /** Copy (listeners receive snapshots). */
  snapshot(): BatchInfo {
    return new BatchInfo(
      this.batchTime,
      new Map(this.streamIdToInputInfo),
      this.submissionTime,
      this.processingStartTime,
      this.processingEndTime,
      new Map([...this.outputOperationInfos].map(([k, v]) => [k, { ...v }])),
    );
  }
}
