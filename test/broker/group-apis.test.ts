/**
 * The group APIs over TCP against a real broker (RawClient on our codec): FindCoordinator,
 * JoinGroup / SyncGroup / Heartbeat / LeaveGroup in old, current and flexible versions with their
 * error cases, static membership, OffsetCommit / OffsetFetch round trips (metadata included) and
 * their persistence across a broker restart, DescribeGroups, ListGroups, DeleteGroups, OffsetDelete,
 * and the ranges ApiVersions advertises.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Apis, errorCode } from '../../client/protocol/index.js';
import { subscription } from './group-helpers.js';
import { connect, startBroker, tempDir, type RawClient, type TestBroker } from './helpers.js';

const E = errorCode;
let broker: TestBroker;
const clients: RawClient[] = [];

async function client(clientId = 'grp-test'): Promise<RawClient> {
  const c = await connect(broker, clientId);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  broker = await startBroker();
  await broker.context.metadata.createTopic('orders', { numPartitions: 3 });
  await broker.context.metadata.createTopic('other', { numPartitions: 1 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.stop();
});

const SUB = subscription(['orders']);
const join = (groupId: string, memberId = '', extra: object = {}) => ({
  groupId,
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 5_000,
  memberId,
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: SUB }],
  ...extra,
});
const syncReq = (groupId: string, generationId: number, memberId: string, assignments: { memberId: string; assignment: Buffer }[] = [], extra: object = {}) => ({
  groupId,
  generationId,
  memberId,
  groupInstanceId: null,
  assignments,
  ...extra,
});

/** A one-member group through JoinGroup v5 (MEMBER_ID_REQUIRED round) and SyncGroup v3. */
async function stableGroup(c: RawClient, groupId: string, assignment = Buffer.from('A')) {
  const first = await c.request(Apis.JoinGroup, 5, join(groupId));
  const j = await c.request(Apis.JoinGroup, 5, join(groupId, first.memberId));
  const s = await c.request(Apis.SyncGroup, 3, syncReq(groupId, j.generationId, j.memberId, [{ memberId: j.memberId, assignment }]));
  expect(s.errorCode).toBe(0);
  return { memberId: j.memberId as string, generationId: j.generationId as number };
}

