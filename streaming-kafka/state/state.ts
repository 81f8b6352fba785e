import { IllegalArgumentException, NoSuchElementException } from '../util/errors.js';

/**
 * Spark's `State[S]` (streaming/State.scala, StateImpl): the per-key state given to a mapWithState
 * function. Errors (messages verbatim): `get()` on an unset state → NoSuchElementException("State is not set");
 * `update` after `remove` → "requirement failed: Cannot update the state after it has been removed";
 * `update` while timing out → "requirement failed: Cannot update the state that is timing out";
 * `remove` while timing out → "requirement failed: Cannot remove the state that is timing out";
 * a second `remove` → "requirement failed: Cannot remove the state that has already been removed".
 */
export class State<S> {
  private state: S | undefined;
  private defined = false;
  private timingOut = false;
  private updated = false;
  private removed = false;

  /** Whether the state is set. */
  exists(): boolean {
    return this.defined;
  }
  /** The state. Errors: NoSuchElementException("State is not set"). */
  get(): S {
    if (!this.defined) throw new NoSuchElementException('State is not set');
    return this.state as S;
  }
  /** The state, or undefined (Spark's getOption). */
  getOption(): S | undefined {
    return this.defined ? this.state : undefined;
  }
  /** Set the state (kept for the key). Errors: see class doc. */
  update(newState: S): void {
    if (this.removed) throw new IllegalArgumentException('requirement failed: Cannot update the state after it has been removed');
    if (this.timingOut) throw new IllegalArgumentException('requirement failed: Cannot update the state that is timing out');
    this.state = newState;
    this.defined = true;
    this.updated = true;
  }
  /** Remove the key's state. Errors: see class doc. */
  remove(): void {
    if (this.timingOut) throw new IllegalArgumentException('requirement failed: Cannot remove the state that is timing out');
    if (this.removed) throw new IllegalArgumentException('requirement failed: Cannot remove the state that has already been removed');
    this.defined = false;
    this.updated = false;
    this.removed = true;
  }
  /** True when the function is called because the key timed out (then value is undefined). */
  isTimingOut(): boolean {
    return this.timingOut;
  }
  toString(): string {
    return this.defined ? String(this.state) : '<state not set>';
  }

  /** @internal Spark's StateImpl.wrap: reuse this object for another key. */
  wrap(present: boolean, s: S | undefined): void {
    this.state = s;
    this.defined = present;
    this.timingOut = false;
    this.removed = false;
    this.updated = false;
  }
  /** @internal Spark's StateImpl.wrapTimingOutState. */
  wrapTimingOutState(s: S): void {
    this.state = s;
    this.defined = true;
    this.timingOut = true;
    this.removed = false;
    this.updated = false;
  }
  /** @internal */
  isRemoved(): boolean {
    return this.removed;
  }
  /** @internal */
  isUpdated(): boolean {
    return this.updated;
  }
}
