/**
 * Consumer-group APIs (OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, LeaveGroup, SyncGroup,
 * DescribeGroups, ListGroups, DeleteGroups, OffsetDelete): every version of every request and response
 * round-trips through ApiCodec, fields a version lacks decode to their defaults, unknown tagged fields
 * are skipped, a few encodings are checked byte for byte, non-ignorable fields cannot be sent to a
 * version without them, and truncated bodies fail with ProtocolDecodeError.
 *
 * The samples below are written by hand, version by version, from Kafka 3.8.0's specs; a coverage
 * check makes sure each version's samples set every field the declaration has in that version to a
 * non-default value, null every field nullable in that version, and set nothing the version lacks.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError, ProtocolEncodeError, UnsupportedApiError } from '../../client/errors.js';
import { ApiCodec } from '../../client/protocol/api.js';
import { defaultValue } from '../../client/protocol/codec.js';
import { Reader } from '../../client/protocol/reader.js';
import { inRange, parseRange, type ApiDeclaration, type FieldDef, type Fields, type Input } from '../../client/protocol/schema.js';
import { OffsetCommit } from '../../client/protocol/apis/08-offset-commit.js';
import { OffsetFetch } from '../../client/protocol/apis/09-offset-fetch.js';
import { FindCoordinator } from '../../client/protocol/apis/10-find-coordinator.js';
import { JoinGroup } from '../../client/protocol/apis/11-join-group.js';
import { LeaveGroup } from '../../client/protocol/apis/13-leave-group.js';
import { SyncGroup } from '../../client/protocol/apis/14-sync-group.js';
import { DescribeGroups } from '../../client/protocol/apis/15-describe-groups.js';
import { ListGroups } from '../../client/protocol/apis/16-list-groups.js';
import { DeleteGroups } from '../../client/protocol/apis/42-delete-groups.js';
import { OffsetDelete } from '../../client/protocol/apis/47-offset-delete.js';

type Obj = Record<string, any>;

/** A sample builder: `nulls` asks for null in the nullable fields, else non-default values everywhere. */
type Build<F extends Fields> = (v: number, nulls: boolean) => Input<F>;

interface Case {
  decl: ApiDeclaration;
  codec: ApiCodec<any, any>;
  request: (v: number, nulls: boolean) => Obj;
  response: (v: number, nulls: boolean) => Obj;
}

function defineCase<Req extends Fields, Res extends Fields>(decl: ApiDeclaration<Req, Res>, request: Build<Req>, response: Build<Res>): Case {
  return { decl, codec: new ApiCodec(decl), request: request as Case['request'], response: response as Case['response'] };
}

/** Version-conditional fields: `when(v >= 5, { ... })`. */
function when<T extends object>(cond: boolean, fields: T): Partial<T> {
  return cond ? fields : {};
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** A ConsumerProtocolSubscription v0 for topics "orders" and "payments" (version, topics, user data). */
const SUBSCRIPTION = hex('0000 00000002 00066f7264657273 00087061796d656e7473 ffffffff');
/** A ConsumerProtocolAssignment v0: orders [0, 3], no user data. */
const ASSIGNMENT = hex('0000 00000001 00066f7264657273 00000002 00000000 00000003 ffffffff');
/** Long enough for a two-byte uvarint length in the compact encodings. */
const BIG_ASSIGNMENT = Buffer.alloc(300, 0x5a);
const MEMBER_A = 'consumer-orders-1-5b8e4f4e-7a9b-4c55-9d0e-2f6c1d0e9a11';
const MEMBER_B = 'consumer-orders-2-0c3a77d2-51aa-4b5f-8bd6-4e8b1e2f6a07';

const offsetCommit = defineCase(
  OffsetCommit,
  (v, nulls) => ({
    groupId: 'orders-app',
    ...when(v >= 1, { generationIdOrMemberEpoch: 42, memberId: MEMBER_A }),
    ...when(v >= 7, { groupInstanceId: nulls ? null : 'orders-app-host-a' }),
    ...when(v >= 2 && v <= 4, { retentionTimeMs: 7 * 24 * 3600 * 1000 }),
    topics: [
      {
        name: 'orders',
        partitions: [
          {
            partitionIndex: 3,
            committedOffset: 2 ** 40 + 17,
            ...when(v >= 6, { committedLeaderEpoch: 9 }),
            ...when(v === 1, { commitTimestamp: 1_718_000_000_123 }),
            committedMetadata: nulls ? null : 'commit from host-a ✓',
          },
          { partitionIndex: 0, committedOffset: 5, committedMetadata: '' },
        ],
      },
      { name: 'payments', partitions: [] },
    ],
  }),
  (v) => ({
    ...when(v >= 3, { throttleTimeMs: 250 }),
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 3, errorCode: 0 },
          { partitionIndex: 0, errorCode: 22 /* ILLEGAL_GENERATION */ },
        ],
      },
    ],
  }),
);

