/**
 * Independent cross-check of our wire codec against kafkajs 2.2.4 (a devDependency; its internals are
 * loaded from node_modules/kafkajs/src/protocol by test/helpers/kafkajs.ts).
 *
 * Directions, each its own `it(...)` per (API, version):
 *  - "request kafkajs → ours": kafkajs encodes a request body (`(await request.encode()).buffer`), our
 *    `ApiCodec.decodeRequest` decodes it; every field (completed with our declared defaults) must equal
 *    the expected value and no byte may be left over.
 *  - "request bytes ours = kafkajs": our `encodeRequest` of the same values gives the SAME BYTES.
 *  - "request frame kafkajs → ours": kafkajs's src/protocol/request.js frame (int32 size + request
 *    header v1 with client id + body) is decoded by frames.ts `decodeRequest` (size stripped); header
 *    fields and body must match, and frames.ts `encodeRequest` must give the same frame bytes.
 *  - "response ours → kafkajs": our `encodeResponse` of a realistic body (errorCode 0) is decoded by
 *    kafkajs's `response.decode(payload)` (payload = body only, as kafkajs's Connection strips the
 *    correlation id) and compared field by field; kafkajs must consume every byte and its `parse`
 *    must not throw.
 *  - "response frame ours → kafkajs": frames.ts `encodeResponse` (size + response header v0 + body) is
 *    unframed as kafkajs's Connection does (size, correlation id, rest = payload) and decoded.
 *
 * Field names differ: each case maps kafkajs's argument / result names to ours (Kafka's JSON spec names
 * with a lower-case first letter). int64 values are JS numbers in ours, decimal strings (or BigInt, for
 * DeleteRecords' lowWatermark) in kafkajs.
 *
 * COVERAGE (API: kafkajs versions — directions; "all 5" = the five directions above):
 *   ApiVersions 0-2, Metadata 0-6 (+ "all topics" variant 0-6), Produce 0-7 (record batch / message
 *   set compared as raw bytes, and re-decoded by kafkajs's own record decoders), Fetch 0-11 (response
 *   records: message set magic 0 for v0-1, magic 1 for v2-3, record batch v2 for v4+), ListOffsets 0-3,
 *   FindCoordinator 0-2, JoinGroup 0-5, SyncGroup 0-3, Heartbeat 0-3, LeaveGroup 0-3, OffsetCommit 0-5,
 *   OffsetFetch 1-4 (+ "all topics" variant 1-4), DescribeGroups 0-2, ListGroups 0-2, DeleteGroups 0-1,
 *   CreateTopics 0-3, DeleteTopics 0-1, CreatePartitions 0-1, DescribeConfigs 0-2, AlterConfigs 0-1,
 *   DeleteRecords 0-1, InitProducerId 0-1 (+ idempotent variant, null transactional id),
 *   SaslHandshake 0-1, SaslAuthenticate 0-1 — all 5 directions for every version listed.
 *   That is every version kafkajs 2.2.4 implements for these 24 APIs (asserted by the last describe).
 *   Edge-value variants (all 5 directions): OffsetCommit 0-5 (multi-byte UTF-8, empty and null strings,
 *   MAX_SAFE_INTEGER and negative int64 beyond 32 bits, int32 max), JoinGroup 0-5 (empty protocol
 *   metadata, empty members). The request frames use a multi-byte UTF-8 client id.
 *   Error responses (ours → kafkajs decode, then kafkajs parse must reject with the right error):
 *   Heartbeat 0-3 (27), Produce 3/5/7 (6), Metadata 0/6 (3), JoinGroup 4-5 (79, member id handed back
 *   to kafkajs), SaslAuthenticate 0-1 (58 with message), ListGroups 0/2 (-1), and ApiVersions 0-2
 *   UNSUPPORTED_VERSION with the v0 body of KIP-511 (kafkajs's decode rejects, which drives its fallback).
 *   Produce records (v0-7): the blobs our decoder extracts are re-decoded into the messages sent both by
 *   kafkajs's message set / record batch decoders and by client/records (`decodeBatches`: magic 0 for
 *   v0-1, magic 1 for v2, record batch v2 with producer id / epoch / sequence / transactional flag for v3+).
 *   Fetch null records: pinned kafkajs behaviour (v0-3 mis-parse, v4+ fine) — see that describe.
 *
 * NOT COVERED, and why:
 *   - OffsetFetch v0: kafkajs does not implement it (its versions start at 1).
 *   - Any flexible version (KIP-482: compact strings/arrays, tagged fields, request header v2,
 *     response header v1): kafkajs 2.2.4 implements no flexible version of these APIs (its highest
 *     versions are all below our `flexible` ranges), so it cannot cross-check them.
 *   - Versions above kafkajs's highest (e.g. Produce 8-11, Fetch 12-16, Metadata 7-12): no kafkajs encoder.
 *   - ApiVersions v3: kafkajs's highest ApiVersions is v2.
 *   - kafkajs APIs outside this list (AddOffsetsToTxn, AddPartitionsToTxn, EndTxn, TxnOffsetCommit,
 *     *Acls, AlterPartitionReassignments, ListPartitionReassignments): out of scope of this check.
 *   - Response → request direction for kafkajs (kafkajs has no response encoders nor request decoders).
 *
 * Documented differences in what kafkajs writes (not bugs on either side):
 *   - Metadata v1+ and OffsetFetch v3+: kafkajs writes an empty topic list as a NULL array (-1), which
 *     in Kafka means "all topics"; v0 of Metadata (and OffsetFetch v1-2) writes an empty array.
 *   - DescribeConfigs: an empty `configNames` is written as a NULL array (all configs).
 *   - CreatePartitions: empty `assignments` is written as a NULL array (broker assigns).
 *   - Fetch: kafkajs hard-codes nothing we must mimic, but defaults isolationLevel to READ_COMMITTED (1),
 *     sessionId 0 / sessionEpoch -1 and logStartOffset / currentLeaderEpoch -1; the values here are explicit.
 *   - Produce v0-1: kafkajs builds the message set with `compression` undefined, so its inner offsets are
 *     0,1,... rather than -1; the bytes are opaque to the protocol codec either way.
 *   - SaslAuthenticate: kafkajs's request takes `authBytes` ALREADY framed as BYTES (int32 length +
 *     payload, as its SASL mechanisms build them) and writes them raw; its response decoder re-frames the
 *     auth bytes the same way. Our field is the bare payload; the cases account for that framing.
 *   - DeleteGroups v1: kafkajs's decoder reads `decoded.throttleTime` although its v0 decoder names the
 *     field `throttleTimeMs`, so its `clientSideThrottleTime` is undefined (a kafkajs quirk).
 *   - CreateTopics / DeleteTopics / DeleteRecords: kafkajs sorts the decoded results by topic name.
 *   - DescribeConfigs v0: kafkajs derives `configSource` from isDefault and the resource type.
 */
import { describe, expect, it } from 'vitest';
import { ApiCodec } from '../../client/protocol/api.js';
import { defaultValue } from '../../client/protocol/codec.js';
import { Reader } from '../../client/protocol/reader.js';
import { inRange, type ApiDeclaration, type Fields } from '../../client/protocol/schema.js';
import {
  decodeRequest as decodeRequestFrame,
  encodeRequest as encodeRequestFrame,
  encodeResponse as encodeResponseFrame,
} from '../../client/protocol/frames.js';
import { Produce } from '../../client/protocol/apis/00-produce.js';
import { Fetch } from '../../client/protocol/apis/01-fetch.js';
import { ListOffsets } from '../../client/protocol/apis/02-list-offsets.js';
import { Metadata } from '../../client/protocol/apis/03-metadata.js';
import { OffsetCommit } from '../../client/protocol/apis/08-offset-commit.js';
import { OffsetFetch } from '../../client/protocol/apis/09-offset-fetch.js';
import { FindCoordinator } from '../../client/protocol/apis/10-find-coordinator.js';
import { JoinGroup } from '../../client/protocol/apis/11-join-group.js';
import { Heartbeat } from '../../client/protocol/apis/12-heartbeat.js';
import { LeaveGroup } from '../../client/protocol/apis/13-leave-group.js';
import { SyncGroup } from '../../client/protocol/apis/14-sync-group.js';
import { DescribeGroups } from '../../client/protocol/apis/15-describe-groups.js';
import { ListGroups } from '../../client/protocol/apis/16-list-groups.js';
import { SaslHandshake } from '../../client/protocol/apis/17-sasl-handshake.js';
import { ApiVersions } from '../../client/protocol/apis/18-api-versions.js';
import { CreateTopics } from '../../client/protocol/apis/19-create-topics.js';
import { DeleteTopics } from '../../client/protocol/apis/20-delete-topics.js';
import { DeleteRecords } from '../../client/protocol/apis/21-delete-records.js';
import { InitProducerId } from '../../client/protocol/apis/22-init-producer-id.js';
import { DescribeConfigs } from '../../client/protocol/apis/32-describe-configs.js';
import { AlterConfigs } from '../../client/protocol/apis/33-alter-configs.js';
import { SaslAuthenticate } from '../../client/protocol/apis/36-sasl-authenticate.js';
import { CreatePartitions } from '../../client/protocol/apis/37-create-partitions.js';
import { DeleteGroups } from '../../client/protocol/apis/42-delete-groups.js';
import {
  KjsDecoder,
  KjsEncoder,
  kjsApi,
  kjsBytesLeft,
  kjsCreateRequest,
  kjsEncodeRequest,
  kjsMessage,
  kjsMessageSet,
  kjsMessageSetDecoder,
  kjsRecord,
  kjsRecordBatch,
  kjsRecordBatchDecoder,
} from '../helpers/kafkajs.js';

