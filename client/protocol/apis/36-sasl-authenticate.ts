/**
 * SaslAuthenticate (key 36): carries one opaque SASL token from the client and the server's reply
 * token, after a SaslHandshake v1 (KIP-152); repeated until the mechanism's exchange is complete.
 * v0-2, flexible from v2. v1 adds sessionLifetimeMs to the response: after that many milliseconds the
 * client must re-authenticate on the same connection (KIP-368). v2 is the first flexible version.
 * Source: Kafka 3.8.0 SaslAuthenticateRequest.json / SaslAuthenticateResponse.json.
 */
import { api, f } from '../schema.js';

export const SaslAuthenticate = api({
  key: 36,
  name: 'SaslAuthenticate',
  versions: '0-2',
  flexible: '2+',
  request: {
    authBytes: f.bytes('0+'),
  },
  response: {
    errorCode: f.int16('0+'),
    errorMessage: f.string('0+', { nullable: '0+' }),
    authBytes: f.bytes('0+'),
    sessionLifetimeMs: f.int64('1+', { default: 0, ignorable: true }),
  },
});
