/**
 * The logger the streaming layer writes Spark's log lines to ("Batches to reschedule (N batches): ...",
 * "Error running job streaming job <t> ms.<i>"...). Any object with these methods fits (pino does).
 * Default: warnings and errors to stderr, info dropped.
 */
export interface StreamingLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Warnings and errors to stderr (console), info ignored. */
export const defaultLogger: StreamingLogger = {
  info: () => {},
  warn: (m) => console.warn(`WARN streaming: ${m}`),
  error: (m) => console.error(`ERROR streaming: ${m}`),
};