// --- helpers -----------------------------------------------------------------------------------------

/** `x` when `cond`, else undefined (= field absent / default). */
const when = <T>(cond: boolean, x: T): T | undefined => (cond ? x : undefined);
const buf = (s: string): Buffer => Buffer.from(s);
/** kafkajs's BYTES framing (int32 length + payload), as its SASL mechanisms build auth bytes. */
const kjsFramedBytes = (b: Buffer): Buffer => new KjsEncoder().writeBytes(b).buffer as Buffer;
/** kafkajs's throttle fields: before KIP-219 versions `throttleTime`, from them on `clientSideThrottleTime`. */
const throttle = (t: number, clientSide: boolean) => (clientSide ? { throttleTime: 0, clientSideThrottleTime: t } : { throttleTime: t });

/**
 * The value our decoder must produce for `value` at version `v`: every field of the declaration present,
 * absent / unspecified ones at their declared default. A value given for a field that does not exist in
 * `v` is kept (so that a wrong expectation fails rather than being hidden).
 */
function complete(fields: Fields, value: any, v: number): any {
  const out: any = {};
  for (const [name, def] of Object.entries(fields)) {
    const x = value?.[name];
    if (x === undefined) out[name] = defaultValue(def);
    else if (x === null || !inRange(def.versions, v)) out[name] = x;
    else if (def.kind === 'struct') out[name] = complete(def.fields!, x, v);
    else if (def.kind === 'array' && def.type === 'struct') out[name] = (x as any[]).map((e) => complete(def.fields!, e, v));
    else out[name] = x;
  }
  return out;
}

// --- shared values -----------------------------------------------------------------------------------

/** An int64 beyond 32 bits (and within the safe-integer range). */
const BIG = 2 ** 40 + 123;
const BIGS = String(BIG);
const T0 = 1_700_000_000_000;
/** Multi-byte UTF-8 on purpose: string lengths are byte lengths. */
const CLIENT_ID = 'kafkajs-interop-ü€😀';
/** A consumer-protocol subscription (version 1, topics [t1]) and assignment, as opaque bytes. */
const META = Buffer.from('0001000000010002743100000000ffffffff', 'hex');
const META2 = Buffer.from('000100000001000274320000000000000000', 'hex');
const ASSIGN1 = Buffer.from('0001000000010002743100000002000000000000000100000000', 'hex');
const ASSIGN2 = Buffer.from('00010000000100027431000000010000000200000000', 'hex');

// --- Produce: record batches / message sets as kafkajs writes them -----------------------------------

interface Msg {
  key: Buffer | null;
  value: Buffer;
  timestamp: number;
  headers?: Record<string, string>;
}
const MSGS_A: Msg[] = [
  { key: buf('k0'), value: buf('v0'), timestamp: T0, headers: { h: 'x' } },
  { key: null, value: buf('value-1'), timestamp: T0 + 5 },
];
const MSGS_B: Msg[] = [{ key: buf('a'), value: buf('b'), timestamp: T0 + 1 }];

const PRODUCER_ID = 42;
const PRODUCER_EPOCH = 3;
/** kafkajs's topicData, with per-partition firstSequence (a record batch field for v3+). */
const PRODUCE_TOPIC_DATA = [
  {
    topic: 't1',
    partitions: [
      { partition: 0, firstSequence: 7, messages: MSGS_A },
      { partition: 1, firstSequence: 0, messages: MSGS_B },
    ],
  },
  { topic: 't2', partitions: [{ partition: 4, firstSequence: 2, messages: MSGS_B }] },
];

/** The records blob kafkajs's Produce request v`v` writes for one partition, rebuilt with its own encoders. */
async function kjsProduceRecords(v: number, messages: Msg[], firstSequence: number): Promise<Buffer> {
  if (v <= 1) return kjsMessageSet({ messageVersion: 0, entries: messages }).buffer;
  if (v === 2) return kjsMessageSet({ messageVersion: 1, compression: 0, entries: messages }).buffer;
  const ts = messages.map((m) => m.timestamp).sort();
  const first = ts[0]!;
  const records = messages.map((m, i) => kjsRecord({ ...m, offsetDelta: i, timestampDelta: m.timestamp - first }));
  const batch = await kjsRecordBatch({
    compression: 0,
    records,
    firstTimestamp: first,
    maxTimestamp: ts[ts.length - 1],
    producerId: String(PRODUCER_ID),
    producerEpoch: PRODUCER_EPOCH,
    firstSequence,
    transactional: true,
    lastOffsetDelta: records.length - 1,
  });
  return batch.buffer;
}

/** kafkajs's Produce arguments (v0-2 ignore the transactional and producer fields). */
const PRODUCE_ARGS = {
  acks: -1,
  timeout: 30000,
  compression: 0,
  transactionalId: 'tx-1',
  producerId: String(PRODUCER_ID),
  producerEpoch: PRODUCER_EPOCH,
  topicData: PRODUCE_TOPIC_DATA,
};

const produceRecords: Buffer[][][] = [];
for (let v = 0; v <= 7; v++) {
  const perTopic: Buffer[][] = [];
  for (const t of PRODUCE_TOPIC_DATA) {
    const perPartition: Buffer[] = [];
    for (const p of t.partitions) perPartition.push(await kjsProduceRecords(v, p.messages, p.firstSequence));
    perTopic.push(perPartition);
  }
  produceRecords.push(perTopic);
}

/** Decode a records blob with kafkajs's own decoders (message set or record batch). */
async function kjsDecodeRecords(v: number, blob: Buffer): Promise<any[]> {
  if (v <= 2) return kjsMessageSetDecoder(new KjsDecoder(blob), blob.length);
  const d = new KjsDecoder(blob);
  const out: any[] = [];
  while (d.offset < blob.length) out.push(...(await kjsRecordBatchDecoder(d)).records);
  return out;
}

// --- Fetch: response records -------------------------------------------------------------------------

const FETCH_BASE_OFFSET = 100;
/** A legacy message set (magic 0 or 1) with real offsets, as a broker stores it. */
function legacyMessageSet(magic: 0 | 1, messages: Msg[], baseOffset: number): Buffer {
  const e = new KjsEncoder();
  messages.forEach((m, i) => {
    const msg = kjsMessage({ version: magic })({ key: m.key, value: m.value, timestamp: m.timestamp });
    e.writeInt64(baseOffset + i).writeInt32(msg.size()).writeEncoder(msg);
  });
  return e.buffer;
}
async function recordBatchAt(messages: Msg[], baseOffset: number): Promise<Buffer> {
  const records = messages.map((m, i) => kjsRecord({ ...m, offsetDelta: i, timestampDelta: m.timestamp - messages[0]!.timestamp }));
  const batch = await kjsRecordBatch({
    firstOffset: baseOffset,
    firstTimestamp: messages[0]!.timestamp,
    maxTimestamp: messages[messages.length - 1]!.timestamp,
    partitionLeaderEpoch: 5,
    lastOffsetDelta: records.length - 1,
    records,
  });
  return batch.buffer;
}
const FETCH_RECORDS = {
  magic0: legacyMessageSet(0, MSGS_A, FETCH_BASE_OFFSET),
  magic1: legacyMessageSet(1, MSGS_A, FETCH_BASE_OFFSET),
  batch: await recordBatchAt(MSGS_A, FETCH_BASE_OFFSET),
};
const fetchRecords = (v: number): Buffer => (v <= 1 ? FETCH_RECORDS.magic0 : v <= 3 ? FETCH_RECORDS.magic1 : FETCH_RECORDS.batch);
/** What kafkajs's fetch decoder yields for FETCH_RECORDS at version v. */
function fetchMessagesExpected(v: number): unknown[] {
  return MSGS_A.map((m, i) => {
    const base: Record<string, unknown> = { offset: String(FETCH_BASE_OFFSET + i), key: m.key, value: m.value };
    if (v <= 1) return expect.objectContaining({ ...base, magicByte: 0 });
    if (v <= 3) return expect.objectContaining({ ...base, magicByte: 1, timestamp: String(m.timestamp) });
    const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, hv]) => [k, buf(hv)]));
    return expect.objectContaining({ ...base, magicByte: 2, timestamp: String(m.timestamp), headers });
  });
}

