/**
 * Round trips of the data-path APIs (Produce, Fetch, ListOffsets, Metadata, DeleteRecords,
 * InitProducerId) through ApiCodec, for every version each declares:
 * - for each version, realistic request and response values (non-default values in every field the
 *   version has, tagged fields in flexible versions, nulls where the version allows them) are encoded
 *   then decoded; the decoded value equals the hand-written expectation, in which the fields the
 *   version lacks hold their defaults, and decoding consumes the whole body;
 * - a few byte layouts computed by hand (classic and compact encodings, tagged-field sections);
 * - every strict prefix of every encoded body fails with ProtocolDecodeError;
 * - values that the version cannot carry raise ProtocolEncodeError, ignorable ones are dropped.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../client/errors.js';
import { ApiCodec } from '../../client/protocol/api.js';
import { Produce } from '../../client/protocol/apis/00-produce.js';
import { Fetch } from '../../client/protocol/apis/01-fetch.js';
import { ListOffsets } from '../../client/protocol/apis/02-list-offsets.js';
import { Metadata } from '../../client/protocol/apis/03-metadata.js';
import { DeleteRecords } from '../../client/protocol/apis/21-delete-records.js';
import { InitProducerId } from '../../client/protocol/apis/22-init-producer-id.js';
import { Reader } from '../../client/protocol/reader.js';
import { inRange, parseRange, type ApiDeclaration, type Fields, type Value } from '../../client/protocol/schema.js';

// ---------------------------------------------------------------------------------------------------
// Helpers

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** A UUID in Kafka's text form from 32 hex digits. */
const uuid = (hex: string): string => Buffer.from(hex, 'hex').toString('base64url');
const ORDERS_ID = uuid('5f1b7a2c9d3e4f60718293a4b5c6d7e8');
const PAYMENTS_ID = uuid('0a1b2c3d4e5f60718293a4b5c6d7e8f9');
const GONE_ID = uuid('ffeeddccbbaa99887766554433221100');

/** Opaque bytes standing in for a record batch (the codec carries `records` as raw bytes). */
const batch = (tag: string): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0x3d, 0, 0, 0, 3, 2]), Buffer.from(tag)]);

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/**
 * The encoder's input for `value` at `version`: the fields the version lacks are left out (the
 * expectations hold defaults there, which the decoder must produce on its own).
 */
function present(fields: Fields, value: any, version: number): any {
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const [name, def] of Object.entries(fields)) {
    if (!inRange(def.versions, version) || !(name in value)) continue;
    const v = value[name];
    if (def.kind === 'struct' && v !== null) out[name] = present(def.fields!, v, version);
    else if (def.kind === 'array' && def.type === 'struct' && Array.isArray(v)) out[name] = v.map((e: any) => present(def.fields!, e, version));
    else out[name] = v;
  }
  return out;
}

function versionsOf(decl: ApiDeclaration<any, any>): number[] {
  const r = parseRange(decl.versions);
  const out: number[] = [];
  for (let v = r.min; v <= r.max; v++) out.push(v);
  return out;
}

/** Every strict prefix of `body` fails to decode with ProtocolDecodeError. */
function expectTruncationFails(decode: (b: Buffer) => unknown, body: Buffer): void {
  for (let n = 0; n < body.length; n++) {
    let err: unknown;
    try {
      decode(Buffer.from(body.subarray(0, n)));
    } catch (e) {
      err = e;
    }
    expect(err, `prefix of ${n}/${body.length} bytes`).toBeInstanceOf(ProtocolDecodeError);
    expect((err as ProtocolDecodeError).code).toBe('KTS_ERR_DECODE');
  }
}

/**
 * For every declared version: each request and response case (an expected decoded value, absent
 * fields at their defaults) round-trips, is fully consumed, and fails when truncated.
 */
