/**
 * IncrementalAlterConfigs (key 44): change individual config keys of resources without touching the
 * others (KIP-339), each with an operation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT (the last two for
 * list-valued configs); v0-1. v1 is the first flexible version and has no other change.
 * Source: Kafka 3.8.0 IncrementalAlterConfigsRequest.json / IncrementalAlterConfigsResponse.json.
 */
import { api, f } from '../schema.js';

export const IncrementalAlterConfigs = api({
  key: 44,
  name: 'IncrementalAlterConfigs',
  versions: '0-1',
  flexible: '1+',
  request: {
    resources: f.array(
      {
        resourceType: f.int8('0+'),
        resourceName: f.string('0+'),
        configs: f.array(
          {
            name: f.string('0+'),
            configOperation: f.int8('0+'),
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
