/**
 * JSON schemas of the HTTP API (fastify validates requests with them and serialises answers with them:
 * a field not in a response schema is not sent). Units are in the field names (…Bytes, …Ms, …PerSec);
 * times are ms since the epoch; offsets are Kafka offsets.
 */

const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const str = { type: 'string' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;

function object(properties: Record<string, unknown>, required: string[] = Object.keys(properties)) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

function array(items: unknown) {
  return { type: 'array', items } as const;
}

/** `{ error: CODE, message }`: every error answer. */
export const errorSchema = object({ error: str, message: str });

/** The error answers of a route (4xx and 5xx). */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

const rates = object({ bytesInPerSec: num, bytesOutPerSec: num, messagesInPerSec: num, messagesOutPerSec: num });

const topicHistory = object({
  timestamps: array(num),
  bytesInPerSec: array(nullableNum),
  bytesOutPerSec: array(nullableNum),
  messagesInPerSec: array(nullableNum),
  messagesOutPerSec: array(nullableNum),
});

const groupHistory = object({
  timestamps: array(num),
  totalLag: array(nullableNum),
  partitions: array(object({ topic: str, partition: int, lag: array(nullableNum) })),
});

/** `?history=N`: add the last N samples (at most the history's length, 300 by default) of the series. */
export const historyQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { history: { type: 'integer', minimum: 0, maximum: 10_000, default: 0 } },
} as const;

const topicSummaryProps = { name: str, topicId: str, partitions: int, sizeBytes: int, messages: int, rates };

/** GET /api/v1/cluster */
export const clusterResponse = object({
  clusterId: str,
  nodeId: int,
  version: str,
  listeners: array(str),
  advertisedListeners: array(str),
  httpListener: str,
  startTimeMs: int,
  uptimeMs: int,
  logDirs: array(str),
  topics: int,
  partitions: int,
  groups: int,
  adminEnabled: { type: 'boolean' },
});

/** GET /api/v1/topics */
export const topicsResponse = object(
  {
    topics: array(object({ ...topicSummaryProps, history: topicHistory }, Object.keys(topicSummaryProps))),
  },
  ['topics'],
);

const segment = object({ baseOffset: int, nextOffset: int, sizeBytes: int, largestTimestamp: int });

const partition = object({
  partition: int,
  leader: int,
  replicas: array(int),
  isr: array(int),
  logStartOffset: int,
  highWatermark: int,
  logEndOffset: int,
  messages: int,
  sizeBytes: int,
  segmentCount: int,
  segments: array(segment),
  rates,
});

const topicDetailProps = {
  ...topicSummaryProps,
  replicationFactor: int,
  configs: array(object({ name: str, value: nullableStr, source: str })),
  partitionDetails: array(partition),
  groups: array(object({ groupId: str, lag: int })),
};

/** GET /api/v1/topics/:topic (and the answer of a topic creation) */
export const topicDetailResponse = object({ ...topicDetailProps, history: topicHistory }, Object.keys(topicDetailProps));

const groupSummaryProps = { groupId: str, state: str, protocolType: str, protocol: str, members: int, topics: array(str), partitions: int, totalLag: int };

/** GET /api/v1/groups */
export const groupsResponse = object(
  { groups: array(object({ ...groupSummaryProps, history: groupHistory }, Object.keys(groupSummaryProps))) },
  ['groups'],
);

const member = object({
  memberId: str,
  groupInstanceId: nullableStr,
  clientId: str,
  clientHost: str,
  subscription: { type: ['array', 'null'], items: str },
  assignment: { type: ['array', 'null'], items: object({ topic: str, partitions: array(int) }) },
});

const groupPartition = object({
  topic: str,
  partition: int,
  committedOffset: nullableInt,
  metadata: nullableStr,
  logStartOffset: nullableInt,
  highWatermark: nullableInt,
  lag: nullableInt,
  memberId: nullableStr,
  clientId: nullableStr,
  host: nullableStr,
});

const groupDetailProps = { ...groupSummaryProps, members: array(member), partitionDetails: array(groupPartition) };

/** GET /api/v1/groups/:group */
export const groupDetailResponse = object({ ...groupDetailProps, history: groupHistory }, Object.keys(groupDetailProps));

const streamAppProps = { appId: str, name: str, statusUrl: str, batchIntervalMs: nullableInt, registeredAt: int, lastSeenAt: int };
const streamApp = object(streamAppProps);

/** GET /api/v1/streams */
export const streamsResponse = object({ streams: array(streamApp) });

/** POST /api/v1/streams body */
export const streamRegistrationBody = object(
  {
    appId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    name: { type: 'string', minLength: 1, maxLength: 256 },
    statusUrl: { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 },
    batchIntervalMs: { type: 'integer', minimum: 1, maximum: 86_400_000 },
  },
  ['appId', 'name', 'statusUrl'],
);

/** POST /api/v1/streams answer */
export const streamAppResponse = streamApp;

/** POST /api/v1/topics body (admin) */
export const createTopicBody = object(
  {
    name: { type: 'string', minLength: 1, maxLength: 249 },
    partitions: { type: 'integer', minimum: -1, maximum: 100_000 },
    replicationFactor: { type: 'integer', minimum: -1, maximum: 32767 },
    configs: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 }, maxProperties: 100 },
  },
  ['name'],
);

/** DELETE /api/v1/topics/:topic answer (admin) */
export const deleteTopicResponse = object({ name: str, topicId: str, deleted: { type: 'boolean' } });

/** POST /api/v1/groups/:group/offsets/reset body (admin), after kafka-consumer-groups --reset-offsets. */
export const resetOffsetsBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    topic: { type: 'string', minLength: 1, maxLength: 249 },
    partitions: { type: 'array', items: { type: 'integer', minimum: 0 }, maxItems: 100_000 },
    allTopics: { type: 'boolean' },
    to: { type: 'string', enum: ['earliest', 'latest', 'offset', 'timestamp', 'shift'] },
    offset: { type: 'integer' },
    timestamp: { type: 'integer', minimum: 0 },
    shiftBy: { type: 'integer' },
    dryRun: { type: 'boolean', default: false },
  },
  required: ['to'],
} as const;

/** POST /api/v1/groups/:group/offsets/reset answer (admin) */
export const resetOffsetsResponse = object({
  groupId: str,
  dryRun: { type: 'boolean' },
  offsets: array(object({ topic: str, partition: int, previousOffset: nullableInt, newOffset: int })),
});

/** Route parameters. */
export const topicParams = object({ topic: { type: 'string', minLength: 1, maxLength: 249 } });
export const groupParams = object({ group: { type: 'string', maxLength: 4096 } });
export const appParams = object({ appId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } });
