/**
 * The flights of 2001: vega-datasets' `data/flights-3m.parquet` (npm package `vega-datasets`, installed
 * with the project; source: U.S. Bureau of Transportation Statistics on-time performance data), read
 * with hyparquet + hyparquet-compressors (the pages are ZSTD), one row group at a time.
 *
 * The file (checked on vega-datasets 3.2.1, written by Polars):
 * - 3,000,000 rows in 11 row groups (10 × 272,727 rows, then 272,730), no nulls;
 * - columns `date` INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false), `delay` INT64 (minutes, -1116..1688;
 *   negative = early), `distance` INT64 (miles, 21..4962), `origin` and `destination` UTF8 (IATA
 *   airport codes, always 3 letters; 229 distinct origins, 228 destinations);
 * - `date` is a wall-clock time without zone (isAdjustedToUTC=false: the departure in local time, as
 *   in the original BTS data, whose smaller JSON samples write it "2001/01/01 06:55"). It is decoded as if it were UTC, so 2001-01-01 00:01 in the file is
 *   `Date.UTC(2001, 0, 1, 0, 1)` = 978307260000: every date lies in [2001-01-01T00:01Z, 2001-07-01T00:00Z]
 *   (January to June 2001; the last value is midnight ending June 30);
 * - the rows are in event-time order: `date` never decreases from one row to the next over the whole
 *   file (checked over all 3,000,000 rows), so a replay in file order is a replay in event-time
 *   order ({@link FLIGHTS_IN_EVENT_TIME_ORDER}), which is what `kafka-replay --speedup` relies on.
 *
 * Benchmark (measured once with a throw-away script, not a test; 2 shared vCPUs, Node 20): reading
 * all 3,000,000 rows takes 2.0-2.3 s with readFlightBatches() (default batch size) and 3.0-3.2 s with
 * readFlights() (one object per `for await` step); peak RSS 375-400 MB either way, of which the live
 * heap is only about 40 MB (measured after a forced GC at every 37th batch: 38 MB heap, 160 MB RSS):
 * the rest is decoding garbage V8 has not collected yet. Only one row group's columns (about 272,727
 * rows) are held at a time; the origin/destination strings come from the parquet dictionary and are
 * shared. (kafka-replay sends the whole file to a local broker in about 7 s, 420,000 records/s.)
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { asyncBufferFromFile, parquetScan } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/** One flight of the dataset (fields of the parquet file, camelCase). */
export interface Flight {
  /** Departure, ms since the epoch: the file's zone-less local time read as UTC (2001-01-01..2001-07-01). */
  date: number;
  /** Departure delay in minutes (negative: left early). */
  delay: number;
  /** Distance flown in miles. */
  distance: number;
  /** Origin airport, 3-letter IATA code (e.g. `LAS`). */
  origin: string;
  /** Destination airport, 3-letter IATA code. */
  destination: string;
}

/** Options of {@link readFlights} and {@link readFlightBatches}. */
export interface ReadFlightsOptions {
  /** Read at most this many flights from the start of the file (default: all 3,000,000). */
  limit?: number;
  /** Flights per batch of {@link readFlightBatches} (default 8192; at least 1). */
  batchSize?: number;
  /** Another parquet file with the same columns (default: {@link flightsFile}()). */
  file?: string;
}

/** Rows of flights-3m.parquet. */
export const FLIGHT_COUNT = 3_000_000;

/**
 * True: the file's rows are in non-decreasing `date` order (checked over the whole file), so
 * reading in file order is reading in event-time order.
 */
export const FLIGHTS_IN_EVENT_TIME_ORDER = true;

const COLUMNS = ['date', 'delay', 'distance', 'origin', 'destination'] as const;
/** Decode TIMESTAMP(MICROS) to a ms number instead of a Date. */
const PARSERS = { timestampFromMicroseconds: (micros: bigint) => Number(micros / 1000n) };

/**
 * Absolute path of `flights-3m.parquet` inside the installed `vega-datasets` package (resolved from
 * this module, so it works from the sources, from dist/ and from a bundle under node_modules).
 * Errors: Node's MODULE_NOT_FOUND when vega-datasets is not installed.
 */
export function flightsFile(): string {
  const main = createRequire(import.meta.url).resolve('vega-datasets'); // <pkg>/build/index.js
  return path.join(path.dirname(main), '..', 'data', 'flights-3m.parquet');
}

/** A decoded INT64 value (bigint, or number for INT32/parsed columns) as a number. */
function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/**
 * The flights in file order (= event-time order), as arrays of at most `batchSize` flights, read
 * and decoded one row group at a time (about 272,727 rows; only that group's columns are held).
 * Values: see {@link Flight}. Errors (rejections of the iteration): file system errors (ENOENT...),
 * hyparquet's errors for a corrupt file or a missing column, an Error for a null value.
 */
export async function* readFlightBatches(options: ReadFlightsOptions = {}): AsyncGenerator<Flight[]> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 8192));
  let left = options.limit ?? Infinity;
  if (!(left > 0)) return;
  const file = await asyncBufferFromFile(options.file ?? flightsFile());
  const scan = await parquetScan({ file, compressors, parsers: PARSERS, columns: [...COLUMNS] });
  for (const range of scan.ranges) {
    if (left <= 0) return;
    const rowEnd = Math.min(range.rowEnd, range.rowStart + left);
    const columns: ArrayLike<unknown>[] = [];
    for (const column of COLUMNS) columns.push(await scan.readColumn({ column, rowStart: range.rowStart, rowEnd }));
    const [date, delay, distance, origin, destination] = columns as [ArrayLike<unknown>, ArrayLike<unknown>, ArrayLike<unknown>, ArrayLike<unknown>, ArrayLike<unknown>];
    const n = rowEnd - range.rowStart;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const batch: Flight[] = new Array(end - start);
      for (let i = start; i < end; i++) {
        const d = date[i];
        const o = origin[i];
        const dst = destination[i];
        const dl = delay[i];
        const ds = distance[i];
        if (d == null || o == null || dst == null || dl == null || ds == null) throw new Error(`flights: null value in row ${range.rowStart + i}`);
        batch[i - start] = { date: d as number, delay: num(dl), distance: num(ds), origin: o as string, destination: dst as string };
      }
      yield batch;
    }
    left -= n;
  }
}

/**
 * The flights one at a time, in file order (= event-time order); see {@link readFlightBatches} for
 * the reading, the values and the errors. `limit`: at most this many flights.
 */
export async function* readFlights(options: ReadFlightsOptions = {}): AsyncGenerator<Flight> {
  for await (const batch of readFlightBatches(options)) yield* batch;
}
