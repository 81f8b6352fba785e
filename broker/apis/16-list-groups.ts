/**
 * ListGroups: v0-5
 *
 * Behaviour: every group this broker coordinates (all of them) with its protocol type ('' for groups
 * that only store offsets) and, from v4, its state. Filters: states (v4+) and types (v5+), compared
 * case-insensitively; every group here is a classic group, so a types filter without "classic" lists
 * nothing. COORDINATOR_NOT_AVAILABLE during shutdown.
 *
 * Version notes: v1 adds the throttle time; v3 is flexible; v4 adds the states filter and each
 * group's state (KIP-518); v5 the types filter and each group's type (KIP-848), always "classic".
 */
import { Apis } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';

export const handler = defineHandler(Apis.ListGroups, '0-5', (req, ctx) => {
  const r = ctx.broker.groups.listGroups(req.statesFilter);
  const types = req.typesFilter.map((t) => t.toLowerCase());
  const groups = types.length > 0 && !types.includes('classic') ? [] : r.groups;
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: 'classic' })),
  };
});
