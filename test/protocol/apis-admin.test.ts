/**
 * Round trips of the admin and security API declarations (SaslHandshake, CreateTopics, DeleteTopics,
 * OffsetForLeaderEpoch, DescribeConfigs, AlterConfigs, SaslAuthenticate, CreatePartitions,
 * IncrementalAlterConfigs, DescribeCluster), every version of each:
 * - realistic request and response values encode and decode back to themselves for the fields the
 *   version has; fields the version lacks decode to their defaults;
 * - the samples are checked to set every field of the version to a non-default value somewhere, and
 *   to put a null in every field that is nullable in the version;
 * - a value with fields the version lacks: ignorable ones are dropped silently, others raise
 *   ProtocolEncodeError (UNSUPPORTED_VERSION);
 * - every truncation of a body raises ProtocolDecodeError;
 * - in flexible versions an unknown tagged field appended by hand is skipped.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../client/errors.js';
import { ApiCodec } from '../../client/protocol/api.js';
import { SaslHandshake } from '../../client/protocol/apis/17-sasl-handshake.js';
import { CreateTopics } from '../../client/protocol/apis/19-create-topics.js';
import { DeleteTopics } from '../../client/protocol/apis/20-delete-topics.js';
import { OffsetForLeaderEpoch } from '../../client/protocol/apis/23-offset-for-leader-epoch.js';
import { DescribeConfigs } from '../../client/protocol/apis/32-describe-configs.js';
import { AlterConfigs } from '../../client/protocol/apis/33-alter-configs.js';
import { SaslAuthenticate } from '../../client/protocol/apis/36-sasl-authenticate.js';
import { CreatePartitions } from '../../client/protocol/apis/37-create-partitions.js';
import { IncrementalAlterConfigs } from '../../client/protocol/apis/44-incremental-alter-configs.js';
import { DescribeCluster } from '../../client/protocol/apis/60-describe-cluster.js';
import { defaultValue } from '../../client/protocol/codec.js';
import { errorCode } from '../../client/protocol/error-codes.js';
import { Reader } from '../../client/protocol/reader.js';
import { inRange, type ApiDeclaration, type FieldDef, type Fields, type Input } from '../../client/protocol/schema.js';

// ---------------------------------------------------------------------------------------------
// Helpers

/** A topic id in Kafka's text form, from 16 distinct bytes. */
function uuid(seed: number): string {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) b[i] = (seed * 31 + i * 17) & 0xff;
  return b.toString('base64url');
}

/** The value a decoder must return for `value` at `version`: absent (or unset) fields at their defaults. */
function project(fields: Fields, value: any, version: number): any {
  const out: any = {};
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    const x = value?.[name];
    if (!inRange(def.versions, version) || x === undefined) out[name] = defaultValue(def);
    else if (def.fields && x !== null) out[name] = def.kind === 'array' ? x.map((e: any) => project(def.fields!, e, version)) : project(def.fields, x, version);
    else out[name] = x;
  }
  return out;
}

function isDefaultValue(def: FieldDef, v: any): boolean {
  if (v === undefined) return true;
  if (def.kind === 'array') return 'default' in def ? v === def.default : Array.isArray(v) && v.length === 0;
  if (def.kind === 'struct') return false;
  const d = defaultValue(def);
  if (Buffer.isBuffer(d)) return v !== null && v.length === 0;
  return v === d;
}

/** True when `value` holds a non-default value in a field that `version` lacks and that is not ignorable. */
function lacksNonIgnorable(fields: Fields, value: any, version: number): boolean {
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    const x = value?.[name];
    if (!inRange(def.versions, version)) {
      if (!def.ignorable && !isDefaultValue(def, x)) return true;
    } else if (def.fields && x != null) {
      const elems = def.kind === 'array' ? x : [x];
      if (elems.some((e: any) => lacksNonIgnorable(def.fields!, e, version))) return true;
    }
  }
  return false;
}

interface Coverage {
  nonDefault: Set<string>;
  nulls: Set<string>;
}