function roundTrips<Req extends Fields, Res extends Fields>(
  decl: ApiDeclaration<Req, Res>,
  requests: (v: number) => Value<Req>[],
  responses: (v: number) => Value<Res>[],
): void {
  const codec = new ApiCodec(decl);
  describe(`${decl.name} round trips (v${decl.versions})`, () => {
    for (const v of versionsOf(decl)) {
      it(`v${v} request`, () => {
        const cases = requests(v);
        expect(cases.length).toBeGreaterThan(0);
        for (const expected of cases) {
          const body = codec.encodeRequest(present(decl.request, expected, v), v);
          const r = new Reader(body);
          expect(codec.decodeRequest(r, v)).toEqual(expected);
          expect(r.remaining, 'whole body consumed').toBe(0);
          expectTruncationFails((b) => codec.decodeRequest(b, v), body);
        }
      });
      it(`v${v} response`, () => {
        const cases = responses(v);
        expect(cases.length).toBeGreaterThan(0);
        for (const expected of cases) {
          const body = codec.encodeResponse(present(decl.response, expected, v), v);
          const r = new Reader(body);
          expect(codec.decodeResponse(r, v)).toEqual(expected);
          expect(r.remaining, 'whole body consumed').toBe(0);
          expectTruncationFails((b) => codec.decodeResponse(b, v), body);
        }
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Produce (0)

type ProduceRequest = Value<typeof Produce.request>;
type ProduceResponse = Value<typeof Produce.response>;

roundTrips(
  Produce,
  (v): ProduceRequest[] => [
    {
      // transactional producer (v3+)
      transactionalId: v >= 3 ? 'payments-service-tx-0' : null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        {
          name: 'orders',
          partitionData: [
            { index: 0, records: batch('order-1') },
            { index: 7, records: batch('order-2') },
          ],
        },
        { name: 'payments', partitionData: [{ index: 2, records: null }] },
      ],
    },
    {
      // idempotent, non-transactional producer with leader-only acks
      transactionalId: null,
      acks: 1,
      timeoutMs: 1500,
      topicData: [{ name: 'clicks', partitionData: [{ index: 11, records: batch('click') }] }],
    },
  ],
  (v): ProduceResponse[] => [
    {
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 4_503_599_627_370_000,
              logAppendTimeMs: v >= 2 ? 1_717_171_717_171 : -1,
              logStartOffset: v >= 5 ? 1_200 : -1,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
            {
              index: 7,
              errorCode: v >= 8 ? 87 : 2, // INVALID_RECORD with per-record detail (KIP-467), else CORRUPT_MESSAGE
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: v >= 5 ? 0 : -1,
              recordErrors:
                v >= 8
                  ? [
                      { batchIndex: 2, batchIndexErrorMessage: 'Compacted topic cannot accept message without key' },
                      { batchIndex: 5, batchIndexErrorMessage: null },
                    ]
                  : [],
              errorMessage: v >= 8 ? 'One or more records have been rejected' : null,
              currentLeader: { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
        {
          name: 'payments',
          partitionResponses: [
            {
              index: 2,
              errorCode: 6, // NOT_LEADER_OR_FOLLOWER
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
              recordErrors: [],
              errorMessage: null,
              // KIP-951: the new leader, as a tagged field
              currentLeader: v >= 10 ? { leaderId: 3, leaderEpoch: 17 } : { leaderId: -1, leaderEpoch: -1 },
            },
          ],
        },
      ],
      throttleTimeMs: v >= 1 ? 250 : 0,
      nodeEndpoints:
        v >= 10
          ? [
              { nodeId: 3, host: 'broker-3.kafka.internal', port: 9093, rack: 'eu-west-1c' },
              { nodeId: 4, host: 'broker-4.kafka.internal', port: 19092, rack: null },
            ]
          : [],
    },
  ],
);

// ---------------------------------------------------------------------------------------------------
// Fetch (1)

type FetchRequest = Value<typeof Fetch.request>;
type FetchResponse = Value<typeof Fetch.response>;

roundTrips(
  Fetch,
  (v): FetchRequest[] => [
    {
      // a follower replica (broker 2) fetching in a session
      clusterId: v >= 12 ? 'lkc-8Fq3VvXcT5ayNLb2bQ' : null,
      replicaId: v <= 14 ? 2 : -1,
      replicaState: v >= 15 ? { replicaId: 2, replicaEpoch: 4_294_967_396 } : { replicaId: -1, replicaEpoch: -1 },
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: v >= 3 ? 52_428_800 : 0x7fffffff,
      isolationLevel: 0,
      sessionId: v >= 7 ? 1_048_577 : 0,
      sessionEpoch: v >= 7 ? 12 : -1,
      topics: [
        {
          topic: v <= 12 ? 'orders' : '',
          topicId: v >= 13 ? ORDERS_ID : ZERO_UUID,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: v >= 9 ? 17 : -1,
              fetchOffset: 123_456_789_012,
              lastFetchedEpoch: v >= 12 ? 16 : -1,
              logStartOffset: v >= 5 ? 1_000 : -1,
              partitionMaxBytes: 1_048_576,
            },
            {
              partition: 5,
              currentLeaderEpoch: v >= 9 ? 3 : -1,
              fetchOffset: 0,
              lastFetchedEpoch: -1,
              logStartOffset: v >= 5 ? 0 : -1,
              partitionMaxBytes: 65_536,
            },
          ],
        },
      ],
      forgottenTopicsData:
        v >= 7
          ? [
              {
                topic: v <= 12 ? 'payments' : '',
                topicId: v >= 13 ? PAYMENTS_ID : ZERO_UUID,
                partitions: [1, 4, 9],
              },
            ]
          : [],
      rackId: v >= 11 ? 'eu-west-1a' : '',
    },
    {
      // a read_committed consumer outside any session
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1 },
      maxWaitMs: 100,
      minBytes: 1024,
      maxBytes: v >= 3 ? 1_000_000 : 0x7fffffff,
      isolationLevel: v >= 4 ? 1 : 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: v <= 12 ? 'payments' : '',
          topicId: v >= 13 ? PAYMENTS_ID : ZERO_UUID,
          partitions: [{ partition: 1, currentLeaderEpoch: -1, fetchOffset: 42, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 2_048 }],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    },
  ],
  (v): FetchResponse[] => {
    const cases: FetchResponse[] = [
      {
        throttleTimeMs: v >= 1 ? 40 : 0,
        errorCode: 0,
        sessionId: v >= 7 ? 1_048_577 : 0,
        responses: [
          {
            topic: v <= 12 ? 'orders' : '',
            topicId: v >= 13 ? ORDERS_ID : ZERO_UUID,
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 123_456_790_000,
                lastStableOffset: v >= 4 ? 123_456_789_900 : -1,
                logStartOffset: v >= 5 ? 1_000 : -1,
                divergingEpoch: { epoch: -1, endOffset: -1 },
                currentLeader: { leaderId: -1, leaderEpoch: -1 },
                snapshotId: { endOffset: -1, epoch: -1 },
                abortedTransactions: v >= 4 ? [{ producerId: 1_099_511_627_781, firstOffset: 123_456_789_100 }] : [],
                preferredReadReplica: v >= 11 ? 4 : -1,
                records: batch('fetched'),
              },
              {
                // a follower whose log diverged (KIP-595 fields, all tagged)
                partitionIndex: 5,
                errorCode: 0,
                highWatermark: 900,
                lastStableOffset: v >= 4 ? 900 : -1,
                logStartOffset: v >= 5 ? 0 : -1,
                divergingEpoch: v >= 12 ? { epoch: 2, endOffset: 850 } : { epoch: -1, endOffset: -1 },
                currentLeader: v >= 12 ? { leaderId: 1, leaderEpoch: 3 } : { leaderId: -1, leaderEpoch: -1 },
                snapshotId: v >= 12 ? { endOffset: 800, epoch: 2 } : { endOffset: -1, epoch: -1 },
                abortedTransactions: v >= 4 ? null : [],
                preferredReadReplica: -1,
                records: null,
              },
            ],
          },
          {
            topic: v <= 12 ? 'payments' : '',
            topicId: v >= 13 ? PAYMENTS_ID : ZERO_UUID,
            partitions: [
              {
                partitionIndex: 1,
                errorCode: 6, // NOT_LEADER_OR_FOLLOWER
                highWatermark: -1,
                lastStableOffset: -1,
                logStartOffset: -1,
                divergingEpoch: { epoch: -1, endOffset: -1 },
                currentLeader: v >= 12 ? { leaderId: 3, leaderEpoch: 9 } : { leaderId: -1, leaderEpoch: -1 },
                snapshotId: { endOffset: -1, epoch: -1 },
                abortedTransactions: v >= 4 ? null : [],
                preferredReadReplica: -1,
                records: Buffer.alloc(0),
              },
            ],
          },
        ],
        nodeEndpoints: v >= 16 ? [{ nodeId: 3, host: 'broker-3.kafka.internal', port: 9092, rack: null }] : [],
      },
    ];
    if (v >= 7) {
      // a session the broker no longer knows: a top-level error and nothing else
      cases.push({
        throttleTimeMs: 0,
        errorCode: 70, // FETCH_SESSION_ID_NOT_FOUND
        sessionId: 0,
        responses: [],
        nodeEndpoints: [],
      });
    }
    return cases;
  },
);

// ---------------------------------------------------------------------------------------------------
// ListOffsets (2)

type ListOffsetsRequest = Value<typeof ListOffsets.request>;
type ListOffsetsResponse = Value<typeof ListOffsets.response>;

roundTrips(
  ListOffsets,
  (v): ListOffsetsRequest[] => [
    {
      replicaId: -1, // a consumer
      isolationLevel: v >= 2 ? 1 : 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: v >= 4 ? 17 : -1, timestamp: -1, maxNumOffsets: v === 0 ? 3 : 1 }, // latest
            { partitionIndex: 1, currentLeaderEpoch: v >= 4 ? 4 : -1, timestamp: -2, maxNumOffsets: 1 }, // earliest
            { partitionIndex: 2, currentLeaderEpoch: -1, timestamp: 1_717_000_000_000, maxNumOffsets: 1 },
          ],
        },
        {
          name: 'tiered-logs',
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: v >= 8 ? -4 : v >= 7 ? -3 : -1, maxNumOffsets: 1 }],
        },
      ],
    },
  ],
  (v): ListOffsetsResponse[] => [
    {
      throttleTimeMs: v >= 2 ? 12 : 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              oldStyleOffsets: v === 0 ? [9_001, 5_000, 0] : [],
              timestamp: v >= 1 ? 1_717_000_123_456 : -1,
              offset: v >= 1 ? 9_001 : -1,
              leaderEpoch: v >= 4 ? 17 : -1,
            },
            {
              partitionIndex: 1,
              errorCode: v >= 5 ? 78 : 74, // OFFSET_NOT_AVAILABLE from v5, else FENCED_LEADER_EPOCH
              oldStyleOffsets: [],
              timestamp: -1,
              offset: -1,
              leaderEpoch: -1,
            },
          ],
        },
      ],
    },
  ],
);

