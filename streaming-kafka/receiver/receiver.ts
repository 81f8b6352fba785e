import { ReceiverNotAttachedException } from './errors.js';
import type { ReceiverSupervisor } from './receiver-supervisor.js';
import { DEFAULT_RECEIVER_STORAGE_LEVEL, type StorageLevel } from './storage-level.js';

export type { StorageLevel } from './storage-level.js';

/**
 * Spark's `Receiver[T]` (streaming/receiver/Receiver.scala): a long-running source of records for a
 * ReceiverInputDStream (`ssc.receiverStream(receiver)`). Implement:
 * - `onStart()`: set up and start receiving — open connections, start the receive loops as
 *   asynchronous tasks — and return; it must not run the receive loop itself (a returned promise
 *   is awaited: resolve it once set up). Loops should end when `isStopped()` becomes true.
 * - `onStop()`: stop the loops and release what onStart set up (may return a promise).
 *
 * Inside, store data with:
 * - `store(item)`: one record through the supervisor's default BlockGenerator (cut into blocks every
 *   `spark.streaming.blockInterval`; rate limited by `spark.streaming.receiver.maxRate` and
 *   backpressure; waits while the block queue is full). No acknowledgement: at-most-once.
 * - `storeBlock(items, metadata?)`: Spark's `store(ArrayBuffer[, metadata])`: one block, stored at
 *   once; the promise resolves when it is stored — in memory, in the write-ahead log when
 *   `spark.streaming.receiver.writeAheadLog.enable` is set, and reported to the ReceivedBlockTracker
 *   (durably with the WAL) — so a source may be acknowledged then (reliable receiver). Rejects when
 *   storing failed (BlockStoreException, BlockStoreTimeoutException, fs errors).
 * - `supervisor.createBlockGenerator(listener)`: an own BlockGenerator with callbacks (the
 *   ReliableKafkaReceiver pattern: offsets per block in onAddData/onGenerateBlock, storeBlock and
 *   commit in onPushBlock). Start it in onStart, stop it in onStop.
 *
 * Errors while receiving: `reportError(message, err)` (reported, receiving goes on),
 * `restart(message, err?, delayMs?)` (onStop, then onStart again after
 * `spark.streaming.receiverRestartDelay` = 2000 ms), `stop(message, err?)` (stops this receiver;
 * the ReceiverTracker then launches it again, as Spark relaunches a finished receiver job, unless
 * the context is stopping). These return at once; the work happens asynchronously.
 *
 * The same Receiver object is restarted and relaunched in place (Spark ships a fresh copy to an
 * executor each time), so onStart must (re)initialise its state. `storageLevel` (default
 * MEMORY_AND_DISK_SER_2) only affects the WAL handler's warnings here (see storage-level.ts).
 */
export abstract class Receiver<T> {
  /** Spark's storageLevel (a name). */
  readonly storageLevel: StorageLevel;
  private id = -1;
  private attached: ReceiverSupervisor | undefined;

  constructor(storageLevel: StorageLevel = DEFAULT_RECEIVER_STORAGE_LEVEL) {
    this.storageLevel = storageLevel;
  }

  /** Start receiving (see the class comment). Must not block. */
  abstract onStart(): void | Promise<void>;
  /** Stop receiving and clean up. */
  abstract onStop(): void | Promise<void>;

  /** Spark's `preferredLocation`: a host name hint (one process here: informational). */
  preferredLocation(): string | undefined {
    return undefined;
  }

  /** Spark's `store(dataItem)`: see the class comment. Rejects with BlockGeneratorStateException when not receiving. */
  store(item: T): Promise<void> {
    return this.supervisor.pushSingle(item);
  }

  /** Spark's `store(dataBuffer[, metadata])`: see the class comment. */
  storeBlock(items: T[], metadata?: unknown): Promise<void> {
    return this.supervisor.pushArrayBuffer(items, metadata);
  }

  /** Spark's `reportError(message, throwable)`: reported to the ReceiverTracker (onReceiverError); receiving continues. */
  reportError(message: string, err?: unknown): void {
    this.supervisor.reportError(message, err);
  }

  /**
   * Spark's `restart(message[, error[, millisecond]])`: asynchronously stop (onStop), wait `delayMs`
   * (default `spark.streaming.receiverRestartDelay`, 2000 ms), start (onStart). Returns at once.
   */
  restart(message: string, err?: unknown, delayMs?: number): void {
    void this.supervisor.restartReceiver(message, err, delayMs);
  }

  /** Spark's `stop(message[, error])`: stop this receiver (asynchronously; returns at once). */
  stop(message: string, err?: unknown): void {
    void this.supervisor.stop(message, err);
  }

  /** Spark's `isStarted()`: onStart has been called and the receiver was not stopped since. */
  isStarted(): boolean {
    return this.supervisor.isReceiverStarted();
  }

  /** Spark's `isStopped()`: the receiver was asked to stop (loops should end). */
  isStopped(): boolean {
    return this.supervisor.isReceiverStopped();
  }

  /** Id of the input stream this receiver feeds (−1 until attached to one). */
  get streamId(): number {
    return this.id;
  }

  /**
   * The supervisor running this receiver. Errors: ReceiverNotAttachedException ("assertion failed:
   * A ReceiverSupervisor has not been attached to the receiver yet. Maybe you are starting some
   * computation in the receiver before the Receiver.onStart() has been called.").
   */
  get supervisor(): ReceiverSupervisor {
    if (!this.attached) {
      throw new ReceiverNotAttachedException(
        'assertion failed: A ReceiverSupervisor has not been attached to the receiver yet. Maybe you are starting some computation in the receiver before the Receiver.onStart() has been called.',
      );
    }
    return this.attached;
  }

  /** @internal Spark's setReceiverId: called by the ReceiverTracker with the stream's id. */
  setReceiverId(id: number): void {
    this.id = id;
  }

  /** @internal Spark's attachSupervisor (a new supervisor replaces a stopped one on relaunch). */
  attachSupervisor(supervisor: ReceiverSupervisor): void {
    this.attached = supervisor;
  }
}
