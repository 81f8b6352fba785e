/**
 * KafkaConsumer in consumer groups against the real in-process broker: two members split a
 * 4-partition topic with the range assignor and one takes everything when the other closes;
 * commit/committed and resuming from the committed offsets; a member killed with SIGKILL (a child
 * process) loses its partitions after the session timeout and the survivor reads nothing that was
 * committed twice; a kafkajs consumer and ours in one group (classic consumer protocol, roundrobin);
 * partitions added to a subscribed topic are assigned after the leader's metadata refresh.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssignerProtocol, PartitionAssigners, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, KafkaConsumer, RangeAssignor, RoundRobinAssignor, type ConsumerRecord, type TopicPartition } from '../../client/consumer/index.js';
import { AdminClient, KafkaProducer } from '../../client/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { bundleChildScript } from '../helpers/child-script.js';
import { consumer, createTopics, kafkajs, readN, waitFor } from './consumer-helpers.js';

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  broker = await startBroker();
  kafka = kafkajs(broker.bootstrap);
  producer = kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.close()));
  await producer?.disconnect();
  await broker?.stop();
});

const GROUP_PROPS = { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100, 'auto.offset.reset': 'earliest' };

function member(groupId: string, props: Record<string, string | number | boolean> = {}): KafkaConsumer {
  const c = consumer(broker.bootstrap, { 'group.id': groupId, ...GROUP_PROPS, ...props });
  open.push(c);
  return c;
}

const keys = (tps: TopicPartition[]) => tps.map((t) => `${t.topic}-${t.partition}`).sort();

async function produce(topic: string, partitions: number, perPartition: number, tag: string): Promise<void> {
  const messages = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < perPartition; i++) messages.push({ partition: p, value: `${tag}-${p}-${i}` });
  await producer.send({ topic, messages });
}

/** Poll several consumers together until `cond` holds. */
async function pollAll(consumers: KafkaConsumer[], into: ConsumerRecord[][], cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`pollAll timed out; read ${into.map((l) => l.length).join('/')}`);
    const got = await Promise.all(consumers.map((c) => c.poll(100)));
    got.forEach((rs, i) => into[i]!.push(...rs));
  }
}

describe('assignors', () => {
  it('range and roundrobin as Kafka computes them', () => {
    const members = [
      { memberId: 'b', groupInstanceId: null, topics: ['t1', 't2'] },
      { memberId: 'a', groupInstanceId: null, topics: ['t1'] },
    ];
    const parts = new Map([['t1', 3], ['t2', 2]]);
    expect(new RangeAssignor().assign(parts, members)).toEqual(
      new Map([
        ['b', [{ topic: 't1', partitions: [2] }, { topic: 't2', partitions: [0, 1] }]],
        ['a', [{ topic: 't1', partitions: [0, 1] }]],
      ]),
    );
    expect(new RoundRobinAssignor().assign(parts, members)).toEqual(
      new Map([
        ['b', [{ topic: 't1', partitions: [1] }, { topic: 't2', partitions: [0, 1] }]],
        ['a', [{ topic: 't1', partitions: [0, 2] }]],
      ]),
    );
  });
});

describe('consumer protocol', () => {
  it('subscriptions and assignments decode both ways with kafkajs AssignerProtocol', () => {
    const ours = encodeSubscription({ topics: ['a', 'b'], userData: Buffer.from('u'), ownedPartitions: [{ topic: 'a', partitions: [1] }] }, 1);
    expect(AssignerProtocol.MemberMetadata.decode(ours)).toMatchObject({ version: 1, topics: ['a', 'b'], userData: Buffer.from('u') });
    const theirs = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['x'], userData: Buffer.alloc(0) });
    expect(decodeSubscription(theirs)).toMatchObject({ topics: ['x'], ownedPartitions: [], generationId: -1 });
    expect(decodeSubscription(encodeSubscription({ topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 2] }], generationId: 5, rackId: 'r1' }, 3))).toEqual({
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partitions: [0, 2] }],
      generationId: 5,
      rackId: 'r1',
    });
    const assignment = encodeAssignment({ partitions: [{ topic: 'a', partitions: [0, 3] }, { topic: 'b', partitions: [1] }], userData: null });
    expect(AssignerProtocol.MemberAssignment.decode(assignment)).toMatchObject({ version: 0, assignment: { a: [0, 3], b: [1] } });
    const kjs = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { z: [2, 1] }, userData: Buffer.alloc(0) });
    expect(decodeAssignment(kjs).partitions).toEqual([{ topic: 'z', partitions: [2, 1] }]);
    expect(decodeAssignment(Buffer.alloc(0)).partitions).toEqual([]);
  });
});

