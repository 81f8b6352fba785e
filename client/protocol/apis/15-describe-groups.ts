/**
 * DescribeGroups (key 15): state, protocol and members (with their metadata and assignments) of
 * classic consumer groups, v0-5, flexible from v5.
 * v1 adds the throttle time; v3 can ask for the operations the caller may perform on each group
 * (a bit field; INT32_MIN when not requested); v4 reports each member's group.instance.id (KIP-345);
 * v5 is the first flexible version.
 * Source: Kafka 3.8.0 DescribeGroupsRequest.json / DescribeGroupsResponse.json.
 */
import { api, f } from '../schema.js';

export const DescribeGroups = api({
  key: 15,
  name: 'DescribeGroups',
  versions: '0-5',
  flexible: '5+',
  request: {
    groups: f.array('string', '0+'),
    includeAuthorizedOperations: f.bool('3+'),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    groups: f.array(
      {
        errorCode: f.int16('0+'),
        groupId: f.string('0+'),
        groupState: f.string('0+'),
        protocolType: f.string('0+'),
        protocolData: f.string('0+'),
        members: f.array(
          {
            memberId: f.string('0+'),
            groupInstanceId: f.string('4+', { nullable: '4+', default: null, ignorable: true }),
            clientId: f.string('0+'),
            clientHost: f.string('0+'),
            memberMetadata: f.bytes('0+'),
            memberAssignment: f.bytes('0+'),
          },
          '0+',
          { struct: 'DescribedGroupMember' },
        ),
        authorizedOperations: f.int32('3+', { default: -2147483648 }),
      },
      '0+',
      { struct: 'DescribedGroup' },
    ),
  },
});
