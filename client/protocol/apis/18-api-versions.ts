/**
 * ApiVersions (key 18): the version ranges a broker supports, v0-3, flexible from v3.
 * Its response header is always v0 (no tagged fields), whatever the request version, so that a client
 * can read the answer to a version the broker does not know (KIP-511); see headers.ts. On an
 * unsupported request version the broker answers UNSUPPORTED_VERSION with its ranges in a v0 body.
 * v3 adds the client software name and version (request) and feature flags as tagged fields (response).
 * Source: Kafka 3.8.0 ApiVersionsRequest.json / ApiVersionsResponse.json.
 */
import { api, f } from '../schema.js';

export const ApiVersions = api({
  key: 18,
  name: 'ApiVersions',
  versions: '0-3',
  flexible: '3+',
  request: {
    clientSoftwareName: f.string('3+', { ignorable: true }),
    clientSoftwareVersion: f.string('3+', { ignorable: true }),
  },
  response: {
    errorCode: f.int16('0+'),
    apiKeys: f.array(
      {
        apiKey: f.int16('0+'),
        minVersion: f.int16('0+'),
        maxVersion: f.int16('0+'),
      },
      '0+',
      { struct: 'ApiVersion' },
    ),
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    supportedFeatures: f.array(
      {
        name: f.string('3+'),
        minVersion: f.int16('3+'),
        maxVersion: f.int16('3+'),
      },
      '3+',
      { tag: 0, tagged: '3+', ignorable: true, struct: 'SupportedFeatureKey' },
    ),
    finalizedFeaturesEpoch: f.int64('3+', { tag: 1, tagged: '3+', default: -1, ignorable: true }),
    finalizedFeatures: f.array(
      {
        name: f.string('3+'),
        maxVersionLevel: f.int16('3+'),
        minVersionLevel: f.int16('3+'),
      },
      '3+',
      { tag: 2, tagged: '3+', ignorable: true, struct: 'FinalizedFeatureKey' },
    ),
    zkMigrationReady: f.bool('3+', { tag: 3, tagged: '3+', default: false, ignorable: true }),
  },
});
