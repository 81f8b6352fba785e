/**
 * DeleteTopics (key 20): delete topics, v0-6, flexible from v4.
 * v1 adds the response throttle time; from v2 a broker answers before throttling on a quota violation;
 * from v3 TOPIC_DELETION_DISABLED may come back. v4 is the first flexible version.
 * v5 adds a per-topic error message and may answer THROTTLING_QUOTA_EXCEEDED (KIP-599).
 * v6 replaces the list of names by a list of topics that each carry a (nullable) name or a topic id,
 * so a topic can be deleted by id; the response then carries the topic id and a nullable name.
 * Source: Kafka 3.8.0 DeleteTopicsRequest.json / DeleteTopicsResponse.json.
 */
import { api, f } from '../schema.js';

export const DeleteTopics = api({
  key: 20,
  name: 'DeleteTopics',
  versions: '0-6',
  flexible: '4+',
  request: {
    topics: f.array(
      {
        name: f.string('6+', { nullable: '6+', default: null }),
        topicId: f.uuid('6+'),
      },
      '6+',
      { struct: 'DeleteTopicState' },
    ),
    topicNames: f.array('string', '0-5', { ignorable: true }),
    timeoutMs: f.int32('0+'),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    responses: f.array(
      {
        name: f.string('0+', { nullable: '6+' }),
        topicId: f.uuid('6+', { ignorable: true }),
        errorCode: f.int16('0+'),
        errorMessage: f.string('5+', { nullable: '5+', ignorable: true, default: null }),
      },
      '0+',
      { struct: 'DeletableTopicResult' },
    ),
  },
});
