/**
 * Spark's DStream output operations, installed on DStream.prototype: foreachRDD and print. Each
 * registers an output operation with the graph (a ForEachDStream); a batch runs its output
 * operations one after another in registration order.
 */
import type { BatchData } from '../rdd/batch-data.js';
import { DStream } from './dstream.js';
import { ForEachDStream } from './foreach-dstream.js';

declare module './dstream.js' {
  interface DStream<T> {
    /** Spark's `foreachRDD((rdd, time) => ...)`: `fn(data, timeMs)` per batch; may be async; a throw fails the batch. */
    foreachRDD(fn: (data: BatchData<T>, timeMs: number) => void | Promise<void>): void;
    /**
     * Spark's `print(num = 10)`: per batch, "-------------------------------------------\nTime: <ms> ms\n-------------------------------------------\n",
     * then the first `num` elements one per line, "..." if there are more, then a blank line. Elements
     * are rendered with String(); `[k, v]` tuples as Scala does, "(k,v)". `write` (default stdout) receives the text.
     */
    print(num?: number, write?: (text: string) => void): void;
  }
}

const proto = DStream.prototype as DStream<unknown>;

proto.foreachRDD = function <T>(this: DStream<T>, fn: (data: BatchData<T>, timeMs: number) => void | Promise<void>): void {
  new ForEachDStream(this, fn, 'foreachRDD');
};

/** Scala's rendering of an element: tuples (arrays) as "(a,b)", others with String(). */
export function formatElement(e: unknown): string {
  if (Array.isArray(e)) return `(${e.map(formatElement).join(',')})`;
  if (e !== null && typeof e === 'object' && !(e instanceof Date)) return JSON.stringify(e);
  return String(e);
}

proto.print = function <T>(this: DStream<T>, num = 10, write: (text: string) => void = (t) => void process.stdout.write(t)): void {
  new ForEachDStream(
    this,
    (data, timeMs) => {
      const first = data.take(num + 1);
      let text = `-------------------------------------------\nTime: ${timeMs} ms\n-------------------------------------------\n`;
      for (const e of first.slice(0, num)) text += `${formatElement(e)}\n`;
      if (first.length > num) text += '...\n';
      text += '\n';
      write(text);
    },
    'print',
  );
};