const offsetFetch = defineCase(
  OffsetFetch,
  (v, nulls) => ({
    ...when(v <= 7, {
      groupId: 'orders-app',
      topics: nulls && v >= 2 ? null : [{ name: 'orders', partitionIndexes: [0, 3, 7] }, { name: 'payments', partitionIndexes: [] }],
    }),
    ...when(v >= 8, {
      groups: [
        {
          groupId: 'orders-app',
          ...when(v >= 9, { memberId: nulls ? null : MEMBER_A, memberEpoch: 12 }),
          topics: nulls ? null : [{ name: 'orders', partitionIndexes: [0, 3] }],
        },
        { groupId: 'audit-app', topics: [{ name: 'payments', partitionIndexes: [1] }] },
      ],
    }),
    ...when(v >= 7, { requireStable: true }),
  }),
  (v, nulls) => ({
    ...when(v >= 3, { throttleTimeMs: 15 }),
    ...when(v <= 7, {
      topics: [
        {
          name: 'orders',
          partitions: [
            {
              partitionIndex: 3,
              committedOffset: 2 ** 40 + 17,
              ...when(v >= 5, { committedLeaderEpoch: 9 }),
              metadata: nulls ? null : 'commit from host-a ✓',
              errorCode: 0,
            },
            { partitionIndex: 7, committedOffset: -1, metadata: '', errorCode: v >= 7 ? 88 /* UNSTABLE_OFFSET_COMMIT */ : 3 },
          ],
        },
      ],
    }),
    ...when(v >= 2 && v <= 7, { errorCode: 14 /* COORDINATOR_LOAD_IN_PROGRESS */ }),
    ...when(v >= 8, {
      groups: [
        {
          groupId: 'orders-app',
          topics: [
            {
              name: 'orders',
              partitions: [
                { partitionIndex: 3, committedOffset: 2 ** 40 + 17, committedLeaderEpoch: 9, metadata: nulls ? null : 'm', errorCode: 0 },
                { partitionIndex: 0, committedOffset: -1, metadata: '', errorCode: 88 },
              ],
            },
          ],
          errorCode: 0,
        },
        { groupId: 'audit-app', topics: [], errorCode: 69 /* GROUP_ID_NOT_FOUND */ },
      ],
    }),
  }),
);

const findCoordinator = defineCase(
  FindCoordinator,
  (v) => ({
    ...when(v <= 3, { key: 'orders-app' }),
    ...when(v >= 1, { keyType: 1 }),
    ...when(v >= 4, { coordinatorKeys: ['orders-app', 'audit-app', 'tx-payments-0'] }),
  }),
  (v, nulls) => ({
    ...when(v >= 1, { throttleTimeMs: 30 }),
    ...when(v <= 3, { errorCode: 15 /* COORDINATOR_NOT_AVAILABLE */, nodeId: 2, host: 'broker-2.kafka.internal', port: 19092 }),
    ...when(v >= 1 && v <= 3, { errorMessage: nulls ? null : 'The coordinator is not available.' }),
    ...when(v >= 4, {
      coordinators: [
        { key: 'orders-app', nodeId: 1, host: 'broker-1.kafka.internal', port: 9092, errorCode: 0, errorMessage: nulls ? null : 'ok' },
        { key: 'audit-app', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'The coordinator is not available.' },
      ],
    }),
  }),
);

