/**
 * Bad input against a running broker: each bad request gets the Kafka error or a closed connection,
 * the broker keeps serving its other connections, and the data already acknowledged is intact
 * afterwards (read back record by record).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Apis, encodeRequest, errorCode } from '../../client/protocol/index.js';
import { decodeRecordBatchSync, encodeRecordBatchSync } from '../../client/records/index.js';
import { prng } from '../helpers/prng.js';
import { connect, startBroker, type RawClient, type TestBroker } from './helpers.js';

let broker: TestBroker;
let witness: RawClient;
const TOPIC = 'bad-input';
const VALUES = Array.from({ length: 50 }, (_, i) => `value-${i}`);

function batch(values: string[]): Buffer {
  return encodeRecordBatchSync({ records: values.map((v) => ({ value: Buffer.from(v) })) } as never);
}

beforeAll(async () => {
  broker = await startBroker({ 'socket.request.max.bytes': 2 << 20 });
  // A witness connection that stays open for the whole file: the broker must keep serving it.
  witness = await connect(broker);
  await witness.request(Apis.Metadata, 1, { topics: [{ name: TOPIC }] });
  const p = await witness.request(Apis.Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch(VALUES) }] }] });
  expect(p.responses[0].partitionResponses[0].errorCode).toBe(0);
});

afterAll(async () => {
  witness?.close();
  await broker?.stop();
});

/** Open a raw socket, write `bytes`, and resolve true when the broker closes it within `ms`. */
function closedAfter(bytes: Buffer | Buffer[], ms = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: broker.port }, () => {
      for (const b of [bytes].flat()) s.write(b);
    });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, ms);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    s.on('data', () => {});
    s.on('error', () => {});
  });
}

/** The witness still works and the topic holds exactly VALUES. */
async function expectIntact(): Promise<void> {
  const f = await witness.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
  const part = f.responses[0].partitions[0];
  expect(part.errorCode).toBe(0);
  expect(part.highWatermark).toBe(VALUES.length);
  const b = decodeRecordBatchSync(part.records);
  expect(b.records.map((r: any) => r.value.toString())).toEqual(VALUES);
}

describe('bad input', () => {
  it('random bytes close that connection only', async () => {
    const rnd = prng(7);
    for (let i = 0; i < 20; i++) {
      const len = 1 + Math.floor(rnd() * 300);
      const bytes = Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * 256)));
      // A plausible size prefix, so the broker gets to decode a garbage header and body.
      if (i % 2 === 0) bytes.writeInt32BE(len - 4, 0);
      const s = net.connect({ host: '127.0.0.1', port: broker.port });
      s.on('error', () => {});
      s.write(bytes);
      s.end();
    }
    await new Promise((r) => setTimeout(r, 200));
    await expectIntact();
  });

  it('a truncated frame waits for the rest and is dropped with the connection', async () => {
    const frame = encodeRequest({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'x' }, { topics: [{ name: TOPIC }] });
    const s = net.connect({ host: '127.0.0.1', port: broker.port });
    s.on('error', () => {});
    await new Promise((r) => s.on('connect', r));
    s.write(frame.subarray(0, frame.length - 3));
    await new Promise((r) => setTimeout(r, 100));
    s.destroy();
    // A frame whose size says more than its body decodes: header OK, body cut (size patched to match).
    const cut = Buffer.from(frame.subarray(0, frame.length - 3));
    cut.writeInt32BE(cut.length - 4, 0);
    expect(await closedAfter(cut)).toBe(true);
    await expectIntact();
  });

  it('a size field over socket.request.max.bytes closes the connection', async () => {
    const head = Buffer.alloc(4);
    head.writeInt32BE((2 << 20) + 1, 0);
    expect(await closedAfter(head)).toBe(true);
    head.writeInt32BE(-5, 0);
    expect(await closedAfter(head)).toBe(true);
    await expectIntact();
  });

  it('an unknown API key and an unsupported version close the connection', async () => {
    const f = encodeRequest({ apiKey: 3, apiVersion: 1, correlationId: 1, clientId: 'x' }, { topics: null });
    const unknown = Buffer.from(f);
    unknown.writeInt16BE(999, 4);
    expect(await closedAfter(unknown)).toBe(true);
    const unsupported = Buffer.from(f);
    unsupported.writeInt16BE(1, 4); // Fetch v1: not advertised (4-16)
    expect(await closedAfter(unsupported)).toBe(true);
    await expectIntact();
  });

  it('a batch with a wrong CRC is refused with CORRUPT_MESSAGE and nothing is appended', async () => {
    const c = await connect(broker);
    const b = batch(['evil']);
    b[b.length - 1] ^= 0xff;
    const p = await c.request(Apis.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: b }] }] });
    expect(p.responses[0].partitionResponses[0].errorCode).toBe(errorCode('CORRUPT_MESSAGE'));
    // Truncated batch and a batch over message.max.bytes.
    const t = await c.request(Apis.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch(['x']).subarray(0, 40) }] }] });
    expect(t.responses[0].partitionResponses[0].errorCode).toBe(errorCode('CORRUPT_MESSAGE'));
    // A batch over message.max.bytes (1048588): MESSAGE_TOO_LARGE.
    const big = await c.request(Apis.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch(['y'.repeat(1_100_000)]) }] }] });
    expect(big.responses[0].partitionResponses[0].errorCode).toBe(errorCode('MESSAGE_TOO_LARGE'));
    // A request over socket.request.max.bytes (2 MiB here): the connection is closed.
    const huge = await c.request(Apis.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch(['h'.repeat(2_200_000)]) }] }] }).then(
      () => 'answered',
      () => 'closed',
    );
    expect(huge).toBe('closed');
    await expectIntact();
  });

  it('Produce to an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION; Fetch of a deleted topic too', async () => {
    const c = await connect(broker);
    await c.request(Apis.Metadata, 1, { topics: [{ name: 'doomed' }] });
    const p = await c.request(Apis.Produce, 7, { acks: 1, timeoutMs: 1000, topicData: [{ name: TOPIC, partitionData: [{ index: 5, records: batch(['x']) }] }, { name: 'doomed', partitionData: [{ index: 0, records: batch(['x']) }] }] });
    expect(p.responses[0].partitionResponses[0].errorCode).toBe(errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
    expect(p.responses[1].partitionResponses[0].errorCode).toBe(0);
    await broker.context.metadata.deleteTopic('doomed');
    const f = await c.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, topics: [{ topic: 'doomed', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    expect(f.responses[0].partitions[0].errorCode).toBe(errorCode('UNKNOWN_TOPIC_OR_PARTITION'));
    c.close();
    await expectIntact();
  });

  it('a Fetch with an unknown session id gets FETCH_SESSION_ID_NOT_FOUND', async () => {
    const f = await witness.request(Apis.Fetch, 11, { maxWaitMs: 0, minBytes: 0, sessionId: 1234, sessionEpoch: 1, topics: [] });
    expect(f.errorCode).toBe(errorCode('FETCH_SESSION_ID_NOT_FOUND'));
  });
});