describe('ApiVersions', () => {
  it('advertises the group API ranges', async () => {
    const c = await client();
    const r = await c.request(Apis.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    const range = (key: number) => {
      const k = r.apiKeys.find((x: any) => x.apiKey === key);
      return k && `${k.minVersion}-${k.maxVersion}`;
    };
    expect({ 8: range(8), 9: range(9), 10: range(10), 11: range(11), 12: range(12), 13: range(13), 14: range(14), 15: range(15), 16: range(16), 42: range(42), 47: range(47) }).toEqual({
      8: '0-9', 9: '0-9', 10: '0-5', 11: '0-9', 12: '0-4', 13: '0-5', 14: '0-5', 15: '0-5', 16: '0-5', 42: '0-2', 47: '0-0',
    });
  });
});

describe('FindCoordinator', () => {
  it('answers this broker for groups and transactional ids, v0 to v5; INVALID_REQUEST for another key type', async () => {
    const c = await client();
    const self = { nodeId: 0, host: '127.0.0.1', port: broker.port };
    expect(await c.request(Apis.FindCoordinator, 0, { key: 'g' })).toMatchObject({ errorCode: 0, ...self });
    expect(await c.request(Apis.FindCoordinator, 1, { key: 'tx', keyType: 1 })).toMatchObject({ errorCode: 0, errorMessage: 'NONE', ...self });
    expect(await c.request(Apis.FindCoordinator, 3, { key: 'g', keyType: 0 })).toMatchObject({ errorCode: 0, ...self });
    for (const v of [4, 5]) {
      const r = await c.request(Apis.FindCoordinator, v, { keyType: 0, coordinatorKeys: ['a', 'b'] });
      expect(r.coordinators).toEqual([
        { key: 'a', errorCode: 0, errorMessage: 'NONE', ...self },
        { key: 'b', errorCode: 0, errorMessage: 'NONE', ...self },
      ]);
    }
    const bad = await c.request(Apis.FindCoordinator, 4, { keyType: 5, coordinatorKeys: ['a'] });
    expect(bad.coordinators[0]).toMatchObject({ key: 'a', errorCode: E('INVALID_REQUEST'), nodeId: -1 });
  });
});

describe('membership over the wire', () => {
  it('JoinGroup v5: MEMBER_ID_REQUIRED, join, SyncGroup, Heartbeat; a second member: REBALANCE_IN_PROGRESS on heartbeat, both rejoin; LeaveGroup', async () => {
    const a = await client('app-a');
    const b = await client('app-b');
    const first = await a.request(Apis.JoinGroup, 5, join('wire'));
    expect(first).toMatchObject({ errorCode: E('MEMBER_ID_REQUIRED'), generationId: -1, leader: '', members: [] });
    expect(first.memberId).toMatch(/^app-a-/);
    const ja = await a.request(Apis.JoinGroup, 5, join('wire', first.memberId));
    expect(ja).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leader: first.memberId, memberId: first.memberId });
    expect(ja.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: SUB }]);
    expect(await a.request(Apis.SyncGroup, 3, syncReq('wire', 1, ja.memberId, [{ memberId: ja.memberId, assignment: Buffer.from('all') }]))).toMatchObject({ errorCode: 0, assignment: Buffer.from('all') });
    expect((await a.request(Apis.Heartbeat, 3, { groupId: 'wire', generationId: 1, memberId: ja.memberId, groupInstanceId: null })).errorCode).toBe(0);

    const fb = await b.request(Apis.JoinGroup, 5, join('wire'));
    const jbP = b.request(Apis.JoinGroup, 5, join('wire', fb.memberId));
    await new Promise((r) => setTimeout(r, 50));
    expect((await a.request(Apis.Heartbeat, 3, { groupId: 'wire', generationId: 1, memberId: ja.memberId, groupInstanceId: null })).errorCode).toBe(E('REBALANCE_IN_PROGRESS'));
    // SyncGroup during PreparingRebalance: REBALANCE_IN_PROGRESS (with an empty assignment).
    expect(await a.request(Apis.SyncGroup, 3, syncReq('wire', 1, ja.memberId))).toMatchObject({ errorCode: E('REBALANCE_IN_PROGRESS'), assignment: Buffer.alloc(0) });
    const ja2 = await a.request(Apis.JoinGroup, 5, join('wire', ja.memberId));
    const jb = await jbP;
    expect(ja2.generationId).toBe(2);
    expect(ja2.members.map((m: any) => m.memberId)).toEqual([ja.memberId, fb.memberId]);
    expect(jb).toMatchObject({ errorCode: 0, generationId: 2, leader: ja.memberId, members: [] });
    const sbP = b.request(Apis.SyncGroup, 3, syncReq('wire', 2, jb.memberId));
    const sa = await a.request(Apis.SyncGroup, 3, syncReq('wire', 2, ja.memberId, [{ memberId: ja.memberId, assignment: Buffer.from('A') }, { memberId: jb.memberId, assignment: Buffer.from('B') }]));
    expect(sa.assignment).toEqual(Buffer.from('A'));
    expect((await sbP).assignment).toEqual(Buffer.from('B'));

    // LeaveGroup v3 batch with an unknown member.
    const leave = await b.request(Apis.LeaveGroup, 3, { groupId: 'wire', members: [{ memberId: jb.memberId, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }] });
    expect(leave).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      members: [
        { memberId: jb.memberId, groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: E('UNKNOWN_MEMBER_ID') },
      ],
    });
    expect((await a.request(Apis.Heartbeat, 3, { groupId: 'wire', generationId: 2, memberId: ja.memberId, groupInstanceId: null })).errorCode).toBe(E('REBALANCE_IN_PROGRESS'));
  });

  it('old versions: JoinGroup v0 gets an id at once; SyncGroup/Heartbeat v0; LeaveGroup v0 carries the member error at top level', async () => {
    const c = await client('old-client');
    const j = await c.request(Apis.JoinGroup, 0, join('old'));
    expect(j).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(j.memberId).toMatch(/^old-client-/);
    expect((await c.request(Apis.SyncGroup, 0, syncReq('old', 1, j.memberId, [{ memberId: j.memberId, assignment: Buffer.from('x') }]))).assignment).toEqual(Buffer.from('x'));
    expect((await c.request(Apis.Heartbeat, 0, { groupId: 'old', generationId: 1, memberId: j.memberId })).errorCode).toBe(0);
    expect((await c.request(Apis.LeaveGroup, 0, { groupId: 'old', memberId: 'nobody' })).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect((await c.request(Apis.LeaveGroup, 1, { groupId: 'old', memberId: j.memberId })).errorCode).toBe(0);
    expect((await c.request(Apis.DescribeGroups, 0, { groups: ['old'] })).groups[0]).toMatchObject({ groupState: 'Empty', members: [] });
  });

  it('flexible versions: JoinGroup v9, SyncGroup v5 (protocol checks), Heartbeat v4, LeaveGroup v5', async () => {
    const c = await client('flex');
    const first = await c.request(Apis.JoinGroup, 9, join('flex', '', { reason: 'starting' }));
    expect(first.errorCode).toBe(E('MEMBER_ID_REQUIRED'));
    expect(first.protocolName).toBeNull(); // v7+: null protocol name on errors
    const j = await c.request(Apis.JoinGroup, 9, join('flex', first.memberId));
    expect(j).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', skipAssignment: false });
    const bad = await c.request(Apis.SyncGroup, 5, syncReq('flex', j.generationId, j.memberId, [], { protocolType: 'consumer', protocolName: 'roundrobin' }));
    expect(bad).toMatchObject({ errorCode: E('INCONSISTENT_GROUP_PROTOCOL'), protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    const s = await c.request(Apis.SyncGroup, 5, syncReq('flex', j.generationId, j.memberId, [{ memberId: j.memberId, assignment: Buffer.from('z') }], { protocolType: 'consumer', protocolName: 'range' }));
    expect(s).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('z') });
    expect((await c.request(Apis.Heartbeat, 4, { groupId: 'flex', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null })).errorCode).toBe(0);
    const l = await c.request(Apis.LeaveGroup, 5, { groupId: 'flex', members: [{ memberId: j.memberId, groupInstanceId: null, reason: 'bye' }] });
    expect(l.members[0].errorCode).toBe(0);
    const v6 = await c.request(Apis.JoinGroup, 6, join('flex', 'not-a-member'));
    expect(v6).toMatchObject({ errorCode: E('UNKNOWN_MEMBER_ID'), protocolName: '' }); // before v7: '' not null
  });

  it('errors: SyncGroup before JoinGroup, wrong generation, unknown member, empty group id, bad session timeout', async () => {
    const c = await client();
    expect((await c.request(Apis.SyncGroup, 3, syncReq('never-joined', 0, 'someone'))).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    const g = await stableGroup(c, 'errs');
    expect((await c.request(Apis.SyncGroup, 3, syncReq('errs', 0, 'someone'))).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect((await c.request(Apis.SyncGroup, 3, syncReq('errs', g.generationId + 1, g.memberId))).errorCode).toBe(E('ILLEGAL_GENERATION'));
    expect((await c.request(Apis.Heartbeat, 3, { groupId: 'errs', generationId: g.generationId + 1, memberId: g.memberId, groupInstanceId: null })).errorCode).toBe(E('ILLEGAL_GENERATION'));
    expect((await c.request(Apis.Heartbeat, 3, { groupId: 'errs', generationId: g.generationId, memberId: 'x', groupInstanceId: null })).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect((await c.request(Apis.Heartbeat, 3, { groupId: 'nope', generationId: 1, memberId: 'x', groupInstanceId: null })).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect((await c.request(Apis.JoinGroup, 5, join(''))).errorCode).toBe(E('INVALID_GROUP_ID'));
    expect((await c.request(Apis.JoinGroup, 5, join('errs', '', { sessionTimeoutMs: 10 }))).errorCode).toBe(E('INVALID_SESSION_TIMEOUT'));
    expect((await c.request(Apis.JoinGroup, 5, join('errs', '', { protocolType: 'connect' }))).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
  });

  it('static membership: a restarted static member replaces its old id without a rebalance; the old id is fenced', async () => {
    const a = await client('static-a');
    const ja = await a.request(Apis.JoinGroup, 5, join('static', '', { groupInstanceId: 'inst-1' }));
    expect(ja.errorCode).toBe(0); // no MEMBER_ID_REQUIRED round for static members
    expect(ja.memberId).toMatch(/^inst-1-/);
    await a.request(Apis.SyncGroup, 3, syncReq('static', 1, ja.memberId, [{ memberId: ja.memberId, assignment: Buffer.from('S') }], { groupInstanceId: 'inst-1' }));
    const a2 = await client('static-a');
    const jr = await a2.request(Apis.JoinGroup, 5, join('static', '', { groupInstanceId: 'inst-1' }));
    expect(jr).toMatchObject({ errorCode: 0, generationId: 1, leader: ja.memberId, members: [] });
    expect(jr.memberId).not.toBe(ja.memberId);
    expect((await a2.request(Apis.SyncGroup, 3, syncReq('static', 1, jr.memberId, [], { groupInstanceId: 'inst-1' }))).assignment).toEqual(Buffer.from('S'));
    expect((await a.request(Apis.Heartbeat, 3, { groupId: 'static', generationId: 1, memberId: ja.memberId, groupInstanceId: 'inst-1' })).errorCode).toBe(E('FENCED_INSTANCE_ID'));
    expect((await a2.request(Apis.Heartbeat, 3, { groupId: 'static', generationId: 1, memberId: jr.memberId, groupInstanceId: 'inst-1' })).errorCode).toBe(0);
    const d = await a.request(Apis.DescribeGroups, 4, { groups: ['static'], includeAuthorizedOperations: false });
    expect(d.groups[0].members).toMatchObject([{ memberId: jr.memberId, groupInstanceId: 'inst-1', clientId: 'static-a', clientHost: '/127.0.0.1' }]);
  });
});

describe('offsets over the wire', () => {
  it('OffsetCommit v2 / OffsetFetch v1 (simple consumer, kafka-python style) round trip with metadata', async () => {
    const c = await client();
    const r = await c.request(Apis.OffsetCommit, 2, {
      groupId: 'simple',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      retentionTimeMs: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 10, committedMetadata: 'meta-0' }, { partitionIndex: 2, committedOffset: 12, committedMetadata: null }] }],
    });
    expect(r.topics).toEqual([{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 2, errorCode: 0 }] }]);
    const f = await c.request(Apis.OffsetFetch, 1, { groupId: 'simple', topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }] });
    expect(f.topics).toEqual([
      {
        name: 'orders',
        partitions: [
          { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, metadata: 'meta-0', errorCode: 0 },
          { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          { partitionIndex: 2, committedOffset: 12, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    // v0 and v1 (with commit timestamps) too.
    expect((await c.request(Apis.OffsetCommit, 0, { groupId: 'simple', topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 5, committedMetadata: 'v0' }] }] })).topics[0].partitions[0].errorCode).toBe(0);
    expect((await c.request(Apis.OffsetCommit, 1, { groupId: 'simple', generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'other', partitions: [{ partitionIndex: 0, committedOffset: 1, commitTimestamp: 1234, committedMetadata: '' }] }] })).topics[0].partitions[0].errorCode).toBe(0);
    const v0 = await c.request(Apis.OffsetFetch, 0, { groupId: 'simple', topics: [{ name: 'orders', partitionIndexes: [1] }] });
    expect(v0.topics[0].partitions[0]).toMatchObject({ committedOffset: 5, metadata: 'v0' });
  });

  it('OffsetCommit: UNKNOWN_TOPIC_OR_PARTITION per partition, OFFSET_METADATA_TOO_LARGE, generation checks; OffsetFetch v2+ null topics = all', async () => {
    const c = await client();
    const g = await stableGroup(c, 'committer');
    const r = await c.request(Apis.OffsetCommit, 7, {
      groupId: 'committer',
      generationIdOrMemberEpoch: g.generationId,
      memberId: g.memberId,
      groupInstanceId: null,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: 0, committedMetadata: 'ok' }, { partitionIndex: 9, committedOffset: 1, committedMetadata: '' }, { partitionIndex: 1, committedOffset: 1, committedMetadata: 'x'.repeat(4097) }] },
        { name: 'no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] },
      ],
    });
    expect(r.topics).toEqual([
      { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 9, errorCode: E('UNKNOWN_TOPIC_OR_PARTITION') }, { partitionIndex: 1, errorCode: E('OFFSET_METADATA_TOO_LARGE') }] },
      { name: 'no-such-topic', partitions: [{ partitionIndex: 0, errorCode: E('UNKNOWN_TOPIC_OR_PARTITION') }] },
    ]);
    const wrongGen = await c.request(Apis.OffsetCommit, 7, { groupId: 'committer', generationIdOrMemberEpoch: 99, memberId: g.memberId, groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 4, committedMetadata: '' }] }] });
    expect(wrongGen.topics[0].partitions[0].errorCode).toBe(E('ILLEGAL_GENERATION'));
    const unknownMember = await c.request(Apis.OffsetCommit, 5, { groupId: 'committer', generationIdOrMemberEpoch: g.generationId, memberId: 'who', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 4, committedMetadata: '' }] }] });
    expect(unknownMember.topics[0].partitions[0].errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    const unknownGroupV9 = await c.request(Apis.OffsetCommit, 9, { groupId: 'no-group', generationIdOrMemberEpoch: 3, memberId: 'm', groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 4, committedMetadata: '' }] }] });
    expect(unknownGroupV9.topics[0].partitions[0].errorCode).toBe(E('GROUP_ID_NOT_FOUND'));
    const all = await c.request(Apis.OffsetFetch, 5, { groupId: 'committer', topics: null });
    expect(all).toMatchObject({ errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 3, committedLeaderEpoch: 0, metadata: 'ok', errorCode: 0 }] }] });
  });

  it('OffsetCommit v8 and OffsetFetch v8/v9 (several groups in one request)', async () => {
    const c = await client();
    const commit = (groupId: string, offset: number) =>
      c.request(Apis.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 2, committedMetadata: `m${offset}` }] }] });
    expect((await commit('multi-a', 100)).topics[0].partitions[0].errorCode).toBe(0);
    expect((await commit('multi-b', 200)).topics[0].partitions[0].errorCode).toBe(0);
    for (const v of [8, 9]) {
      const f = await c.request(Apis.OffsetFetch, v, {
        groups: [
          { groupId: 'multi-a', memberId: null, memberEpoch: -1, topics: [{ name: 'orders', partitionIndexes: [1] }] },
          { groupId: 'multi-b', memberId: null, memberEpoch: -1, topics: null },
          { groupId: 'multi-none', memberId: null, memberEpoch: -1, topics: null },
        ],
        requireStable: true,
      });
      expect(f.groups).toEqual([
        { groupId: 'multi-a', errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 100, committedLeaderEpoch: 2, metadata: 'm100', errorCode: 0 }] }] },
        { groupId: 'multi-b', errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 200, committedLeaderEpoch: 2, metadata: 'm200', errorCode: 0 }] }] },
        { groupId: 'multi-none', errorCode: 0, topics: [] },
      ]);
    }
  });

  it('committed offsets and the group survive a broker restart', async () => {
    const dir = tempDir();
    let b = await startBroker({ 'log.dirs': dir });
    try {
      await b.context.metadata.createTopic('persisted', { numPartitions: 2 });
      let c = await connect(b);
      const first = await c.request(Apis.JoinGroup, 5, join('durable'));
      const j = await c.request(Apis.JoinGroup, 5, join('durable', first.memberId));
      await c.request(Apis.SyncGroup, 3, syncReq('durable', j.generationId, j.memberId, [{ memberId: j.memberId, assignment: Buffer.from('P') }]));
      const r = await c.request(Apis.OffsetCommit, 6, { groupId: 'durable', generationIdOrMemberEpoch: j.generationId, memberId: j.memberId, topics: [{ name: 'persisted', partitions: [{ partitionIndex: 1, committedOffset: 77, committedLeaderEpoch: 0, committedMetadata: 'kept' }] }] });
      expect(r.topics[0].partitions[0].errorCode).toBe(0);
      c.close();
      await b.stop();
      b = await startBroker({ 'log.dirs': dir });
      c = await connect(b);
      const f = await c.request(Apis.OffsetFetch, 6, { groupId: 'durable', topics: [{ name: 'persisted', partitionIndexes: [0, 1] }], requireStable: false });
      expect(f.topics[0].partitions).toEqual([
        { partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
        { partitionIndex: 1, committedOffset: 77, committedLeaderEpoch: 0, metadata: 'kept', errorCode: 0 },
      ]);
      const d = await c.request(Apis.DescribeGroups, 5, { groups: ['durable'], includeAuthorizedOperations: false });
      expect(d.groups[0]).toMatchObject({ groupState: 'Stable', protocolData: 'range', members: [{ memberId: j.memberId, memberAssignment: Buffer.from('P') }] });
      expect((await c.request(Apis.Heartbeat, 3, { groupId: 'durable', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null })).errorCode).toBe(0);
      c.close();
    } finally {
      await b.stop();
    }
  });
});

