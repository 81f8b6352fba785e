/**
 * Committed offsets in the group coordinator, driven directly: commit validation (simple commits,
 * generations, members, rebalances, metadata size), fetch, persistence of offsets and group metadata
 * across a reopen of the lmdb store, KIP-211 expiry (with a hand-moved clock), topic deletion,
 * DeleteGroups and OffsetDelete.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode } from '../../client/protocol/index.js';
import type { OffsetCommitEntry, OffsetCommitParams } from '../../broker/group/coordinator-types.js';
import type { GroupCoordinator } from '../../broker/group/group-coordinator.js';
import { Clock, groupTempDir, joinAndSync, joinParams, openCoordinator, subscription } from './group-helpers.js';

const E = errorCode;
const dirs: string[] = [];
const live: GroupCoordinator[] = [];

async function coordinator(props: Record<string, string | number> = {}, dir?: string, now?: () => number) {
  const d = dir ?? groupTempDir();
  if (!dir) dirs.push(d);
  const { c } = await openCoordinator(props, d, now);
  live.push(c);
  return c;
}

afterEach(async () => {
  for (const c of live.splice(0)) await c.shutdown();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const entry = (topic: string, partition: number, offset: number, metadata: string | null = null, extra: Partial<OffsetCommitEntry> = {}): OffsetCommitEntry => ({
  topic,
  partition,
  offset,
  leaderEpoch: -1,
  metadata,
  commitTimestamp: -1,
  ...extra,
});

function commit(c: GroupCoordinator, groupId: string, offsets: OffsetCommitEntry[], extra: Partial<OffsetCommitParams> = {}) {
  return c.commitOffsets({ groupId, generationId: -1, memberId: '', groupInstanceId: null, apiVersion: 8, retentionTimeMs: -1, offsets, ...extra });
}

describe('OffsetCommit / OffsetFetch', () => {
  it('a simple commit (no generation) creates an Empty group; fetch returns offsets, metadata and epochs; -1 where nothing is committed', async () => {
    const c = await coordinator();
    expect(await commit(c, 'simple', [entry('t', 0, 42, 'hello'), entry('t', 1, 7, null, { leaderEpoch: 3 }), entry('u', 0, 1)])).toEqual([0, 0, 0]);
    expect(c.describeGroup('simple')).toMatchObject({ state: 'Empty', protocolType: '' });
    expect(c.listGroups().groups).toEqual([{ groupId: 'simple', protocolType: '', state: 'Empty' }]);
    const r = c.fetchOffsets('simple', [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
      { topic: 't', partition: 2 },
    ]);
    expect(r).toEqual({
      errorCode: 0,
      offsets: [
        { topic: 't', partition: 0, offset: 42, leaderEpoch: -1, metadata: 'hello', errorCode: 0 },
        { topic: 't', partition: 1, offset: 7, leaderEpoch: 3, metadata: '', errorCode: 0 },
        { topic: 't', partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 },
      ],
    });
    expect(c.fetchOffsets('simple', null).offsets.map((o) => `${o.topic}-${o.partition}=${o.offset}`)).toEqual(['t-0=42', 't-1=7', 'u-0=1']);
    expect(c.fetchOffsets('nobody', null)).toEqual({ errorCode: 0, offsets: [] });
    expect(c.fetchOffsets('nobody', [{ topic: 't', partition: 0 }]).offsets[0]!.offset).toBe(-1);
    // An empty group id is allowed for the offset APIs, as in Kafka.
    expect(await commit(c, '', [entry('t', 0, 1)])).toEqual([0]);
    expect(c.fetchOffsets('', [{ topic: 't', partition: 0 }]).offsets[0]!.offset).toBe(1);
  });

  it('with a generation: ILLEGAL_GENERATION (v0-8) or GROUP_ID_NOT_FOUND (v9) for an unknown group; member and generation checks', async () => {
    const c = await coordinator();
    expect(await commit(c, 'g', [entry('t', 0, 1)], { generationId: 1, memberId: 'm' })).toEqual([E('ILLEGAL_GENERATION')]);
    expect(await commit(c, 'g', [entry('t', 0, 1)], { generationId: 1, memberId: 'm', apiVersion: 9 })).toEqual([E('GROUP_ID_NOT_FOUND')]);
    const { join } = await joinAndSync(c, 'g');
    const m = join.memberId;
    expect(await commit(c, 'g', [entry('t', 0, 1), entry('t', 1, 2)], { generationId: 1, memberId: m })).toEqual([0, 0]);
    expect(await commit(c, 'g', [entry('t', 0, 1)], { generationId: 2, memberId: m })).toEqual([E('ILLEGAL_GENERATION')]);
    expect(await commit(c, 'g', [entry('t', 0, 1)], { generationId: 1, memberId: 'other' })).toEqual([E('UNKNOWN_MEMBER_ID')]);
    // A simple commit to a group with members is refused.
    expect(await commit(c, 'g', [entry('t', 0, 1)])).toEqual([E('UNKNOWN_MEMBER_ID')]);
    // CompletingRebalance: REBALANCE_IN_PROGRESS; PreparingRebalance: still allowed.
    const bJoin = c.joinGroup(joinParams('g', ''));
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
    expect(await commit(c, 'g', [entry('t', 0, 5)], { generationId: 1, memberId: m })).toEqual([0]);
    const a2 = await c.joinGroup(joinParams('g', m));
    await bJoin;
    expect(c.describeGroup('g').state).toBe('CompletingRebalance');
    expect(await commit(c, 'g', [entry('t', 0, 6)], { generationId: a2.generationId, memberId: m })).toEqual([E('REBALANCE_IN_PROGRESS')]);
    expect(c.fetchOffsets('g', [{ topic: 't', partition: 0 }]).offsets[0]!.offset).toBe(5);
  });

  it('OFFSET_METADATA_TOO_LARGE for metadata over offset.metadata.max.bytes, per partition', async () => {
    const c = await coordinator({ 'offset.metadata.max.bytes': 5 });
    expect(await commit(c, 'g', [entry('t', 0, 1, '12345'), entry('t', 1, 1, '123456')])).toEqual([0, E('OFFSET_METADATA_TOO_LARGE')]);
    expect(c.fetchOffsets('g', null).offsets.map((o) => o.partition)).toEqual([0]);
  });

  it('offsets and group metadata survive a reopen: the Stable group keeps its generation, members and assignments', async () => {
    const dir = groupTempDir();
    dirs.push(dir);
    const c1 = await coordinator({}, dir);
    const { join } = await joinAndSync(c1, 'g', { sessionTimeoutMs: 5000 }, Buffer.from('assigned'));
    expect(await commit(c1, 'g', [entry('t', 0, 99, 'meta')], { generationId: 1, memberId: join.memberId })).toEqual([0]);
    expect(await commit(c1, 'simple', [entry('u', 3, 4, 'x')])).toEqual([0]);
    await c1.shutdown();
    const c2 = await coordinator({}, dir);
    expect(c2.fetchOffsets('g', null).offsets).toEqual([{ topic: 't', partition: 0, offset: 99, leaderEpoch: -1, metadata: 'meta', errorCode: 0 }]);
    expect(c2.fetchOffsets('simple', [{ topic: 'u', partition: 3 }]).offsets[0]).toMatchObject({ offset: 4, metadata: 'x' });
    const d = c2.describeGroup('g');
    expect(d).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(d.members).toEqual([{ memberId: join.memberId, groupInstanceId: null, clientId: 'client', clientHost: '/127.0.0.1', metadata: subscription(['t']), assignment: Buffer.from('assigned') }]);
    expect(c2.heartbeat({ groupId: 'g', generationId: 1, memberId: join.memberId, groupInstanceId: null })).toBe(0);
    expect(await commit(c2, 'g', [entry('t', 0, 100)], { generationId: 1, memberId: join.memberId })).toEqual([0]);
    // A new member joins the restored group: generation 2.
    const bJoin = c2.joinGroup(joinParams('g', ''));
    const a = await c2.joinGroup(joinParams('g', join.memberId));
    expect(a.generationId).toBe(2);
    expect((await bJoin).generationId).toBe(2);
  });
});

describe('offset expiry (KIP-211)', () => {
  const MIN = 60_000;

  it('offsets of an Empty group expire offsets.retention.minutes after it became empty; the group is then removed', async () => {
    const clock = new Clock();
    const c = await coordinator({ 'offsets.retention.minutes': 10 }, undefined, clock.now);
    const { join } = await joinAndSync(c, 'g');
    await commit(c, 'g', [entry('t', 0, 1)], { generationId: 1, memberId: join.memberId });
    clock.advance(20 * MIN);
    expect(await c.cleanupExpiredOffsets()).toBe(0); // Stable, subscribed to t: kept
    c.leaveGroup('g', [{ memberId: join.memberId, groupInstanceId: null }]);
    expect(c.describeGroup('g').state).toBe('Empty');
    clock.advance(10 * MIN - 1);
    expect(await c.cleanupExpiredOffsets()).toBe(0);
    clock.advance(1);
    expect(await c.cleanupExpiredOffsets()).toBe(1);
    expect(c.describeGroup('g').state).toBe('Dead');
    expect(c.listGroups().groups).toEqual([]);
  });

  it('Stable consumer groups expire offsets of topics no member subscribes to; simple groups expire from the commit; v2-4 retention time wins', async () => {
    const clock = new Clock();
    const c = await coordinator({ 'offsets.retention.minutes': 10 }, undefined, clock.now);
    const { join } = await joinAndSync(c, 'g'); // subscribed to t
    await commit(c, 'g', [entry('t', 0, 1), entry('old', 0, 1)], { generationId: 1, memberId: join.memberId });
    await commit(c, 'simple', [entry('t', 0, 1)]);
    await commit(c, 'short', [entry('t', 0, 1)], { retentionTimeMs: 1000 });
    clock.advance(2000);
    expect(await c.cleanupExpiredOffsets()).toBe(1);
    expect(c.describeGroup('short').state).toBe('Dead');
    clock.advance(10 * MIN);
    expect(await c.cleanupExpiredOffsets()).toBe(2); // g's `old` and simple's t
    expect(c.fetchOffsets('g', null).offsets.map((o) => o.topic)).toEqual(['t']);
    expect(c.describeGroup('simple').state).toBe('Dead');
  });

  it('expired offsets are gone after a reopen too', async () => {
    const clock = new Clock();
    const dir = groupTempDir();
    dirs.push(dir);
    const c1 = await coordinator({ 'offsets.retention.minutes': 1 }, dir, clock.now);
    await commit(c1, 'simple', [entry('t', 0, 1)]);
    clock.advance(MIN);
    await c1.cleanupExpiredOffsets();
    await c1.shutdown();
    const c2 = await coordinator({}, dir, clock.now);
    expect(c2.listGroups().groups).toEqual([]);
  });
});

describe('deletions', () => {
  it('onTopicDeleted drops every group offset of the topic, and groups left empty without offsets', async () => {
    const c = await coordinator();
    await commit(c, 'a', [entry('gone', 0, 1), entry('gone', 1, 1), entry('kept', 0, 1)]);
    await commit(c, 'b', [entry('gone', 0, 1)]);
    await c.onTopicDeleted('gone');
    expect(c.fetchOffsets('a', null).offsets.map((o) => o.topic)).toEqual(['kept']);
    expect(c.listGroups().groups.map((g) => g.groupId)).toEqual(['a']);
  });

  it('DeleteGroups: NONE for an empty group (offsets gone), NON_EMPTY_GROUP with members, GROUP_ID_NOT_FOUND for none; duplicates once', async () => {
    const c = await coordinator();
    await commit(c, 'empty', [entry('t', 0, 1)]);
    await joinAndSync(c, 'busy');
    expect(await c.deleteGroups(['empty', 'busy', 'none', 'empty'])).toEqual([
      { groupId: 'empty', errorCode: 0 },
      { groupId: 'busy', errorCode: E('NON_EMPTY_GROUP') },
      { groupId: 'none', errorCode: E('GROUP_ID_NOT_FOUND') },
    ]);
    expect(c.fetchOffsets('empty', [{ topic: 't', partition: 0 }]).offsets[0]!.offset).toBe(-1);
    expect(c.describeGroup('empty').state).toBe('Dead');
  });

  it('OffsetDelete: Empty groups freely; consumer groups only for unsubscribed topics; other active groups NON_EMPTY_GROUP', async () => {
    const c = await coordinator();
    expect((await c.deleteOffsets('none', [{ topic: 't', partition: 0 }])).errorCode).toBe(E('GROUP_ID_NOT_FOUND'));
    expect((await c.deleteOffsets('', [])).errorCode).toBe(E('INVALID_GROUP_ID'));
    await commit(c, 'empty', [entry('t', 0, 1), entry('t', 1, 1)]);
    expect(await c.deleteOffsets('empty', [{ topic: 't', partition: 0 }])).toEqual({ errorCode: 0, partitions: [{ topic: 't', partition: 0, errorCode: 0 }] });
    expect(c.fetchOffsets('empty', null).offsets.map((o) => o.partition)).toEqual([1]);
    const { join } = await joinAndSync(c, 'g'); // subscribes to t
    await commit(c, 'g', [entry('t', 0, 1), entry('u', 0, 1)], { generationId: 1, memberId: join.memberId });
    expect(
      await c.deleteOffsets('g', [
        { topic: 't', partition: 0 },
        { topic: 'u', partition: 0 },
      ]),
    ).toEqual({
      errorCode: 0,
      partitions: [
        { topic: 't', partition: 0, errorCode: E('GROUP_SUBSCRIBED_TO_TOPIC') },
        { topic: 'u', partition: 0, errorCode: 0 },
      ],
    });
    expect(c.fetchOffsets('g', null).offsets.map((o) => o.topic)).toEqual(['t']);
    await joinAndSync(c, 'conn', { protocolType: 'connect' });
    expect((await c.deleteOffsets('conn', [{ topic: 't', partition: 0 }])).errorCode).toBe(E('NON_EMPTY_GROUP'));
    // Deleting the last offset of an Empty group removes it.
    await c.deleteOffsets('empty', [{ topic: 't', partition: 1 }]);
    expect(c.describeGroup('empty').state).toBe('Dead');
  });
});
