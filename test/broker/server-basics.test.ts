/**
 * The server core against the real broker over TCP: ApiVersions (and its UNSUPPORTED_VERSION
 * answer), Metadata with auto-creation, Produce and Fetch round trips, ListOffsets, in-order answers
 * to pipelined requests while a Fetch long-polls, acks=0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Apis, encodeRequest, errorCode } from '../../client/protocol/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../client/records/index.js';
import { connect, startBroker, type RawClient, type TestBroker } from './helpers.js';

let broker: TestBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startBroker();
  client = await connect(broker);
});
afterAll(async () => {
  client?.close();
  await broker?.stop();
});

function batch(values: string[], extra: object = {}): Buffer {
  return encodeRecordBatchSync({ records: values.map((v) => ({ value: Buffer.from(v) })), ...extra } as never);
}

describe('ApiVersions', () => {
  it('lists our ranges, v0 to v3', async () => {
    for (const v of [0, 1, 2, 3]) {
      const r = await client.request(Apis.ApiVersions, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
      expect(r.errorCode).toBe(0);
      const produce = r.apiKeys.find((k: any) => k.apiKey === 0);
      expect(produce).toMatchObject({ minVersion: 0, maxVersion: 10 });
      expect(r.apiKeys.find((k: any) => k.apiKey === 1)).toMatchObject({ minVersion: 4, maxVersion: 16 });
    }
  });

  it('answers an unknown version with UNSUPPORTED_VERSION and the ranges in a v0 body', async () => {
    const id = client.nextCorrelationId();
    // ApiVersions v7: header v2 (flexible), empty body with tagged fields.
    const frame = encodeRequest({ apiKey: 18, apiVersion: 3, correlationId: id, clientId: 'x' }, {});
    frame.writeInt16BE(7, 6);
    const answer = await client.sendFrame(id, frame);
    const body = Apis.ApiVersions.decodeResponse(answer.subarray(4), 0);
    expect(body.errorCode).toBe(errorCode('UNSUPPORTED_VERSION'));
    expect(body.apiKeys.length).toBeGreaterThan(5);
  });
});

describe('Metadata, Produce, Fetch', () => {
  it('auto-creates a topic and describes this broker as its leader', async () => {
    const r = await client.request(Apis.Metadata, 12, { topics: [{ name: 'auto-1' }], allowAutoTopicCreation: true });
    expect(r.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: broker.port, rack: null }]);
    expect(r.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(r.topics[0]).toMatchObject({ errorCode: 0, name: 'auto-1', partitions: [{ partitionIndex: 0, leaderId: 0, replicaNodes: [0], isrNodes: [0] }] });
    const v0 = await client.request(Apis.Metadata, 0, { topics: [] });
    expect(v0.topics.map((t: any) => t.name)).toContain('auto-1');
    const no = await client.request(Apis.Metadata, 4, { topics: [{ name: 'not-created' }], allowAutoTopicCreation: false });
    expect(no.topics[0].errorCode).toBe(errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
    const bad = await client.request(Apis.Metadata, 4, { topics: [{ name: 'bad name!' }], allowAutoTopicCreation: true });
    expect(bad.topics[0].errorCode).toBe(errorCode('INVALID_TOPIC_EXCEPTION'));
  });

  it('produces and fetches at several versions', async () => {
    await client.request(Apis.Metadata, 1, { topics: [{ name: 'pf' }] });
    const p = await client.request(Apis.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'pf', partitionData: [{ index: 0, records: batch(['a', 'b', 'c']) }] }] });
    expect(p.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0, logStartOffset: 0 });
    const p2 = await client.request(Apis.Produce, 3, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'pf', partitionData: [{ index: 0, records: batch(['d']) }] }] });
    expect(p2.responses[0].partitionResponses[0].baseOffset).toBe(3);
    for (const v of [4, 11, 12]) {
      const f = await client.request(Apis.Fetch, v, { maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'pf', partitions: [{ partition: 0, fetchOffset: 1, partitionMaxBytes: 1 << 20 }] }] });
      const part = f.responses[0].partitions[0];
      expect(part).toMatchObject({ errorCode: 0, highWatermark: 4, lastStableOffset: 4 });
      if (v >= 11) expect(part.preferredReadReplica).toBe(-1);
      // Whole batches from the one holding offset 1.
      const first = decodeRecordBatchSync(part.records);
      expect(first.baseOffset).toBe(0);
    }
    const topicId = broker.context.metadata.topic('pf')!.topicId;
    const f13 = await client.request(Apis.Fetch, 13, { maxWaitMs: 0, minBytes: 0, topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: 3, partitionMaxBytes: 1 << 20 }] }] });
    expect(f13.responses[0].topicId).toBe(topicId);
    expect(decodeRecordBatchSync(f13.responses[0].partitions[0].records).baseOffset).toBe(3);
    const oor = await client.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'pf', partitions: [{ partition: 0, fetchOffset: 99, partitionMaxBytes: 1 << 20 }] }] });
    expect(oor.responses[0].partitions[0].errorCode).toBe(errorCode('OFFSET_OUT_OF_RANGE'));
    const lo = await client.request(Apis.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'pf', partitions: [{ partitionIndex: 0, timestamp: -1 }, { partitionIndex: 0, timestamp: -2 }] }] });
    expect(lo.topics[0].partitions.map((x: any) => x.offset)).toEqual([4, 0]);
  });

  it('answers pipelined requests in order while a Fetch long-polls, and ends the wait when data arrives', async () => {
    await client.request(Apis.Metadata, 1, { topics: [{ name: 'lp' }] });
    const other = await connect(broker);
    const t0 = Date.now();
    const order: string[] = [];
    const fetch = client.request(Apis.Fetch, 11, { maxWaitMs: 5000, minBytes: 1, topics: [{ topic: 'lp', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] }).then((r) => {
      order.push('fetch');
      return r;
    });
    const meta = client.request(Apis.Metadata, 1, { topics: [{ name: 'lp' }] }).then(() => order.push('metadata'));
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    await other.request(Apis.Produce, 7, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'lp', partitionData: [{ index: 0, records: batch(['x']) }] }] });
    const f = await fetch;
    await meta;
    expect(order).toEqual(['fetch', 'metadata']);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(f.responses[0].partitions[0].records.length).toBeGreaterThan(0);
    other.close();
  });

  it('sends nothing for acks=0 and appends the data', async () => {
    await client.request(Apis.Metadata, 1, { topics: [{ name: 'acks0' }] });
    client.send(Apis.Produce, 7, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'acks0', partitionData: [{ index: 0, records: batch(['z']) }] }] });
    const lo = await client.request(Apis.ListOffsets, 1, { replicaId: -1, topics: [{ name: 'acks0', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
    expect(lo.topics[0].partitions[0].offset).toBe(1);
  });

  it('serves a client that never sends ApiVersions, and answers 200 pipelined requests in order', async () => {
    const fresh = await connect(broker, 'old-sarama-like');
    const md = await fresh.request(Apis.Metadata, 5, { topics: [{ name: 'pf' }], allowAutoTopicCreation: false });
    expect(md.topics[0].errorCode).toBe(0);
    const answers: number[] = [];
    const all = [];
    for (let i = 0; i < 200; i++) {
      const p =
        i % 3 === 0
          ? fresh.request(Apis.Produce, 8, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'pf', partitionData: [{ index: 0, records: batch([`pipe-${i}`]) }] }] })
          : i % 3 === 1
            ? fresh.request(Apis.ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'pf', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] })
            : fresh.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'pf', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1024 }] }] });
      all.push(p.then(() => answers.push(i)));
    }
    await Promise.all(all);
    expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => i));
    fresh.close();
  });
});
