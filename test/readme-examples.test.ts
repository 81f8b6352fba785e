/** The code examples of README.md, run as written (so the front door cannot rot). */
import { describe, expect, it } from 'vitest';
import { Apis, decodeRequest, encodeRequest } from '../client/protocol/index.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeRecordBatch, encodeRecordBatch, encodeRecordBatchSync, setBaseOffset, validateRecordBatch } from '../client/records/index.js';
import { LogManager, logConfigFromBrokerProperties } from '../broker/log/index.js';

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

  it('the storage engine example', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-readme-'));
    const batch = encodeRecordBatchSync({ records: [{ value: 'hello', timestamp: Date.now() }] });
    try {
      const logs = await LogManager.open({ logDirs: [path.join(dir, 'data')], defaults: logConfigFromBrokerProperties({ 'log.retention.hours': '168' }) });
      const log = await logs.createLog({ topic: 'orders', partition: 0 }, { overrides: { 'retention.ms': '86400000' } });
      const { firstOffset } = log.append(batch);
      const { records } = log.read(firstOffset, 1 << 20);
      const found = await log.fetchOffsetByTimestamp(Date.now() - 60_000);
      await logs.shutdown();
      expect(firstOffset).toBe(0);
      expect((await decodeRecordBatch(records)).records[0]!.value!.toString()).toBe('hello');
      expect(found?.offset).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
