import type { BatchInfo, OutputOperationInfo } from './batch-info.js';

/**
 * Spark's `StreamingListener` (streaming/scheduler/StreamingListener.scala): implement any of the
 * callbacks. Events carry snapshots. Callbacks run synchronously, in order, on the scheduler's
 * thread of control; an exception in a listener is logged and ignored, as Spark's listener bus does.
 */
export interface StreamingListener {
  /** The context started at `time` (ms). */
  onStreamingStarted?(event: { time: number }): void;
  /** A batch was submitted to the job scheduler. */
  onBatchSubmitted?(event: { batchInfo: BatchInfo }): void;
  /** A batch's first output operation started. */
  onBatchStarted?(event: { batchInfo: BatchInfo }): void;
  /** A batch's output operations all finished (failed ones carry failureReason). */
  onBatchCompleted?(event: { batchInfo: BatchInfo }): void;
  onOutputOperationStarted?(event: { outputOperationInfo: OutputOperationInfo }): void;
  onOutputOperationCompleted?(event: { outputOperationInfo: OutputOperationInfo }): void;
}

/** Spark's `StreamingListenerBus`: delivers events to the registered listeners. */
export class StreamingListenerBus {
  private readonly listeners: StreamingListener[] = [];

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  add(l: StreamingListener): void {
    this.listeners.push(l);
  }
  remove(l: StreamingListener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  /** Deliver `event` to callback `name` of every listener. */
  post<N extends keyof StreamingListener>(name: N, event: Parameters<NonNullable<StreamingListener[N]>>[0]): void {
    for (const l of this.listeners) {
      const cb = l[name] as ((e: unknown) => void) | undefined;
      if (!cb) continue;
      try {
        cb.call(l, event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
