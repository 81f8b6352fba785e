/**
 * DeleteGroups: v0-2
 *
 * Behaviour: deletes groups that have no members, with their committed offsets (KIP-229), one result
 * per group (duplicates answered once): NONE, GROUP_ID_NOT_FOUND (69) for a group that does not exist,
 * NON_EMPTY_GROUP (68) for a group with members (or rebalancing), COORDINATOR_NOT_AVAILABLE during
 * shutdown. An empty group id is accepted, as Kafka accepts it.
 *
 * Version notes: v1 only changes when the client is throttled; v2 is flexible.
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.DeleteGroups, '0-2', async (req, ctx) => ({
  throttleTimeMs: 0,
  results: await ctx.broker.groups.deleteGroups(req.groupsNames),
}));
