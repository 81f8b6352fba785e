/**
 * Request/response headers and frames: header versions per API version (v1/v2 requests, v0/v1
 * responses), the ApiVersions exceptions (response header always v0; UNSUPPORTED_VERSION answered
 * with a v0 body, KIP-511), and unknown keys/versions refused with UnsupportedApiError.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedApiError } from '../../client/errors.js';
import { Apis, allApis, apiByKey } from '../../client/protocol/apis/index.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../client/protocol/frames.js';
import { readRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../client/protocol/headers.js';
import { Reader } from '../../client/protocol/reader.js';

describe('header versions', () => {
  it('follow flexibility, with the ApiVersions and ControlledShutdown exceptions', () => {
    expect(requestHeaderVersion(12, 3, Apis.Heartbeat.isFlexible(3))).toBe(1);
    expect(requestHeaderVersion(12, 4, Apis.Heartbeat.isFlexible(4))).toBe(2);
    expect(requestHeaderVersion(7, 0, false)).toBe(0);
    expect(responseHeaderVersion(12, Apis.Heartbeat.isFlexible(4))).toBe(1);
    expect(responseHeaderVersion(18, Apis.ApiVersions.isFlexible(3))).toBe(0);
    expect(responseHeaderVersion(3, Apis.Metadata.isFlexible(8))).toBe(0);
  });
});

describe('request frames', () => {
  it("encode kafka-python's ApiVersions v0 probe byte for byte", () => {
    const frame = encodeRequest({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'kafka-python' }, {});
    const expected = Buffer.concat([
      Buffer.from('00000016' + '0012' + '0000' + '00000001' + '000c', 'hex'),
      Buffer.from('kafka-python'),
    ]);
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
    const decoded = decodeRequest(frame.subarray(4));
    expect(decoded.header).toEqual({ apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'kafka-python' });
    expect(decoded.api.name).toBe('ApiVersions');
  });

  it('use header v2 for flexible versions: non-compact client id, then tagged fields', () => {
    const frame = encodeRequest(
      { apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'rdkafka' },
      { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' },
    );
    const r = new Reader(frame, 4);
    expect(readRequestHeader(r, 2)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 7, clientId: 'rdkafka' });
    // header v2: 2+2+4 + (2+7) + 1 tagged byte = 18 bytes; the tagged-field count is 0
    expect(frame[4 + 17]).toBe(0);
    // body: compact strings then an empty tagged-field section
    expect(frame.subarray(4 + 18).toString('hex')).toBe('0b' + Buffer.from('librdkafka').toString('hex') + '06' + Buffer.from('2.0.2').toString('hex') + '00');
    const decoded = decodeRequest(frame.subarray(4));
    expect(decoded.body).toEqual({ clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  });

  it('null client id and round trip of a flexible Heartbeat', () => {
    const frame = encodeRequest(
      { apiKey: 12, apiVersion: 4, correlationId: 99, clientId: null },
      { groupId: 'g', generationId: 5, memberId: 'm-1', groupInstanceId: null },
    );
    const d = decodeRequest(frame.subarray(4));
    expect(d.header.clientId).toBeNull();
    expect(d.body).toEqual({ groupId: 'g', generationId: 5, memberId: 'm-1', groupInstanceId: null });
  });

  it('refuse unknown API keys and unsupported versions before reading the body', () => {
    const unknownKey = Buffer.from('7fff0000000000010000', 'hex');
    expect(() => decodeRequest(unknownKey)).toThrow(UnsupportedApiError);
    const badVersion = Buffer.from('000c0063000000010000', 'hex'); // Heartbeat v99
    expect(() => decodeRequest(badVersion)).toThrow(/version 99 is not supported/);
    expect(() => encodeRequest({ apiKey: 12, apiVersion: 5, correlationId: 1, clientId: 'x' }, {})).toThrow(UnsupportedApiError);
  });
});

describe('response frames', () => {
  it('ApiVersions v3 response keeps header v0 (no tagged byte) with a flexible body', () => {
    const body = { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }], throttleTimeMs: 0 };
    const frame = encodeResponse(18, 3, 42, body);
    expect(frame.readInt32BE(4)).toBe(42);
    // body starts right after the correlation id: int16 error code 0, compact array of 1 (0x02)
    expect(frame.subarray(8, 11).toString('hex')).toBe('000002');
    const d = decodeResponse(frame.subarray(4), 18, 3);
    expect(d.correlationId).toBe(42);
    expect(d.body.apiKeys).toEqual(body.apiKeys);
  });

  it('ApiVersions UNSUPPORTED_VERSION is answered and read with a v0 body (KIP-511)', () => {
    const body = { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }] };
    const frame = encodeResponse(18, 3, 5, body);
    // v0 body: int16 error, int32 array count, 3 x int16
    expect(frame.subarray(8).toString('hex')).toBe('0023' + '00000001' + '0012' + '0000' + '0003');
    const d = decodeResponse(frame.subarray(4), 18, 3);
    expect(d.body.errorCode).toBe(35);
    expect(d.body.apiKeys).toEqual(body.apiKeys);
  });

  it('flexible responses carry header v1 (tagged-field byte after the correlation id)', () => {
    const frame = encodeResponse(12, 4, 3, { throttleTimeMs: 10, errorCode: 27 });
    expect(frame.subarray(4).toString('hex')).toBe('00000003' + '00' + '0000000a' + '001b' + '00');
    expect(decodeResponse(frame.subarray(4), 12, 4).body).toEqual({ throttleTimeMs: 10, errorCode: 27 });
  });
});

describe('registry', () => {
  it('declares every API and version the codec promises', () => {
    const promised: [string, number, number][] = [
      ['ApiVersions', 0, 3], ['Metadata', 0, 12], ['Produce', 0, 10], ['Fetch', 4, 13], ['ListOffsets', 0, 8],
      ['FindCoordinator', 0, 4], ['JoinGroup', 0, 9], ['SyncGroup', 0, 5], ['Heartbeat', 0, 4], ['LeaveGroup', 0, 5],
      ['OffsetCommit', 0, 9], ['OffsetFetch', 0, 8], ['DescribeGroups', 0, 5], ['ListGroups', 0, 4], ['DeleteGroups', 0, 2],
      ['CreateTopics', 0, 7], ['DeleteTopics', 0, 6], ['CreatePartitions', 0, 3], ['DescribeConfigs', 0, 4],
      ['AlterConfigs', 0, 2], ['IncrementalAlterConfigs', 0, 1], ['DeleteRecords', 0, 2], ['InitProducerId', 0, 4],
      ['DescribeCluster', 0, 1], ['SaslHandshake', 0, 1], ['SaslAuthenticate', 0, 2],
    ];
    const byName = new Map(allApis().map((a) => [a.name, a]));
    for (const [name, min, max] of promised) {
      const api = byName.get(name);
      expect(api, name).toBeDefined();
      expect(api!.minVersion, name).toBeLessThanOrEqual(min);
      expect(api!.maxVersion, name).toBeGreaterThanOrEqual(max);
      for (let v = api!.minVersion; v <= api!.maxVersion; v++) {
        expect(() => api!.request(v), `${name} v${v} request compiles`).not.toThrow();
        expect(() => api!.response(v), `${name} v${v} response compiles`).not.toThrow();
      }
    }
    expect(apiByKey(-1)).toBeUndefined();
    expect(apiByKey(9999)).toBeUndefined();
  });
});

describe('zero-copy frames', () => {
  it('reference large record data instead of copying it, and agree with the copying encoder', async () => {
    const { encodeResponseChunks, encodeRequestChunks } = await import('../../client/protocol/frames.js');
    const records = Buffer.alloc(64 * 1024, 7);
    const body = {
      responses: [{ topic: 't', partitions: [{ partitionIndex: 0, highWatermark: 10, lastStableOffset: 10, logStartOffset: 0, records }] }],
    };
    const chunks = encodeResponseChunks(1, 4, 9, body);
    expect(chunks.some((c) => c === records)).toBe(true);
    const joined = Buffer.concat(chunks);
    expect(joined.readInt32BE(0)).toBe(joined.length - 4);
    expect(joined.equals(encodeResponse(1, 4, 9, body))).toBe(true);
    const d = decodeResponse(joined.subarray(4), 1, 4);
    expect(d.body.responses[0].partitions[0].records.equals(records)).toBe(true);
    const small = { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records: Buffer.alloc(10) }] }] };
    expect(encodeResponseChunks(1, 4, 9, small)).toHaveLength(1);
    const req = encodeRequestChunks(
      { apiKey: 0, apiVersion: 9, correlationId: 3, clientId: 'c' },
      { acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] },
    );
    expect(req.some((c) => c === records)).toBe(true);
    const jr = Buffer.concat(req);
    expect(jr.readInt32BE(0)).toBe(jr.length - 4);
    expect(decodeRequest(jr.subarray(4)).body.topicData[0].partitionData[0].records.equals(records)).toBe(true);
  });
});
