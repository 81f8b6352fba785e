/**
 * The request layer (Kafka's `KafkaApis` dispatch): reads a frame's header, finds the handler of its
 * API key (broker/apis), decodes the body, runs the handler and encodes the answer. Following Kafka:
 * an ApiVersions request of a version this broker does not know is answered UNSUPPORTED_VERSION with
 * our ranges in a v0 body (KIP-511); any other unknown API key or unsupported version, and bytes that
 * do not decode, close the connection (`SocketServer` / `RequestChannel` behaviour, on which
 * kafka-python's version probe relies). A request log line is written at debug level.
 */
import type { Logger } from 'pino';
import { ProtocolDecodeError } from '../../client/errors.js';
import { decodeRequest, encodeResponseChunks, errorCode } from '../../client/protocol/index.js';
import { API_VERSIONS_KEY } from '../../client/protocol/headers.js';
import { apiVersionsBody } from '../apis/18-api-versions.js';
import { handlerByKey } from '../apis/index.js';
import { CloseConnectionError, type Connection, type FrameHandler } from './connection.js';
import type { BrokerContext, RequestContext } from './types.js';

/** Statistics a metrics layer can read. */
export interface RequestStats {
  requests: number[];
  errors: number;
}

/** See the module comment. */
export class RequestHandler implements FrameHandler {
  readonly stats: RequestStats = { requests: [], errors: 0 };

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
    if (!handler) throw new CloseConnectionError(`unknown API key ${apiKey}`);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === API_VERSIONS_KEY) {
        return encodeResponseChunks(apiKey, apiVersion, correlationId, { ...apiVersionsBody(), errorCode: errorCode('UNSUPPORTED_VERSION') });
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
    const t0 = this.logger.isLevelEnabled('debug') ? performance.now() : 0;
    this.stats.requests[apiKey] = (this.stats.requests[apiKey] ?? 0) + 1;
    const result = await handler.handle(decoded.body, ctx);
    if (t0 !== 0) {
      this.logger.debug({ api: handler.api.name, version: apiVersion, correlationId, clientId: ctx.clientId, connection: connection.id, ms: +(performance.now() - t0).toFixed(3) }, 'request');
    }
    if (result === undefined) return undefined;
    return encodeResponseChunks(apiKey, apiVersion, correlationId, result);
  }
}
