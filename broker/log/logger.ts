/**
 * The logger the log layer writes to: pino's call shape (`logger.warn(fields, message)`), so the
 * broker passes its pino logger (or a child of it) straight in. Silent by default.
 */

/** A pino-compatible logger (the subset the log layer uses). */
export interface LogLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: LogLogger = { info() {}, warn() {}, error() {} };
