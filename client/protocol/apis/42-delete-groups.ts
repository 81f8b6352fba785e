/**
 * DeleteGroups (key 42): removes empty consumer groups together with their committed offsets
 * (KIP-229), with one error code per group, v0-2, flexible from v2.
 * v1 only changes throttling (the broker answers first, then throttles); v2 is the first flexible
 * version. Unlike most APIs the throttle time is in the response from v0.
 * Source: Kafka 3.8.0 DeleteGroupsRequest.json / DeleteGroupsResponse.json.
 */
import { api, f } from '../schema.js';

export const DeleteGroups = api({
  key: 42,
  name: 'DeleteGroups',
  versions: '0-2',
  flexible: '2+',
  request: {
    groupsNames: f.array('string', '0+'),
  },
  response: {
    throttleTimeMs: f.int32('0+'),
    results: f.array(
      {
        groupId: f.string('0+'),
        errorCode: f.int16('0+'),
      },
      '0+',
      { struct: 'DeletableGroupResult' },
    ),
  },
});
