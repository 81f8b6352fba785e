/**
 * StreamingUI: a StreamingContext's own status server (fastify), Spark's driver UI reduced to the
 * Streaming tab's data as JSON, and its registration with a kafka-ts broker's dashboard.
 *
 * Started by `StreamingContext.start()` when the conf has `spark.ui.enabled=true` (Spark's default is
 * true; here it is **off by default** so that tests and libraries open no port unasked), and stopped
 * by `stop()`. Conf keys:
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `spark.ui.enabled` | false | start the status server |
 * | `spark.ui.port` | 4040 | port; taken → the next one, up to `spark.port.maxRetries` (16) times, as Spark; 0 = any free port |
 * | `spark.driver.bindAddress` | 127.0.0.1 | address to bind (loopback unless set) |
 * | `spark.streaming.ui.retainedBatches` | 1000 | completed batches kept |
 * | `spark.app.id` | `local-<start ms>` | application id (Spark's local-mode form) |
 * | `spark.ui.dashboard.url` | unset | a broker's HTTP base URL (`http://127.0.0.1:8080`): register there (kafka-ts key) |
 * | `spark.ui.dashboard.heartbeatInterval` | 60000 | re-register every this many ms (the broker forgets after 10 min) |
 *
 * Routes (JSON; errors `{ error, message }` as the broker's API):
 *
 * | route | answer |
 * |---|---|
 * | GET /api/v1/streaming/status | everything the Streaming page shows (StreamingStatusJson): batch interval, counts, averages, active and completed batches with input infos (Kafka offset ranges) and output operations, receivers |
 * | GET /api/v1/streaming/batches[?status=QUEUED\|PROCESSING\|COMPLETED] | active then completed batches |
 * | GET /api/v1/streaming/batches/:batchTime | one batch; 404 NOT_FOUND |
 * | GET /api/v1/streaming/receivers | receivers (empty without a Receiver stream) |
 *
 * Registration: `POST <dashboard>/api/v1/streams { appId, name, statusUrl, batchIntervalMs }` at start
 * and every heartbeat, `DELETE <dashboard>/api/v1/streams/<appId>` at stop. `statusUrl` is the full
 * URL of `/api/v1/streaming/status`; the broker's dashboard reads it through its own route
 * `GET /api/v1/streams/:appId/status` (same origin for the browser, so this server needs no CORS).
 * A failed registration is logged as a warning and retried at the next heartbeat; it never fails the
 * application.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { StreamingContext } from '../context/streaming-context.js';
import { DEFAULT_RETAINED_BATCHES, StreamingProgressListener, type BatchJson } from './streaming-progress.js';

/** Spark's default `spark.ui.port`. */
export const DEFAULT_UI_PORT = 4040;
/** Spark's default `spark.port.maxRetries`. */
export const DEFAULT_PORT_MAX_RETRIES = 16;
/** Default `spark.ui.dashboard.heartbeatInterval`, ms. */
export const DEFAULT_DASHBOARD_HEARTBEAT_MS = 60_000;
/** Timeout of one registration request, ms. */
const REGISTRATION_TIMEOUT_MS = 3000;

/** Whether `spark.ui.enabled` is true in the context's conf. */
export function uiEnabled(ssc: StreamingContext): boolean {
  return ssc.conf.getBoolean('spark.ui.enabled', false);
}