// --- the cases ---------------------------------------------------------------------------------------

interface Case {
  /** Our API name. */
  api: string;
  variant?: string;
  decl: ApiDeclaration<any, any>;
  /** kafkajs directory under src/protocol/requests. */
  kjs: string;
  /** Versions to test; default every version kafkajs implements. */
  versions?: number[];
  /** The argument of kafkajs's `protocol({ version })(args)`. */
  args: (v: number) => any;
  /** Our request value for the same request (absent fields = defaults). */
  request?: (v: number) => any;
  response?: {
    /** Our response value (encoded with our codec). */
    ours: (v: number) => any;
    /** What kafkajs's `response.decode` must return. */
    kjs: (v: number) => any;
  };
}

const CASES: Case[] = [
  {
    api: 'ApiVersions',
    decl: ApiVersions,
    kjs: 'apiVersions',
    args: () => ({}),
    request: () => ({}),
    response: {
      ours: () => ({
        errorCode: 0,
        apiKeys: [
          { apiKey: 0, minVersion: 0, maxVersion: 11 },
          { apiKey: 18, minVersion: 0, maxVersion: 3 },
        ],
        throttleTimeMs: 5,
      }),
      kjs: (v) => ({
        errorCode: 0,
        apiVersions: [
          { apiKey: 0, minVersion: 0, maxVersion: 11 },
          { apiKey: 18, minVersion: 0, maxVersion: 3 },
        ],
        ...(v >= 1 ? throttle(5, v >= 2) : {}),
      }),
    },
  },
  {
    api: 'Metadata',
    decl: Metadata,
    kjs: 'metadata',
    args: () => ({ topics: ['t1', 'topic-2'], allowAutoTopicCreation: false }),
    request: (v) => ({ topics: [{ name: 't1' }, { name: 'topic-2' }], allowAutoTopicCreation: when(v >= 4, false) }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 7,
        brokers: [
          { nodeId: 1, host: 'b1.local', port: 9092, rack: when(v >= 1, 'rack-1') },
          { nodeId: 2, host: 'b2.local', port: 9093, rack: when(v >= 1, null) },
        ],
        clusterId: when(v >= 2, 'cluster-x'),
        controllerId: when(v >= 1, 2),
        topics: [
          {
            errorCode: 0,
            name: 't1',
            isInternal: when(v >= 1, true),
            partitions: [
              { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: when(v >= 5, [2]) },
              { errorCode: 0, partitionIndex: 1, leaderId: 2, replicaNodes: [2, 1], isrNodes: [2, 1], offlineReplicas: when(v >= 5, []) },
            ],
          },
        ],
      }),
      kjs: (v) => {
        const partitions = [
          { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2], isr: [1], ...(v >= 5 ? { offlineReplicas: [2] } : {}) },
          { partitionErrorCode: 0, partitionId: 1, leader: 2, replicas: [2, 1], isr: [2, 1], ...(v >= 5 ? { offlineReplicas: [] } : {}) },
        ];
        const brokers = [
          { nodeId: 1, host: 'b1.local', port: 9092, ...(v >= 1 ? { rack: 'rack-1' } : {}) },
          { nodeId: 2, host: 'b2.local', port: 9093, ...(v >= 1 ? { rack: null } : {}) },
        ];
        return {
          ...(v >= 3 ? throttle(7, v >= 6) : {}),
          brokers,
          ...(v >= 2 ? { clusterId: 'cluster-x' } : {}),
          ...(v >= 1 ? { controllerId: 2 } : {}),
          topicMetadata: [{ topicErrorCode: 0, topic: 't1', ...(v >= 1 ? { isInternal: true } : {}), partitionMetadata: partitions }],
        };
      },
    },
  },
  {
    api: 'Metadata',
    variant: 'all topics: kafkajs writes [] as a null array from v1',
    decl: Metadata,
    kjs: 'metadata',
    args: () => ({ topics: [] }),
    request: (v) => ({ topics: v === 0 ? [] : null, allowAutoTopicCreation: when(v >= 4, true) }),
  },
  {
    api: 'Produce',
    decl: Produce,
    kjs: 'produce',
    args: () => PRODUCE_ARGS,
    request: (v) => ({
      transactionalId: when(v >= 3, 'tx-1'),
      acks: -1,
      timeoutMs: 30000,
      topicData: PRODUCE_TOPIC_DATA.map((t, ti) => ({
        name: t.topic,
        partitionData: t.partitions.map((p, pi) => ({ index: p.partition, records: produceRecords[v]![ti]![pi]! })),
      })),
    }),
    response: {
      ours: (v) => ({
        responses: [
          {
            name: 't1',
            partitionResponses: [
              { index: 0, errorCode: 0, baseOffset: BIG, logAppendTimeMs: when(v >= 2, T0 + 9), logStartOffset: when(v >= 5, 10) },
              { index: 1, errorCode: 0, baseOffset: 0, logAppendTimeMs: when(v >= 2, -1), logStartOffset: when(v >= 5, 0) },
            ],
          },
        ],
        throttleTimeMs: 3,
      }),
      kjs: (v) => {
        const part = (partition: number, offset: string, ts: string, lso: string) => {
          if (v <= 1) return { partition, errorCode: 0, offset };
          if (v === 2) return { partition, errorCode: 0, offset, timestamp: ts };
          return { partition, errorCode: 0, baseOffset: offset, logAppendTime: ts, ...(v >= 5 ? { logStartOffset: lso } : {}) };
        };
        return {
          topics: [{ topicName: 't1', partitions: [part(0, BIGS, String(T0 + 9), '10'), part(1, '0', '-1', '0')] }],
          ...(v >= 1 ? throttle(3, v >= 6) : {}),
        };
      },
    },
  },
  {
    api: 'Fetch',
    decl: Fetch,
    kjs: 'fetch',
    args: () => ({
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 12,
      sessionEpoch: 3,
      forgottenTopics: [{ topic: 'old', partitions: [0, 3] }],
      rackId: 'rack-a',
      topics: [
        { topic: 't1', partitions: [{ partition: 0, currentLeaderEpoch: 4, fetchOffset: BIGS, logStartOffset: 5, maxBytes: 1048576 }] },
        {
          topic: 't2',
          partitions: [
            { partition: 1, currentLeaderEpoch: 0, fetchOffset: '0', logStartOffset: 0, maxBytes: 65536 },
            { partition: 2, fetchOffset: '17', maxBytes: 65536 },
          ],
        },
      ],
    }),
    request: (v) => ({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: when(v >= 3, 10485760),
      isolationLevel: when(v >= 4, 1),
      sessionId: when(v >= 7, 12),
      sessionEpoch: when(v >= 7, 3),
      topics: [
        {
          topic: 't1',
          partitions: [{ partition: 0, currentLeaderEpoch: when(v >= 9, 4), fetchOffset: BIG, logStartOffset: when(v >= 5, 5), partitionMaxBytes: 1048576 }],
        },
        {
          topic: 't2',
          partitions: [
            { partition: 1, currentLeaderEpoch: when(v >= 9, 0), fetchOffset: 0, logStartOffset: when(v >= 5, 0), partitionMaxBytes: 65536 },
            { partition: 2, currentLeaderEpoch: when(v >= 9, -1), fetchOffset: 17, logStartOffset: when(v >= 5, -1), partitionMaxBytes: 65536 },
          ],
        },
      ],
      forgottenTopicsData: when(v >= 7, [{ topic: 'old', partitions: [0, 3] }]),
      rackId: when(v >= 11, 'rack-a'),
    }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 9,
        errorCode: when(v >= 7, 0),
        sessionId: when(v >= 7, 12),
        responses: [
          {
            topic: 't1',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 103,
                lastStableOffset: when(v >= 4, 102),
                logStartOffset: when(v >= 5, 7),
                abortedTransactions: when(v >= 4, [{ producerId: BIG, firstOffset: 90 }]),
                preferredReadReplica: when(v >= 11, -1),
                records: fetchRecords(v),
              },
              {
                partitionIndex: 1,
                errorCode: 0,
                highWatermark: 0,
                lastStableOffset: when(v >= 4, 0),
                logStartOffset: when(v >= 5, 0),
                abortedTransactions: when(v >= 4, []),
                preferredReadReplica: when(v >= 11, 2),
                records: Buffer.alloc(0),
              },
              // Null records only from v4: kafkajs's v0-3 decoder mis-parses them (see the Fetch null-records test).
              ...(v >= 4
                ? [{ partitionIndex: 2, errorCode: 0, highWatermark: 5, lastStableOffset: 5, logStartOffset: when(v >= 5, 5), abortedTransactions: null, records: null }]
                : []),
            ],
          },
        ],
      }),
      kjs: (v) => {
        const part = (partition: number, hw: string, lso: string, logStart: string, aborted: unknown[], rr: number, messages: unknown[]) => ({
          partition,
          errorCode: 0,
          highWatermark: hw,
          ...(v >= 4 ? { lastStableOffset: lso } : {}),
          ...(v >= 5 ? { lastStartOffset: logStart } : {}),
          ...(v >= 4 ? { abortedTransactions: aborted } : {}),
          ...(v >= 11 ? { preferredReadReplica: rr } : {}),
          messages,
        });
        return {
          ...(v >= 1 ? throttle(9, v >= 8) : {}),
          ...(v >= 7 ? { errorCode: 0, sessionId: 12 } : {}),
          responses: [
            {
              topicName: 't1',
              partitions: [
                part(0, '103', '102', '7', [{ producerId: BIGS, firstOffset: '90' }], -1, fetchMessagesExpected(v)),
                part(1, '0', '0', '0', [], 2, []),
                ...(v >= 4 ? [part(2, '5', '5', '5', [], -1, [])] : []),
              ],
            },
          ],
        };
      },
    },
  },
  {
    api: 'ListOffsets',
    decl: ListOffsets,
    kjs: 'listOffsets',
    args: () => ({
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        {
          topic: 't1',
          partitions: [
            { partition: 0, timestamp: -1, maxNumOffsets: 3 },
            { partition: 1, timestamp: String(T0) },
          ],
        },
        { topic: 't2', partitions: [{ partition: 0, timestamp: -2 }] },
      ],
    }),
    request: (v) => ({
      replicaId: -1,
      isolationLevel: when(v >= 2, 1),
      topics: [
        {
          name: 't1',
          partitions: [
            { partitionIndex: 0, timestamp: -1, maxNumOffsets: when(v === 0, 3) },
            { partitionIndex: 1, timestamp: T0, maxNumOffsets: when(v === 0, 1) },
          ],
        },
        { name: 't2', partitions: [{ partitionIndex: 0, timestamp: -2, maxNumOffsets: when(v === 0, 1) }] },
      ],
    }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 4,
        topics: [
          {
            name: 't1',
            partitions: [
              { partitionIndex: 0, errorCode: 0, oldStyleOffsets: when(v === 0, [BIG, 0]), timestamp: when(v >= 1, T0), offset: when(v >= 1, BIG) },
              { partitionIndex: 1, errorCode: 0, oldStyleOffsets: when(v === 0, []), timestamp: when(v >= 1, -1), offset: when(v >= 1, 0) },
            ],
          },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 2 ? throttle(4, v >= 3) : {}),
        responses: [
          {
            topic: 't1',
            partitions:
              v === 0
                ? [
                    { partition: 0, errorCode: 0, offsets: [BIGS, '0'] },
                    { partition: 1, errorCode: 0, offsets: [] },
                  ]
                : [
                    { partition: 0, errorCode: 0, timestamp: String(T0), offset: BIGS },
                    { partition: 1, errorCode: 0, timestamp: '-1', offset: '0' },
                  ],
          },
        ],
      }),
    },
  },
  {
    api: 'OffsetCommit',
    decl: OffsetCommit,
    kjs: 'offsetCommit',
    args: () => ({
      groupId: 'g1',
      groupGenerationId: 7,
      memberId: 'member-1',
      retentionTime: 86400000,
      topics: [
        {
          topic: 't1',
          partitions: [
            { partition: 0, offset: BIGS, timestamp: T0, metadata: 'meta' },
            { partition: 1, offset: '5', timestamp: T0 + 1 },
          ],
        },
      ],
    }),
    request: (v) => ({
      groupId: 'g1',
      generationIdOrMemberEpoch: when(v >= 1, 7),
      memberId: when(v >= 1, 'member-1'),
      retentionTimeMs: when(v >= 2 && v <= 4, 86400000),
      topics: [
        {
          name: 't1',
          partitions: [
            { partitionIndex: 0, committedOffset: BIG, commitTimestamp: when(v === 1, T0), committedMetadata: 'meta' },
            { partitionIndex: 1, committedOffset: 5, commitTimestamp: when(v === 1, T0 + 1), committedMetadata: null },
          ],
        },
      ],
    }),
    response: {
      ours: () => ({
        throttleTimeMs: 2,
        topics: [
          {
            name: 't1',
            partitions: [
              { partitionIndex: 0, errorCode: 0 },
              { partitionIndex: 1, errorCode: 0 },
            ],
          },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 3 ? throttle(2, v >= 4) : {}),
        responses: [
          {
            topic: 't1',
            partitions: [
              { partition: 0, errorCode: 0 },
              { partition: 1, errorCode: 0 },
            ],
          },
        ],
      }),
    },
  },
  {
    api: 'OffsetCommit',
    variant: 'edge values: UTF-8, empty and null strings, extreme int64',
    decl: OffsetCommit,
    kjs: 'offsetCommit',
    args: () => ({
      groupId: 'grüppe-€-😀',
      groupGenerationId: -1,
      memberId: '',
      retentionTime: -1,
      topics: [
        {
          topic: 'tøpic-😀',
          partitions: [
            { partition: 0, offset: String(Number.MAX_SAFE_INTEGER), timestamp: String(Number.MAX_SAFE_INTEGER), metadata: 'møta-😀' },
            { partition: 2147483647, offset: String(-(2 ** 40 + 5)), timestamp: -1, metadata: '' },
            { partition: 1, offset: '0', timestamp: String(-(2 ** 52)), metadata: null },
          ],
        },
      ],
    }),
    request: (v) => ({
      groupId: 'grüppe-€-😀',
      generationIdOrMemberEpoch: when(v >= 1, -1),
      memberId: when(v >= 1, ''),
      retentionTimeMs: when(v >= 2 && v <= 4, -1),
      topics: [
        {
          name: 'tøpic-😀',
          partitions: [
            { partitionIndex: 0, committedOffset: Number.MAX_SAFE_INTEGER, commitTimestamp: when(v === 1, Number.MAX_SAFE_INTEGER), committedMetadata: 'møta-😀' },
            { partitionIndex: 2147483647, committedOffset: -(2 ** 40 + 5), commitTimestamp: when(v === 1, -1), committedMetadata: '' },
            { partitionIndex: 1, committedOffset: 0, commitTimestamp: when(v === 1, -(2 ** 52)), committedMetadata: null },
          ],
        },
      ],
    }),
    response: {
      ours: () => ({ throttleTimeMs: 0, topics: [{ name: 'tøpic-😀', partitions: [{ partitionIndex: 2147483647, errorCode: 0 }] }] }),
      kjs: (v) => ({
        ...(v >= 3 ? throttle(0, v >= 4) : {}),
        responses: [{ topic: 'tøpic-😀', partitions: [{ partition: 2147483647, errorCode: 0 }] }],
      }),
    },
  },
  {
    api: 'OffsetFetch',
    decl: OffsetFetch,
    kjs: 'offsetFetch',
    args: () => ({
      groupId: 'g1',
      topics: [
        { topic: 't1', partitions: [{ partition: 0 }, { partition: 2 }] },
        { topic: 't2', partitions: [{ partition: 1 }] },
      ],
    }),
    request: () => ({
      groupId: 'g1',
      topics: [
        { name: 't1', partitionIndexes: [0, 2] },
        { name: 't2', partitionIndexes: [1] },
      ],
    }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 1,
        topics: [
          {
            name: 't1',
            partitions: [
              { partitionIndex: 0, committedOffset: BIG, metadata: 'meta', errorCode: 0 },
              { partitionIndex: 2, committedOffset: -1, metadata: null, errorCode: 0 },
            ],
          },
        ],
        errorCode: when(v >= 2, 0),
      }),
      kjs: (v) => ({
        ...(v >= 3 ? throttle(1, v >= 4) : {}),
        responses: [
          {
            topic: 't1',
            partitions: [
              { partition: 0, offset: BIGS, metadata: 'meta', errorCode: 0 },
              { partition: 2, offset: '-1', metadata: null, errorCode: 0 },
            ],
          },
        ],
        ...(v >= 2 ? { errorCode: 0 } : {}),
      }),
    },
  },
  {
    api: 'OffsetFetch',
    variant: 'all topics: kafkajs writes [] as a null array from v3',
    decl: OffsetFetch,
    kjs: 'offsetFetch',
    args: () => ({ groupId: 'g1', topics: [] }),
    request: (v) => ({ groupId: 'g1', topics: v >= 3 ? null : [] }),
  },
  {
    api: 'FindCoordinator',
    decl: FindCoordinator,
    kjs: 'findCoordinator',
    args: () => ({ groupId: 'tx-1', coordinatorType: 1 }),
    request: (v) => ({ key: 'tx-1', keyType: when(v >= 1, 1) }),
    response: {
      ours: (v) => ({ throttleTimeMs: 6, errorCode: 0, errorMessage: when(v >= 1, null), nodeId: 3, host: 'broker-3.local', port: 19092 }),
      kjs: (v) => ({
        ...(v >= 1 ? { ...throttle(6, v >= 2), errorMessage: null } : {}),
        errorCode: 0,
        coordinator: { nodeId: 3, host: 'broker-3.local', port: 19092 },
      }),
    },
  },
  {
    api: 'JoinGroup',
    decl: JoinGroup,
    kjs: 'joinGroup',
    args: () => ({
      groupId: 'g1',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      groupProtocols: [
        { name: 'RoundRobinAssigner', metadata: META },
        { name: 'range', metadata: META2 },
      ],
    }),
    request: (v) => ({
      groupId: 'g1',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: when(v >= 1, 60000),
      memberId: '',
      groupInstanceId: when(v >= 5, 'instance-1'),
      protocolType: 'consumer',
      protocols: [
        { name: 'RoundRobinAssigner', metadata: META },
        { name: 'range', metadata: META2 },
      ],
    }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 11,
        errorCode: 0,
        generationId: 5,
        protocolName: 'RoundRobinAssigner',
        leader: 'member-1',
        memberId: 'member-1',
        members: [
          { memberId: 'member-1', groupInstanceId: when(v >= 5, 'instance-1'), metadata: META },
          { memberId: 'member-2', groupInstanceId: when(v >= 5, null), metadata: META2 },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 2 ? throttle(11, v >= 3) : {}),
        errorCode: 0,
        generationId: 5,
        groupProtocol: 'RoundRobinAssigner',
        leaderId: 'member-1',
        memberId: 'member-1',
        members: [
          { memberId: 'member-1', ...(v >= 5 ? { groupInstanceId: 'instance-1' } : {}), memberMetadata: META },
          { memberId: 'member-2', ...(v >= 5 ? { groupInstanceId: null } : {}), memberMetadata: META2 },
        ],
      }),
    },
  },
  {
    api: 'JoinGroup',
    variant: 'edge values: empty protocol metadata (kafkajs default), follower response without members',
    decl: JoinGroup,
    kjs: 'joinGroup',
    args: () => ({
      groupId: 'g',
      sessionTimeout: 6000,
      rebalanceTimeout: 6000,
      memberId: 'm',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'p' }],
    }),
    request: (v) => ({
      groupId: 'g',
      sessionTimeoutMs: 6000,
      rebalanceTimeoutMs: when(v >= 1, 6000),
      memberId: 'm',
      groupInstanceId: when(v >= 5, null),
      protocolType: 'consumer',
      protocols: [{ name: 'p', metadata: Buffer.alloc(0) }],
    }),
    response: {
      ours: () => ({ throttleTimeMs: 0, errorCode: 0, generationId: 2147483647, protocolName: 'p', leader: 'other', memberId: 'm', members: [] }),
      kjs: (v) => ({
        ...(v >= 2 ? throttle(0, v >= 3) : {}),
        errorCode: 0,
        generationId: 2147483647,
        groupProtocol: 'p',
        leaderId: 'other',
        memberId: 'm',
        members: [],
      }),
    },
  },
  {
    api: 'SyncGroup',
    decl: SyncGroup,
    kjs: 'syncGroup',
    args: () => ({
      groupId: 'g1',
      generationId: 5,
      memberId: 'member-1',
      groupInstanceId: 'instance-1',
      groupAssignment: [
        { memberId: 'member-1', memberAssignment: ASSIGN1 },
        { memberId: 'member-2', memberAssignment: ASSIGN2 },
      ],
    }),
    request: (v) => ({
      groupId: 'g1',
      generationId: 5,
      memberId: 'member-1',
      groupInstanceId: when(v >= 3, 'instance-1'),
      assignments: [
        { memberId: 'member-1', assignment: ASSIGN1 },
        { memberId: 'member-2', assignment: ASSIGN2 },
      ],
    }),
    response: {
      ours: () => ({ throttleTimeMs: 8, errorCode: 0, assignment: ASSIGN1 }),
      kjs: (v) => ({ ...(v >= 1 ? throttle(8, v >= 2) : {}), errorCode: 0, memberAssignment: ASSIGN1 }),
    },
  },
  {
    api: 'Heartbeat',
    decl: Heartbeat,
    kjs: 'heartbeat',
    args: () => ({ groupId: 'g1', groupGenerationId: 5, memberId: 'member-1', groupInstanceId: 'instance-1' }),
    request: (v) => ({ groupId: 'g1', generationId: 5, memberId: 'member-1', groupInstanceId: when(v >= 3, 'instance-1') }),
    response: {
      ours: () => ({ throttleTimeMs: 2, errorCode: 0 }),
      kjs: (v) => ({ ...(v >= 1 ? throttle(2, v >= 2) : {}), errorCode: 0 }),
    },
  },
  {
    api: 'LeaveGroup',
    decl: LeaveGroup,
    kjs: 'leaveGroup',
    args: () => ({ groupId: 'g1', memberId: 'member-1', groupInstanceId: 'instance-1' }),
    request: (v) =>
      v <= 2 ? { groupId: 'g1', memberId: 'member-1' } : { groupId: 'g1', members: [{ memberId: 'member-1', groupInstanceId: 'instance-1' }] },
    response: {
      ours: (v) => ({
        throttleTimeMs: 3,
        errorCode: 0,
        members: when(v >= 3, [{ memberId: 'member-1', groupInstanceId: 'instance-1', errorCode: 0 }]),
      }),
      kjs: (v) => ({
        ...(v >= 1 ? throttle(3, v >= 2) : {}),
        errorCode: 0,
        ...(v >= 3 ? { members: [{ memberId: 'member-1', groupInstanceId: 'instance-1', errorCode: 0 }] } : {}),
      }),
    },
  },
  {
    api: 'DescribeGroups',
    decl: DescribeGroups,
    kjs: 'describeGroups',
    args: () => ({ groupIds: ['g1', 'g2'] }),
    request: () => ({ groups: ['g1', 'g2'] }),
    response: {
      ours: () => ({
        throttleTimeMs: 1,
        groups: [
          {
            errorCode: 0,
            groupId: 'g1',
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'RoundRobinAssigner',
            members: [{ memberId: 'member-1', clientId: 'c1', clientHost: '/10.0.0.1', memberMetadata: META, memberAssignment: ASSIGN1 }],
          },
          { errorCode: 0, groupId: 'g2', groupState: 'Empty', protocolType: '', protocolData: '', members: [] },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 1 ? throttle(1, v >= 2) : {}),
        groups: [
          {
            errorCode: 0,
            groupId: 'g1',
            state: 'Stable',
            protocolType: 'consumer',
            protocol: 'RoundRobinAssigner',
            members: [{ memberId: 'member-1', clientId: 'c1', clientHost: '/10.0.0.1', memberMetadata: META, memberAssignment: ASSIGN1 }],
          },
          { errorCode: 0, groupId: 'g2', state: 'Empty', protocolType: '', protocol: '', members: [] },
        ],
      }),
    },
  },
  {
    api: 'ListGroups',
    decl: ListGroups,
    kjs: 'listGroups',
    args: () => ({}),
    request: () => ({}),
    response: {
      ours: () => ({
        throttleTimeMs: 4,
        errorCode: 0,
        groups: [
          { groupId: 'g1', protocolType: 'consumer' },
          { groupId: 'connect-x', protocolType: 'connect' },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 1 ? throttle(4, v >= 2) : {}),
        errorCode: 0,
        groups: [
          { groupId: 'g1', protocolType: 'consumer' },
          { groupId: 'connect-x', protocolType: 'connect' },
        ],
      }),
    },
  },
  {
    api: 'DeleteGroups',
    decl: DeleteGroups,
    kjs: 'deleteGroups',
    args: () => ['g1', 'g2'],
    request: () => ({ groupsNames: ['g1', 'g2'] }),
    response: {
      ours: () => ({
        throttleTimeMs: 5,
        results: [
          { groupId: 'g1', errorCode: 0 },
          { groupId: 'g2', errorCode: 0 },
        ],
      }),
      // v1: kafkajs reads `decoded.throttleTime`, which its v0 decoder never sets (see header comment).
      kjs: (v) => ({
        throttleTimeMs: 5,
        results: [
          { groupId: 'g1', errorCode: 0 },
          { groupId: 'g2', errorCode: 0 },
        ],
        ...(v >= 1 ? { throttleTime: 0, clientSideThrottleTime: undefined } : {}),
      }),
    },
  },
  {
    api: 'CreateTopics',
    decl: CreateTopics,
    kjs: 'createTopics',
    args: () => ({
      topics: [
        {
          topic: 't1',
          numPartitions: 3,
          replicationFactor: 2,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        {
          topic: 't2',
          replicaAssignment: [
            { partition: 0, replicas: [1, 2] },
            { partition: 1, replicas: [2, 3] },
          ],
        },
      ],
      timeout: 10000,
      validateOnly: true,
    }),
    request: (v) => ({
      topics: [
        {
          name: 't1',
          numPartitions: 3,
          replicationFactor: 2,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        {
          name: 't2',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [1, 2] },
            { partitionIndex: 1, brokerIds: [2, 3] },
          ],
          configs: [],
        },
      ],
      timeoutMs: 10000,
      validateOnly: when(v >= 1, true),
    }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 6,
        topics: [
          { name: 't2', errorCode: 0, errorMessage: when(v >= 1, null) },
          { name: 't1', errorCode: 0, errorMessage: when(v >= 1, null) },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 2 ? throttle(6, v >= 3) : {}),
        topicErrors: [
          { topic: 't1', errorCode: 0, ...(v >= 1 ? { errorMessage: null } : {}) },
          { topic: 't2', errorCode: 0, ...(v >= 1 ? { errorMessage: null } : {}) },
        ],
      }),
    },
  },
  {
    api: 'DeleteTopics',
    decl: DeleteTopics,
    kjs: 'deleteTopics',
    args: () => ({ topics: ['t1', 't2'], timeout: 15000 }),
    request: () => ({ topicNames: ['t1', 't2'], timeoutMs: 15000 }),
    response: {
      ours: () => ({
        throttleTimeMs: 2,
        responses: [
          { name: 't2', errorCode: 0 },
          { name: 't1', errorCode: 0 },
        ],
      }),
      kjs: (v) => ({
        ...(v >= 1 ? throttle(2, true) : {}),
        topicErrors: [
          { topic: 't1', errorCode: 0 },
          { topic: 't2', errorCode: 0 },
        ],
      }),
    },
  },
  {
    api: 'CreatePartitions',
    decl: CreatePartitions,
    kjs: 'createPartitions',
    args: () => ({
      topicPartitions: [
        { topic: 't1', count: 6, assignments: [[1, 2], [2, 3]] },
        { topic: 't2', count: 4 },
      ],
      timeout: 8000,
      validateOnly: false,
    }),
    request: () => ({
      topics: [
        { name: 't1', count: 6, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
        { name: 't2', count: 4, assignments: null },
      ],
      timeoutMs: 8000,
      validateOnly: false,
    }),
    response: {
      ours: () => ({
        throttleTimeMs: 3,
        results: [
          { name: 't1', errorCode: 0, errorMessage: null },
          { name: 't2', errorCode: 0, errorMessage: null },
        ],
      }),
      kjs: (v) => ({
        ...throttle(3, v >= 1),
        topicErrors: [
          { topic: 't1', errorCode: 0, errorMessage: null },
          { topic: 't2', errorCode: 0, errorMessage: null },
        ],
      }),
    },
  },
  {
    api: 'DescribeConfigs',
    decl: DescribeConfigs,
    kjs: 'describeConfigs',
    args: () => ({
      resources: [
        { type: 2, name: 't1', configNames: ['cleanup.policy', 'retention.ms'] },
        { type: 4, name: '1' },
      ],
      includeSynonyms: true,
    }),
    request: (v) => ({
      resources: [
        { resourceType: 2, resourceName: 't1', configurationKeys: ['cleanup.policy', 'retention.ms'] },
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ],
      includeSynonyms: when(v >= 1, true),
    }),
    response: {
      ours: (v) => ({
        throttleTimeMs: 12,
        results: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 2,
            resourceName: 't1',
            configs: [
              {
                name: 'cleanup.policy',
                value: 'compact',
                readOnly: false,
                isDefault: when(v === 0, false),
                configSource: when(v >= 1, 1),
                isSensitive: false,
                synonyms: when(v >= 1, [
                  { name: 'cleanup.policy', value: 'compact', source: 1 },
                  { name: 'log.cleanup.policy', value: 'delete', source: 5 },
                ]),
              },
              {
                name: 'retention.ms',
                value: '604800000',
                readOnly: false,
                isDefault: when(v === 0, true),
                configSource: when(v >= 1, 5),
                isSensitive: false,
                synonyms: when(v >= 1, []),
              },
            ],
          },
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 4,
            resourceName: '1',
            configs: [
              {
                name: 'sasl.jaas.config',
                value: null,
                readOnly: true,
                isDefault: when(v === 0, false),
                configSource: when(v >= 1, 4),
                isSensitive: true,
                synonyms: when(v >= 1, [{ name: 'sasl.jaas.config', value: null, source: 4 }]),
              },
            ],
          },
        ],
      }),
      kjs: (v) => {
        const entry = (configName: string, configValue: string | null, readOnly: boolean, configSource: number, isSensitive: boolean, syn: unknown[]) => ({
          configName,
          configValue,
          readOnly,
          isDefault: configSource === 5,
          configSource,
          isSensitive,
          ...(v >= 1 ? { configSynonyms: syn } : {}),
        });
        return {
          ...throttle(12, v >= 2),
          resources: [
            {
              errorCode: 0,
              errorMessage: null,
              resourceType: 2,
              resourceName: 't1',
              configEntries: [
                entry('cleanup.policy', 'compact', false, 1, false, [
                  { configName: 'cleanup.policy', configValue: 'compact', configSource: 1 },
                  { configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 },
                ]),
                entry('retention.ms', '604800000', false, 5, false, []),
              ],
            },
            {
              errorCode: 0,
              errorMessage: null,
              resourceType: 4,
              resourceName: '1',
              configEntries: [entry('sasl.jaas.config', null, true, 4, true, [{ configName: 'sasl.jaas.config', configValue: null, configSource: 4 }])],
            },
          ],
        };
      },
    },
  },
  {
    api: 'AlterConfigs',
    decl: AlterConfigs,
    kjs: 'alterConfigs',
    args: () => ({
      resources: [
        {
          type: 2,
          name: 't1',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '1000' },
          ],
        },
        { type: 4, name: '1', configEntries: [] },
      ],
      validateOnly: true,
    }),
    request: () => ({
      resources: [
        {
          resourceType: 2,
          resourceName: 't1',
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: '1000' },
          ],
        },
        { resourceType: 4, resourceName: '1', configs: [] },
      ],
      validateOnly: true,
    }),
    response: {
      ours: () => ({
        throttleTimeMs: 1,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't1' },
          { errorCode: 0, errorMessage: '', resourceType: 4, resourceName: '1' },
        ],
      }),
      kjs: (v) => ({
        ...throttle(1, v >= 1),
        resources: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't1' },
          { errorCode: 0, errorMessage: '', resourceType: 4, resourceName: '1' },
        ],
      }),
    },
  },
  {
    api: 'DeleteRecords',
    decl: DeleteRecords,
    kjs: 'deleteRecords',
    args: () => ({
      topics: [
        {
          topic: 't1',
          partitions: [
            { partition: 0, offset: BIGS },
            { partition: 1, offset: '-1' },
          ],
        },
      ],
      timeout: 3000,
    }),
    request: () => ({
      topics: [
        {
          name: 't1',
          partitions: [
            { partitionIndex: 0, offset: BIG },
            { partitionIndex: 1, offset: -1 },
          ],
        },
      ],
      timeoutMs: 3000,
    }),
    response: {
      ours: () => ({
        throttleTimeMs: 2,
        topics: [
          {
            name: 't1',
            partitions: [
              { partitionIndex: 0, lowWatermark: BIG, errorCode: 0 },
              { partitionIndex: 1, lowWatermark: 77, errorCode: 0 },
            ],
          },
        ],
      }),
      kjs: (v) => ({
        ...throttle(2, v >= 1),
        topics: [
          {
            topic: 't1',
            partitions: [
              { partition: 0, lowWatermark: BigInt(BIG), errorCode: 0 },
              { partition: 1, lowWatermark: 77n, errorCode: 0 },
            ],
          },
        ],
      }),
    },
  },
  {
    api: 'InitProducerId',
    decl: InitProducerId,
    kjs: 'initProducerId',
    args: () => ({ transactionalId: 'tx-1', transactionTimeout: 60000 }),
    request: () => ({ transactionalId: 'tx-1', transactionTimeoutMs: 60000 }),
    response: {
      ours: () => ({ throttleTimeMs: 4, errorCode: 0, producerId: BIG, producerEpoch: 2 }),
      kjs: (v) => ({ ...throttle(4, v >= 1), errorCode: 0, producerId: BIGS, producerEpoch: 2 }),
    },
  },
  {
    api: 'InitProducerId',
    variant: 'idempotent producer: null transactional id',
    decl: InitProducerId,
    kjs: 'initProducerId',
    args: () => ({ transactionTimeout: 5000 }),
    request: () => ({ transactionalId: null, transactionTimeoutMs: 5000 }),
  },
  {
    api: 'SaslHandshake',
    decl: SaslHandshake,
    kjs: 'saslHandshake',
    args: () => ({ mechanism: 'SCRAM-SHA-256' }),
    request: () => ({ mechanism: 'SCRAM-SHA-256' }),
    response: {
      ours: () => ({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }),
      kjs: () => ({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }),
    },
  },
  {
    api: 'SaslAuthenticate',
    decl: SaslAuthenticate,
    kjs: 'saslAuthenticate',
    // kafkajs takes the auth bytes already framed as BYTES (see header comment).
    args: () => ({ authBytes: kjsFramedBytes(buf('\0user\0secret')) }),
    request: () => ({ authBytes: buf('\0user\0secret') }),
    response: {
      ours: (v) => ({ errorCode: 0, errorMessage: null, authBytes: buf('server-final'), sessionLifetimeMs: when(v >= 1, 3_600_000) }),
      kjs: (v) => ({
        errorCode: 0,
        errorMessage: null,
        authBytes: kjsFramedBytes(buf('server-final')),
        ...(v >= 1 ? { sessionLifetimeMs: '3600000' } : {}),
      }),
    },
  },
];

