/**
 * What a request handler sees: the broker's services (BrokerContext), the request's context
 * (RequestContext) and the shape of a handler (ApiHandler). One handler per API key lives in
 * broker/apis/NN-name.ts; broker/apis/index.ts lists them and so defines what ApiVersions advertises.
 */
import type { Logger } from 'pino';
import type { ApiCodec, RequestHeader, RequestOf, ResponseInput } from '../../client/protocol/index.js';
import type { KafkaConfig } from '../config/kafka-config.js';
import type { GroupCoordinator } from '../group/group-coordinator.js';
import type { LogManager } from '../log/index.js';
import type { BufferPool } from './buffer-pool.js';
import type { ClusterMetadata } from './cluster-metadata.js';
import type { ProducerStateManager } from './producer-state.js';

/** The broker's services, shared by every handler. */
export interface BrokerContext {
  readonly config: KafkaConfig;
  readonly logManager: LogManager;
  /** Topics, topic ids, the cluster id and this broker's advertised endpoint. */
  readonly metadata: ClusterMetadata;
  /** Classic consumer groups and their committed offsets (broker/group). */
  readonly groups: GroupCoordinator;
  /** Producer ids and per-partition sequence numbers of idempotent producers. */
  readonly producers: ProducerStateManager;
  readonly logger: Logger;
  /** Wall clock in ms (Date.now unless a test injects one). */
  now(): number;
  /** Aborted when the broker starts shutting down (long polls end early then; remove listeners when done). */
  readonly shutdownSignal: AbortSignal;
  /** Large reusable buffers (Fetch reads); see BufferPool. */
  readonly bufferPool: BufferPool;
}

/** The context of one request. */
export interface RequestContext {
  readonly header: RequestHeader;
  readonly apiVersion: number;
  /** The client id from the request header ('' when null). */
  readonly clientId: string;
  /** The client's address as Kafka reports it in DescribeGroups (`/127.0.0.1`). */
  readonly clientHost: string;
  /** Unique id of the connection (`127.0.0.1:9092-127.0.0.1:53422-7`). */
  readonly connectionId: string;
  readonly broker: BrokerContext;
  /** Aborted when the connection closes (a long-poll Fetch stops waiting). */
  readonly signal: AbortSignal;
  /** Run `fn` once this request's response has been written to the socket, or dropped (release pooled buffers). */
  afterSend(fn: () => void): void;
}

/** A response body, or undefined for "send nothing" (Produce with acks=0). */
export type HandlerResult<A> = ResponseInput<A> | undefined;

/**
 * A handler of one API key: the versions this broker advertises in ApiVersions (within the codec's
 * declared range) and the function that answers a decoded request. A handler answers per-item errors
 * inside its response (Kafka error codes); an exception it throws closes the connection and is logged.
 */
export interface ApiHandler<A extends ApiCodec<any, any> = ApiCodec<any, any>> {
  readonly api: A;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: RequestOf<A>, ctx: RequestContext): HandlerResult<A> | Promise<HandlerResult<A>>;
}

/** Declare a handler: `defineHandler(Apis.Heartbeat, '0-4', (req, ctx) => ({ errorCode: 0 }))`. */
export function defineHandler<A extends ApiCodec<any, any>>(
  api: A,
  versions: `${number}-${number}`,
  handle: (request: RequestOf<A>, ctx: RequestContext) => HandlerResult<A> | Promise<HandlerResult<A>>,
): ApiHandler<A> {
  const [min, max] = versions.split('-').map(Number) as [number, number];
  if (min < api.minVersion || max > api.maxVersion || min > max) {
    throw new Error(`${api.name}: advertised versions ${versions} are outside the codec's ${api.minVersion}-${api.maxVersion}`);
  }
  return { api, minVersion: min, maxVersion: max, handle };
}