// ---------------------------------------------------------------------------------------------------
// Metadata (3)

type MetadataRequest = Value<typeof Metadata.request>;
type MetadataResponse = Value<typeof Metadata.response>;

roundTrips(
  Metadata,
  (v): MetadataRequest[] => {
    const cases: MetadataRequest[] = [
      {
        topics: [
          { topicId: ZERO_UUID, name: 'orders' },
          { topicId: ZERO_UUID, name: 'payments' },
        ],
        allowAutoTopicCreation: v >= 4 ? false : true,
        includeClusterAuthorizedOperations: v >= 8 && v <= 10,
        includeTopicAuthorizedOperations: v >= 8,
      },
      // v0: an empty list means all topics; v1+: it means none
      { topics: [], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
    ];
    // all topics (v1+)
    if (v >= 1) cases.push({ topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: v >= 8 });
    // lookup by topic id, name null (v12)
    if (v >= 12) {
      cases.push({
        topics: [
          { topicId: ORDERS_ID, name: null },
          { topicId: GONE_ID, name: null },
        ],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: true,
      });
    }
    return cases;
  },
  (v): MetadataResponse[] => [
    {
      throttleTimeMs: v >= 3 ? 5 : 0,
      brokers: [
        { nodeId: 1, host: 'broker-1.kafka.internal', port: 9092, rack: v >= 1 ? 'eu-west-1a' : null },
        { nodeId: 2, host: 'broker-2.kafka.internal', port: 9092, rack: null },
        { nodeId: 3, host: '10.0.4.17', port: 19093, rack: v >= 1 ? 'eu-west-1c' : null },
      ],
      clusterId: v >= 2 ? 'MkU3OEVBNTcwNTJENDM2Qk' : null,
      controllerId: v >= 1 ? 2 : -1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: v >= 10 ? ORDERS_ID : ZERO_UUID,
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: v >= 7 ? 17 : -1,
              replicaNodes: [1, 2, 3],
              isrNodes: [1, 2],
              offlineReplicas: v >= 5 ? [3] : [],
            },
            {
              errorCode: 9, // REPLICA_NOT_AVAILABLE
              partitionIndex: 1,
              leaderId: 2,
              leaderEpoch: v >= 7 ? 4 : -1,
              replicaNodes: [2, 3, 1],
              isrNodes: [2],
              offlineReplicas: [],
            },
          ],
          topicAuthorizedOperations: v >= 8 ? 0b0000_1111_1111_1000 : -2147483648,
        },
        {
          errorCode: 0,
          name: '__consumer_offsets',
          topicId: v >= 10 ? PAYMENTS_ID : ZERO_UUID,
          isInternal: v >= 1,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 3, leaderEpoch: -1, replicaNodes: [3], isrNodes: [3], offlineReplicas: [] }],
          topicAuthorizedOperations: v >= 8 ? 0 : -2147483648,
        },
        {
          errorCode: v >= 12 ? 100 : 3, // UNKNOWN_TOPIC_ID when asked by id (v12), else UNKNOWN_TOPIC_OR_PARTITION
          name: v >= 12 ? null : 'no-such-topic',
          topicId: v >= 12 ? GONE_ID : ZERO_UUID,
          isInternal: false,
          partitions: [],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: v >= 8 && v <= 10 ? 0b0001_1111_1110 : -2147483648,
    },
  ],
);

