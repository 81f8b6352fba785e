/**
 * The handler table: one handler per API key, each in its own file `NN-name.ts` (franz-go kfake's
 * layout). Its contents are what ApiVersions advertises. Keys not listed here are not implemented:
 * see broker/README.md ("Not implemented") for the ledger.
 */
import type { ApiHandler } from '../server/types.js';
import { handler as produce } from './00-produce.js';
import { handler as fetch } from './01-fetch.js';
import { handler as listOffsets } from './02-list-offsets.js';
import { handler as metadata } from './03-metadata.js';
import { handler as apiVersions } from './18-api-versions.js';
import { handler as initProducerId } from './22-init-producer-id.js';
import { handler as offsetForLeaderEpoch } from './23-offset-for-leader-epoch.js';

import { register } from './registry.js';

export { allHandlers, handlerByKey } from './registry.js';

register([produce, fetch, listOffsets, metadata, apiVersions, initProducerId, offsetForLeaderEpoch]);

// TEMPORARY while the group and admin handlers are being written: load whichever exist.
const PENDING = [
  '08-offset-commit', '09-offset-fetch', '10-find-coordinator', '11-join-group', '12-heartbeat', '13-leave-group',
  '14-sync-group', '15-describe-groups', '16-list-groups', '42-delete-groups', '47-offset-delete',
  '19-create-topics', '20-delete-topics', '21-delete-records', '32-describe-configs', '33-alter-configs',
  '37-create-partitions', '44-incremental-alter-configs', '60-describe-cluster',
];
for (const name of PENDING) {
  try {
    const m = (await import(/* @vite-ignore */ `./${name}.js`)) as { handler?: ApiHandler };
    if (m.handler) register([m.handler]);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' && !String(e).includes('Failed to load') && !String(e).includes('Cannot find module') && !String(e).includes('Module not found in bundle')) throw e;
  }
}

