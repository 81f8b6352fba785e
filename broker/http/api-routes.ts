/**
 * The read-only JSON API (`/api/v1/...`) and the stream applications' registration:
 *
 * | route | answer |
 * |---|---|
 * | GET /api/v1/cluster | cluster id, node id, kafka-ts version, listeners, start time and uptime, log dirs, counts |
 * | GET /api/v1/topics[?history=N] | every topic: partitions, size on disk, records, bytes/messages in/out per second (+ the last N samples) |
 * | GET /api/v1/topics/:topic[?history=N] | one topic: per partition log start offset, high watermark, size, segments and rates; effective configs (retention...); consuming groups. 404 UNKNOWN_TOPIC_OR_PARTITION |
 * | GET /api/v1/groups[?history=N] | every group: state, protocol, members, topics, total lag (+ lag samples) |
 * | GET /api/v1/groups/:group[?history=N] | one group: members with client ids, hosts, subscriptions and assignments; per partition committed offset, high watermark, lag and owner. 404 GROUP_ID_NOT_FOUND |
 * | GET /api/v1/streams | the registered stream applications |
 * | POST /api/v1/streams | register (or refresh) a stream application: `{ appId, name, statusUrl, batchIntervalMs? }` → 201 (new) or 200 |
 * | DELETE /api/v1/streams/:appId | forget one → 204; 404 NOT_FOUND |
 * | GET /api/v1/streams/:appId/status | the application's status document, fetched from its statusUrl (loopback only, 3 s timeout): 404 NOT_FOUND, 403 STATUS_URL_NOT_LOOPBACK, 502 STREAM_APP_UNREACHABLE / STREAM_APP_ERROR / STREAM_APP_BAD_RESPONSE, 504 STREAM_APP_TIMEOUT |
 *
 * Registration needs no token (applications on the same host register themselves, and it changes no
 * broker data); it only accepts `application/json`, so a web page of another origin cannot post it
 * without a CORS preflight, which this server never grants.
 */
import type { FastifyInstance } from 'fastify';
import type { BrokerHistory } from './history.js';
import { HttpApiError } from './errors.js';
import { packageVersion } from './package-info.js';
import * as S from './schemas.js';
import { fetchStreamStatus, StreamStatusError, type StreamRegistration, type StreamRegistry } from './streams.js';
import { groupDetail, groupSummaries, listenerUrl, topicDetail, topicSummaries, type HttpBrokerSource } from './views.js';

/** What the API routes read. */
export interface ApiRouteOptions {
  source: HttpBrokerSource;
  history: BrokerHistory;
  streams: StreamRegistry;
  /** The HTTP listener's URL as bound (for /cluster). */
  httpListener: () => string;
  adminEnabled: boolean;
}

