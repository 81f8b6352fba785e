/**
 * Produce and Fetch details against the real broker: idempotent producers (InitProducerId, duplicates
 * answered with the original offset, out-of-order sequences, stale epochs, producer ids never reused
 * across restarts, sequence state rebuilt from the log after a restart), LogAppendTime topics, fetch
 * byte limits with the first-batch exception (KIP-74), min_bytes / max_wait_ms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Apis, errorCode } from '../../client/protocol/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../client/records/index.js';
import { connect, startBroker, tempDir, type RawClient, type TestBroker } from './helpers.js';

let broker: TestBroker;
let c: RawClient;
const dir = tempDir();

beforeAll(async () => {
  broker = await startBroker({ 'log.dirs': dir });
  c = await connect(broker);
});
afterAll(async () => {
  c?.close();
  await broker?.stop();
});

function batch(values: string[], extra: object = {}): Buffer {
  return encodeRecordBatchSync({ records: values.map((v) => ({ value: Buffer.from(v) })), ...extra } as never);
}

async function produce(client: RawClient, topic: string, records: Buffer, version = 9) {
  const r = await client.request(Apis.Produce, version, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
  return r.responses[0].partitionResponses[0];
}

async function fetchAll(client: RawClient, topic: string, from = 0): Promise<string[]> {
  const f = await client.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: from, partitionMaxBytes: 1 << 24 }] }] });
  const buf: Buffer = f.responses[0].partitions[0].records;
  const out: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const b = decodeRecordBatchSync(buf, pos);
    for (const r of b.records) out.push((r as any).value.toString());
    pos += 12 + buf.readInt32BE(pos + 8);
  }
  return out;
}

describe('idempotent producer', () => {
  it('detects duplicates and sequence gaps', async () => {
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'idem' }] });
    const init = await c.request(Apis.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000 });
    expect(init.errorCode).toBe(0);
    const { producerId, producerEpoch } = init;
    const b = (seq: number, vals: string[]) => batch(vals, { producerId, producerEpoch, baseSequence: seq });
    expect(await produce(c, 'idem', b(0, ['a', 'b']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce(c, 'idem', b(2, ['c']))).toMatchObject({ errorCode: 0, baseOffset: 2 });
    // A retry of the first batch: success with its original offset, not appended again.
    expect(await produce(c, 'idem', b(0, ['a', 'b']))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce(c, 'idem', b(5, ['gap']))).toMatchObject({ errorCode: errorCode('OUT_OF_ORDER_SEQUENCE_NUMBER') });
    expect(await produce(c, 'idem', b(3, ['d']))).toMatchObject({ errorCode: 0, baseOffset: 3 });
    expect(await fetchAll(c, 'idem')).toEqual(['a', 'b', 'c', 'd']);
    // Epoch bump (KIP-360): same id, epoch + 1, sequences restart at 0; the old epoch is fenced.
    const bump = await c.request(Apis.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60000, producerId, producerEpoch });
    expect(bump).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 1 });
    expect(await produce(c, 'idem', batch(['e'], { producerId, producerEpoch: producerEpoch + 1, baseSequence: 1 }))).toMatchObject({ errorCode: errorCode('OUT_OF_ORDER_SEQUENCE_NUMBER') });
    expect(await produce(c, 'idem', batch(['e'], { producerId, producerEpoch: producerEpoch + 1, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 4 });
    expect(await produce(c, 'idem', b(4, ['stale']))).toMatchObject({ errorCode: errorCode('INVALID_PRODUCER_EPOCH') });
    // Transactions are refused clearly.
    const tx = await c.request(Apis.InitProducerId, 4, { transactionalId: 'tx-1', transactionTimeoutMs: 60000 });
    expect(tx.errorCode).toBe(errorCode('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'));
  });

  it('keeps sequence state and never reuses producer ids across a restart', async () => {
    const init = await c.request(Apis.InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    const { producerId, producerEpoch } = init;
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'idem-restart' }] });
    expect(await produce(c, 'idem-restart', batch(['x', 'y'], { producerId, producerEpoch, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    c.close();
    await broker.stop();
    broker = await startBroker({ 'log.dirs': dir });
    c = await connect(broker);
    // The retry after the restart is still recognised as a duplicate.
    expect(await produce(c, 'idem-restart', batch(['x', 'y'], { producerId, producerEpoch, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce(c, 'idem-restart', batch(['z'], { producerId, producerEpoch, baseSequence: 5 }))).toMatchObject({ errorCode: errorCode('OUT_OF_ORDER_SEQUENCE_NUMBER') });
    expect(await fetchAll(c, 'idem-restart')).toEqual(['x', 'y']);
    const next = await c.request(Apis.InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    expect(next.producerId).toBeGreaterThan(producerId);
  });
});

describe('Produce details', () => {
  it('stamps LogAppendTime topics and returns the time', async () => {
    await broker.context.metadata.createTopic('lat', { configs: { 'message.timestamp.type': 'LogAppendTime' } });
    const before = Date.now();
    const r = await produce(c, 'lat', batch(['t'], { baseTimestamp: 1000 }));
    expect(r.errorCode).toBe(0);
    expect(r.logAppendTimeMs).toBeGreaterThanOrEqual(before);
    const f = await c.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'lat', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const b = decodeRecordBatchSync(f.responses[0].partitions[0].records);
    expect(b.timestampType).toBe(1);
    expect(b.maxTimestamp).toBe(r.logAppendTimeMs);
  });

  it('refuses bad acks and magic 0/1 message sets', async () => {
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'misc' }] });
    const r = await c.request(Apis.Produce, 7, { acks: 2, timeoutMs: 1000, topicData: [{ name: 'misc', partitionData: [{ index: 0, records: batch(['x']) }] }] });
    expect(r.responses[0].partitionResponses[0].errorCode).toBe(errorCode('INVALID_REQUIRED_ACKS'));
    const legacy = batch(['x']);
    legacy[16] = 1;
    const l = await produce(c, 'misc', legacy, 2);
    expect(l.errorCode).toBe(errorCode('UNSUPPORTED_FOR_MESSAGE_FORMAT'));
  });
});

describe('Fetch limits and long poll', () => {
  it('honours partition and response max bytes, with the first batch always whole', async () => {
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'lim' }] });
    for (let i = 0; i < 10; i++) await produce(c, 'lim', batch([`${i}`.repeat(1000)]));
    const size = batch(['0'.repeat(1000)]).length;
    const one = await c.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 10, topics: [{ topic: 'lim', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 10 }] }] });
    expect(one.responses[0].partitions[0].records.length).toBe(size);
    const three = await c.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic: 'lim', partitions: [{ partition: 0, fetchOffset: 2, partitionMaxBytes: size * 3 + 5 }] }] });
    expect(three.responses[0].partitions[0].records.length).toBe(size * 3);
    // Two partitions in one request: max_bytes shared; the second gets what is left (nothing here).
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'lim2' }] });
    await produce(c, 'lim2', batch(['q'.repeat(1000)]));
    const both = await c.request(Apis.Fetch, 11, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: size * 2,
      topics: [
        { topic: 'lim', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
        { topic: 'lim2', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
      ],
    });
    expect(both.responses[0].partitions[0].records.length).toBe(size * 2);
    expect(both.responses[1].partitions[0].records.length).toBe(0);
    expect(both.responses[1].partitions[0].highWatermark).toBe(1);
  });

  it('waits max_wait_ms when min_bytes is not reached', async () => {
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'wait' }] });
    const t0 = Date.now();
    const f = await c.request(Apis.Fetch, 11, { maxWaitMs: 300, minBytes: 1, topics: [{ topic: 'wait', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(f.responses[0].partitions[0].records.length).toBe(0);
  });
});
