/**
 * The clock of the log layer (Kafka's `Time`): injectable so that tests of retention and rolling can
 * move time forward instead of waiting.
 */

/** A source of wall-clock milliseconds since the epoch. */
export interface Time {
  milliseconds(): number;
}

/** The system clock (Date.now). */
export const SystemTime: Time = { milliseconds: () => Date.now() };