const joinGroup = defineCase(
  JoinGroup,
  (v, nulls) => ({
    groupId: 'orders-app',
    sessionTimeoutMs: 45_000,
    ...when(v >= 1, { rebalanceTimeoutMs: 300_000 }),
    memberId: MEMBER_A,
    ...when(v >= 5, { groupInstanceId: nulls ? null : 'orders-app-host-a' }),
    protocolType: 'consumer',
    protocols: [
      { name: 'cooperative-sticky', metadata: SUBSCRIPTION },
      { name: 'range', metadata: Buffer.alloc(0) },
    ],
    ...when(v >= 8, { reason: nulls ? null : 'rebalance failed due to MemberIdRequiredException' }),
  }),
  (v, nulls) => ({
    ...when(v >= 2, { throttleTimeMs: 5 }),
    errorCode: v >= 4 ? 79 /* MEMBER_ID_REQUIRED */ : 27 /* REBALANCE_IN_PROGRESS */,
    generationId: 8,
    ...when(v >= 7, { protocolType: nulls ? null : 'consumer' }),
    protocolName: nulls && v >= 7 ? null : 'cooperative-sticky',
    leader: MEMBER_B,
    ...when(v >= 9, { skipAssignment: true }),
    memberId: MEMBER_A,
    members: [
      { memberId: MEMBER_B, ...when(v >= 5, { groupInstanceId: nulls ? null : 'orders-app-host-b' }), metadata: SUBSCRIPTION },
      { memberId: MEMBER_A, metadata: Buffer.alloc(0) },
    ],
  }),
);

const leaveGroup = defineCase(
  LeaveGroup,
  (v, nulls) => ({
    groupId: 'orders-app',
    ...when(v <= 2, { memberId: MEMBER_A }),
    ...when(v >= 3, {
      members: [
        { memberId: MEMBER_A, groupInstanceId: nulls ? null : 'orders-app-host-a', ...when(v >= 5, { reason: nulls ? null : 'consumer closed' }) },
        { memberId: '', groupInstanceId: 'orders-app-host-b' },
      ],
    }),
  }),
  (v, nulls) => ({
    ...when(v >= 1, { throttleTimeMs: 7 }),
    errorCode: 25 /* UNKNOWN_MEMBER_ID */,
    ...when(v >= 3, {
      members: [
        { memberId: MEMBER_A, groupInstanceId: nulls ? null : 'orders-app-host-a', errorCode: 0 },
        { memberId: '', groupInstanceId: 'orders-app-host-b', errorCode: 82 /* FENCED_INSTANCE_ID */ },
      ],
    }),
  }),
);

const syncGroup = defineCase(
  SyncGroup,
  (v, nulls) => ({
    groupId: 'orders-app',
    generationId: 8,
    memberId: MEMBER_A,
    ...when(v >= 3, { groupInstanceId: nulls ? null : 'orders-app-host-a' }),
    ...when(v >= 5, { protocolType: nulls ? null : 'consumer', protocolName: nulls ? null : 'cooperative-sticky' }),
    assignments: [
      { memberId: MEMBER_A, assignment: ASSIGNMENT },
      { memberId: MEMBER_B, assignment: BIG_ASSIGNMENT },
    ],
  }),
  (v, nulls) => ({
    ...when(v >= 1, { throttleTimeMs: 3 }),
    errorCode: 27 /* REBALANCE_IN_PROGRESS */,
    ...when(v >= 5, { protocolType: nulls ? null : 'consumer', protocolName: nulls ? null : 'cooperative-sticky' }),
    assignment: ASSIGNMENT,
  }),
);