// ---------------------------------------------------------------------------------------------------
// DeleteRecords (21)

roundTrips(
  DeleteRecords,
  (): Value<typeof DeleteRecords.request>[] => [
    {
      topics: [
        {
          name: 'audit-log',
          partitions: [
            { partitionIndex: 0, offset: 1_500_000 },
            { partitionIndex: 3, offset: -1 }, // up to the high watermark
          ],
        },
        { name: 'tmp', partitions: [{ partitionIndex: 1, offset: 9_007_199_254_740_991 }] },
      ],
      timeoutMs: 60_000,
    },
  ],
  (v): Value<typeof DeleteRecords.response>[] => [
    {
      throttleTimeMs: v >= 1 ? 100 : 3,
      topics: [
        {
          name: 'audit-log',
          partitions: [
            { partitionIndex: 0, lowWatermark: 1_500_000, errorCode: 0 },
            { partitionIndex: 3, lowWatermark: -1, errorCode: 6 },
          ],
        },
        { name: 'tmp', partitions: [{ partitionIndex: 1, lowWatermark: -1, errorCode: 1 }] }, // OFFSET_OUT_OF_RANGE
      ],
    },
  ],
);

// ---------------------------------------------------------------------------------------------------
// InitProducerId (22)

roundTrips(
  InitProducerId,
  (v): Value<typeof InitProducerId.request>[] => [
    {
      transactionalId: 'payments-service-tx-0',
      transactionTimeoutMs: 60_000,
      // resuming after an epoch error (KIP-360)
      producerId: v >= 3 ? 1_099_511_627_781 : -1,
      producerEpoch: v >= 3 ? 41 : -1,
    },
    // an idempotent producer asking for a fresh id
    { transactionalId: null, transactionTimeoutMs: 2_147_483_647, producerId: -1, producerEpoch: -1 },
  ],
  (v): Value<typeof InitProducerId.response>[] => [
    { throttleTimeMs: 7, errorCode: 0, producerId: 1_099_511_627_781, producerEpoch: 42 },
    { throttleTimeMs: 0, errorCode: v >= 4 ? 90 : 47, producerId: -1, producerEpoch: -1 }, // PRODUCER_FENCED / INVALID_PRODUCER_EPOCH
  ],
);

