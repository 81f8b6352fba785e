/**
 * The HTTP API's writes, off unless `http.admin.enabled=true`, and then only with
 * `Authorization: Bearer <http.admin.token>`:
 *
 * | route | what |
 * |---|---|
 * | POST /api/v1/topics | create a topic: `{ name, partitions?, replicationFactor?, configs? }` → 201 with the topic (as GET /api/v1/topics/:topic); 409 TOPIC_ALREADY_EXISTS, 400 INVALID_TOPIC_EXCEPTION / INVALID_PARTITIONS / INVALID_REPLICATION_FACTOR / INVALID_CONFIG |
 * | DELETE /api/v1/topics/:topic | delete a topic and its data (and the groups' offsets on it) → 200; 404 UNKNOWN_TOPIC_OR_PARTITION, 403 TOPIC_DELETION_DISABLED |
 * | POST /api/v1/groups/:group/offsets/reset | kafka-consumer-groups --reset-offsets: `{ topic, partitions? } or { allTopics: true }`, `to`: earliest, latest, offset (`offset`), timestamp (`timestamp`, ms) or shift (`shiftBy`), `dryRun?` → the old and new offsets; 409 NON_EMPTY_GROUP while the group has members (Kafka's tool refuses the same way) |
 *
 * Refusals: 403 ADMIN_DISABLED when writes are off (whatever the token), 401 UNAUTHORIZED (with
 * `WWW-Authenticate: Bearer`) for a missing or wrong token; both before the body is looked at. The
 * token is compared in constant time. Topic changes run through the broker's admin lock, one at a time
 * with the Kafka protocol's CreateTopics/DeleteTopics.
 *
 * Source: Kafka 3.8.0 `ConsumerGroupCommand` (`--reset-offsets`: the inactive-group check, the
 * clamping of `--to-offset` and `--shift-by` to the log start offset and the high watermark, the
 * timestamp lookup falling back to the high watermark).
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorByCode } from '../../client/protocol/index.js';
import { withAdminLock } from '../apis/admin/admin-lock.js';
import type { BrokerHistory } from './history.js';
import { asHttpError, HttpApiError, kafkaError } from './errors.js';
import * as S from './schemas.js';
import { topicDetail, type HttpBrokerSource } from './views.js';

/** Options of the admin routes. */
export interface AdminRouteOptions {
  source: HttpBrokerSource;
  history: BrokerHistory;
  /** http.admin.enabled */
  enabled: boolean;
  /** http.admin.token (required when enabled). */
  token: string | undefined;
}

interface CreateTopicBody {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

interface ResetOffsetsBody {
  topic?: string;
  partitions?: number[];
  allTopics?: boolean;
  to: 'earliest' | 'latest' | 'offset' | 'timestamp' | 'shift';
  offset?: number;
  timestamp?: number;
  shiftBy?: number;
  dryRun: boolean;
}

function sha256(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'utf8').digest();
}

/** Register the routes of the module comment (in their own scope: the token check applies to them only). */
export async function adminRoutes(app: FastifyInstance, options: AdminRouteOptions): Promise<void> {
  const ctx = options.source.context;
  const expected = options.token !== undefined ? sha256(options.token) : undefined;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!options.enabled || expected === undefined) throw new HttpApiError(403, 'ADMIN_DISABLED', 'The HTTP API\'s writes are disabled (set http.admin.enabled=true and http.admin.token).');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m || !crypto.timingSafeEqual(sha256(m[1]!), expected)) {
      reply.header('www-authenticate', 'Bearer realm="kafka-ts"');
      throw new HttpApiError(401, 'UNAUTHORIZED', m ? 'The bearer token is not http.admin.token.' : 'An Authorization: Bearer <http.admin.token> header is required.');
    }
  });

  app.post<{ Body: CreateTopicBody }>('/api/v1/topics', { schema: { body: S.createTopicBody, response: { 201: S.topicDetailResponse, ...S.errorResponses } } }, async (req, reply) => {
    const b = req.body;
    try {
      const info = await withAdminLock(ctx, () => ctx.metadata.createTopic(b.name, { numPartitions: b.partitions ?? -1, replicationFactor: b.replicationFactor ?? -1, configs: b.configs ?? {} }));
      ctx.logger.info({ topic: info.name, partitions: info.partitions, topicId: info.topicId, configs: b.configs ?? {}, via: 'http' }, `created topic ${info.name}`);
    } catch (e) {
      throw asHttpError(e);
    }
    return reply.code(201).send(topicDetail(ctx, b.name, options.history.ratesOf.bind(options.history)));
  });

  app.delete<{ Params: { topic: string } }>('/api/v1/topics/:topic', { schema: { params: S.topicParams, response: { 200: S.deleteTopicResponse, ...S.errorResponses } } }, async (req) => {
    try {
      const t = await withAdminLock(ctx, () => ctx.metadata.deleteTopic(req.params.topic));
      ctx.logger.info({ topic: t.name, topicId: t.topicId, via: 'http' }, `deleted topic ${t.name}`);
      return { name: t.name, topicId: t.topicId, deleted: true };
    } catch (e) {
      throw asHttpError(e);
    }
  });

  app.post<{ Params: { group: string }; Body: ResetOffsetsBody }>(
    '/api/v1/groups/:group/offsets/reset',
    { schema: { params: S.groupParams, body: S.resetOffsetsBody, response: { 200: S.resetOffsetsResponse, ...S.errorResponses } } },
    async (req) => resetOffsets(options.source, req.params.group, req.body),
  );
}

