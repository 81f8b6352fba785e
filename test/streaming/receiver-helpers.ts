/**
 * Helpers of the receiver tests: polling, a receiver driven by the test, a listener recording the
 * receiver events, a BlockGenerator listener recording its callbacks.
 */
import { Receiver, type BlockGeneratorListener, type ReceiverInfo, type StorageLevel, type StreamBlockId, type StreamingListener } from '../../streaming-kafka/index.js';

/** Poll `cond` every 5 ms until true; throws after `timeoutMs` (wall time). */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A receiver the test drives: it counts onStart/onStop calls; `failStarts` makes the next n
 * onStart calls throw. The test stores with `store`/`storeBlock` while it runs.
 */
export class TestReceiver<T> extends Receiver<T> {
  starts = 0;
  stops = 0;
  failStarts = 0;
  constructor(storageLevel?: StorageLevel) {
    super(storageLevel);
  }
  onStart(): void {
    this.starts++;
    if (this.failStarts > 0) {
      this.failStarts--;
      throw new Error('cannot connect');
    }
  }
  onStop(): void {
    this.stops++;
  }
}

/** A StreamingListener recording the receiver events as text and the infos. */
export function receiverRecorder(): StreamingListener & { events: string[]; infos: ReceiverInfo[] } {
  const events: string[] = [];
  const infos: ReceiverInfo[] = [];
  const rec = (kind: string) => (e: { receiverInfo: ReceiverInfo }) => {
    events.push(`${kind} ${e.receiverInfo.streamId} ${e.receiverInfo.active ? 'active' : 'inactive'}${e.receiverInfo.lastErrorMessage ? ` ${e.receiverInfo.lastErrorMessage}` : ''}`);
    infos.push(e.receiverInfo);
  };
  return { events, infos, onReceiverStarted: rec('started'), onReceiverError: rec('error'), onReceiverStopped: rec('stopped') };
}

/** A BlockGeneratorListener recording its callbacks; `gate` holds every push until opened. */
export class RecordingListener<T> implements BlockGeneratorListener<T> {
  events: string[] = [];
  pushed: [string, T[]][] = [];
  errors: string[] = [];
  failPush: ((id: StreamBlockId) => boolean) | undefined;
  private gate: Promise<void> = Promise.resolve();
  private openGate: (() => void) | undefined;
  close(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }
  open(): void {
    this.openGate?.();
  }
  onAddData(data: T, metadata: unknown): void {
    this.events.push(`add ${JSON.stringify(data)} ${JSON.stringify(metadata)}`);
  }
  onGenerateBlock(id: StreamBlockId): void {
    this.events.push(`generate ${id.name}`);
  }
  async onPushBlock(id: StreamBlockId, items: T[]): Promise<void> {
    await this.gate;
    if (this.failPush?.(id)) throw new Error(`cannot store ${id.name}`);
    this.pushed.push([id.name, items]);
    this.events.push(`push ${id.name}`);
  }
  onError(message: string, err: unknown): void {
    this.errors.push(`${message}: ${String(err)}`);
  }
}
