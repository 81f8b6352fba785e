/**
 * The CoordinationStore contract (test/streaming/zk-contract.ts) on the embedded lmdb store: each
 * test on a fresh store in a temporary directory. The real-ZooKeeper implementation will run the
 * same `contractTests` against a ZooKeeper server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedCoordinationStore } from '../../streaming-kafka/zk/index.js';
import { contractTests } from './zk-contract.js';

contractTests('embedded (lmdb)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-contract-'));
  return {
    connect: (opts) => EmbeddedCoordinationStore.connect(dir, opts),
    teardown: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
