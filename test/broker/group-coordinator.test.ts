/**
 * The classic group coordinator's state machine, driven directly (no network): joins, protocol
 * selection, syncs, heartbeats and session expiry, rebalance and sync timeouts, the initial rebalance
 * delay, LeaveGroup, static membership and shutdown. Real lmdb in temp dirs, real (short) timers.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode } from '../../client/protocol/index.js';
import type { GroupCoordinator } from '../../broker/group/group-coordinator.js';
import { joinAndSync, joinParams, openCoordinator, settlesWithin, sleep, subscription } from './group-helpers.js';

const E = errorCode;
const open: { c: GroupCoordinator; dir: string }[] = [];

async function coordinator(props: Record<string, string | number> = {}) {
  const o = await openCoordinator(props);
  open.push(o);
  return o.c;
}

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.c.shutdown();
    fs.rmSync(o.dir, { recursive: true, force: true });
  }
});

function sync(c: GroupCoordinator, groupId: string, generationId: number, memberId: string, assignments: [string, string][] = [], extra: { protocolType?: string | null; protocolName?: string | null; groupInstanceId?: string | null } = {}) {
  return c.syncGroup({
    groupId,
    generationId,
    memberId,
    groupInstanceId: extra.groupInstanceId ?? null,
    protocolType: extra.protocolType ?? null,
    protocolName: extra.protocolName ?? null,
    assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
  });
}

const hb = (c: GroupCoordinator, groupId: string, generationId: number, memberId: string, groupInstanceId: string | null = null) =>
  c.heartbeat({ groupId, generationId, memberId, groupInstanceId });

describe('JoinGroup and SyncGroup', () => {
  it('v4+ member without id gets MEMBER_ID_REQUIRED, then joins as leader; SyncGroup gives its assignment; Stable', async () => {
    const c = await coordinator();
    const first = await c.joinGroup(joinParams('g', '', { requireKnownMemberId: true, clientId: 'app' }));
    expect(first.errorCode).toBe(E('MEMBER_ID_REQUIRED'));
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(first.generationId).toBe(-1);
    const j = await c.joinGroup(joinParams('g', first.memberId, { requireKnownMemberId: true }));
    expect(j).toMatchObject({ errorCode: 0, memberId: first.memberId, leader: first.memberId, generationId: 1, protocolType: 'consumer', protocolName: 'range' });
    expect(j.members).toEqual([{ memberId: first.memberId, groupInstanceId: null, metadata: subscription(['t']) }]);
    expect(c.describeGroup('g').state).toBe('CompletingRebalance');
    expect(hb(c, 'g', 1, j.memberId)).toBe(0); // a heartbeat between JoinGroup and SyncGroup is fine
    const s = await sync(c, 'g', 1, j.memberId, [[j.memberId, 'mine']]);
    expect(s).toEqual({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: Buffer.from('mine') });
    const d = c.describeGroup('g');
    expect(d).toMatchObject({ errorCode: 0, state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(d.members[0]).toMatchObject({ memberId: j.memberId, clientId: 'client', clientHost: '/127.0.0.1', assignment: Buffer.from('mine') });
    expect(hb(c, 'g', 1, j.memberId)).toBe(0);
  });

  it('v0-3 members get an id directly', async () => {
    const c = await coordinator();
    const j = await c.joinGroup(joinParams('g', '', { clientId: 'old' }));
    expect(j.errorCode).toBe(0);
    expect(j.memberId).toMatch(/^old-/);
    expect(j.generationId).toBe(1);
  });

  it('a second member causes a rebalance: heartbeat says REBALANCE_IN_PROGRESS, both rejoin; leader gets all members, follower none; follower SyncGroup waits for the leader', async () => {
    const c = await coordinator();
    const { join: a } = await joinAndSync(c, 'g');
    const bJoin = c.joinGroup(joinParams('g', '', { clientId: 'b' }));
    expect(await settlesWithin(bJoin, 50)).toBe(false); // waits for A to rejoin
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
    expect(hb(c, 'g', 1, a.memberId)).toBe(E('REBALANCE_IN_PROGRESS'));
    const aJoin = await c.joinGroup(joinParams('g', a.memberId));
    const b = await bJoin;
    expect(aJoin.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aJoin.leader).toBe(a.memberId);
    expect(b.leader).toBe(a.memberId);
    expect(aJoin.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
    expect(b.members).toEqual([]);
    const bSync = sync(c, 'g', 2, b.memberId);
    expect(await settlesWithin(bSync, 50)).toBe(false);
    // The leader leaves B out: B gets an empty assignment (a Buffer, never missing).
    const aSync = await sync(c, 'g', 2, a.memberId, [[a.memberId, 'A']]);
    expect(aSync.assignment).toEqual(Buffer.from('A'));
    const bs = await bSync;
    expect(bs.errorCode).toBe(0);
    expect(Buffer.isBuffer(bs.assignment)).toBe(true);
    expect(bs.assignment.length).toBe(0);
    // In Stable a late SyncGroup is answered at once.
    expect((await sync(c, 'g', 2, b.memberId)).errorCode).toBe(0);
  });

  it('selects the protocol every member supports, by vote', async () => {
    const c = await coordinator({ 'group.initial.rebalance.delay.ms': 200 });
    const p = (name: string) => ({ name, metadata: Buffer.from(name) });
    const joins = [
      c.joinGroup(joinParams('g', '', { protocols: [p('roundrobin'), p('range'), p('sticky')] })),
      c.joinGroup(joinParams('g', '', { protocols: [p('range'), p('roundrobin')] })),
      c.joinGroup(joinParams('g', '', { protocols: [p('range'), p('sticky'), p('roundrobin')] })),
    ];
    const rs = await Promise.all(joins);
    for (const r of rs) expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    const leader = rs.find((r) => r.members.length > 0)!;
    expect(leader.members.map((m) => m.metadata.toString())).toEqual(['range', 'range', 'range']);
  });

  it('INCONSISTENT_GROUP_PROTOCOL for another protocol type, no common protocol, or no protocols', async () => {
    const c = await coordinator();
    await joinAndSync(c, 'g');
    expect((await c.joinGroup(joinParams('g', '', { protocolType: 'connect' }))).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
    expect((await c.joinGroup(joinParams('g', '', { protocols: [{ name: 'other', metadata: Buffer.alloc(0) }] }))).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
    expect((await c.joinGroup(joinParams('h', '', { protocols: [] }))).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
    expect((await c.joinGroup(joinParams('h2', '', { protocolType: '' }))).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
  });

  it('INVALID_SESSION_TIMEOUT, INVALID_GROUP_ID, UNKNOWN_MEMBER_ID for a member id of an unknown group', async () => {
    const c = await coordinator({ 'group.max.session.timeout.ms': 5000 });
    expect((await c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 99 }))).errorCode).toBe(E('INVALID_SESSION_TIMEOUT'));
    expect((await c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 5001 }))).errorCode).toBe(E('INVALID_SESSION_TIMEOUT'));
    expect((await c.joinGroup(joinParams('', ''))).errorCode).toBe(E('INVALID_GROUP_ID'));
    expect((await c.joinGroup(joinParams('nope', 'someone'))).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect(c.listGroups().groups.map((g) => g.groupId)).not.toContain('nope');
  });

  it('GROUP_MAX_SIZE_REACHED beyond group.max.size', async () => {
    const c = await coordinator({ 'group.max.size': 1 });
    await joinAndSync(c, 'g');
    const r = await c.joinGroup(joinParams('g', ''));
    expect(r).toMatchObject({ errorCode: E('GROUP_MAX_SIZE_REACHED'), memberId: '' });
    expect(c.describeGroup('g').state).toBe('Stable');
  });

  it('SyncGroup errors: before JoinGroup (unknown group and unknown member), wrong generation, during PreparingRebalance, v5 protocol mismatch', async () => {
    const c = await coordinator();
    expect((await sync(c, 'none', 0, 'x')).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    const { join: a } = await joinAndSync(c, 'g');
    expect((await sync(c, 'g', 1, 'stranger')).errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect((await sync(c, 'g', 7, a.memberId)).errorCode).toBe(E('ILLEGAL_GENERATION'));
    expect((await sync(c, 'g', 1, a.memberId, [], { protocolType: 'connect' })).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
    expect((await sync(c, 'g', 1, a.memberId, [], { protocolName: 'roundrobin' })).errorCode).toBe(E('INCONSISTENT_GROUP_PROTOCOL'));
    expect((await sync(c, 'g', 1, a.memberId, [], { protocolType: 'consumer', protocolName: 'range' })).errorCode).toBe(0);
    const bJoin = c.joinGroup(joinParams('g', ''));
    const r = await sync(c, 'g', 1, a.memberId);
    expect(r.errorCode).toBe(E('REBALANCE_IN_PROGRESS'));
    expect(r.assignment).toEqual(Buffer.alloc(0));
    await c.joinGroup(joinParams('g', a.memberId));
    await bJoin;
  });

  it('Heartbeat errors: unknown group, unknown member, wrong generation', async () => {
    const c = await coordinator();
    expect(hb(c, 'none', 1, 'x')).toBe(E('UNKNOWN_MEMBER_ID'));
    const { join: a } = await joinAndSync(c, 'g');
    expect(hb(c, 'g', 1, 'x')).toBe(E('UNKNOWN_MEMBER_ID'));
    expect(hb(c, 'g', 2, a.memberId)).toBe(E('ILLEGAL_GENERATION'));
    expect(hb(c, '', 1, a.memberId)).toBe(E('INVALID_GROUP_ID'));
  });

  it('a member that changes its metadata in Stable triggers a rebalance; an unchanged follower gets the current generation', async () => {
    const c = await coordinator({ 'group.initial.rebalance.delay.ms': 100 });
    const [a, b] = await Promise.all([c.joinGroup(joinParams('g', '')), c.joinGroup(joinParams('g', ''))]);
    const leader = a.members.length > 0 ? a : b;
    const follower = leader === a ? b : a;
    await Promise.all([sync(c, 'g', 1, follower.memberId), sync(c, 'g', 1, leader.memberId, [])]);
    const again = await c.joinGroup(joinParams('g', follower.memberId));
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, leader: leader.memberId, members: [] });
    expect(c.describeGroup('g').state).toBe('Stable');
    const changed = c.joinGroup(joinParams('g', follower.memberId, { protocols: [{ name: 'range', metadata: subscription(['t', 'u']) }] }));
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
    await c.joinGroup(joinParams('g', leader.memberId));
    expect((await changed).generationId).toBe(2);
  });
});

describe('timeouts', () => {
  it('session expiry removes a member and rebalances the rest; the last member leaving empties the group', async () => {
    const c = await coordinator();
    const a = await c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 3000 }));
    const bJoin = c.joinGroup(joinParams('g', '', { sessionTimeoutMs: 300 }));
    await c.joinGroup(joinParams('g', a.memberId, { sessionTimeoutMs: 3000 }));
    const b = await bJoin;
    await Promise.all([sync(c, 'g', 2, a.memberId, []), sync(c, 'g', 2, b.memberId)]);
    // A keeps heartbeating, B goes silent.
    const t0 = Date.now();
    let e = 0;
    while (e === 0 && Date.now() - t0 < 3000) {
      await sleep(50);
      e = hb(c, 'g', 2, a.memberId);
    }
    expect(e).toBe(E('REBALANCE_IN_PROGRESS'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
    expect(hb(c, 'g', 2, b.memberId)).toBe(E('UNKNOWN_MEMBER_ID'));
    const a3 = await c.joinGroup(joinParams('g', a.memberId, { sessionTimeoutMs: 3000 }));
    expect(a3).toMatchObject({ generationId: 3, leader: a.memberId });
    expect(a3.members).toHaveLength(1);
    expect(c.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]).members[0]!.errorCode).toBe(0);
    expect(c.describeGroup('g')).toMatchObject({ state: 'Empty', members: [] });
  });

  it('members that do not rejoin within the rebalance timeout are removed and the join completes without them', async () => {
    const c = await coordinator();
    const a = await c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 300, sessionTimeoutMs: 5000 }));
    await sync(c, 'g', 1, a.memberId, []);
    const t0 = Date.now();
    const b = await c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 300, sessionTimeoutMs: 5000 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId }); // the old leader did not rejoin
    expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(hb(c, 'g', 2, a.memberId)).toBe(E('UNKNOWN_MEMBER_ID'));
  });

  it('a pending member (MEMBER_ID_REQUIRED) that does not rejoin within its session timeout is forgotten', async () => {
    const c = await coordinator();
    const first = await c.joinGroup(joinParams('g', '', { requireKnownMemberId: true, sessionTimeoutMs: 150 }));
    expect(first.errorCode).toBe(E('MEMBER_ID_REQUIRED'));
    await sleep(300);
    const r = await c.joinGroup(joinParams('g', first.memberId, { requireKnownMemberId: true }));
    expect(r.errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
  });

  it('a pending member holds the join phase until it rejoins', async () => {
    const c = await coordinator();
    const { join: a } = await joinAndSync(c, 'g');
    const pending = await c.joinGroup(joinParams('g', '', { requireKnownMemberId: true }));
    expect(pending.errorCode).toBe(E('MEMBER_ID_REQUIRED'));
    const aJoin = c.joinGroup(joinParams('g', a.memberId));
    // A rejoined but the pending member has not: not complete yet (the group is not even rebalancing
    // until the pending member joins, so A's join starts the rebalance as the leader's rejoin).
    expect(await settlesWithin(aJoin, 50)).toBe(false);
    const b = await c.joinGroup(joinParams('g', pending.memberId, { requireKnownMemberId: true }));
    expect(b.generationId).toBe(2);
    expect((await aJoin).members).toHaveLength(2);
  });

  it('members that do not send SyncGroup within the rebalance timeout are removed and the group rebalances', async () => {
    const c = await coordinator({ 'group.initial.rebalance.delay.ms': 50 });
    const [a, b] = await Promise.all([
      c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 300 })),
      c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 300 })),
    ]);
    const leader = a.members.length > 0 ? a : b;
    const follower = leader === a ? b : a;
    await sync(c, 'g', 1, leader.memberId, [[leader.memberId, 'L']]);
    expect(c.describeGroup('g').state).toBe('Stable');
    const t0 = Date.now();
    while (c.describeGroup('g').state === 'Stable' && Date.now() - t0 < 3000) await sleep(10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
    expect(hb(c, 'g', 1, follower.memberId)).toBe(E('UNKNOWN_MEMBER_ID'));
    const again = await c.joinGroup(joinParams('g', leader.memberId));
    expect(again.members.map((m) => m.memberId)).toEqual([leader.memberId]);
  });

  it('a new group waits group.initial.rebalance.delay.ms, extended while members keep joining: one generation for all', async () => {
    const c = await coordinator({ 'group.initial.rebalance.delay.ms': 200 });
    const t0 = Date.now();
    const j1 = c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 2000 }));
    await sleep(120);
    const j2 = c.joinGroup(joinParams('g', '', { rebalanceTimeoutMs: 2000 }));
    const [r1, r2] = await Promise.all([j1, j2]);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(350); // 200 + a second 200 since a member joined during the first
    expect(elapsed).toBeLessThan(1500);
    expect(r1.generationId).toBe(1);
    expect(r2.generationId).toBe(1);
    expect([r1, r2].filter((r) => r.members.length === 2)).toHaveLength(1);
  });
});

describe('LeaveGroup', () => {
  it('leaving triggers a rebalance; unknown members get UNKNOWN_MEMBER_ID; pending members may leave', async () => {
    const c = await coordinator({ 'group.initial.rebalance.delay.ms': 50 });
    const [a, b] = await Promise.all([c.joinGroup(joinParams('g', '')), c.joinGroup(joinParams('g', ''))]);
    const leader = a.members.length > 0 ? a : b;
    const follower = leader === a ? b : a;
    await Promise.all([sync(c, 'g', 1, follower.memberId), sync(c, 'g', 1, leader.memberId, [])]);
    const r = c.leaveGroup('g', [
      { memberId: leader.memberId, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
    ]);
    expect(r).toEqual({
      errorCode: 0,
      members: [
        { memberId: leader.memberId, groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: E('UNKNOWN_MEMBER_ID') },
      ],
    });
    expect(hb(c, 'g', 1, follower.memberId)).toBe(E('REBALANCE_IN_PROGRESS'));
    const j = await c.joinGroup(joinParams('g', follower.memberId));
    expect(j).toMatchObject({ generationId: 2, leader: follower.memberId });
    const pending = await c.joinGroup(joinParams('g', '', { requireKnownMemberId: true }));
    expect(c.leaveGroup('g', [{ memberId: pending.memberId, groupInstanceId: null }]).members[0]!.errorCode).toBe(0);
    expect(c.leaveGroup('unknown', [{ memberId: 'x', groupInstanceId: null }]).members[0]!.errorCode).toBe(E('UNKNOWN_MEMBER_ID'));
    expect(c.leaveGroup('', []).errorCode).toBe(E('INVALID_GROUP_ID'));
  });

  it('a member leaving while others wait in the join phase lets the join complete', async () => {
    const c = await coordinator();
    const { join: a } = await joinAndSync(c, 'g');
    const bJoin = c.joinGroup(joinParams('g', ''));
    expect(c.leaveGroup('g', [{ memberId: a.memberId, groupInstanceId: null }]).members[0]!.errorCode).toBe(0);
    const b = await bJoin;
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId });
  });
});

describe('static membership (KIP-345)', () => {
  const staticJoin = (id: string, memberId = '', extra = {}) => joinParams('g', memberId, { groupInstanceId: id, clientId: 'c', ...extra });

  it('a static member rejoining without id replaces its old id without a rebalance; the old id is fenced', async () => {
    const c = await coordinator({ 'group.initial.rebalance.delay.ms': 50 });
    const [a, b] = await Promise.all([c.joinGroup(staticJoin('i-a')), c.joinGroup(staticJoin('i-b'))]);
    expect(a.memberId).toMatch(/^i-a-/);
    const leader = a.members.length > 0 ? a : b;
    await Promise.all([sync(c, 'g', 1, a.memberId, leader === a ? [[a.memberId, 'A'], [b.memberId, 'B']] : [], { groupInstanceId: 'i-a' }), sync(c, 'g', 1, b.memberId, leader === b ? [[a.memberId, 'A'], [b.memberId, 'B']] : [], { groupInstanceId: 'i-b' })]);
    // B restarts: new JoinGroup without member id, same instance id and protocols.
    const b2 = await c.joinGroup(staticJoin('i-b'));
    expect(b2.errorCode).toBe(0);
    expect(b2.memberId).not.toBe(b.memberId);
    expect(b2.generationId).toBe(1); // no rebalance
    expect(b2.leader).toBe(leader.memberId); // (the old leader id if B led: it must not assign)
    expect(b2.members).toEqual([]);
    expect(c.describeGroup('g').state).toBe('Stable');
    const s = await sync(c, 'g', 1, b2.memberId, [], { groupInstanceId: 'i-b' });
    expect(s.assignment).toEqual(Buffer.from('B'));
    expect(hb(c, 'g', 1, b.memberId, 'i-b')).toBe(E('FENCED_INSTANCE_ID'));
    expect(hb(c, 'g', 1, b2.memberId, 'i-b')).toBe(0);
    expect(hb(c, 'g', 1, a.memberId, 'i-a')).toBe(0);
    expect(hb(c, 'g', 1, a.memberId, 'i-zzz')).toBe(E('UNKNOWN_MEMBER_ID'));
    expect((await c.joinGroup(staticJoin('i-b', b.memberId))).errorCode).toBe(E('FENCED_INSTANCE_ID'));
    // Admin removal by instance id (member id '').
    expect(c.leaveGroup('g', [{ memberId: '', groupInstanceId: 'i-a' }]).members[0]!.errorCode).toBe(0);
    expect(c.leaveGroup('g', [{ memberId: 'x', groupInstanceId: 'i-b' }]).members[0]!.errorCode).toBe(E('FENCED_INSTANCE_ID'));
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
  });

  it('v9: a replaced static leader is told it leads, with the members, but to skip the assignment', async () => {
    const c = await coordinator();
    const a = await c.joinGroup(staticJoin('i-a'));
    await sync(c, 'g', 1, a.memberId, [[a.memberId, 'A']], { groupInstanceId: 'i-a' });
    const a2 = await c.joinGroup(staticJoin('i-a', '', { supportSkippingAssignment: true }));
    expect(a2).toMatchObject({ errorCode: 0, generationId: 1, leader: a2.memberId, skipAssignment: true });
    expect(a2.members.map((m) => m.memberId)).toEqual([a2.memberId]);
    const a3 = await c.joinGroup(staticJoin('i-a'));
    expect(a3).toMatchObject({ errorCode: 0, generationId: 1, leader: a2.memberId, skipAssignment: false, members: [] });
  });

  it('a static member rejoining with protocols that change the selected protocol triggers a rebalance', async () => {
    const c = await coordinator();
    const p = (name: string) => ({ name, metadata: subscription(['t']) });
    const a = await c.joinGroup(staticJoin('i-a', '', { protocols: [p('range'), p('roundrobin')] }));
    expect(a.protocolName).toBe('range');
    await sync(c, 'g', 1, a.memberId, [], { groupInstanceId: 'i-a' });
    const a2 = await c.joinGroup(staticJoin('i-a', '', { protocols: [p('roundrobin'), p('range')] }));
    expect(a2).toMatchObject({ errorCode: 0, generationId: 2, protocolName: 'roundrobin' });
  });
});

describe('shutdown', () => {
  it('answers waiting requests NOT_COORDINATOR, clears timers, then answers COORDINATOR_NOT_AVAILABLE', async () => {
    const c = await coordinator();
    const { join: a } = await joinAndSync(c, 'g');
    const waiting = c.joinGroup(joinParams('g', ''));
    expect(c.pendingTimers).toBeGreaterThan(0);
    await c.shutdown();
    expect((await waiting).errorCode).toBe(E('NOT_COORDINATOR'));
    expect(c.pendingTimers).toBe(0);
    expect(hb(c, 'g', 1, a.memberId)).toBe(E('COORDINATOR_NOT_AVAILABLE'));
    expect((await c.joinGroup(joinParams('g', ''))).errorCode).toBe(E('COORDINATOR_NOT_AVAILABLE'));
    expect(c.listGroups().errorCode).toBe(E('COORDINATOR_NOT_AVAILABLE'));
  });
});