/** Register the routes of the module comment on `app`. */
export async function apiRoutes(app: FastifyInstance, options: ApiRouteOptions): Promise<void> {
  const { source, history, streams } = options;
  const ctx = source.context;
  const ratesOf = history.ratesOf.bind(history);

  app.get('/api/v1/cluster', { schema: { response: { 200: S.clusterResponse, ...S.errorResponses } } }, async () => {
    const topics = ctx.metadata.topics();
    const adv = ctx.metadata.advertisedEndpoint;
    const now = Date.now();
    return {
      clusterId: ctx.metadata.clusterId,
      nodeId: ctx.metadata.nodeId,
      version: packageVersion(),
      listeners: source.listeners.map((l) => listenerUrl(l.name, l.host, l.port)),
      advertisedListeners: [listenerUrl(source.listeners[0]?.name ?? 'PLAINTEXT', adv.host, adv.port)],
      httpListener: options.httpListener(),
      startTimeMs: source.startTimeMs,
      uptimeMs: now - source.startTimeMs,
      logDirs: [...ctx.config.logDirs],
      topics: topics.length,
      partitions: topics.reduce((n, t) => n + t.partitions, 0),
      groups: ctx.groups.listGroups().groups.length,
      adminEnabled: options.adminEnabled,
    };
  });

  app.get<{ Querystring: { history: number } }>('/api/v1/topics', { schema: { querystring: S.historyQuery, response: { 200: S.topicsResponse, ...S.errorResponses } } }, async (req) => {
    const n = req.query.history;
    return { topics: topicSummaries(ctx, ratesOf).map((t) => (n > 0 ? { ...t, history: history.topicHistory(t.name, n) } : t)) };
  });

  app.get<{ Params: { topic: string }; Querystring: { history: number } }>(
    '/api/v1/topics/:topic',
    { schema: { params: S.topicParams, querystring: S.historyQuery, response: { 200: S.topicDetailResponse, ...S.errorResponses } } },
    async (req) => {
      const t = topicDetail(ctx, req.params.topic, ratesOf);
      const n = req.query.history;
      return n > 0 ? { ...t, history: history.topicHistory(t.name, n) } : t;
    },
  );

  app.get<{ Querystring: { history: number } }>('/api/v1/groups', { schema: { querystring: S.historyQuery, response: { 200: S.groupsResponse, ...S.errorResponses } } }, async (req) => {
    const n = req.query.history;
    return { groups: groupSummaries(ctx).map((g) => (n > 0 ? { ...g, history: history.groupHistory(g.groupId, n) } : g)) };
  });

  app.get<{ Params: { group: string }; Querystring: { history: number } }>(
    '/api/v1/groups/:group',
    { schema: { params: S.groupParams, querystring: S.historyQuery, response: { 200: S.groupDetailResponse, ...S.errorResponses } } },
    async (req) => {
      const g = groupDetail(ctx, req.params.group);
      const n = req.query.history;
      return n > 0 ? { ...g, history: history.groupHistory(g.groupId, n) } : g;
    },
  );

  app.get('/api/v1/streams', { schema: { response: { 200: S.streamsResponse, ...S.errorResponses } } }, async () => ({ streams: streams.list(Date.now()) }));

  app.post<{ Body: StreamRegistration }>('/api/v1/streams', { schema: { body: S.streamRegistrationBody, response: { 200: S.streamAppResponse, 201: S.streamAppResponse, ...S.errorResponses } } }, async (req, reply) => {
    let url: URL;
    try {
      url = new URL(req.body.statusUrl);
    } catch {
      throw new HttpApiError(400, 'INVALID_REQUEST', `statusUrl is not a URL: ${req.body.statusUrl}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpApiError(400, 'INVALID_REQUEST', 'statusUrl must be an http or https URL');
    const { app: registered, created } = streams.register(req.body, Date.now());
    if (created) req.log.info({ appId: registered.appId, name: registered.name, statusUrl: registered.statusUrl }, 'stream application registered');
    return reply.code(created ? 201 : 200).send(registered);
  });

  // The dashboard's Streaming page reads an application's status here: same origin for the browser, so
  // the application's server needs no CORS. Forwarded only to the registered, loopback status URL.
  app.get<{ Params: { appId: string } }>('/api/v1/streams/:appId/status', { schema: { params: S.appParams, response: S.errorResponses } }, async (req, reply) => {
    const registered = streams.get(req.params.appId, Date.now());
    if (!registered) throw new HttpApiError(404, 'NOT_FOUND', `No stream application ${req.params.appId} is registered.`);
    try {
      const status = await fetchStreamStatus(registered);
      return reply.header('cache-control', 'no-store').type('application/json').send(JSON.stringify(status));
    } catch (e) {
      if (e instanceof StreamStatusError) throw new HttpApiError(e.statusCode, e.code, e.message);
      throw e;
    }
  });

  app.delete<{ Params: { appId: string } }>('/api/v1/streams/:appId', { schema: { params: S.appParams, response: S.errorResponses } }, async (req, reply) => {
    if (!streams.remove(req.params.appId)) throw new HttpApiError(404, 'NOT_FOUND', `No stream application ${req.params.appId} is registered.`);
    return reply.code(204).send();
  });
}
