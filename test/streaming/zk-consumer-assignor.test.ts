/**
 * Kafka 0.8's range assignor over consumer threads (consumer-group/range-assignor.ts), against
 * hand-computed examples, and the subscription JSON / thread ids of TopicCount.
 */
import { describe, expect, it } from 'vitest';
import { consumersPerTopic, rangeAssign, TopicCount, type PartitionAssignment } from '../../streaming-kafka/consumer-group/index.js';

/** threadId → "topic:partition,partition" strings, for compact expectations. */
function byThread(assignments: PartitionAssignment[]): Record<string, string> {
  const out: Record<string, number[]> = {};
  for (const a of assignments) {
    const k = `${a.threadId}@${a.topic}`;
    (out[k] ??= []).push(a.partition);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join(',')]));
}

describe('range assignor (Kafka 0.8 RangeAssignor)', () => {
  it('10 partitions over 3 threads: 4/3/3 consecutive ranges, threads in string order', () => {
    const parts = { t: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] };
    const got = rangeAssign(parts, { t: ['c-0', 'a-0', 'b-0'] });
    expect(byThread(got)).toEqual({ 'a-0@t': '0,1,2,3', 'b-0@t': '4,5,6', 'c-0@t': '7,8,9' });
    expect(got).toHaveLength(10);
  });

  it('2 partitions over 3 threads: the last thread gets nothing', () => {
    expect(byThread(rangeAssign({ t: [0, 1] }, { t: ['g_a-0', 'g_b-0', 'g_c-0'] }))).toEqual({ 'g_a-0@t': '0', 'g_b-0@t': '1' });
  });

  it('partitions are sorted numerically (not as strings), thread ids as strings (c-10 < c-2)', () => {
    const parts = { t: [10, 2, 1, 0, 11, 3] }; // sorted: 0,1,2,3,10,11
    const threads = { t: Array.from({ length: 12 }, (_, i) => `c-${i}`) }; // string order: c-0,c-1,c-10,c-11,c-2,...
    const got = rangeAssign(parts, threads);
    expect(byThread(got)).toEqual({ 'c-0@t': '0', 'c-1@t': '1', 'c-10@t': '2', 'c-11@t': '3', 'c-2@t': '10', 'c-3@t': '11' });
  });

  it('7 partitions over 3 threads: 3/2/2 (extra to the first P%C)', () => {
    expect(byThread(rangeAssign({ t: [0, 1, 2, 3, 4, 5, 6] }, { t: ['x-0', 'x-1', 'y-0'] }))).toEqual({ 'x-0@t': '0,1,2', 'x-1@t': '3,4', 'y-0@t': '5,6' });
  });

  it('several topics with different thread counts per consumer (TopicCount subscriptions)', () => {
    // consumer g_a: t1×2, t2×1; consumer g_b: t1×1; consumer g_c: t2×2, t3×1
    const subs = [new TopicCount('g_a', { t1: 2, t2: 1 }), new TopicCount('g_b', { t1: 1 }), new TopicCount('g_c', { t2: 2, t3: 1 })];
    const threads = consumersPerTopic(subs);
    expect(Object.fromEntries(threads)).toEqual({ t1: ['g_a-0', 'g_a-1', 'g_b-0'], t2: ['g_a-0', 'g_c-0', 'g_c-1'], t3: ['g_c-0'] });
    const got = rangeAssign({ t1: [0, 1, 2, 3, 4], t2: [0, 1, 2, 3, 4, 5, 6, 7], t3: [0, 1] }, threads);
    expect(byThread(got)).toEqual({
      // t1: 5 over 3 → 2/2/1
      'g_a-0@t1': '0,1',
      'g_a-1@t1': '2,3',
      'g_b-0@t1': '4',
      // t2: 8 over 3 → 3/3/2
      'g_a-0@t2': '0,1,2',
      'g_c-0@t2': '3,4,5',
      'g_c-1@t2': '6,7',
      // t3: 2 over 1
      'g_c-0@t3': '0,1',
    });
    // every partition exactly once
    const keys = got.map((a) => `${a.topic}-${a.partition}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(15);
  });

  it('a topic without partitions (or unknown) is assigned nothing; a Map works as input too', () => {
    expect(rangeAssign(new Map([['t', []]]), new Map([['t', ['a-0']], ['u', ['a-0']]]))).toEqual([]);
  });

  it('TopicCount: thread ids <consumerId>-<n> and the Kafka 0.8 registration JSON', () => {
    const tc = new TopicCount('grp_host-1-abcd0123', { orders: 3, clicks: 1 });
    expect(Object.fromEntries(tc.getConsumerThreadIdsPerTopic())).toEqual({
      orders: ['grp_host-1-abcd0123-0', 'grp_host-1-abcd0123-1', 'grp_host-1-abcd0123-2'],
      clicks: ['grp_host-1-abcd0123-0'],
    });
    const json = tc.registrationData(1400000000000);
    expect(json).toBe('{"version":1,"subscription":{"orders":3,"clicks":1},"pattern":"static","timestamp":"1400000000000"}');
    expect(TopicCount.parse('x', json)?.topicCountMap).toEqual({ orders: 3, clicks: 1 });
    expect(TopicCount.parse('x', '{"version":1,"subscription":{".*":1},"pattern":"white_list","timestamp":"1"}')).toBeNull();
    expect(TopicCount.parse('x', 'not json')).toBeNull();
    expect(() => new TopicCount('c', { t: 0 })).toThrow(expect.objectContaining({ code: 'KTS_ERR_ZK_CONSUMER_CONFIG', key: 'topicCountMap' }));
    expect(() => new TopicCount('c', { 'a/b': 1 })).toThrow(/illegal/);
  });
});