// ---------------------------------------------------------------------------------------------------
// Byte layouts computed by hand

describe('byte layouts', () => {
  const metadata = new ApiCodec(Metadata);
  const produce = new ApiCodec(Produce);
  const fetch = new ApiCodec(Fetch);
  const listOffsets = new ApiCodec(ListOffsets);
  const initProducerId = new ApiCodec(InitProducerId);

  it('Metadata v0 request for ["a"]: int32 count, int16 length, "a"', () => {
    const b = metadata.encodeRequest({ topics: [{ name: 'a' }] }, 0);
    expect(b).toEqual(hex('00000001 0001 61'));
    expect(metadata.decodeRequest(b, 0).topics).toEqual([{ topicId: ZERO_UUID, name: 'a' }]);
  });

  it('Metadata v1 and v4 requests for all topics: a null array (-1)', () => {
    expect(metadata.encodeRequest({ topics: null }, 1)).toEqual(hex('ffffffff'));
    expect(metadata.encodeRequest({ topics: null }, 4)).toEqual(hex('ffffffff 01'));
    expect(metadata.encodeRequest({ topics: null, allowAutoTopicCreation: false }, 4)).toEqual(hex('ffffffff 00'));
    expect(metadata.decodeRequest(hex('ffffffff'), 1).topics).toBeNull();
  });

  it('Metadata v9 request: compact array and string, a tagged-field byte after each struct and at the end', () => {
    const b = metadata.encodeRequest(
      { topics: [{ name: 'a' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: true },
      9,
    );
    // count+1 | len+1 'a' | topic tags | allowAuto | includeCluster | includeTopic | message tags
    expect(b).toEqual(hex('02 02 61 00 01 00 01 00'));
    expect(b[b.length - 1]).toBe(0);
  });

  it('Metadata v12 request: topic id before the nullable name, no cluster operations flag', () => {
    const id = uuid('000102030405060708090a0b0c0d0e0f');
    expect(metadata.encodeRequest({ topics: [{ topicId: id, name: null }] }, 12)).toEqual(hex('02 000102030405060708090a0b0c0d0e0f 00 00 01 00 00'));
    expect(metadata.encodeRequest({ topics: null }, 12)).toEqual(hex('00 01 00 00'));
  });

  it('Produce v10 response: CurrentLeader (tag 0 of the partition) and NodeEndpoints (tag 0 of the body)', () => {
    const b = produce.encodeResponse(
      {
        responses: [
          {
            name: 't',
            partitionResponses: [{ index: 0, errorCode: 6, baseOffset: -1, currentLeader: { leaderId: 2, leaderEpoch: 5 } }],
          },
        ],
        nodeEndpoints: [{ nodeId: 2, host: 'h', port: 9092, rack: null }],
      },
      10,
    );
    expect(b).toEqual(
      hex(
        '02 02 74 02' + // 1 topic, name "t", 1 partition
          '00000000 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff' + // index, error, baseOffset, logAppendTime, logStartOffset
          '01 00' + // recordErrors [], errorMessage null
          '01 00 09 00000002 00000005 00' + // 1 tagged field: tag 0, 9 bytes: leaderId, leaderEpoch, struct tags
          '00' + // topic tags
          '00000000' + // throttleTimeMs
          '01 00 0d 02 00000002 02 68 00002384 00 00', // tag 0, 13 bytes: 1 endpoint (id, "h", 9092, rack null, tags)
      ),
    );
  });

  it('Produce v3 request: nullable transactional id, then classic arrays and nullable records', () => {
    const b = produce.encodeRequest({ transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 1, records: null }] }] }, 3);
    expect(b).toEqual(hex('ffff ffff 000003e8 00000001 0001 74 00000001 00000001 ffffffff'));
  });

  it('Fetch v14 and v15 requests: ReplicaId becomes the tagged ReplicaState; tags written in ascending order', () => {
    const common = { clusterId: 'c', maxWaitMs: 500, minBytes: 1, maxBytes: 1024, isolationLevel: 1, topics: [], rackId: '' };
    const tail = '000001f4 00000001 00000400 01 00000000 ffffffff 01 01 01'; // maxWait, minBytes, maxBytes, isolation, session id/epoch, [] [] ""
    expect(fetch.encodeRequest({ ...common, replicaId: 7 }, 14)).toEqual(hex('00000007' + tail + '01 00 02 02 63'));
    expect(fetch.encodeRequest({ ...common, replicaState: { replicaId: 7, replicaEpoch: 9 } }, 15)).toEqual(
      hex(tail + '02 00 02 02 63 01 0d 00000007 0000000000000009 00'),
    );
  });

  it('ListOffsets v0 request: MaxNumOffsets after the timestamp', () => {
    const b = listOffsets.encodeRequest({ replicaId: -1, topics: [{ name: 'a', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] }, 0);
    expect(b).toEqual(hex('ffffffff 00000001 0001 61 00000001 00000000 ffffffffffffffff 00000001'));
  });

  it('InitProducerId requests: null transactional id in classic and compact form; v3 adds id and epoch', () => {
    expect(initProducerId.encodeRequest({ transactionalId: null, transactionTimeoutMs: 60_000 }, 0)).toEqual(hex('ffff 0000ea60'));
    expect(initProducerId.encodeRequest({ transactionalId: null, transactionTimeoutMs: 60_000 }, 2)).toEqual(hex('00 0000ea60 00'));
    expect(initProducerId.encodeRequest({ transactionalId: 'x', transactionTimeoutMs: 60_000 }, 3)).toEqual(hex('02 78 0000ea60 ffffffffffffffff ffff 00'));
  });
});