/** See the module comment. */
export class StreamingUI {
  private heartbeat: NodeJS.Timeout | undefined;
  private registered = false;
  private warnedRegistration = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly ssc: StreamingContext,
    /** The fastify instance (tests may `inject`). */
    readonly app: FastifyInstance,
    /** The listener collecting the batches. */
    readonly listener: StreamingProgressListener,
    /** Bound base URL, `http://127.0.0.1:4040`. */
    readonly url: string,
    /** The broker dashboard's base URL, when registering. */
    readonly dashboardUrl: string | undefined,
  ) {}

  /** Application id (`spark.app.id`, else `local-<ms>`). */
  get appId(): string {
    return this.listener.appId;
  }
  /** Full URL of the status document. */
  get statusUrl(): string {
    return `${this.url}/api/v1/streaming/status`;
  }

  /**
   * Add the progress listener to `ssc`, start the server (port retries as Spark) and register with the
   * dashboard when configured. Errors: the listen error of the last port tried (e.g. EADDRINUSE), with
   * the message naming `spark.ui.port`.
   */
  static async start(ssc: StreamingContext): Promise<StreamingUI> {
    const conf = ssc.conf;
    const appId = conf.get('spark.app.id') ?? `local-${Date.now()}`;
    const listener = new StreamingProgressListener(ssc, appId, conf.getNumber('spark.streaming.ui.retainedBatches', DEFAULT_RETAINED_BATCHES));
    const app = Fastify({ logger: false });
    routes(app, listener);
    const host = conf.get('spark.driver.bindAddress') ?? '127.0.0.1';
    const port = conf.getNumber('spark.ui.port', DEFAULT_UI_PORT);
    const retries = port === 0 ? 0 : conf.getNumber('spark.port.maxRetries', DEFAULT_PORT_MAX_RETRIES);
    let bound: number | undefined;
    for (let i = 0; ; i++) {
      try {
        await app.listen({ host, port: port === 0 ? 0 : port + i });
        const a = app.server.address();
        bound = typeof a === 'object' && a ? a.port : port + i;
        break;
      } catch (e) {
        const err = e as Error & { code?: string };
        if (err.code === 'EADDRINUSE' && i < retries) {
          ssc.logger.warn(`Service 'SparkUI' could not bind on port ${port + i}. Attempting port ${port + i + 1}.`);
          continue;
        }
        await app.close();
        throw Object.assign(new Error(`Failed to bind SparkUI on ${host}:${port} (spark.ui.port, ${i + 1} attempts): ${err.message}`, { cause: e }), { code: err.code });
      }
    }
    const shownHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const dashboard = conf.get('spark.ui.dashboard.url')?.replace(/\/+$/, '');
    const ui = new StreamingUI(ssc, app, listener, `http://${shownHost}:${bound}`, dashboard);
    ssc.addStreamingListener(listener);
    ssc.logger.info(`Bound SparkUI to ${host}, and started at ${ui.url} (status: ${ui.statusUrl})`);
    if (dashboard) {
      await ui.register();
      ui.heartbeat = setInterval(() => void ui.register(), conf.getNumber('spark.ui.dashboard.heartbeatInterval', DEFAULT_DASHBOARD_HEARTBEAT_MS));
      ui.heartbeat.unref();
    }
    return ui;
  }

  /** POST the registration to the dashboard (a warning when it fails, once until it works again). */
  async register(): Promise<boolean> {
    if (!this.dashboardUrl) return false;
    const body = { appId: this.appId, name: this.listener.status().appName, statusUrl: this.statusUrl, batchIntervalMs: this.ssc.batchDurationMs };
    try {
      const r = await fetch(`${this.dashboardUrl}/api/v1/streams`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REGISTRATION_TIMEOUT_MS),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}: ${await r.text().catch(() => '')}`);
      if (!this.registered) this.ssc.logger.info(`Registered with the dashboard ${this.dashboardUrl} as ${this.appId}`);
      this.registered = true;
      this.warnedRegistration = false;
      return true;
    } catch (e) {
      if (!this.warnedRegistration) this.ssc.logger.warn(`Could not register with the dashboard ${this.dashboardUrl} (spark.ui.dashboard.url): ${(e as Error).message}; retrying every heartbeat`);
      this.warnedRegistration = true;
      return false;
    }
  }

  /** Deregister from the dashboard (best effort), stop the server, remove the listener. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.heartbeat);
      if (this.dashboardUrl && this.registered) {
        await fetch(`${this.dashboardUrl}/api/v1/streams/${encodeURIComponent(this.appId)}`, { method: 'DELETE', signal: AbortSignal.timeout(REGISTRATION_TIMEOUT_MS) }).catch(() => undefined);
      }
      this.ssc.removeStreamingListener(this.listener);
      await this.app.close();
    })();
    return this.stopping;
  }
}

const STATUSES = new Set(['QUEUED', 'PROCESSING', 'COMPLETED']);

function routes(app: FastifyInstance, listener: StreamingProgressListener): void {
  const notFound = (message: string) => ({ error: 'NOT_FOUND', message });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(notFound(`No route ${req.method} ${req.url.split('?')[0]}`)));
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode ?? 500;
    return reply.code(status).send({ error: status < 500 ? 'INVALID_REQUEST' : 'UNKNOWN_SERVER_ERROR', message: err.message });
  });
  app.get('/api/v1/streaming/status', async () => listener.status());
  app.get<{ Querystring: { status?: string } }>('/api/v1/streaming/batches', async (req, reply) => {
    const s = listener.status();
    const all: BatchJson[] = [...s.activeBatches, ...s.completedBatches];
    const want = req.query.status?.toUpperCase();
    if (want !== undefined && !STATUSES.has(want)) return reply.code(400).send({ error: 'INVALID_REQUEST', message: `status must be one of QUEUED, PROCESSING, COMPLETED, got ${req.query.status}` });
    return want ? all.filter((b) => b.status === want) : all;
  });
  app.get<{ Params: { batchTime: string } }>('/api/v1/streaming/batches/:batchTime', async (req, reply) => {
    const t = Number(req.params.batchTime);
    const s = listener.status();
    const b = [...s.activeBatches, ...s.completedBatches].find((x) => x.batchTime === t);
    return b ?? reply.code(404).send(notFound(`Batch ${req.params.batchTime} is not retained (batch ids are batch times in ms)`));
  });
  app.get('/api/v1/streaming/receivers', async () => listener.status().receivers);
}