const describeGroups = defineCase(
  DescribeGroups,
  (v) => ({
    groups: ['orders-app', 'audit-app'],
    ...when(v >= 3, { includeAuthorizedOperations: true }),
  }),
  (v, nulls) => ({
    ...when(v >= 1, { throttleTimeMs: 11 }),
    groups: [
      {
        errorCode: 0,
        groupId: 'orders-app',
        groupState: 'Stable',
        protocolType: 'consumer',
        protocolData: 'cooperative-sticky',
        members: [
          {
            memberId: MEMBER_A,
            ...when(v >= 4, { groupInstanceId: nulls ? null : 'orders-app-host-a' }),
            clientId: 'orders-consumer',
            clientHost: '/10.0.3.17',
            memberMetadata: SUBSCRIPTION,
            memberAssignment: BIG_ASSIGNMENT,
          },
        ],
        ...when(v >= 3, { authorizedOperations: 0b1_1000_0110_1000 }),
      },
      { errorCode: 16 /* NOT_COORDINATOR */, groupId: 'audit-app', groupState: 'Dead', protocolType: '', protocolData: '', members: [] },
    ],
  }),
);

const listGroups = defineCase(
  ListGroups,
  (v) => ({
    ...when(v >= 4, { statesFilter: ['Stable', 'PreparingRebalance'] }),
    ...when(v >= 5, { typesFilter: ['classic', 'consumer'] }),
  }),
  (v) => ({
    ...when(v >= 1, { throttleTimeMs: 2 }),
    errorCode: 14 /* COORDINATOR_LOAD_IN_PROGRESS */,
    groups: [
      { groupId: 'orders-app', protocolType: 'consumer', ...when(v >= 4, { groupState: 'Stable' }), ...when(v >= 5, { groupType: 'classic' }) },
      { groupId: 'connect-cluster', protocolType: 'connect' },
    ],
  }),
);

const deleteGroups = defineCase(
  DeleteGroups,
  () => ({
    // more than 127 names: a two-byte uvarint count in the compact encoding
    groupsNames: Array.from({ length: 130 }, (_, i) => `stale-group-${i}`),
  }),
  () => ({
    throttleTimeMs: 100,
    results: [
      { groupId: 'stale-group-0', errorCode: 0 },
      { groupId: 'orders-app', errorCode: 68 /* NON_EMPTY_GROUP */ },
    ],
  }),
);

const offsetDelete = defineCase(
  OffsetDelete,
  () => ({
    groupId: 'orders-app',
    topics: [
      { name: 'orders', partitions: [{ partitionIndex: 0 }, { partitionIndex: 3 }] },
      { name: 'payments', partitions: [] },
    ],
  }),
  (_v, groupError) => ({
    // the second sample is a group-level failure
    errorCode: groupError ? 69 /* GROUP_ID_NOT_FOUND */ : 0,
    throttleTimeMs: 9,
    topics: [
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, errorCode: 0 },
          { partitionIndex: 3, errorCode: 86 /* GROUP_SUBSCRIBED_TO_TOPIC */ },
        ],
      },
    ],
  }),
);

const cases: Case[] = [offsetCommit, offsetFetch, findCoordinator, joinGroup, leaveGroup, syncGroup, describeGroups, listGroups, deleteGroups, offsetDelete];

const KAFKA_RANGES: Record<string, string> = {
  OffsetCommit: '0-9',
  OffsetFetch: '0-9',
  FindCoordinator: '0-5',
  JoinGroup: '0-9',
  LeaveGroup: '0-5',
  SyncGroup: '0-5',
  DescribeGroups: '0-5',
  ListGroups: '0-5',
  DeleteGroups: '0-2',
  OffsetDelete: '0',
};

function versionsOf(c: Case): number[] {
  const r = parseRange(c.decl.versions);
  const out: number[] = [];
  for (let v = r.min; v <= r.max; v++) out.push(v);
  return out;
}

/** What decoding `input` at `v` must give: the input for fields present in `v`, the default for the others. */
function expected(fields: Fields, input: Obj, v: number): Obj {
  const out: Obj = {};
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    if (!inRange(def.versions, v) || input[name] === undefined) {
      out[name] = defaultValue(def);
      continue;
    }
    const val = input[name];
    if (def.fields && val !== null) out[name] = def.kind === 'array' ? val.map((e: Obj) => expected(def.fields!, e, v)) : expected(def.fields, val, v);
    else if (val instanceof Uint8Array && !Buffer.isBuffer(val)) out[name] = Buffer.from(val);
    else out[name] = val;
  }
  return out;
}

