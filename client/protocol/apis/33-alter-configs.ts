/**
 * AlterConfigs (key 33): replace the whole set of dynamic configs of resources (topics, brokers) with
 * the given values — keys left out return to their defaults; superseded by IncrementalAlterConfigs
 * (key 44, KIP-339). v0-2, flexible from v2. v1 has the v0 layout; from v1 a broker answers before
 * throttling on a quota violation. v2 is the first flexible version.
 * Source: Kafka 3.8.0 AlterConfigsRequest.json / AlterConfigsResponse.json.
 */
import { api, f } from '../schema.js';

export const AlterConfigs = api({
  key: 33,
  name: 'AlterConfigs',
  versions: '0-2',
  flexible: '2+',
  request: {
    resources: f.array(
      {
        resourceType: f.int8('0+'),
        resourceName: f.string('0+'),
        configs: f.array(
          {
            name: f.string('0+'),
            value: f.string('0+', { nullable: '0+' }),
          },
          '0+',
          { struct: 'AlterableConfig' },
        ),
      },
      '0+',
      { struct: 'AlterConfigsResource' },
    ),
    validateOnly: f.bool('0+'),
  },
  response: {
    throttleTimeMs: f.int32('0+'),
    responses: f.array(
      {
        errorCode: f.int16('0+'),
        errorMessage: f.string('0+', { nullable: '0+' }),
        resourceType: f.int8('0+'),
        resourceName: f.string('0+'),
      },
      '0+',
      { struct: 'AlterConfigsResourceResponse' },
    ),
  },
});