// ---------------------------------------------------------------------------------------------------
// Version limits

describe('values a version cannot carry', () => {
  const produce = new ApiCodec(Produce);
  const fetch = new ApiCodec(Fetch);
  const metadata = new ApiCodec(Metadata);
  const listOffsets = new ApiCodec(ListOffsets);

  const encodeError = (fn: () => unknown): ProtocolEncodeError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolEncodeError);
      return e as ProtocolEncodeError;
    }
    throw new Error('expected a ProtocolEncodeError');
  };

  it('a non-ignorable field absent from the version raises UNSUPPORTED_VERSION', () => {
    expect(encodeError(() => produce.encodeRequest({ transactionalId: 'tx', acks: 1, timeoutMs: 1 }, 2)).errorName).toBe('UNSUPPORTED_VERSION');
    expect(encodeError(() => metadata.encodeRequest({ topics: [], allowAutoTopicCreation: false }, 3)).errorName).toBe('UNSUPPORTED_VERSION');
    expect(encodeError(() => listOffsets.encodeResponse({ topics: [{ name: 't', partitions: [{ oldStyleOffsets: [1] }] }] }, 1)).code).toBe('KTS_ERR_ENCODE');
    expect(encodeError(() => fetch.encodeRequest({ replicaId: 3 }, 15)).errorName).toBe('UNSUPPORTED_VERSION');
  });

  it('an ignorable field absent from the version is dropped', () => {
    const d = fetch.decodeRequest(fetch.encodeRequest({ maxWaitMs: 1, minBytes: 1, isolationLevel: 1, maxBytes: 10, rackId: 'r' }, 3), 3);
    expect(d.isolationLevel).toBe(0);
    expect(d.maxBytes).toBe(10);
    expect(d.rackId).toBe('');
  });

  it('null is refused outside the nullable versions', () => {
    encodeError(() => metadata.encodeRequest({ topics: null }, 0));
    encodeError(() => metadata.encodeRequest({ topics: [{ name: null }] }, 9));
    encodeError(() => metadata.encodeResponse({ topics: [{ errorCode: 0, name: null }] }, 11));
  });

  it('a null array in a version where it is not nullable fails to decode', () => {
    expect(() => metadata.decodeRequest(hex('ffffffff'), 0)).toThrow(ProtocolDecodeError);
  });
});