// --- the tests ---------------------------------------------------------------------------------------

const CORRELATION_ID = 0x1234;

for (const c of CASES) {
  const codec = new ApiCodec(c.decl);
  const kapi = kjsApi(c.kjs);
  const versions = c.versions ?? kapi.versions.map(Number);
  const protocol = (v: number) => kapi.protocol({ version: v })(c.args(v));

  describe(`kafkajs interop: ${c.api}${c.variant ? ` (${c.variant})` : ''}`, () => {
    for (const v of versions) {
      if (c.request) {
        const ours = c.request;
        const expected = (): any => complete(c.decl.request, ours(v), v);

        it(`v${v} request: kafkajs → ours`, async () => {
          const p = protocol(v);
          expect(p.request.apiKey).toBe(c.decl.key);
          expect(p.request.apiVersion).toBe(v);
          const body = await kjsEncodeRequest(p);
          const r = new Reader(body);
          const decoded = codec.decodeRequest(r, v);
          expect(r.remaining).toBe(0);
          expect(decoded).toEqual(expected());
        });

        it(`v${v} request: ours bytes = kafkajs bytes`, async () => {
          const body = await kjsEncodeRequest(protocol(v));
          expect(codec.encodeRequest(ours(v), v).toString('hex')).toBe(body.toString('hex'));
        });

        it(`v${v} request frame: kafkajs → ours`, async () => {
          const p = protocol(v);
          const frame: Buffer = (await kjsCreateRequest({ correlationId: CORRELATION_ID + v, clientId: CLIENT_ID, request: p.request })).buffer;
          expect(frame.readInt32BE(0)).toBe(frame.length - 4);
          const d = decodeRequestFrame(frame.subarray(4));
          expect(d.header).toEqual({ apiKey: c.decl.key, apiVersion: v, correlationId: CORRELATION_ID + v, clientId: CLIENT_ID });
          expect(d.api.name).toBe(c.decl.name);
          expect(d.body).toEqual(expected());
          expect(encodeRequestFrame(d.header, ours(v)).toString('hex')).toBe(frame.toString('hex'));
        });
      }

      if (c.response) {
        const res = c.response;

        it(`v${v} response: ours → kafkajs`, async () => {
          const body = codec.encodeResponse(res.ours(v), v);
          const p = protocol(v);
          const decoded = await p.response.decode(body);
          expect(decoded).toEqual(res.kjs(v));
          expect(kjsBytesLeft(body)).toBe(0);
          await expect(p.response.parse(decoded)).resolves.toBeDefined();
        });

        it(`v${v} response frame: ours → kafkajs`, async () => {
          const frame = encodeResponseFrame(c.decl.key, v, CORRELATION_ID + v, res.ours(v));
          // As kafkajs's Connection.processData: int32 size, then correlation id, then the payload.
          const outer = new KjsDecoder(frame);
          const size = outer.readInt32();
          expect(size).toBe(frame.length - 4);
          const response = new KjsDecoder(outer.readBytes(size));
          expect(response.readInt32()).toBe(CORRELATION_ID + v);
          const payload: Buffer = response.readAll();
          expect(await protocol(v).response.decode(payload)).toEqual(res.kjs(v));
        });
      }
    }
  });
}

