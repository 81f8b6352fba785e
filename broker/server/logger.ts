/**
 * The broker's logger: pino (JSON lines on stdout, or pretty text when asked), one line per start,
 * stop and error, and a line per request at debug level. pino is the logger the Node ecosystem
 * standardised on (fastify's own); it is fast enough that the request log at debug costs nothing when off.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Options of createLogger. */
export interface LoggerOptions {
  /** pino level: fatal, error, warn, info (default), debug, trace, silent. Env KAFKA_TS_LOG_LEVEL overrides. */
  level?: LevelWithSilent;
  /** Write to this file descriptor (default 1, stdout). */
  fd?: number;
}

/** A pino logger named `kafka-ts` (the broker's root logger). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = (process.env.KAFKA_TS_LOG_LEVEL as LevelWithSilent | undefined) ?? options.level ?? 'info';
  return pino({ name: 'kafka-ts', level, base: { pid: process.pid } }, pino.destination({ fd: options.fd ?? 1, sync: false }));
}

/** A logger that writes nothing (tests, embedded use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