/** Records which fields (by path) hold a non-default value, and which hold null, at `version`. */
function cover(fields: Fields, value: any, version: number, cov: Coverage, prefix = ''): void {
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    if (!inRange(def.versions, version)) continue;
    const path = prefix + name;
    const x = value?.[name];
    if (x === null) cov.nulls.add(path);
    if (x !== undefined && !isDefaultValue(def, x)) cov.nonDefault.add(path);
    if (def.fields && x != null) for (const e of def.kind === 'array' ? x : [x]) cover(def.fields, e, version, cov, path + '.');
  }
}

/** The fields (by path) present at `version`, and those nullable there. */
function expectedCoverage(fields: Fields, version: number, cov: Coverage, prefix = ''): void {
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    if (!inRange(def.versions, version)) continue;
    const path = prefix + name;
    cov.nonDefault.add(path);
    if (inRange(def.nullable, version)) cov.nulls.add(path);
    if (def.fields) expectedCoverage(def.fields, version, cov, path + '.');
  }
}

interface Case {
  decl: ApiDeclaration;
  codec: ApiCodec;
  request: (v: number) => any[];
  response: (v: number) => any[];
}

/** A test case: realistic request and response samples for each version, typed by the declaration. */
function kase<Req extends Fields, Res extends Fields>(
  decl: ApiDeclaration<Req, Res>,
  request: (v: number) => Input<Req>[],
  response: (v: number) => Input<Res>[],
): Case {
  return { decl: decl as unknown as ApiDeclaration, codec: new ApiCodec(decl) as unknown as ApiCodec, request, response };
}

// ---------------------------------------------------------------------------------------------
// Samples