async function resetOffsets(source: HttpBrokerSource, groupId: string, b: ResetOffsetsBody) {
  const ctx = source.context;
  if (groupId === '') throw kafkaError('INVALID_GROUP_ID', 'The group id must not be empty.');
  const d = ctx.groups.describeGroup(groupId);
  if (d.errorCode !== 0) {
    const name = errorByCode(d.errorCode)?.name ?? 'UNKNOWN_SERVER_ERROR';
    throw kafkaError(name, `The group ${groupId} cannot be described (${name}).`);
  }
  if (d.state !== 'Empty' && d.state !== 'Dead') {
    throw kafkaError('NON_EMPTY_GROUP', `Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`);
  }
  if ((b.topic === undefined) === (b.allTopics !== true)) throw new HttpApiError(400, 'INVALID_REQUEST', 'Give either topic (with optional partitions) or allTopics: true.');
  if (b.partitions !== undefined && b.topic === undefined) throw new HttpApiError(400, 'INVALID_REQUEST', 'partitions needs topic.');
  const committed = new Map<string, number>();
  const fetched = ctx.groups.fetchOffsets(groupId, null);
  for (const o of fetched.offsets) if (o.offset >= 0) committed.set(`${o.topic}\u0000${o.partition}`, o.offset);

  // The partitions to reset.
  const targets: { topic: string; partition: number }[] = [];
  if (b.topic !== undefined) {
    const t = ctx.metadata.topic(b.topic);
    if (!t) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic: ${b.topic}`);
    const parts = b.partitions ?? [...Array(t.partitions).keys()];
    for (const p of new Set(parts)) {
      if (p >= t.partitions) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${b.topic}-${p}`);
      targets.push({ topic: b.topic, partition: p });
    }
  } else {
    if (d.state === 'Dead') throw kafkaError('GROUP_ID_NOT_FOUND', `The group id ${groupId} does not exist.`);
    for (const o of fetched.offsets) if (o.offset >= 0 && ctx.logManager.getLog(o)) targets.push({ topic: o.topic, partition: o.partition });
  }
  targets.sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition));

  // The new offsets.
  const need = (v: number | undefined, what: string): number => {
    if (v === undefined) throw new HttpApiError(400, 'INVALID_REQUEST', `to=${b.to} needs ${what}.`);
    return v;
  };
  const out: { topic: string; partition: number; previousOffset: number | null; newOffset: number }[] = [];
  for (const tp of targets) {
    const log = ctx.logManager.getLog(tp);
    if (!log) throw kafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${tp.topic}-${tp.partition}`);
    const previous = committed.get(`${tp.topic}\u0000${tp.partition}`) ?? null;
    const clamp = (o: number) => Math.min(Math.max(o, log.logStartOffset), log.highWatermark);
    let offset: number;
    switch (b.to) {
      case 'earliest':
        offset = log.logStartOffset;
        break;
      case 'latest':
        offset = log.highWatermark;
        break;
      case 'offset':
        offset = clamp(need(b.offset, 'offset'));
        break;
      case 'timestamp': {
        const found = await log.fetchOffsetByTimestamp(need(b.timestamp, 'timestamp'));
        offset = found ? found.offset : log.highWatermark;
        break;
      }
      case 'shift': {
        const by = need(b.shiftBy, 'shiftBy');
        if (previous === null) throw new HttpApiError(400, 'INVALID_REQUEST', `Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset.`);
        offset = clamp(previous + by);
        break;
      }
    }
    out.push({ ...tp, previousOffset: previous, newOffset: offset });
  }
  if (!b.dryRun && out.length > 0) {
    const codes = await ctx.groups.commitOffsets({
      groupId,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      apiVersion: 8,
      retentionTimeMs: -1,
      offsets: out.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.newOffset, leaderEpoch: -1, metadata: '', commitTimestamp: -1 })),
    });
    const bad = codes.find((c) => c !== 0);
    if (bad !== undefined) {
      const name = errorByCode(bad)?.name ?? 'UNKNOWN_SERVER_ERROR';
      // UNKNOWN_MEMBER_ID here: a member joined since the check above.
      throw kafkaError(name === 'UNKNOWN_MEMBER_ID' ? 'NON_EMPTY_GROUP' : name, `The offsets of group ${groupId} were not reset: ${name}.`);
    }
    ctx.logger.info({ group: groupId, to: b.to, partitions: out.length, via: 'http' }, `reset offsets of group ${groupId}`);
  }
  return { groupId, dryRun: b.dryRun, offsets: out };
}