describe('kafkajs interop: Produce records', () => {
  const codec = new ApiCodec(Produce);
  const kapi = kjsApi('produce');
  const extract = async (v: number) => {
    const decoded = codec.decodeRequest(await kjsEncodeRequest(kapi.protocol({ version: v })(PRODUCE_ARGS)), v);
    expect(decoded.topicData.map((t) => t.partitionData.length)).toEqual(PRODUCE_TOPIC_DATA.map((t) => t.partitions.length));
    return PRODUCE_TOPIC_DATA.flatMap((t, ti) =>
      t.partitions.map((part, pi) => ({ part, blob: decoded.topicData[ti]!.partitionData[pi]!.records as Buffer })),
    );
  };

  for (const v of kapi.versions.map(Number)) {
    it(`v${v} request: the records ours extracts decode (kafkajs's decoders) to the messages sent`, async () => {
      for (const { part, blob } of await extract(v)) {
        expect(blob).not.toBeNull();
        const msgs = await kjsDecodeRecords(v, blob);
        expect(msgs.map((m) => ({ key: m.key, value: m.value }))).toEqual(part.messages.map((m) => ({ key: m.key, value: m.value })));
        if (v >= 2) expect(msgs.map((m) => m.timestamp)).toEqual(part.messages.map((m) => String(m.timestamp)));
        if (v >= 3) {
          expect(msgs.map((m) => m.offset)).toEqual(part.messages.map((_, i) => String(i)));
          expect(msgs[0].batchContext).toMatchObject({
            firstSequence: part.firstSequence,
            inTransaction: true,
            producerId: String(PRODUCER_ID),
            producerEpoch: PRODUCER_EPOCH,
          });
        }
      }
    });

    // client/records (record batch v2 and legacy message sets) decodes what kafkajs produced.
    it(`v${v} request: the records ours extracts decode (client/records) to the messages sent`, async () => {
      const { decodeBatches } = await import('../../client/records/index.js');
      for (const { part, blob } of await extract(v)) {
        const { batches, partialBytes } = await decodeBatches(blob);
        expect(partialBytes).toBe(0);
        const records = batches.flatMap((b) => b.records);
        expect(records.map((r) => ({ key: r.key, value: r.value }))).toEqual(part.messages.map((m) => ({ key: m.key, value: m.value })));
        if (v <= 1) {
          expect(batches.map((b) => b.magic)).toEqual(part.messages.map(() => 0));
          // kafkajs's v0/v1 message set: inner offsets 0, 1, ... (see the header comment)
          expect(records.map((r) => r.offset)).toEqual(part.messages.map((_, i) => i));
        } else if (v === 2) {
          expect(batches.map((b) => b.magic)).toEqual(part.messages.map(() => 1));
          expect(records.map((r) => r.timestamp)).toEqual(part.messages.map((m) => m.timestamp));
        } else {
          expect(batches).toHaveLength(1);
          expect(batches[0]).toMatchObject({
            magic: 2,
            baseOffset: 0,
            partitionLeaderEpoch: 0,
            compression: 0,
            isTransactional: true,
            isControl: false,
            producerId: PRODUCER_ID,
            producerEpoch: PRODUCER_EPOCH,
            baseSequence: part.firstSequence,
            lastOffsetDelta: part.messages.length - 1,
            baseTimestamp: part.messages[0]!.timestamp,
            maxTimestamp: Math.max(...part.messages.map((m) => m.timestamp)),
            recordCount: part.messages.length,
          });
          expect(records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, headers: r.headers.map((h) => ({ key: h.key, value: h.value })) }))).toEqual(
            part.messages.map((m, i) => ({
              offset: i,
              timestamp: m.timestamp,
              headers: Object.entries(m.headers ?? {}).map(([key, hv]) => ({ key, value: buf(hv) })),
            })),
          );
        }
      }
    });
  }
});

