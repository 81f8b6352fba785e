import type { BatchInfo, OutputOperationInfo } from './batch-info.js';

/**
 * Spark's `ReceiverInfo` (streaming/scheduler/ReceiverInfo.scala): a receiver's state as the
 * ReceiverTracker knows it.
 * - `name`: `<receiver class>-<streamId>`; `location`: host name; `executorId`: "driver" (receivers
 *   run in the driver's process here);
 * - `lastErrorMessage` / `lastError` (stack text): the last reported error or stop reason ('' = none);
 * - `lastErrorTime`: ms on the context's clock, −1 = none.
 */
export interface ReceiverInfo {
  streamId: number;
  name: string;
  active: boolean;
  location: string;
  executorId: string;
  lastErrorMessage: string;
  lastError: string;
  lastErrorTime: number;
}

/**
 * Spark's `StreamingListener` (streaming/scheduler/StreamingListener.scala): implement any of the
 * callbacks. Events carry snapshots. Callbacks run synchronously, in order, on the scheduler's
 * thread of control; an exception in a listener is logged and ignored, as Spark's listener bus does.
 */
export interface StreamingListener {
  /** The context started at `time` (ms). */
  onStreamingStarted?(event: { time: number }): void;
  /** A receiver registered (started, or started again after a restart). */
  onReceiverStarted?(event: { receiverInfo: ReceiverInfo }): void;
  /** A receiver reported an error (`receiver.reportError`); it keeps running. */
  onReceiverError?(event: { receiverInfo: ReceiverInfo }): void;
  /** A receiver stopped (stop, restart, or the context's stop); `lastError*` hold the reason when it was an error. */
  onReceiverStopped?(event: { receiverInfo: ReceiverInfo }): void;
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
