/**
 * BrokerHttpServer: the broker's HTTP side (fastify), started and stopped with the broker by
 * KafkaServer when `http.enabled=true` (the default), on `http.listeners` (default
 * `http://127.0.0.1:8080`, loopback only):
 *
 * - `/api/v1/...`: the JSON API (api-routes.ts; writes in admin-routes.ts, off by default);
 * - `/metrics`: Prometheus text format (metrics.ts);
 * - `/` → `/ui/`: the dashboard, static files from `broker/http/static` (no build step), with uPlot
 *   served from node_modules at `/ui/vendor/uplot/`;
 * - a history sampler (history.ts) every second, for the dashboard's charts.
 *
 * Errors are JSON `{ "error": CODE, "message": ... }` (errors.ts): 400 INVALID_REQUEST for a request
 * that fails its schema or does not parse, 404 NOT_FOUND for an unknown route, 500 UNKNOWN_SERVER_ERROR
 * for a bug (logged; the broker keeps serving). Request bodies are limited to 64 KiB.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { adminRoutes } from './admin-routes.js';
import { apiRoutes } from './api-routes.js';
import { HttpApiError } from './errors.js';
import { BrokerHistory, type HistoryOptions } from './history.js';
import { createBrokerMetrics } from './metrics.js';
import { staticDir } from './package-info.js';
import { StreamRegistry } from './streams.js';
import { listenerUrl, type HttpBrokerSource } from './views.js';

/** Options of BrokerHttpServer. */
export interface BrokerHttpServerOptions {
  source: HttpBrokerSource;
  logger: Logger;
  /** Where to listen: host ('' = all interfaces) and port (0 = any free port). */
  host: string;
  port: number;
  /** http.admin.enabled */
  adminEnabled: boolean;
  /** http.admin.token */
  adminToken: string | undefined;
  /** The dashboard history's sampling (default: every 1000 ms, 300 samples). */
  history?: HistoryOptions;
  /** Register Node's process metrics (default true). */
  defaultMetrics?: boolean;
}

/** Largest request body accepted (bytes). */
export const HTTP_BODY_LIMIT = 64 * 1024;

const requireFromHere = createRequire(import.meta.url);

/** One log line per HTTP request at debug level (as the Kafka side's request log), none at info. */
class DebugRequestLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.warn({ method: request.method, url: request.url, status: reply.statusCode, err: error }, 'http request errored');
    else reply.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: +reply.elapsedTime.toFixed(3) }, 'http request');
  }
}

/** The directory of uPlot's browser builds in node_modules. */
function uplotDir(): string {
  return path.dirname(requireFromHere.resolve('uplot/dist/uPlot.iife.min.js'));
}

/** See the module comment. Start with BrokerHttpServer.start, or build with create and test with `app.inject`. */
export class BrokerHttpServer {
  private url: string | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    /** The fastify instance (tests use `app.inject`). */
    readonly app: FastifyInstance,
    /** The dashboard's history sampler. */
    readonly history: BrokerHistory,
    /** The registered stream applications. */
    readonly streams: StreamRegistry,
    /** The Prometheus registry of this broker. */
    readonly metrics: Registry,
    private readonly options: BrokerHttpServerOptions,
  ) {}

  /** Build the server and start its history sampler, without listening (see listen). */
  static async create(options: BrokerHttpServerOptions): Promise<BrokerHttpServer> {
    const app = Fastify({
      loggerInstance: options.logger as FastifyBaseLogger,
      logController: new DebugRequestLog(),
      bodyLimit: HTTP_BODY_LIMIT,
      // Group ids may be long (the schemas limit topic names to 249 and group ids to 4096 characters).
      routerOptions: { maxParamLength: 4096 },
      // Reject unknown fields rather than drop them silently; coerce query strings (`?history=60`).
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    });
    const history = new BrokerHistory(options.source.context, options.history);
    const streams = new StreamRegistry();
    const metrics = createBrokerMetrics(options.source, { defaultMetrics: options.defaultMetrics });
    const server = new BrokerHttpServer(app, history, streams, metrics, options);

    app.setErrorHandler((err: FastifyError | HttpApiError, req, reply) => {
      if (err instanceof HttpApiError) return reply.code(err.statusCode).send({ error: err.code, message: err.message });
      if (err.validation) return reply.code(400).send({ error: 'INVALID_REQUEST', message: err.message });
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) return reply.code(status).send({ error: status === 404 ? 'NOT_FOUND' : status === 413 ? 'REQUEST_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_REQUEST', message: err.message });
      req.log.error({ err, url: req.url, method: req.method }, 'HTTP request failed');
      return reply.code(500).send({ error: 'UNKNOWN_SERVER_ERROR', message: 'Internal error (see the broker log).' });
    });
    app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}` }));
    app.addHook('onSend', async (_req, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
    });

    await app.register(apiRoutes, { source: options.source, history, streams, httpListener: () => server.address ?? '', adminEnabled: options.adminEnabled });
    await app.register(adminRoutes, { source: options.source, history, enabled: options.adminEnabled, token: options.adminToken });

    app.get('/metrics', async (_req, reply) => {
      const text = await metrics.metrics();
      return reply.type(metrics.contentType).send(text);
    });

    app.get('/', async (_req, reply) => reply.redirect('/ui/'));
    app.get('/ui', async (_req, reply) => reply.redirect('/ui/', 301));
    await app.register(fastifyStatic, { root: staticDir(), prefix: '/ui/', index: ['index.html'] });
    await app.register(fastifyStatic, { root: uplotDir(), prefix: '/ui/vendor/uplot/', decorateReply: false });

    await app.ready();
    history.start();
    return server;
  }

  /**
   * Build the server and listen on options.host:options.port. Errors: the listen error (EADDRINUSE...)
   * with its code, the message naming the HTTP listener; nothing is left running then.
   */
  static async start(options: BrokerHttpServerOptions): Promise<BrokerHttpServer> {
    const server = await BrokerHttpServer.create(options);
    try {
      await server.listen();
    } catch (e) {
      await server.close();
      const err = e as Error & { code?: string };
      throw Object.assign(new Error(`HTTP listener ${listenerUrl('http', options.host || '0.0.0.0', options.port)} (http.listeners): ${err.message}`, { cause: e }), { code: err.code });
    }
    return server;
  }

  /** Listen; resolves to the bound address (`http://127.0.0.1:8080`). */
  async listen(): Promise<string> {
    const host = this.options.host === '' ? '0.0.0.0' : this.options.host;
    await this.app.listen({ host, port: this.options.port });
    const addr = this.app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.options.port;
    this.url = listenerUrl('http', host, port);
    return this.url;
  }

  /** The bound address (`http://host:port`), undefined until listening. */
  get address(): string | undefined {
    return this.url;
  }

  /** Stop listening (requests in flight finish), stop the sampler. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.history.stop();
      await this.app.close();
    })();
    return this.closing;
  }
}
