/** The code examples of README.md, run as written (so the front door cannot rot). */
import { describe, expect, it } from 'vitest';
import { Apis, decodeRequest, encodeRequest } from '../client/protocol/index.js';
import { decodeRecordBatch, encodeRecordBatch, setBaseOffset, validateRecordBatch } from '../client/records/index.js';

describe('README examples', () => {
  it('the wire codec example', () => {
    const frame = encodeRequest(
      { apiKey: 3, apiVersion: 12, correlationId: 1, clientId: 'me' },
      { topics: [{ name: 'orders' }], allowAutoTopicCreation: true },
    );
    const { header, body } = decodeRequest(frame.subarray(4));
    expect(header).toEqual({ apiKey: 3, apiVersion: 12, correlationId: 1, clientId: 'me' });
    expect(body.topics[0].name).toBe('orders');
    const bytes = Apis.Heartbeat.encodeResponse({ errorCode: 27 }, 4);
    expect(bytes.toString('hex')).toBe('00000000' + '001b' + '00');
  });

  it('the record batch example', async () => {
    const batch = await encodeRecordBatch({
      records: [{ key: 'k', value: 'v', timestamp: Date.now(), headers: [{ key: 'h', value: Buffer.from('1') }] }],
      compression: 'zstd',
    });
    validateRecordBatch(batch);
    setBaseOffset(batch, 0, 1000);
    const { records } = await decodeRecordBatch(batch);
    expect(records[0]!.offset).toBe(1000);
    expect(records[0]!.key!.toString()).toBe('k');
    expect(records[0]!.headers[0]!.key).toBe('h');
  });
});