describe('KafkaConsumer (groups)', () => {
  it('two members split 4 partitions (range); when one closes the other takes them all', async () => {
    const topic = 'grp-split';
    const groupId = 'grp-split-g';
    await createTopics(kafka, [{ topic, numPartitions: 4 }]);
    await produce(topic, 4, 25, 'a');
    const events: string[] = [];
    const c1 = member(groupId);
    const c2 = member(groupId);
    c1.subscribe([topic], { onPartitionsAssigned: (tps) => void events.push(`c1+${keys(tps)}`), onPartitionsRevoked: (tps) => void events.push(`c1-${keys(tps)}`) });
    c2.subscribe([topic]);
    const read: ConsumerRecord[][] = [[], []];
    await pollAll([c1, c2], read, () => c1.assignment().length === 2 && c2.assignment().length === 2 && read[0]!.length + read[1]!.length >= 100);
    // Range: each gets two consecutive partitions.
    const a1 = keys(c1.assignment());
    const a2 = keys(c2.assignment());
    expect([a1, a2].sort()).toEqual([[`${topic}-0`, `${topic}-1`], [`${topic}-2`, `${topic}-3`]]);
    const all = [...read[0]!, ...read[1]!].map((r) => r.value!.toString()).sort();
    expect(all).toEqual([...new Set(all)]);
    expect(all).toHaveLength(100);
    expect(read[0]!.every((r) => a1.includes(`${topic}-${r.partition}`))).toBe(true);

    await c2.close();
    await produce(topic, 4, 5, 'b');
    const after: ConsumerRecord[][] = [[]];
    await pollAll([c1], after, () => after[0]!.length >= 20);
    expect(keys(c1.assignment())).toEqual([0, 1, 2, 3].map((p) => `${topic}-${p}`));
    expect(after[0]!.map((r) => r.value!.toString()).sort()).toEqual([0, 1, 2, 3].flatMap((p) => [0, 1, 2, 3, 4].map((i) => `b-${p}-${i}`)).sort());
    expect(events[events.length - 1]).toBe(`c1+${keys(c1.assignment())}`);
    expect(events.some((e) => e.startsWith('c1-'))).toBe(true);
  });

  it('commits (with metadata), committed(), and a new member resumes from the committed offsets', async () => {
    const topic = 'grp-commit';
    const groupId = 'grp-commit-g';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produce(topic, 2, 30, 'c');
    const c = member(groupId, { 'enable.auto.commit': false, 'max.poll.records': 10 });
    c.subscribe([topic]);
    const first = await readN(c, 10);
    await new Promise((resolve, reject) => c.commitAsync(undefined, (e) => (e ? reject(e) : resolve(null))));
    const tps = [{ topic, partition: 0 }, { topic, partition: 1 }];
    const committed = await c.committed(tps);
    for (const tp of tps) {
      const pos = await c.position(tp);
      const got = committed.get(`${topic}-${tp.partition}`);
      if (first.some((r) => r.partition === tp.partition)) expect(got).toEqual({ offset: pos, metadata: '' });
    }
    await c.commit([{ topic, partition: 0, offset: 12, metadata: 'meta-0' }, { topic, partition: 1, offset: 7, metadata: 'meta-1' }]);
    expect(await c.committed(tps)).toEqual(new Map([[`${topic}-0`, { offset: 12, metadata: 'meta-0' }], [`${topic}-1`, { offset: 7, metadata: 'meta-1' }]]));
    await c.close();

    const d = member(groupId, { 'enable.auto.commit': false });
    d.subscribe([topic]);
    const rest = await readN(d, 18 + 23);
    const firstOf = (p: number) => rest.filter((r) => r.partition === p)[0]!.offset;
    expect(firstOf(0)).toBe(12);
    expect(firstOf(1)).toBe(7);
    expect(rest).toHaveLength(41);
    await d.close();

    // Auto-commit on close.
    const e = member(groupId, { 'enable.auto.commit': true });
    e.subscribe([topic]);
    await produce(topic, 2, 1, 'late');
    await readN(e, 2);
    await e.close();
    const f = member(groupId);
    f.assign(tps);
    expect(await f.committed(tps)).toEqual(new Map([[`${topic}-0`, { offset: 31, metadata: '' }], [`${topic}-1`, { offset: 31, metadata: '' }]]));
  });

  it('a member killed with SIGKILL: its partitions move after the session timeout; nothing committed is read twice', async () => {
    const topic = 'grp-crash';
    const groupId = 'grp-crash-g';
    await createTopics(kafka, [{ topic, numPartitions: 4 }]);
    await produce(topic, 4, 200, 'k');
    const script = bundleChildScript(path.join(path.dirname(fileURLToPath(import.meta.url)), 'consumer-child.ts'));
    const child = spawn(process.execPath, [script, broker.bootstrap, groupId, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    open.push({ close: async () => void child.kill('SIGKILL') });
    const committed = new Map<string, number>();
    let assigned: string[] = [];
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let rest = '';
    child.stdout.on('data', (d: Buffer) => {
      rest += d.toString();
      const lines = rest.split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const j = JSON.parse(line);
        if (j.assigned) assigned = j.assigned;
        if (j.committed) for (const [k, v] of Object.entries(j.committed as Record<string, number>)) committed.set(k, v as number);
      }
    });
    await waitFor(`the child to join (${stderr})`, () => assigned.length === 4);
    const survivor = member(groupId, { 'enable.auto.commit': false, 'heartbeat.interval.ms': 100, 'session.timeout.ms': 6000 });
    survivor.subscribe([topic]);
    const pollAndCommit = async (into: ConsumerRecord[]) => {
      const rs = await survivor.poll(50);
      into.push(...rs);
      if (rs.length > 0) await survivor.commit().catch(() => undefined); // a commit may race a rebalance
    };
    const before: ConsumerRecord[] = [];
    // Both members share the partitions; the child commits as it goes.
    await waitFor('a shared assignment and some commits by the child', async () => {
      await pollAndCommit(before);
      return survivor.assignment().length === 2 && assigned.length === 2 && [...committed.keys()].filter((k) => assigned.includes(k)).length === 2;
    });
    const childPartitions = [...assigned];
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const lastCommitted = new Map(childPartitions.map((k) => [k, committed.get(k)!]));
    const after: ConsumerRecord[] = [];
    const childP = childPartitions.map((k) => Number(k.split('-').pop()));
    // After the child's session (1 s) expires, the survivor gets all four and reads from the committed offsets.
    await waitFor('the survivor to own every partition and read to the end', async () => {
      await pollAndCommit(after);
      return survivor.assignment().length === 4 && childP.every((p) => lastCommitted.get(`${topic}-${p}`) === 200 || after.some((r) => r.partition === p && r.offset === 199));
    }, 20_000).catch((e) => {
      throw new Error(`${e.message}: assignment ${keys(survivor.assignment())}, child had ${childPartitions}, committed ${JSON.stringify([...lastCommitted])}`);
    });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(500); // the session timeout had to pass
    for (const p of childP) {
      const from = lastCommitted.get(`${topic}-${p}`)!;
      const mine = after.filter((r) => r.partition === p);
      expect(mine.map((r) => r.offset), `offsets read on partition ${p} after the crash`).toEqual(Array.from({ length: 200 - from }, (_, i) => from + i));
    }
    // The survivor's own partitions: read once, in order, to the end.
    for (const p of [0, 1, 2, 3].filter((q) => !childP.includes(q))) {
      const offs = [...before, ...after].filter((r) => r.partition === p).map((r) => r.offset);
      expect(offs[offs.length - 1]).toBe(199);
    }
  });

  it('a kafkajs consumer and ours in one group (roundrobin) share the partitions', async () => {
    const topic = 'grp-mixed';
    const groupId = 'grp-mixed-g';
    await createTopics(kafka, [{ topic, numPartitions: 4 }]);
    const kjsRoundRobin = ({ cluster }: any) => ({ ...PartitionAssigners.roundRobin({ cluster } as any), name: 'roundrobin' });
    const kc = kafka.consumer({ groupId, partitionAssigners: [kjsRoundRobin as any], sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
    open.push({ close: () => kc.disconnect() });
    const kjsValues: string[] = [];
    let kjsAssigned: number[] = [];
    kc.on(kc.events.GROUP_JOIN, (e) => (kjsAssigned = [...(e.payload.memberAssignment[topic] ?? [])]));
    await kc.connect();
    await kc.subscribe({ topic, fromBeginning: true });
    await kc.run({ eachMessage: async ({ message }) => void kjsValues.push(message.value!.toString()) });
    await waitFor('kafkajs to join', () => kjsAssigned.length === 4);
    const ours = member(groupId, { 'partition.assignment.strategy': 'roundrobin' });
    ours.subscribe([topic]);
    const read: ConsumerRecord[] = [];
    await waitFor('a shared assignment', async () => {
      read.push(...(await ours.poll(50)));
      return ours.assignment().length === 2 && kjsAssigned.length === 2;
    });
    await produce(topic, 4, 10, 'm');
    await waitFor('every record read once', async () => {
      read.push(...(await ours.poll(50)));
      return read.length + kjsValues.length >= 40;
    });
    const all = [...read.map((r) => r.value!.toString()), ...kjsValues].sort();
    expect(all).toEqual([0, 1, 2, 3].flatMap((p) => Array.from({ length: 10 }, (_, i) => `m-${p}-${i}`)).sort());
    expect(new Set(read.map((r) => r.partition)).size).toBe(2);
    expect(read.every((r) => !kjsAssigned.includes(r.partition))).toBe(true);
  });
});

describe('KafkaConsumer (groups, more)', () => {
  it('subscribes by RegExp, iterates records and batches asynchronously, auto-commits on an interval', async () => {
    const groupId = 'grp-regex-g';
    await createTopics(kafka, [{ topic: 'rx-a', numPartitions: 1 }, { topic: 'rx-b', numPartitions: 2 }, { topic: 'other-rx', numPartitions: 1 }]);
    await producer.send({ topic: 'rx-a', messages: Array.from({ length: 5 }, (_, i) => ({ value: `a${i}` })) });
    await producer.send({ topic: 'rx-b', messages: Array.from({ length: 6 }, (_, i) => ({ partition: i % 2, value: `b${i}` })) });
    await producer.send({ topic: 'other-rx', messages: [{ value: 'no' }] });
    const c = member(groupId, { 'auto.commit.interval.ms': 100 });
    c.subscribe(/^rx-/);
    const values: string[] = [];
    for await (const r of c) {
      values.push(r.value!.toString());
      if (values.length === 11) break;
    }
    expect(values.sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
    expect(c.subscription().sort()).toEqual(['rx-a', 'rx-b']);
    expect(keys(c.assignment())).toEqual(['rx-a-0', 'rx-b-0', 'rx-b-1']);
    // Auto-commit happens from poll once the interval passed.
    await new Promise((r) => setTimeout(r, 150));
    await c.poll(0);
    await waitFor('the auto-commit', async () => (await c.committed([{ topic: 'rx-a', partition: 0 }])).get('rx-a-0')?.offset === 5);
    await producer.send({ topic: 'rx-b', messages: [{ partition: 1, value: 'b-late' }] });
    for await (const b of c.batches()) {
      expect(b).toMatchObject({ topic: 'rx-b', partition: 1, highWatermark: 4 });
      expect(b.records.map((r) => r.value!.toString())).toEqual(['b-late']);
      break;
    }
    await c.close();
    expect(await (async () => { for await (const _ of c) return 'yielded'; return 'ended'; })()).toBe('ended');
  });

  it('partitions added to a subscribed topic (createPartitions): the leader sees the new count within metadata.max.age.ms and the group rebalances onto them', async () => {
    const topic = 'grp-grow';
    const groupId = 'grp-grow-g';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produce(topic, 2, 3, 'a');
    const c1 = member(groupId, { 'metadata.max.age.ms': 200 });
    const c2 = member(groupId, { 'metadata.max.age.ms': 200 });
    c1.subscribe([topic]);
    c2.subscribe([topic]);
    const read: ConsumerRecord[][] = [[], []];
    await pollAll([c1, c2], read, () => c1.assignment().length === 1 && c2.assignment().length === 1 && read[0]!.length + read[1]!.length >= 6);

    const admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
    try {
      await admin.createPartitions({ [topic]: 4 });
    } finally {
      await admin.close();
    }
    const grown = Date.now();
    await pollAll([c1, c2], read, () => c1.assignment().length === 2 && c2.assignment().length === 2, 10_000);
    const rebalancedAfterMs = Date.now() - grown;
    // Range over 4 partitions and 2 members: two consecutive partitions each.
    expect([keys(c1.assignment()), keys(c2.assignment())].sort()).toEqual([[`${topic}-0`, `${topic}-1`], [`${topic}-2`, `${topic}-3`]]);
    expect(rebalancedAfterMs).toBeLessThan(5000);

    // Records written to the new partitions reach the group, each once.
    const p = new KafkaProducer({ 'bootstrap.servers': broker.bootstrap });
    try {
      for (const partition of [2, 3]) for (let i = 0; i < 3; i++) await p.send({ topic, partition, value: `b-${partition}-${i}` });
    } finally {
      await p.close();
    }
    const more = (): string[] => read.flat().map((r) => r.value!.toString()).filter((v) => v.startsWith('b-'));
    await pollAll([c1, c2], read, () => more().length >= 6);
    expect(more().sort()).toEqual(['b-2-0', 'b-2-1', 'b-2-2', 'b-3-0', 'b-3-1', 'b-3-2']);
  });

  it('static membership (group.instance.id): a restarted member gets its partitions back without LeaveGroup', async () => {
    const topic = 'grp-static';
    const groupId = 'grp-static-g';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const a = member(groupId, { 'group.instance.id': 'inst-a' });
    const b = member(groupId, { 'group.instance.id': 'inst-b' });
    a.subscribe([topic]);
    b.subscribe([topic]);
    await pollAll([a, b], [[], []], () => a.assignment().length === 1 && b.assignment().length === 1);
    // Range over static members orders them by instance id: inst-a gets partition 0.
    expect(keys(a.assignment())).toEqual([`${topic}-0`]);
    await a.close(); // static: no LeaveGroup, b keeps its partition and is not rebalanced
    const revoked: string[] = [];
    const a2 = member(groupId, { 'group.instance.id': 'inst-a' });
    a2.subscribe([topic]);
    b.subscribe([topic], { onPartitionsRevoked: (tps) => void revoked.push(...keys(tps)) });
    await pollAll([a2, b], [[], []], () => a2.assignment().length === 1);
    expect(keys(a2.assignment())).toEqual([`${topic}-0`]);
    expect(keys(b.assignment())).toEqual([`${topic}-1`]);
    expect(revoked).toEqual([]);
  });

  it('a member that stops polling for max.poll.interval.ms leaves; its next poll rejoins (onPartitionsLost)', async () => {
    const topic = 'grp-maxpoll';
    const groupId = 'grp-maxpoll-g';
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const lost: string[] = [];
    const slow = member(groupId, { 'max.poll.interval.ms': 800 });
    const busy = member(groupId);
    slow.subscribe([topic], { onPartitionsLost: (tps) => void lost.push(...keys(tps)) });
    busy.subscribe([topic]);
    await pollAll([slow, busy], [[], []], () => slow.assignment().length === 1 && busy.assignment().length === 1);
    const had = keys(slow.assignment());
    // `slow` stops polling: after 800 ms its heartbeat leaves the group and `busy` gets both partitions.
    await waitFor('busy to own both partitions', async () => {
      await busy.poll(50);
      return busy.assignment().length === 2;
    });
    await pollAll([slow, busy], [[], []], () => slow.assignment().length === 1 && busy.assignment().length === 1);
    expect(lost).toEqual(had);
  });

  it('read_committed reads plain (non-transactional) data up to the last stable offset', async () => {
    const topic = 'grp-rc';
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    await producer.send({ topic, messages: Array.from({ length: 3 }, (_, i) => ({ value: `rc${i}` })) });
    const c = consumer(broker.bootstrap, { 'isolation.level': 'read_committed', 'auto.offset.reset': 'earliest' });
    open.push(c);
    c.assign([{ topic, partition: 0 }]);
    expect((await readN(c, 3)).map((r) => r.value!.toString())).toEqual(['rc0', 'rc1', 'rc2']);
    expect(await c.endOffsets([{ topic, partition: 0 }])).toEqual(new Map([[`${topic}-0`, 3]]));
  });
});