// --- error responses: decoded by kafkajs, and its parse rejects with the matching Kafka error --------

interface ErrorCase {
  api: string;
  decl: ApiDeclaration<any, any>;
  kjs: string;
  versions: number[];
  args: (v: number) => any;
  ours: (v: number) => any;
  /** What kafkajs's decode returns (its parse must then reject). */
  kjsDecoded: (v: number) => any;
  /** What kafkajs's parse rejects with. */
  rejects: Record<string, unknown>;
}

const ERROR_CASES: ErrorCase[] = [
  {
    api: 'Heartbeat REBALANCE_IN_PROGRESS (27)',
    decl: Heartbeat,
    kjs: 'heartbeat',
    versions: [0, 1, 2, 3],
    args: () => ({ groupId: 'g1', groupGenerationId: 5, memberId: 'm' }),
    ours: () => ({ throttleTimeMs: 0, errorCode: 27 }),
    kjsDecoded: (v) => ({ ...(v >= 1 ? throttle(0, v >= 2) : {}), errorCode: 27 }),
    rejects: { name: 'KafkaJSProtocolError', type: 'REBALANCE_IN_PROGRESS', code: 27 },
  },
  {
    api: 'Produce NOT_LEADER_OR_FOLLOWER (6)',
    decl: Produce,
    kjs: 'produce',
    versions: [3, 5, 7],
    args: () => ({ acks: -1, timeout: 1000, topicData: [] }),
    ours: (v) => ({
      responses: [{ name: 't1', partitionResponses: [{ index: 3, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: when(v >= 5, -1) }] }],
      throttleTimeMs: 0,
    }),
    kjsDecoded: (v) => ({
      topics: [
        { topicName: 't1', partitions: [{ partition: 3, errorCode: 6, baseOffset: '-1', logAppendTime: '-1', ...(v >= 5 ? { logStartOffset: '-1' } : {}) }] },
      ],
      ...throttle(0, v >= 6),
    }),
    rejects: { name: 'KafkaJSProtocolError', type: 'NOT_LEADER_FOR_PARTITION', code: 6 },
  },
  {
    api: 'Metadata UNKNOWN_TOPIC_OR_PARTITION (3)',
    decl: Metadata,
    kjs: 'metadata',
    versions: [0, 6],
    args: () => ({ topics: ['missing'] }),
    ours: () => ({ brokers: [], topics: [{ errorCode: 3, name: 'missing', partitions: [] }] }),
    kjsDecoded: (v) =>
      v === 0
        ? { brokers: [], topicMetadata: [{ topicErrorCode: 3, topic: 'missing', partitionMetadata: [] }] }
        : {
            ...throttle(0, true),
            brokers: [],
            clusterId: null,
            controllerId: -1,
            topicMetadata: [{ topicErrorCode: 3, topic: 'missing', isInternal: false, partitionMetadata: [] }],
          },
    rejects: { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3 },
  },
  {
    api: 'JoinGroup MEMBER_ID_REQUIRED (79), member id handed back',
    decl: JoinGroup,
    kjs: 'joinGroup',
    versions: [4, 5],
    args: () => ({ groupId: 'g1', sessionTimeout: 10000, rebalanceTimeout: 10000, memberId: '', protocolType: 'consumer', groupProtocols: [] }),
    ours: () => ({ throttleTimeMs: 0, errorCode: 79, generationId: -1, protocolName: '', leader: '', memberId: 'client-1-4f2a', members: [] }),
    kjsDecoded: () => ({
      ...throttle(0, true),
      errorCode: 79,
      generationId: -1,
      groupProtocol: '',
      leaderId: '',
      memberId: 'client-1-4f2a',
      members: [],
    }),
    rejects: { name: 'KafkaJSMemberIdRequired', type: 'MEMBER_ID_REQUIRED', memberId: 'client-1-4f2a' },
  },
  {
    api: 'SaslAuthenticate SASL_AUTHENTICATION_FAILED (58) with message',
    decl: SaslAuthenticate,
    kjs: 'saslAuthenticate',
    versions: [0, 1],
    args: () => ({ authBytes: kjsFramedBytes(buf('x')) }),
    ours: () => ({ errorCode: 58, errorMessage: 'Authentication failed: Invalid username or password', authBytes: Buffer.alloc(0) }),
    kjsDecoded: (v) => ({
      errorCode: 58,
      errorMessage: 'Authentication failed: Invalid username or password',
      authBytes: kjsFramedBytes(Buffer.alloc(0)),
      ...(v >= 1 ? { sessionLifetimeMs: '0' } : {}),
    }),
    rejects: { name: 'KafkaJSProtocolError', type: 'SASL_AUTHENTICATION_FAILED', message: 'Authentication failed: Invalid username or password' },
  },
  {
    api: 'ListGroups UNKNOWN_SERVER_ERROR (-1)',
    decl: ListGroups,
    kjs: 'listGroups',
    versions: [0, 2],
    args: () => ({}),
    ours: () => ({ throttleTimeMs: 0, errorCode: -1, groups: [] }),
    kjsDecoded: (v) => ({ ...(v >= 1 ? throttle(0, v >= 2) : {}), errorCode: -1, groups: [] }),
    rejects: { name: 'KafkaJSProtocolError', type: 'UNKNOWN', code: -1 },
  },
];

