/**
 * ListGroups (key 16): the groups a broker coordinates, with their protocol type, v0-5, flexible
 * from v3.
 * v1 adds the throttle time; v3 is the first flexible version; v4 can filter by group state and
 * reports each group's state (KIP-518); v5 can filter by group type (classic or consumer) and reports
 * each group's type (KIP-848).
 * Source: Kafka 3.8.0 ListGroupsRequest.json / ListGroupsResponse.json.
 */
import { api, f } from '../schema.js';

export const ListGroups = api({
  key: 16,
  name: 'ListGroups',
  versions: '0-5',
  flexible: '3+',
  request: {
    statesFilter: f.array('string', '4+'),
    typesFilter: f.array('string', '5+'),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    errorCode: f.int16('0+'),
    groups: f.array(
      {
        groupId: f.string('0+'),
        protocolType: f.string('0+'),
        groupState: f.string('4+', { ignorable: true }),
        groupType: f.string('5+', { ignorable: true }),
      },
      '0+',
      { struct: 'ListedGroup' },
    ),
  },
});
