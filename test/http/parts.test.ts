/**
 * The HTTP side's small parts on real inputs: record counting of fetched batches (batches made by our
 * record-batch encoder), consumer-protocol assignments and subscriptions encoded by kafkajs (a real
 * client's bytes) and garbage, the stream registry's bounds.
 */
import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { encodeRecordBatchSync } from '../../client/records/index.js';
import { decodeAssignment, decodeSubscription } from '../../broker/http/consumer-assignment.js';
import { MAX_STREAM_APPS, STREAM_REGISTRATION_TTL_MS, StreamRegistry } from '../../broker/http/streams.js';
import { recordsFrom } from '../../broker/server/traffic.js';

function batch(baseOffset: number, n: number): Buffer {
  return encodeRecordBatchSync({ baseOffset, records: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`v${i}`) })) } as never);
}

describe('recordsFrom (messages out of a Fetch answer)', () => {
  it('counts the records from the fetch offset to the end of the last whole batch', () => {
    const b = Buffer.concat([batch(100, 10), batch(110, 5), batch(115, 20)]);
    expect(recordsFrom(b, 100)).toBe(35);
    expect(recordsFrom(b, 104)).toBe(31); // the first batch's leading records are skipped by the client
    expect(recordsFrom(b, 0)).toBe(35);
    expect(recordsFrom(b, 134)).toBe(1);
    // A partial batch at the end (a size limit cut it) is not counted.
    expect(recordsFrom(b.subarray(0, b.length - 5), 100)).toBe(15);
    expect(recordsFrom(Buffer.alloc(0), 0)).toBe(0);
    expect(recordsFrom(Buffer.alloc(40, 0xff), 0)).toBe(0);
  });

  it('handles offsets above 2^32', () => {
    const base = 2 ** 33 + 7;
    expect(recordsFrom(batch(base, 3), base + 1)).toBe(2);
  });
});

describe('consumer protocol bytes (encoded by kafkajs)', () => {
  it('decodes an assignment and a subscription', () => {
    const assignment = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { orders: [2, 0], clicks: [1] }, userData: Buffer.from('u') });
    expect(decodeAssignment(assignment)).toEqual([
      { topic: 'orders', partitions: [0, 2] },
      { topic: 'clicks', partitions: [1] },
    ]);
    const subscription = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['orders', 'clicks'], userData: Buffer.alloc(0) });
    expect(decodeSubscription(subscription)).toEqual(['orders', 'clicks']);
  });

  it('returns undefined for empty or broken bytes, never throws', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toBeUndefined();
    expect(decodeSubscription(Buffer.alloc(0))).toBeUndefined();
    const good = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { orders: [0, 1, 2] }, userData: Buffer.alloc(0) });
    for (let cut = 1; cut < good.length - 4; cut++) expect(decodeAssignment(good.subarray(0, cut))).toBeUndefined();
    expect(decodeAssignment(Buffer.from([0, 0, 0x7f, 0xff, 0xff, 0xff]))).toBeUndefined(); // 2^31-1 topics
    expect(decodeAssignment(Buffer.from([0xff, 0xff, 0, 0, 0, 0]))).toBeUndefined(); // negative version
  });
});

describe('StreamRegistry', () => {
  const reg = (i: number) => ({ appId: `app-${i}`, name: `job ${String(i).padStart(3, '0')}`, statusUrl: `http://127.0.0.1:${4040 + i}/` });

  it('keeps at most MAX_STREAM_APPS, dropping the one seen longest ago', () => {
    const r = new StreamRegistry();
    for (let i = 0; i < MAX_STREAM_APPS; i++) r.register(reg(i), 1000 + i);
    r.register(reg(0), 5000); // app-0 refreshed: app-1 is now the oldest
    r.register(reg(MAX_STREAM_APPS), 6000);
    const ids = r.list(6000).map((a) => a.appId);
    expect(ids).toHaveLength(MAX_STREAM_APPS);
    expect(ids).toContain('app-0');
    expect(ids).not.toContain('app-1');
  });

  it('forgets an application not refreshed within the TTL', () => {
    const r = new StreamRegistry();
    r.register(reg(1), 0);
    r.register(reg(2), STREAM_REGISTRATION_TTL_MS);
    expect(r.list(STREAM_REGISTRATION_TTL_MS + 1).map((a) => a.appId)).toEqual(['app-2']);
    expect(r.remove('app-2')).toBe(true);
    expect(r.remove('app-2')).toBe(false);
  });
});