describe('kafkajs interop: error responses', () => {
  for (const c of ERROR_CASES) {
    const codec = new ApiCodec(c.decl);
    for (const v of c.versions) {
      it(`${c.api}: v${v} response ours → kafkajs, parse rejects`, async () => {
        const body = codec.encodeResponse(c.ours(v), v);
        const p = kjsApi(c.kjs).protocol({ version: v })(c.args(v));
        const decoded = await p.response.decode(body);
        expect(decoded).toEqual(c.kjsDecoded(v));
        expect(kjsBytesLeft(body)).toBe(0);
        await expect(p.response.parse(decoded)).rejects.toMatchObject(c.rejects);
      });
    }
  }

  // KIP-511: a broker answers an ApiVersions version it does not support with UNSUPPORTED_VERSION and
  // a v0 body (frames.ts). kafkajs's decoders check the error code first and throw, which is how
  // kafkajs's Connection learns to retry with a lower ApiVersions version.
  for (const v of [0, 1, 2]) {
    it(`ApiVersions UNSUPPORTED_VERSION (35): v${v} response frame (v0 body) → kafkajs decode rejects`, async () => {
      const frame = encodeResponseFrame(ApiVersions.key, v, 9, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 });
      const payload = frame.subarray(8);
      expect(payload.length).toBe(2 + 4 + 6); // v0 body: error code, array of one ApiVersion, no throttle time
      await expect(kjsApi('apiVersions').protocol({ version: v })({}).response.decode(payload)).rejects.toMatchObject({
        name: 'KafkaJSProtocolError',
        type: 'UNSUPPORTED_VERSION',
      });
    });
  }
});