describe('admin APIs', () => {
  it('DescribeGroups v0-v5: state, protocol, members with metadata and assignment; unknown group is Dead; authorized operations when asked', async () => {
    const c = await client('describer');
    const g = await stableGroup(c, 'described', Buffer.from('asg'));
    for (const v of [0, 3, 5]) {
      const r = await c.request(Apis.DescribeGroups, v, { groups: ['described', 'unknown-group'], includeAuthorizedOperations: v >= 3 });
      expect(r.groups[0]).toMatchObject({
        errorCode: 0,
        groupId: 'described',
        groupState: 'Stable',
        protocolType: 'consumer',
        protocolData: 'range',
        members: [{ memberId: g.memberId, clientId: 'describer', clientHost: '/127.0.0.1', memberMetadata: SUB, memberAssignment: Buffer.from('asg') }],
      });
      expect(r.groups[1]).toMatchObject({ errorCode: 0, groupId: 'unknown-group', groupState: 'Dead', protocolType: '', protocolData: '', members: [] });
      if (v >= 3) expect(r.groups[0].authorizedOperations).toBe(328);
    }
    const noOps = await c.request(Apis.DescribeGroups, 3, { groups: ['described'], includeAuthorizedOperations: false });
    expect(noOps.groups[0].authorizedOperations).toBe(-2147483648);
  });

  it('ListGroups v0-v5 with state and type filters', async () => {
    const c = await client();
    await stableGroup(c, 'listed-stable');
    await c.request(Apis.OffsetCommit, 2, { groupId: 'listed-empty', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }] });
    const v0 = await c.request(Apis.ListGroups, 0, {});
    expect(v0.groups).toEqual(expect.arrayContaining([expect.objectContaining({ groupId: 'listed-stable', protocolType: 'consumer' }), expect.objectContaining({ groupId: 'listed-empty', protocolType: '' })]));
    const v4 = await c.request(Apis.ListGroups, 4, { statesFilter: ['stable'] });
    const ids = v4.groups.map((g: any) => g.groupId);
    expect(ids).toContain('listed-stable');
    expect(ids).not.toContain('listed-empty');
    expect(v4.groups.every((g: any) => g.groupState === 'Stable')).toBe(true);
    const v5 = await c.request(Apis.ListGroups, 5, { statesFilter: ['Empty'], typesFilter: ['classic'] });
    expect(v5.groups).toContainEqual({ groupId: 'listed-empty', protocolType: '', groupState: 'Empty', groupType: 'classic' });
    expect((await c.request(Apis.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] })).groups).toEqual([]);
  });

  it('DeleteGroups v0-v2 and OffsetDelete v0', async () => {
    const c = await client();
    const commit = (groupId: string, partitions: number[]) =>
      c.request(Apis.OffsetCommit, 2, { groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 'orders', partitions: partitions.map((p) => ({ partitionIndex: p, committedOffset: 1, committedMetadata: '' })) }] });
    await commit('del-empty', [0]);
    await stableGroup(c, 'del-busy');
    const r = await c.request(Apis.DeleteGroups, 2, { groupsNames: ['del-empty', 'del-busy', 'del-none'] });
    expect(r.results).toEqual([
      { groupId: 'del-empty', errorCode: 0 },
      { groupId: 'del-busy', errorCode: E('NON_EMPTY_GROUP') },
      { groupId: 'del-none', errorCode: E('GROUP_ID_NOT_FOUND') },
    ]);
    expect((await c.request(Apis.DeleteGroups, 0, { groupsNames: ['del-empty'] })).results[0].errorCode).toBe(E('GROUP_ID_NOT_FOUND'));

    await commit('od', [0, 1]);
    const od = await c.request(Apis.OffsetDelete, 0, { groupId: 'od', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'missing', partitions: [{ partitionIndex: 0 }] }] });
    expect(od).toEqual({
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        { name: 'missing', partitions: [{ partitionIndex: 0, errorCode: E('UNKNOWN_TOPIC_OR_PARTITION') }] },
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
      ],
    });
    const f = await c.request(Apis.OffsetFetch, 2, { groupId: 'od', topics: null });
    expect(f.topics[0].partitions.map((p: any) => p.partitionIndex)).toEqual([1]);
    // A consumer group subscribed to `orders` keeps those offsets.
    const g = await stableGroup(c, 'od-busy');
    await c.request(Apis.OffsetCommit, 2, { groupId: 'od-busy', generationIdOrMemberEpoch: g.generationId, memberId: g.memberId, retentionTimeMs: -1, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }, { name: 'other', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }] });
    const busy = await c.request(Apis.OffsetDelete, 0, { groupId: 'od-busy', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }, { name: 'other', partitions: [{ partitionIndex: 0 }] }] });
    expect(busy.topics).toEqual([
      { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: E('GROUP_SUBSCRIBED_TO_TOPIC') }] },
      { name: 'other', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ]);
    expect((await c.request(Apis.OffsetDelete, 0, { groupId: 'od-none', topics: [] })).errorCode).toBe(E('GROUP_ID_NOT_FOUND'));
  });

  it('deleting a topic drops its committed offsets', async () => {
    const c = await client();
    await broker.context.metadata.createTopic('doomed', { numPartitions: 1 });
    await c.request(Apis.OffsetCommit, 2, { groupId: 'doomed-g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 'doomed', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: '' }] }, { name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 6, committedMetadata: '' }] }] });
    await broker.context.metadata.deleteTopic('doomed');
    const f = await c.request(Apis.OffsetFetch, 2, { groupId: 'doomed-g', topics: null });
    expect(f.topics.map((t: any) => t.name)).toEqual(['orders']);
  });
});
