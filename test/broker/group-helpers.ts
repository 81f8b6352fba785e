/**
 * Helpers of the group coordinator tests: a GroupCoordinator opened on a temp lmdb dir with
 * test-sized settings, JoinGroup parameters with defaults, consumer-protocol subscription bytes, a
 * settable clock, and small waiting helpers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KafkaConfig } from '../../broker/config/kafka-config.js';
import type { JoinGroupParams, JoinGroupResult, SyncGroupResult } from '../../broker/group/coordinator-types.js';
import { GroupCoordinator } from '../../broker/group/group-coordinator.js';
import { silentLogger } from '../../broker/server/logger.js';

/** A fresh temp dir. */
export function groupTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kts-group-'));
}

/** A clock tests move by hand (ms). */
export class Clock {
  constructor(public t = 1_700_000_000_000) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Open a coordinator on `dir` (new temp dir by default) with no initial delay and a 100 ms minimum session. */
export async function openCoordinator(props: Record<string, string | number> = {}, dir = groupTempDir(), now?: () => number): Promise<{ c: GroupCoordinator; dir: string }> {
  const config = KafkaConfig.fromProperties({ 'log.dirs': dir, 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 100, ...props });
  const c = await GroupCoordinator.open({ dir: path.join(dir, 'groups'), config, logger: silentLogger(), ...(now ? { now } : {}) });
  return { c, dir };
}

/** ConsumerProtocolSubscription v0 bytes: version, topics, null user data. */
export function subscription(topics: string[], version = 0): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(6);
  h.writeInt16BE(version, 0);
  h.writeInt32BE(topics.length, 2);
  parts.push(h);
  for (const t of topics) {
    const s = Buffer.from(t);
    const l = Buffer.alloc(2);
    l.writeInt16BE(s.length);
    parts.push(l, s);
  }
  const ud = Buffer.alloc(4);
  ud.writeInt32BE(-1);
  parts.push(ud);
  return Buffer.concat(parts);
}

/** JoinGroup parameters with defaults: consumer protocol `range` subscribing to `t`, 1000 ms timeouts. */
export function joinParams(groupId: string, memberId = '', extra: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId,
    memberId,
    groupInstanceId: null,
    requireKnownMemberId: false,
    supportSkippingAssignment: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 1000,
    sessionTimeoutMs: 1000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    ...extra,
  };
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether `p` settles within `ms`. */
export async function settlesWithin<T>(p: Promise<T>, ms: number): Promise<boolean> {
  const marker = Symbol('timeout');
  const r = await Promise.race([p, sleep(ms).then(() => marker)]);
  return r !== marker;
}

/** Join one dynamic member to a new group and complete the rebalance: returns its join and sync answers. */
export async function joinAndSync(c: GroupCoordinator, groupId: string, extra: Partial<JoinGroupParams> = {}, assignment = Buffer.from('a0')): Promise<{ join: JoinGroupResult; sync: SyncGroupResult }> {
  const join = await c.joinGroup(joinParams(groupId, '', extra));
  const sync = await c.syncGroup({
    groupId,
    generationId: join.generationId,
    memberId: join.memberId,
    groupInstanceId: extra.groupInstanceId ?? null,
    protocolType: null,
    protocolName: null,
    assignments: [{ memberId: join.memberId, assignment }],
  });
  return { join, sync };
}
