/**
 * DescribeConfigs (key 32): read the configuration of resources (topics, brokers, broker loggers,
 * client-metrics subscriptions) — every key, or only the listed ones; v0-4, flexible from v4.
 * v1 lets the client ask for synonyms (the same setting at other levels: topic override, dynamic
 * broker, static broker, default), and each config reports its source instead of v0's isDefault flag;
 * from v2 a broker answers before throttling on a quota violation; v3 can return each config's data
 * type and documentation; v4 is the first flexible version.
 * Source: Kafka 3.8.0 DescribeConfigsRequest.json / DescribeConfigsResponse.json.
 */
import { api, f } from '../schema.js';

export const DescribeConfigs = api({
  key: 32,
  name: 'DescribeConfigs',
  versions: '0-4',
  flexible: '4+',
  request: {
    resources: f.array(
      {
        resourceType: f.int8('0+'),
        resourceName: f.string('0+'),
        configurationKeys: f.array('string', '0+', { nullable: '0+' }),
      },
      '0+',
      { struct: 'DescribeConfigsResource' },
    ),
    includeSynonyms: f.bool('1+', { default: false }),
    includeDocumentation: f.bool('3+', { default: false }),
  },
  response: {
    throttleTimeMs: f.int32('0+'),
    results: f.array(
      {
        errorCode: f.int16('0+'),
        errorMessage: f.string('0+', { nullable: '0+' }),
        resourceType: f.int8('0+'),
        resourceName: f.string('0+'),
        configs: f.array(
          {
            name: f.string('0+'),
            value: f.string('0+', { nullable: '0+' }),
            readOnly: f.bool('0+'),
            isDefault: f.bool('0'),
            // Kafka notes that the meaningful v0 source depends on the resource; -1 is a placeholder.
            configSource: f.int8('1+', { default: -1, ignorable: true }),
            isSensitive: f.bool('0+'),
            synonyms: f.array(
              {
                name: f.string('1+'),
                value: f.string('1+', { nullable: '0+' }),
                source: f.int8('1+'),
              },
              '1+',
              { ignorable: true, struct: 'DescribeConfigsSynonym' },
            ),
            configType: f.int8('3+', { default: 0, ignorable: true }),
            documentation: f.string('3+', { nullable: '0+', ignorable: true }),
          },
          '0+',
          { struct: 'DescribeConfigsResourceResult' },
        ),
      },
      '0+',
      { struct: 'DescribeConfigsResult' },
    ),
  },
});