const cases: Case[] = [
  kase(
    SaslHandshake,
    () => [{ mechanism: 'SCRAM-SHA-512' }],
    () => [
      { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] },
      { errorCode: errorCode('UNSUPPORTED_SASL_MECHANISM'), mechanisms: ['GSSAPI'] },
    ],
  ),
  kase(
    CreateTopics,
    (v) => [
      {
        topics: [
          {
            name: 'orders',
            // from v4 -1 means "the broker's default" (KIP-464)
            numPartitions: v >= 4 ? -1 : 12,
            replicationFactor: v >= 4 ? -1 : 3,
            assignments: [],
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'retention.ms', value: null },
            ],
          },
          {
            name: 'payments',
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [
              { partitionIndex: 0, brokerIds: [1, 2, 3] },
              { partitionIndex: 1, brokerIds: [2, 3, 1] },
            ],
            configs: [],
          },
        ],
        timeoutMs: 30_000,
        validateOnly: true,
      },
    ],
    (v) => [
      {
        throttleTimeMs: 25,
        topics: [
          {
            name: 'orders',
            topicId: uuid(1),
            errorCode: 0,
            errorMessage: null,
            topicConfigErrorCode: 0,
            numPartitions: 6,
            replicationFactor: 3,
            configs: [
              { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false },
              { name: 'sasl.jaas.config', value: null, readOnly: true, configSource: 4, isSensitive: true },
            ],
          },
          {
            name: 'payments',
            topicId: uuid(2),
            errorCode: 0,
            errorMessage: null,
            topicConfigErrorCode: errorCode('TOPIC_AUTHORIZATION_FAILED'),
            numPartitions: 12,
            replicationFactor: 2,
            configs: null,
          },
          {
            name: 'audit',
            errorCode: errorCode(v >= 6 ? 'THROTTLING_QUOTA_EXCEEDED' : 'TOPIC_ALREADY_EXISTS'),
            errorMessage: v >= 6 ? 'The throttling quota has been exceeded.' : "Topic 'audit' already exists.",
            numPartitions: -1,
            replicationFactor: -1,
            configs: [],
          },
        ],
      },
    ],
  ),
  kase(
    DeleteTopics,
    () => [
      {
        // v6+: by name or by id; earlier versions: names only
        topics: [
          { name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' },
          { name: null, topicId: uuid(3) },
        ],
        topicNames: ['orders', 'payments'],
        timeoutMs: 15_000,
      },
    ],
    (v) => [
      {
        throttleTimeMs: 8,
        responses: [
          { name: 'orders', topicId: uuid(1), errorCode: 0, errorMessage: null },
          v >= 6
            ? { name: null, topicId: uuid(3), errorCode: errorCode('UNKNOWN_TOPIC_ID'), errorMessage: 'This server does not host this topic ID.' }
            : {
                name: 'payments',
                errorCode: errorCode(v >= 3 ? 'TOPIC_DELETION_DISABLED' : 'UNKNOWN_TOPIC_OR_PARTITION'),
                errorMessage: 'Topic deletion is disabled.',
              },
        ],
      },
    ],
  ),
  kase(
    OffsetForLeaderEpoch,
    () => [
      {
        replicaId: 2,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, currentLeaderEpoch: 7, leaderEpoch: 5 },
              { partition: 3, currentLeaderEpoch: 7, leaderEpoch: 6 },
            ],
          },
          { topic: 'payments', partitions: [{ partition: 1, currentLeaderEpoch: 2, leaderEpoch: 2 }] },
        ],
      },
    ],
    () => [
      {
        throttleTimeMs: 15,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { errorCode: 0, partition: 0, leaderEpoch: 5, endOffset: 1_234_567_890_123 },
              { errorCode: errorCode('FENCED_LEADER_EPOCH'), partition: 3, leaderEpoch: -1, endOffset: -1 },
            ],
          },
        ],
      },
    ],
  ),
  kase(
    DescribeConfigs,
    () => [
      {
        resources: [
          { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
          { resourceType: 4, resourceName: '1', configurationKeys: null },
        ],
        includeSynonyms: true,
        includeDocumentation: true,
      },
    ],
    () => [
      {
        throttleTimeMs: 5,
        results: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              {
                name: 'retention.ms',
                value: '604800000',
                readOnly: false,
                isDefault: false,
                configSource: 1,
                isSensitive: false,
                synonyms: [
                  { name: 'retention.ms', value: '604800000', source: 1 },
                  { name: 'log.retention.hours', value: null, source: 5 },
                ],
                configType: 5,
                documentation: 'How long a log segment is kept before it is deleted.',
              },
              {
                name: 'cleanup.policy',
                value: 'delete',
                readOnly: true,
                isDefault: true,
                configSource: 5,
                isSensitive: false,
                synonyms: [],
                configType: 7,
                documentation: null,
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
                readOnly: false,
                isDefault: false,
                configSource: 2,
                isSensitive: true,
                synonyms: [{ name: 'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config', value: null, source: 2 }],
                configType: 9,
                documentation: 'JAAS login context parameters for SASL connections.',
              },
            ],
          },
          {
            errorCode: errorCode('UNKNOWN_TOPIC_OR_PARTITION'),
            errorMessage: 'Topic ghost does not exist.',
            resourceType: 2,
            resourceName: 'ghost',
            configs: [],
          },
        ],
      },
    ],
  ),
  kase(
    AlterConfigs,
    () => [
      {
        resources: [
          {
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              { name: 'retention.ms', value: '86400000' },
              { name: 'min.insync.replicas', value: null },
            ],
          },
          { resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.threads', value: '2' }] },
        ],
        validateOnly: true,
      },
    ],
    () => [
      {
        throttleTimeMs: 12,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
          { errorCode: errorCode('INVALID_CONFIG'), errorMessage: 'Invalid value -3 for configuration log.cleaner.threads', resourceType: 4, resourceName: '' },
        ],
      },
    ],
  ),
  kase(
    SaslAuthenticate,
    () => [{ authBytes: Buffer.from('\0alice\0alice-secret') }],
    () => [
      { errorCode: 0, errorMessage: null, authBytes: Buffer.from('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='), sessionLifetimeMs: 3_600_000 },
      {
        errorCode: errorCode('SASL_AUTHENTICATION_FAILED'),
        errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256',
        authBytes: Buffer.alloc(0),
        sessionLifetimeMs: 0,
      },
    ],
  ),
  kase(
    CreatePartitions,
    () => [
      {
        topics: [
          { name: 'orders', count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
          { name: 'payments', count: 4, assignments: null },
        ],
        timeoutMs: 30_000,
        validateOnly: true,
      },
    ],
    (v) => [
      {
        throttleTimeMs: 7,
        results: [
          { name: 'orders', errorCode: 0, errorMessage: null },
          {
            name: 'payments',
            errorCode: errorCode(v >= 3 ? 'THROTTLING_QUOTA_EXCEEDED' : 'INVALID_PARTITIONS'),
            errorMessage: v >= 3 ? 'The throttling quota has been exceeded.' : 'Topic currently has 8 partitions, which is higher than the requested 4.',
          },
        ],
      },
    ],
  ),
  kase(
    IncrementalAlterConfigs,
    () => [
      {
        resources: [
          {
            resourceType: 2,
            resourceName: 'orders',
            configs: [
              { name: 'retention.ms', configOperation: 0, value: '86400000' },
              { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
              { name: 'min.insync.replicas', configOperation: 1, value: null },
            ],
          },
          { resourceType: 8, resourceName: '1', configs: [{ name: 'kafka.server.ReplicaManager', configOperation: 0, value: 'DEBUG' }] },
        ],
        validateOnly: true,
      },
    ],
    () => [
      {
        throttleTimeMs: 3,
        responses: [
          { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' },
          { errorCode: errorCode('POLICY_VIOLATION'), errorMessage: 'Alter of broker logger configs is not allowed.', resourceType: 8, resourceName: '1' },
        ],
      },
    ],
  ),
  kase(
    DescribeCluster,
    () => [{ includeClusterAuthorizedOperations: true, endpointType: 2 }],
    (v) => [
      {
        throttleTimeMs: 4,
        errorCode: 0,
        errorMessage: null,
        endpointType: 2,
        clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
        controllerId: 3000,
        brokers: [
          { brokerId: 1, host: 'kafka-1.internal', port: 9092, rack: 'eu-west-1a' },
          { brokerId: 2, host: 'kafka-2.internal', port: 9093, rack: null },
        ],
        clusterAuthorizedOperations: 0b1_1111_1111_1000,
      },
      {
        throttleTimeMs: 0,
        errorCode: errorCode(v >= 1 ? 'MISMATCHED_ENDPOINT_TYPE' : 'CLUSTER_AUTHORIZATION_FAILED'),
        errorMessage: v >= 1 ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER' : 'Cluster authorization failed.',
        clusterId: '',
        brokers: [],
      },
    ],
  ),
];

// ---------------------------------------------------------------------------------------------
// Tests

const UNKNOWN_TAG = [0x01, 0x1f, 0x03, 0xde, 0xad, 0xbe]; // one tagged field: tag 31, 3 bytes

describe('admin and security API declarations: round trips of every version', () => {
  it('covers the APIs and the full version ranges of Kafka 3.8.0', () => {
    expect(cases.map((c) => `${c.decl.key} ${c.decl.name} ${c.decl.versions}`)).toEqual([
      '17 SaslHandshake 0-1',
      '19 CreateTopics 0-7',
      '20 DeleteTopics 0-6',
      '23 OffsetForLeaderEpoch 0-4',
      '32 DescribeConfigs 0-4',
      '33 AlterConfigs 0-2',
      '36 SaslAuthenticate 0-2',
      '37 CreatePartitions 0-3',
      '44 IncrementalAlterConfigs 0-1',
      '60 DescribeCluster 0-1',
    ]);
  });

  for (const c of cases) {
    const { codec } = c;
    for (let v = codec.minVersion; v <= codec.maxVersion; v++) {
      for (const kind of ['request', 'response'] as const) {
        const fields = kind === 'request' ? c.decl.request : c.decl.response;
        const samples = c[kind](v);
        const encode = (x: any): Buffer => (kind === 'request' ? codec.encodeRequest(x, v) : codec.encodeResponse(x, v));
        const decode = (x: Buffer | Reader): any => (kind === 'request' ? codec.decodeRequest(x, v) : codec.decodeResponse(x, v));
        const flexible = codec.isFlexible(v);

        describe(`${c.decl.name} v${v} ${kind}${flexible ? ' (flexible)' : ''}`, () => {
          it('samples set every field of the version to a non-default value, and null in every nullable one', () => {
            const seen: Coverage = { nonDefault: new Set(), nulls: new Set() };
            for (const s of samples) cover(fields, s, v, seen);
            const want: Coverage = { nonDefault: new Set(), nulls: new Set() };
            expectedCoverage(fields, v, want);
            expect([...want.nonDefault].filter((p) => !seen.nonDefault.has(p)), 'fields left at their default').toEqual([]);
            expect([...want.nulls].filter((p) => !seen.nulls.has(p)), 'nullable fields never null').toEqual([]);
          });

          it('decodes what it encodes; absent fields decode to their defaults', () => {
            for (const s of samples) {
              const expected = project(fields, s, v);
              const body = encode(expected);
              const r = new Reader(body);
              const decoded = decode(r);
              expect(r.remaining, 'the whole body is read').toBe(0);
              expect(decoded).toStrictEqual(expected);
              expect(encode(decoded).equals(body), 're-encoding gives the same bytes').toBe(true);
            }
          });

          it('drops ignorable fields the version lacks, and refuses non-ignorable ones', () => {
            for (const s of samples) {
              if (lacksNonIgnorable(fields, s, v)) {
                let err: unknown;
                try {
                  encode(s);
                } catch (e) {
                  err = e;
                }
                expect(err).toBeInstanceOf(ProtocolEncodeError);
                expect((err as ProtocolEncodeError).errorName).toBe('UNSUPPORTED_VERSION');
              } else {
                expect(encode(s).equals(encode(project(fields, s, v)))).toBe(true);
              }
            }
          });

          it('rejects every truncation of the body with ProtocolDecodeError', () => {
            for (const s of samples) {
              const body = encode(project(fields, s, v));
              for (let n = 0; n < body.length; n++) {
                expect(() => decode(body.subarray(0, n)), `truncated to ${n} of ${body.length} bytes`).toThrow(ProtocolDecodeError);
              }
            }
          });

          if (flexible) {
            it('skips an unknown tagged field', () => {
              for (const s of samples) {
                const expected = project(fields, s, v);
                const body = encode(expected);
                expect(body[body.length - 1], 'no top-level tagged field set').toBe(0);
                const withTag = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(UNKNOWN_TAG)]);
                const r = new Reader(withTag);
                expect(decode(r)).toStrictEqual(expected);
                expect(r.remaining).toBe(0);
              }
            });
          }
        });
      }
    }
  }
});