function isDefaultValue(def: FieldDef, val: unknown): boolean {
  if (val === undefined) return true;
  if (def.kind === 'array') return Array.isArray(val) && val.length === 0;
  const d = defaultValue(def);
  if (Buffer.isBuffer(d)) return val instanceof Uint8Array && val.length === 0;
  return val === d;
}

interface Coverage {
  /** Paths of fields that some sample sets to a non-default value. */
  set: Set<string>;
  /** Paths of fields that some sample sets to null. */
  nulls: Set<string>;
  /** Paths of fields a sample sets although the version lacks them (or the declaration does not know). */
  extra: Set<string>;
}

function walk(fields: Fields, value: Obj, v: number, prefix: string, cov: Coverage): void {
  for (const key of Object.keys(value)) {
    const def = fields[key];
    if (!def || !inRange(def.versions, v)) cov.extra.add(prefix + key);
  }
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    if (!inRange(def.versions, v)) continue;
    const val = value[name];
    if (val === null) cov.nulls.add(prefix + name);
    if (!isDefaultValue(def, val)) cov.set.add(prefix + name);
    if (def.fields && val) {
      for (const e of def.kind === 'array' ? val : [val]) walk(def.fields, e, v, `${prefix}${name}.`, cov);
    }
  }
}

/** Every field path present in `v`, and those nullable in `v`. */
function declared(fields: Fields, v: number, prefix = '', all: string[] = [], nullable: string[] = []): { all: string[]; nullable: string[] } {
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    if (!inRange(def.versions, v)) continue;
    all.push(prefix + name);
    if (inRange(def.nullable, v)) nullable.push(prefix + name);
    if (def.fields) declared(def.fields, v, `${prefix}${name}.`, all, nullable);
  }
  return { all, nullable };
}

const kinds = ['request', 'response'] as const;

function encode(c: Case, kind: (typeof kinds)[number], value: Obj, v: number): Buffer {
  return kind === 'request' ? c.codec.encodeRequest(value, v) : c.codec.encodeResponse(value, v);
}

function decode(c: Case, kind: (typeof kinds)[number], input: Buffer | Reader, v: number): Obj {
  return kind === 'request' ? c.codec.decodeRequest(input, v) : c.codec.decodeResponse(input, v);
}

