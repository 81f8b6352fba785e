/**
 * Restart of the real broker process: produce, stop (SIGTERM), start on the same data, consume: the
 * same records at the same offsets, the same committed group offsets (with their metadata), the same
 * topic ids and cluster id. Then the same after SIGKILL: every acknowledged record is still there.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Apis } from '../../client/protocol/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../client/records/index.js';
import { connect, startBrokerProcess, tempDir, type RawClient } from './helpers.js';

const logDir = tempDir();
afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

function batch(values: string[]): Buffer {
  return encodeRecordBatchSync({ records: values.map((v) => ({ value: Buffer.from(v) })) } as never);
}

async function readAll(c: RawClient, topic: string, partition: number): Promise<{ offset: number; value: string }[]> {
  const out: { offset: number; value: string }[] = [];
  let offset = 0;
  for (;;) {
    const f = await c.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] });
    const buf: Buffer = f.responses[0].partitions[0].records;
    if (buf.length === 0) return out;
    let pos = 0;
    while (pos < buf.length) {
      const b = decodeRecordBatchSync(buf, pos);
      b.records.forEach((r: any, i: number) => {
        if (b.baseOffset + i >= offset) out.push({ offset: b.baseOffset + i, value: r.value.toString() });
      });
      offset = b.baseOffset + b.records.length;
      pos += 12 + buf.readInt32BE(pos + 8);
    }
  }
}

async function snapshot(c: RawClient) {
  const md = await c.request(Apis.Metadata, 12, { topics: null });
  const topics = Object.fromEntries(md.topics.map((t: any) => [t.name, { topicId: t.topicId, partitions: t.partitions.length }]));
  const data: Record<string, { offset: number; value: string }[]> = {};
  for (const t of md.topics) for (const p of t.partitions) data[`${t.name}-${p.partitionIndex}`] = await readAll(c, t.name, p.partitionIndex);
  const offsets = await c.request(Apis.OffsetFetch, 7, { groupId: 'restart-group', topics: null });
  return { clusterId: md.clusterId, topics, data, offsets: offsets.topics };
}

describe('restart', () => {
  it('keeps records, offsets, committed group offsets, topic ids and the cluster id across stop and start', async () => {
    let b = await startBrokerProcess({ 'num.partitions': 3 }, { logDir });
    let c = await connect(b.port);
    await c.request(Apis.Metadata, 4, { topics: [{ name: 'r1' }, { name: 'r2' }], allowAutoTopicCreation: true });
    for (let i = 0; i < 20; i++) {
      const r = await c.request(Apis.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'r1', partitionData: [{ index: i % 3, records: batch([`a${i}`, `b${i}`]) }] }, { name: 'r2', partitionData: [{ index: 0, records: batch([`c${i}`]) }] }] });
      expect(r.responses.every((t: any) => t.partitionResponses.every((p: any) => p.errorCode === 0))).toBe(true);
    }
    const commit = await c.request(Apis.OffsetCommit, 2, {
      groupId: 'restart-group',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: 'r1', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: 'meta-5' }, { partitionIndex: 2, committedOffset: 7, committedMetadata: null }] }],
    });
    expect(commit.topics[0].partitions.map((p: any) => p.errorCode)).toEqual([0, 0]);
    const before = await snapshot(c);
    expect(before.data['r1-0']).toHaveLength(14);
    expect(before.offsets[0].partitions.find((p: any) => p.partitionIndex === 0)).toMatchObject({ committedOffset: 5, metadata: 'meta-5' });
    c.close();
    expect(await b.stop()).toBe(0);

    b = await startBrokerProcess({}, { logDir });
    c = await connect(b.port);
    expect(await snapshot(c)).toEqual(before);
    c.close();

    // SIGKILL after acknowledged produces: nothing acknowledged is lost.
    c = await connect(b.port);
    const acked: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await c.request(Apis.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'r2', partitionData: [{ index: 0, records: batch([`k${i}`]) }] }] });
      if (r.responses[0].partitionResponses[0].errorCode === 0) acked.push(`k${i}`);
    }
    await b.kill();
    b = await startBrokerProcess({}, { logDir });
    c = await connect(b.port);
    const after = await snapshot(c);
    expect(after.topics).toEqual(before.topics);
    expect(after.clusterId).toBe(before.clusterId);
    expect(after.data['r2-0']!.map((r) => r.value)).toEqual([...before.data['r2-0']!.map((r) => r.value), ...acked]);
    c.close();
    expect(await b.stop()).toBe(0);
  });
});
