/**
 * SaslHandshake (key 17): the first step of SASL authentication — the client names the mechanism it
 * wants (PLAIN, SCRAM-SHA-256, ...) and the broker answers with the mechanisms it has enabled, v0-1,
 * never flexible. In v0 the SASL tokens then follow as raw length-prefixed frames outside the Kafka
 * protocol; v1 has the same layout but means that the tokens travel in SaslAuthenticate (key 36)
 * requests instead. The version stays frozen at 1 because old clients negotiated it badly (KAFKA-9577).
 * Source: Kafka 3.8.0 SaslHandshakeRequest.json / SaslHandshakeResponse.json.
 */
import { api, f } from '../schema.js';

export const SaslHandshake = api({
  key: 17,
  name: 'SaslHandshake',
  versions: '0-1',
  flexible: 'none',
  request: {
    mechanism: f.string('0+'),
  },
  response: {
    errorCode: f.int16('0+'),
    mechanisms: f.array('string', '0+'),
  },
});