function fieldsOf(c: Case, kind: (typeof kinds)[number]): Fields {
  return kind === 'request' ? c.decl.request : c.decl.response;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function expectEncodeError(fn: () => unknown, errorName: 'UNSUPPORTED_VERSION' | 'INVALID_REQUEST' = 'UNSUPPORTED_VERSION'): void {
  const e = catchError(fn);
  expect(e).toBeInstanceOf(ProtocolEncodeError);
  expect((e as ProtocolEncodeError).code).toBe('KTS_ERR_ENCODE');
  expect((e as ProtocolEncodeError).errorName).toBe(errorName);
}

describe('consumer-group API declarations', () => {
  it('cover Kafka 3.8.0 full version ranges', () => {
    for (const c of cases) expect(c.decl.versions, c.decl.name).toBe(KAFKA_RANGES[c.decl.name]);
  });

  it('reject versions outside the range', () => {
    for (const c of cases) {
      expect(() => c.codec.encodeRequest({}, c.codec.maxVersion + 1), c.decl.name).toThrow(UnsupportedApiError);
      expect(() => c.codec.decodeResponse(Buffer.alloc(0), c.codec.maxVersion + 1), c.decl.name).toThrow(UnsupportedApiError);
    }
  });
});

for (const c of cases) {
  describe(`${c.decl.name} (key ${c.decl.key}, v${c.decl.versions}, flexible ${c.decl.flexible})`, () => {
    for (const kind of kinds) {
      const build = kind === 'request' ? c.request : c.response;
      const fields = fieldsOf(c, kind);

      for (const v of versionsOf(c)) {
        it(`${kind} v${v}: the samples set every field of the version, null every nullable one, nothing else`, () => {
          const cov: Coverage = { set: new Set(), nulls: new Set(), extra: new Set() };
          walk(fields, build(v, false), v, '', cov);
          walk(fields, build(v, true), v, '', cov);
          const d = declared(fields, v);
          expect([...cov.extra], 'fields the version lacks').toEqual([]);
          expect(d.all.filter((p) => !cov.set.has(p)), 'fields never set to a non-default value').toEqual([]);
          expect(d.nullable.filter((p) => !cov.nulls.has(p)), 'nullable fields never null').toEqual([]);
        });

        it(`${kind} v${v}: round-trips; absent fields decode to defaults`, () => {
          for (const nulls of [false, true]) {
            const value = build(v, nulls);
            const body = encode(c, kind, value, v);
            const r = new Reader(body);
            const decoded = decode(c, kind, r, v);
            expect(r.remaining, 'whole body consumed').toBe(0);
            expect(decoded).toEqual(expected(fields, value, v));
            // encoding is deterministic and the decoded value encodes to the same bytes
            expect(encode(c, kind, decoded, v)).toEqual(body);
          }
        });

        it(`${kind} v${v}: every truncation of the body fails with ProtocolDecodeError`, () => {
          const body = encode(c, kind, build(v, false), v);
          for (let n = 0; n < body.length; n++) {
            const e = catchError(() => decode(c, kind, body.subarray(0, n), v));
            expect(e, `truncated to ${n} of ${body.length} bytes`).toBeInstanceOf(ProtocolDecodeError);
            expect((e as ProtocolDecodeError).code).toBe('KTS_ERR_DECODE');
          }
        });

        if (c.codec.isFlexible(v)) {
          it(`${kind} v${v}: unknown tagged fields are skipped (KIP-482)`, () => {
            const value = build(v, false);
            const body = encode(c, kind, value, v);
            // No tagged field is declared in these messages, so the body ends with an empty tag section.
            expect(body[body.length - 1]).toBe(0);
            const withTags = Buffer.concat([body.subarray(0, body.length - 1), hex('02 05 02abcd 5a 01 00')]);
            const r = new Reader(withTags);
            expect(decode(c, kind, r, v)).toEqual(expected(fields, value, v));
            expect(r.remaining).toBe(0);
          });
        }
      }
    }
  });
}

describe('wire format, byte for byte', () => {
  it('DeleteGroups request: classic array and string (v1) vs compact ones with a tag section (v2)', () => {
    const codec = new ApiCodec(DeleteGroups);
    expect(codec.encodeRequest({ groupsNames: ['ab'] }, 1)).toEqual(hex('00000001 0002 6162'));
    expect(codec.encodeRequest({ groupsNames: ['ab'] }, 2)).toEqual(hex('02 03 6162 00'));
  });

  it('LeaveGroup request: a null group.instance.id is int16 -1 in v3, uvarint 0 in v4', () => {
    const codec = new ApiCodec(LeaveGroup);
    const value = { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: null }] };
    expect(codec.encodeRequest(value, 3)).toEqual(hex('0001 67 00000001 0001 6d ffff'));
    expect(codec.encodeRequest(value, 4)).toEqual(hex('02 67 02 02 6d 00 00 00'));
    // v5: a null reason is uvarint 0 too
    expect(codec.encodeRequest(value, 5)).toEqual(hex('02 67 02 02 6d 00 00 00 00'));
  });

  it('FindCoordinator: v0 is just the key; v4 is key type then the key list', () => {
    const codec = new ApiCodec(FindCoordinator);
    expect(codec.encodeRequest({ key: 'g' }, 0)).toEqual(hex('0001 67'));
    expect(codec.encodeRequest({ key: 'g', keyType: 1 }, 1)).toEqual(hex('0001 67 01'));
    expect(codec.encodeRequest({ keyType: 0, coordinatorKeys: ['g', 'h'] }, 4)).toEqual(hex('00 03 0267 0268 00'));
  });

  it('ListGroups v0-2 request is empty; v3 is an empty tag section', () => {
    const codec = new ApiCodec(ListGroups);
    expect(codec.encodeRequest({}, 0)).toEqual(Buffer.alloc(0));
    expect(codec.encodeRequest({}, 3)).toEqual(hex('00'));
    expect(codec.decodeRequest(hex('00'), 3)).toEqual({ statesFilter: [], typesFilter: [] });
  });

  it('DescribeGroups response: 300 bytes of assignment take a two-byte uvarint length in v5', () => {
    const codec = new ApiCodec(DescribeGroups);
    const body = codec.encodeResponse(describeGroups.response(5, false), 5);
    const at = body.indexOf(BIG_ASSIGNMENT);
    expect(at).toBeGreaterThan(2);
    expect(body.subarray(at - 2, at)).toEqual(hex('ad02')); // uvarint(301)
  });
});

