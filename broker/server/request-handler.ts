/**
 * The request layer (Kafka's `KafkaApis` dispatch): reads a frame's header, finds the handler of its
 * API key (broker/apis), decodes the body, runs the handler and encodes the answer. Following Kafka:
 * an ApiVersions request of a version this broker does not know is answered UNSUPPORTED_VERSION with
 * our ranges in a v0 body (KIP-511); any other unknown API key or unsupported version, and bytes that
 * do not decode, close the connection (`SocketServer` / `RequestChannel` behaviour, on which
 * kafka-python's version probe relies). A request log line is written at debug level. Each request
 * is counted per API key in `stats` (count, latency histogram, top-level error codes) for /metrics.
 */
import type { Logger } from 'pino';
import { ProtocolDecodeError } from '../../client/errors.js';
import { decodeRequest, encodeResponseChunks, errorCode } from '../../client/protocol/index.js';
import { API_VERSIONS_KEY } from '../../client/protocol/headers.js';
import { apiVersionsBody } from '../apis/18-api-versions.js';
import { handlerByKey } from '../apis/index.js';
import { CloseConnectionError, type Connection, type FrameHandler } from './connection.js';
import type { BrokerContext, RequestContext } from './types.js';

const UNSUPPORTED_VERSION = errorCode('UNSUPPORTED_VERSION');
const INVALID_REQUEST = errorCode('INVALID_REQUEST');
const UNKNOWN_SERVER_ERROR = errorCode('UNKNOWN_SERVER_ERROR');

/**
 * Upper bounds (ms) of the request latency histogram (Kafka's RequestMetrics TotalTimeMs): from the
 * frame being taken up to its answer encoded, long-poll waits included. A last bucket (+Inf) follows.
 */
export const REQUEST_LATENCY_BUCKETS_MS: readonly number[] = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

/** Counters of one API key (plain numbers, updated in place: no allocation per request). */
export interface ApiRequestStats {
  /** Requests handled (answered, not answered (acks=0) or failed). */
  requests: number;
  /** Per latency bucket (REQUEST_LATENCY_BUCKETS_MS, then +Inf), not cumulative: requests whose time fell in it. */
  readonly latencyBuckets: Float64Array;
  /** Sum of the request times (ms). */
  latencySumMs: number;
  /**
   * Errors by Kafka error code (Kafka's RequestMetrics ErrorsPerSec): a non-zero top-level `errorCode`
   * of the answer; -1 (UNKNOWN_SERVER_ERROR) for a handler that threw, 42 (INVALID_REQUEST) for a request
   * refused by closing the connection (unsupported version, bytes that do not decode). Per-partition
   * error codes inside answers are not counted (that would walk every answer).
   */
  readonly errors: Map<number, number>;
}

/** What the request layer counts, for /metrics (broker/http): per API key, by key. */
export class RequestStats {
  /** Indexed by API key; undefined until the first request of that key. */
  readonly byApiKey: (ApiRequestStats | undefined)[] = [];
  /** Frames whose API key this broker does not know (the connection was closed). */
  unknownApiKey = 0;

  /** The counters of `apiKey`, created on first use. */
  of(apiKey: number): ApiRequestStats {
    let s = this.byApiKey[apiKey];
    if (!s) {
      s = { requests: 0, latencyBuckets: new Float64Array(REQUEST_LATENCY_BUCKETS_MS.length + 1), latencySumMs: 0, errors: new Map() };
      this.byApiKey[apiKey] = s;
    }
    return s;
  }

  /** Count one request of `apiKey` that took `ms` and ended with `errorCode` (0 = none). */
  record(apiKey: number, ms: number, errorCode: number): void {
    const s = this.of(apiKey);
    s.requests++;
    s.latencySumMs += ms;
    const bounds = REQUEST_LATENCY_BUCKETS_MS;
    let i = 0;
    while (i < bounds.length && ms > bounds[i]!) i++;
    s.latencyBuckets[i]!++;
    if (errorCode !== 0) s.errors.set(errorCode, (s.errors.get(errorCode) ?? 0) + 1);
  }
}

/** See the module comment. */
export class RequestHandler implements FrameHandler {
  /** Requests, errors and latency per API key (read by broker/http's /metrics). */
  readonly stats = new RequestStats();

  constructor(
    private readonly broker: BrokerContext,
    private readonly logger: Logger,
  ) {}

  async handle(frame: Buffer, connection: Connection): Promise<Buffer[] | undefined> {
    if (frame.length < 8) throw new CloseConnectionError(`request of ${frame.length} bytes is shorter than a request header`);
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const handler = handlerByKey(apiKey);
    if (!handler) {
      this.stats.unknownApiKey++;
      throw new CloseConnectionError(`unknown API key ${apiKey}`);
    }
    const started = performance.now();
    try {
      if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
        if (apiKey === API_VERSIONS_KEY) {
          const out = encodeResponseChunks(apiKey, apiVersion, correlationId, { ...apiVersionsBody(), errorCode: UNSUPPORTED_VERSION });
          this.stats.record(apiKey, performance.now() - started, UNSUPPORTED_VERSION);
          return out;
        }
        throw new CloseConnectionError(`${handler.api.name} version ${apiVersion} is not supported (${handler.minVersion}-${handler.maxVersion})`);
      }
      let decoded;
      try {
        decoded = decodeRequest(frame);
      } catch (e) {
        if (e instanceof ProtocolDecodeError) throw new CloseConnectionError(`${handler.api.name} v${apiVersion} request does not decode: ${e.message}`);
        throw e;
      }
      const header = decoded.header;
      const ctx: RequestContext = {
        header,
        apiVersion,
        clientId: header.clientId ?? '',
        clientHost: `/${connection.remoteAddress.replace(/^::ffff:/, '')}`,
        connectionId: connection.id,
        broker: this.broker,
        signal: connection.signal,
        afterSend: (fn) => connection.afterSend(fn),
      };
      const result = await handler.handle(decoded.body, ctx);
      if (this.logger.isLevelEnabled('debug')) {
        this.logger.debug({ api: handler.api.name, version: apiVersion, correlationId, clientId: ctx.clientId, connection: connection.id, ms: +(performance.now() - started).toFixed(3) }, 'request');
      }
      if (result === undefined) {
        this.stats.record(apiKey, performance.now() - started, 0);
        return undefined;
      }
      const out = encodeResponseChunks(apiKey, apiVersion, correlationId, result);
      // The answer's top-level error code where it has one (O(1): per-partition codes are not walked).
      const code = (result as { errorCode?: unknown }).errorCode;
      this.stats.record(apiKey, performance.now() - started, typeof code === 'number' ? code : 0);
      return out;
    } catch (e) {
      this.stats.record(apiKey, performance.now() - started, e instanceof CloseConnectionError ? INVALID_REQUEST : UNKNOWN_SERVER_ERROR);
      throw e;
    }
  }
}