describe('admin and security API declarations: specific encodings', () => {
  const createTopics = new ApiCodec(CreateTopics);
  const topic = { name: 't', errorCode: 0, errorMessage: null, numPartitions: 1, replicationFactor: 1, configs: [] };

  it('CreateTopics v5+ writes topicConfigErrorCode as tag 0 only when it is not 0', () => {
    for (let v = 5; v <= 7; v++) {
      const plain = createTopics.encodeResponse({ topics: [topic] }, v);
      const tagged = createTopics.encodeResponse({ topics: [{ ...topic, topicConfigErrorCode: 29 }] }, v);
      // the topic's tagged section: count 0 → count 1, tag 0, size 2, int16 29; then the body's empty section
      expect(tagged.length).toBe(plain.length + 4);
      expect([...tagged.subarray(tagged.length - 6)]).toEqual([0x01, 0x00, 0x02, 0x00, 29, 0x00]);
      expect([...plain.subarray(plain.length - 2)]).toEqual([0x00, 0x00]);
      expect(createTopics.decodeResponse(tagged, v).topics[0]!.topicConfigErrorCode).toBe(29);
    }
  });

  it('CreateTopics skips an unknown tag next to a known one inside a topic result', () => {
    const v = 5;
    const tagged = createTopics.encodeResponse({ topics: [{ ...topic, topicConfigErrorCode: 29 }] }, v);
    const head = tagged.subarray(0, tagged.length - 6);
    // count 2: the known tag 0, then an unknown tag 5 of one byte; then the body's empty section
    const edited = Buffer.concat([head, Buffer.from([0x02, 0x00, 0x02, 0x00, 29, 0x05, 0x01, 0xff, 0x00])]);
    expect(createTopics.decodeResponse(edited, v)).toStrictEqual(createTopics.decodeResponse(tagged, v));
  });

  it('CreateTopics v0-4 defaults: timeoutMs 60000, validateOnly false; response v0-4 numPartitions -1', () => {
    const req = createTopics.decodeRequest(createTopics.encodeRequest({ topics: [] }, 0), 0);
    expect(req.timeoutMs).toBe(60000);
    expect(req.validateOnly).toBe(false);
    const res = createTopics.decodeResponse(createTopics.encodeResponse({ topics: [{ name: 'x' }] }, 4), 4);
    expect(res.topics[0]).toMatchObject({ numPartitions: -1, replicationFactor: -1, topicConfigErrorCode: 0, configs: [], topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });
  });

  it('DeleteTopics: topic ids need v6; names in topicNames are dropped from v6', () => {
    const c = new ApiCodec(DeleteTopics);
    expect(() => c.encodeRequest({ topics: [{ name: null, topicId: uuid(9) }], timeoutMs: 1 }, 5)).toThrow(ProtocolEncodeError);
    const v6 = c.decodeRequest(c.encodeRequest({ topicNames: ['a'], topics: [{ name: 'a' }], timeoutMs: 1 }, 6), 6);
    expect(v6).toStrictEqual({ topics: [{ name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], topicNames: [], timeoutMs: 1 });
    expect(() => c.encodeResponse({ responses: [{ name: null }] }, 5)).toThrow(ProtocolEncodeError);
  });

  it('DescribeConfigs: isDefault only exists in v0; includeSynonyms needs v1', () => {
    const c = new ApiCodec(DescribeConfigs);
    const cfg = { name: 'x', value: 'y', isDefault: true };
    expect(() => c.encodeResponse({ results: [{ configs: [cfg] }] }, 1)).toThrow(ProtocolEncodeError);
    expect(c.decodeResponse(c.encodeResponse({ results: [{ configs: [cfg] }] }, 0), 0).results[0]!.configs[0]).toMatchObject({ isDefault: true, configSource: -1, configType: 0, documentation: '' });
    expect(() => c.encodeRequest({ includeSynonyms: true }, 0)).toThrow(ProtocolEncodeError);
  });

  it('DescribeCluster: absent fields take Kafka’s defaults', () => {
    const c = new ApiCodec(DescribeCluster);
    expect(c.decodeRequest(c.encodeRequest({}, 0), 0)).toStrictEqual({ includeClusterAuthorizedOperations: false, endpointType: 1 });
    expect(c.decodeResponse(c.encodeResponse({}, 0), 0)).toStrictEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: '',
      controllerId: -1,
      brokers: [],
      clusterAuthorizedOperations: -2147483648,
    });
    // endpointType 2 (controllers) cannot be sent at v0, which has no such field and does not ignore it
    expect(() => c.encodeRequest({ endpointType: 2 }, 0)).toThrow(ProtocolEncodeError);
  });

  it('SaslHandshake v0-1 and OffsetForLeaderEpoch v0-3 are not flexible: no tagged sections', () => {
    const sh = new ApiCodec(SaslHandshake);
    expect([...sh.encodeRequest({ mechanism: 'PLAIN' }, 1)]).toEqual([0x00, 0x05, ...Buffer.from('PLAIN')]);
    const ofle = new ApiCodec(OffsetForLeaderEpoch);
    // v3: replicaId int32, topics array int32 count 0
    expect([...ofle.encodeRequest({ replicaId: -1 }, 3)]).toEqual([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    // v4: flexible: compact array (count + 1) and an empty tagged section
    expect([...ofle.encodeRequest({ replicaId: -1 }, 4)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x01, 0x00]);
    // v2 has no replicaId, which is ignorable: dropped
    expect([...ofle.encodeRequest({ replicaId: 5 }, 2)]).toEqual([0, 0, 0, 0]);
  });
});