describe('fields a version lacks', () => {
  it('JoinGroup: group.instance.id cannot be sent before v5 (static membership)', () => {
    const codec = new ApiCodec(JoinGroup);
    const value = { ...joinGroup.request(5, false), groupInstanceId: 'orders-app-host-a' };
    expectEncodeError(() => codec.encodeRequest(value, 4));
    expectEncodeError(() => codec.encodeRequest(value, 0));
    // null is its default, so a v5 value with a null instance id encodes at v4
    expect(() => codec.encodeRequest({ ...value, groupInstanceId: null }, 4)).not.toThrow();
  });

  it('JoinGroup: ignorable fields are dropped silently, the others refuse', () => {
    const codec = new ApiCodec(JoinGroup);
    // reason (8+) and rebalanceTimeoutMs (1+) are ignorable
    const req = codec.decodeRequest(codec.encodeRequest({ ...joinGroup.request(0, false), reason: 'x', rebalanceTimeoutMs: 1 }, 0), 0);
    expect(req.reason).toBeNull();
    expect(req.rebalanceTimeoutMs).toBe(-1);
    // skipAssignment (9+) is not ignorable; protocolType (7+) is
    expectEncodeError(() => codec.encodeResponse({ ...joinGroup.response(8, false), skipAssignment: true }, 8));
    const res = codec.decodeResponse(codec.encodeResponse({ ...joinGroup.response(6, false), protocolType: 'consumer' }, 6), 6);
    expect(res.protocolType).toBeNull();
    // the member's group.instance.id in the response is ignorable
    const members = [{ memberId: 'm', groupInstanceId: 'i', metadata: Buffer.alloc(0) }];
    expect(codec.decodeResponse(codec.encodeResponse({ members }, 4), 4).members).toEqual([{ memberId: 'm', groupInstanceId: null, metadata: Buffer.alloc(0) }]);
  });

  it('JoinGroup response: the protocol name may be null only from v7', () => {
    const codec = new ApiCodec(JoinGroup);
    expectEncodeError(() => codec.encodeResponse({ protocolName: null }, 6), 'INVALID_REQUEST');
    expect(codec.decodeResponse(codec.encodeResponse({ protocolName: null }, 7), 7).protocolName).toBeNull();
  });

  it('OffsetCommit: group.instance.id before v7, commit timestamp outside v1 (nested field)', () => {
    const codec = new ApiCodec(OffsetCommit);
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', groupInstanceId: 'i' }, 6));
    const topics = [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, commitTimestamp: 1_718_000_000_000 }] }];
    expect(() => codec.encodeRequest({ groupId: 'g', topics }, 1)).not.toThrow();
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', topics }, 2));
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', topics }, 0));
    // retention time (2-4) and leader epoch (6+) are ignorable
    const r = codec.decodeRequest(codec.encodeRequest({ groupId: 'g', retentionTimeMs: 1000 }, 5), 5);
    expect(r.retentionTimeMs).toBe(-1);
  });

  it('OffsetFetch: single-group fields end at v7, the group list starts at v8', () => {
    const codec = new ApiCodec(OffsetFetch);
    expectEncodeError(() => codec.encodeRequest({ groups: [{ groupId: 'g' }] }, 7));
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g' }, 8));
    expectEncodeError(() => codec.encodeRequest({ topics: [{ name: 't', partitionIndexes: [0] }] }, 8));
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', requireStable: true }, 6));
    expectEncodeError(() => codec.encodeResponse({ groups: [{ groupId: 'g' }] }, 7));
    // a null topic list (all topics) exists only from v2
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', topics: null }, 1), 'INVALID_REQUEST');
    expect(codec.decodeRequest(codec.encodeRequest({ groupId: 'g', topics: null }, 2), 2).topics).toBeNull();
    // the v9 member id and epoch are ignorable
    const r = codec.decodeRequest(codec.encodeRequest({ groups: [{ groupId: 'g', memberId: 'm', memberEpoch: 3, topics: null }] }, 8), 8);
    expect(r.groups).toEqual([{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }]);
  });

  it('FindCoordinator: key type from v1, the key list from v4, the single key until v3', () => {
    const codec = new ApiCodec(FindCoordinator);
    expectEncodeError(() => codec.encodeRequest({ key: 'g', keyType: 1 }, 0));
    expectEncodeError(() => codec.encodeRequest({ key: 'g', coordinatorKeys: ['g'] }, 3));
    expectEncodeError(() => codec.encodeRequest({ key: 'g', coordinatorKeys: ['g'] }, 4));
    expectEncodeError(() => codec.encodeResponse({ coordinators: [{ key: 'g' }] }, 3));
    expectEncodeError(() => codec.encodeResponse({ nodeId: 1 }, 4));
  });

  it('LeaveGroup: one member id until v2, a member list from v3', () => {
    const codec = new ApiCodec(LeaveGroup);
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', memberId: 'm' }, 3));
    expectEncodeError(() => codec.encodeRequest({ groupId: 'g', members: [{ memberId: 'm' }] }, 2));
    expectEncodeError(() => codec.encodeResponse({ members: [{ memberId: 'm', groupInstanceId: null }] }, 2));
    // the per-member reason is ignorable
    const r = codec.decodeRequest(codec.encodeRequest({ groupId: 'g', members: [{ memberId: 'm', reason: 'bye' }] }, 4), 4);
    expect(r.members).toEqual([{ memberId: 'm', groupInstanceId: null, reason: null }]);
  });

  it('SyncGroup, DescribeGroups, ListGroups: non-ignorable fields refuse older versions', () => {
    expectEncodeError(() => new ApiCodec(SyncGroup).encodeRequest({ groupId: 'g', groupInstanceId: 'i' }, 2));
    const dg = new ApiCodec(DescribeGroups);
    expectEncodeError(() => dg.encodeRequest({ groups: ['g'], includeAuthorizedOperations: true }, 2));
    expectEncodeError(() => dg.encodeResponse({ groups: [{ groupId: 'g', authorizedOperations: 8 }] }, 2));
    const lg = new ApiCodec(ListGroups);
    expectEncodeError(() => lg.encodeRequest({ statesFilter: ['Stable'] }, 3));
    expectEncodeError(() => lg.encodeRequest({ typesFilter: ['consumer'] }, 4));
    // the group state and type in the response are ignorable
    const res = lg.decodeResponse(lg.encodeResponse({ groups: [{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }] }, 3), 3);
    expect(res.groups).toEqual([{ groupId: 'g', protocolType: 'consumer', groupState: '', groupType: '' }]);
  });
});

describe('malformed bodies', () => {
  it('a null where the version allows none fails with ProtocolDecodeError', () => {
    // JoinGroup v6 response with a null protocol name (compact string length 0)
    const codec = new ApiCodec(JoinGroup);
    const body = codec.encodeResponse({ protocolName: null }, 7);
    // v7 = throttle(4) errorCode(2) generationId(4) protocolType(1: null) protocolName(1: null) ...
    expect(body[11]).toBe(0);
    const v6 = Buffer.concat([body.subarray(0, 10), body.subarray(11)]);
    expect(() => codec.decodeResponse(v6, 6)).toThrow(ProtocolDecodeError);
    // OffsetFetch v1 request with a null topic array
    expect(() => new ApiCodec(OffsetFetch).decodeRequest(hex('0001 67 ffffffff'), 1)).toThrow(ProtocolDecodeError);
  });

  it('an array count larger than the bytes left fails with ProtocolDecodeError', () => {
    expect(() => new ApiCodec(DeleteGroups).decodeRequest(hex('7fffffff 0001 61'), 1)).toThrow(ProtocolDecodeError);
    expect(() => new ApiCodec(DeleteGroups).decodeRequest(hex('ffffffff0f'), 2)).toThrow(ProtocolDecodeError);
  });
});