// --- Fetch null records: a kafkajs limitation the broker must respect ----------------------------------

describe('kafkajs interop: Fetch null records', () => {
  const codec = new ApiCodec(Fetch);
  const body = (v: number) =>
    codec.encodeResponse(
      {
        responses: [
          {
            topic: 't',
            partitions: [
              { partitionIndex: 0, errorCode: 0, highWatermark: 1, records: null },
              { partitionIndex: 1, errorCode: 0, highWatermark: 2, records: Buffer.alloc(0) },
            ],
          },
        ],
      },
      v,
    );
  // Our codec writes a null RECORDS as length -1, as Kafka does (records are nullable in every version).
  // kafkajs's v0-3 decoder (MessageSetDecoder) then moves its offset back by one byte and reads the next
  // partition out of alignment; from v4 (decodeMessages) it treats -1 as no records. So a broker that
  // serves kafkajs must send EMPTY records (length 0), never null, at least for Fetch v0-3.
  for (const v of [0, 1, 2, 3]) {
    it(`v${v}: kafkajs mis-reads the partition after null records (so a broker must send empty records)`, async () => {
      const decoded = await kjsApi('fetch').protocol({ version: v })({}).response.decode(body(v));
      expect(decoded.responses[0].partitions[0]).toMatchObject({ partition: 0, messages: [] });
      expect(decoded.responses[0].partitions[1].partition).not.toBe(1);
    });
  }
  for (const v of [4, 7, 11]) {
    it(`v${v}: kafkajs reads null records as no messages`, async () => {
      const b = body(v);
      const decoded = await kjsApi('fetch').protocol({ version: v })({}).response.decode(b);
      expect(decoded.responses[0].partitions.map((p: any) => [p.partition, p.highWatermark, p.messages])).toEqual([
        [0, '1', []],
        [1, '2', []],
      ]);
      expect(kjsBytesLeft(b)).toBe(0);
    });
  }
});

describe('kafkajs interop: coverage', () => {
  const EXPECTED: Record<string, string> = {
    apiVersions: '0-2',
    metadata: '0-6',
    produce: '0-7',
    fetch: '0-11',
    listOffsets: '0-3',
    findCoordinator: '0-2',
    joinGroup: '0-5',
    syncGroup: '0-3',
    heartbeat: '0-3',
    leaveGroup: '0-3',
    offsetCommit: '0-5',
    offsetFetch: '1-4',
    describeGroups: '0-2',
    listGroups: '0-2',
    deleteGroups: '0-1',
    createTopics: '0-3',
    deleteTopics: '0-1',
    createPartitions: '0-1',
    describeConfigs: '0-2',
    alterConfigs: '0-1',
    deleteRecords: '0-1',
    initProducerId: '0-1',
    saslHandshake: '0-1',
    saslAuthenticate: '0-1',
  };
  it('every kafkajs version of the 24 APIs is exercised in both directions, and our declarations support it', () => {
    for (const [dir, range] of Object.entries(EXPECTED)) {
      const kv = kjsApi(dir).versions.map(Number);
      const [lo, hi] = range.split('-').map(Number) as [number, number];
      expect(kv, dir).toEqual(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
      const cases = CASES.filter((c) => c.kjs === dir);
      for (const v of kv) {
        expect(cases.some((c) => c.request && (c.versions ?? kv).includes(v)), `${dir} v${v} request`).toBe(true);
        expect(cases.some((c) => c.response && (c.versions ?? kv).includes(v)), `${dir} v${v} response`).toBe(true);
        expect(new ApiCodec(cases[0]!.decl).supports(v), `${dir} v${v} declared`).toBe(true);
      }
    }
  });
});
