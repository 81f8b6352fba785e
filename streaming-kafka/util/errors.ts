/**
 * The exception classes Spark Streaming throws, so that messages and `name`s read as in Spark
 * (`java.lang.IllegalStateException`, `IllegalArgumentException`, `SparkException`...).
 * Scala's `require(cond, msg)` throws `IllegalArgumentException("requirement failed: " + msg)`;
 * {@link requireArg} reproduces that prefix.
 */

/** Spark's `org.apache.spark.SparkException`. */
export class SparkException extends Error {
  override name = 'SparkException';
}
/** Java's `IllegalStateException` (e.g. "StreamingContext has already been stopped"). */
export class IllegalStateException extends Error {
  override name = 'IllegalStateException';
}
/** Java's `IllegalArgumentException`; Scala `require` failures are of this class. */
export class IllegalArgumentException extends Error {
  override name = 'IllegalArgumentException';
}
/** Java's `NoSuchElementException` (e.g. State.get() on an unset state: "State is not set"). */
export class NoSuchElementException extends Error {
  override name = 'NoSuchElementException';
}
/** Java's `UnsupportedOperationException` (e.g. changing a DStream's checkpoint interval after start). */
export class UnsupportedOperationException extends Error {
  override name = 'UnsupportedOperationException';
}

/**
 * Scala's `require(condition, message)`: throws `IllegalArgumentException("requirement failed: <message>")`
 * when `condition` is false.
 */
export function requireArg(condition: boolean, message: string): asserts condition {
  if (!condition) throw new IllegalArgumentException(`requirement failed: ${message}`);
}
