import { BatchData } from '../rdd/batch-data.js';
import { fmtMs, isMultipleOf } from '../util/time.js';
import { DStream } from './dstream.js';

/**
 * Spark's `WindowedDStream` (`window(windowDuration, slideDuration)`): at time t, the union of the
 * parent's batches in (t − windowDuration, t], i.e. times t − window + parentSlide ... t.
 * Errors (plain Error, Spark's `Exception` texts verbatim):
 * "The window duration of windowed DStream (<w> ms) must be a multiple of the slide duration of parent DStream (<p> ms)"
 * and "The slide duration of windowed DStream (<s> ms) must be a multiple of the slide duration of parent DStream (<p> ms)".
 */
export class WindowedDStream<T> extends DStream<T> {
  constructor(
    readonly parent: DStream<T>,
    /** Window length, ms. */
    readonly windowDuration: number,
    private readonly slide: number,
  ) {
    super(parent.ssc);
    if (!isMultipleOf(windowDuration, parent.slideDuration)) {
      throw new Error(`The window duration of windowed DStream (${fmtMs(windowDuration)}) must be a multiple of the slide duration of parent DStream (${fmtMs(parent.slideDuration)})`);
    }
    if (!isMultipleOf(slide, parent.slideDuration)) {
      throw new Error(`The slide duration of windowed DStream (${fmtMs(slide)}) must be a multiple of the slide duration of parent DStream (${fmtMs(parent.slideDuration)})`);
    }
  }
  override get slideDuration(): number {
    return this.slide;
  }
  override get dependencies(): DStream<unknown>[] {
    return [this.parent as DStream<unknown>];
  }
  override get parentRememberDuration(): number {
    return (this.rememberDuration ?? this.slide) + this.windowDuration;
  }
  override async compute(timeMs: number): Promise<BatchData<T>> {
    const batches = await this.parent.slice(timeMs - this.windowDuration + this.parent.slideDuration, timeMs);
    return batches.length === 0 ? BatchData.empty<T>() : batches[0]!.union(...batches.slice(1));
  }
}
