/**
 * ApiVersions: v0-3
 *
 * Behaviour: lists every API key this broker handles with the versions it advertises (the handler
 * table of broker/apis/index.ts), so each client picks the highest version both sides know. Answered
 * on any connection at any time, before or without other requests (old clients never send it).
 *
 * Version notes: the response header is always v0 (no tagged fields), whatever the request version,
 * so a client can read an answer to a version the broker does not know. A version above 3 is answered
 * by the request layer with UNSUPPORTED_VERSION and the ranges in a v0 body (KIP-511); librdkafka,
 * kafkajs and sarama then retry with a version from that list. v1 adds the throttle time; v3 (flexible)
 * carries the client's software name and version, which this broker reads but does not keep, and
 * feature flags, which it leaves empty (no KRaft features).
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';
import { allHandlers } from './registry.js';

/** The body of an ApiVersions answer: our ranges, no error. */
export function apiVersionsBody() {
  return {
    errorCode: 0,
    apiKeys: allHandlers().map((h) => ({ apiKey: h.api.key, minVersion: h.minVersion, maxVersion: h.maxVersion })),
    throttleTimeMs: 0,
  };
}

export const handler = defineHandler(Apis.ApiVersions, '0-3', () => apiVersionsBody());
