/**
 * Child programs for tests: a TypeScript entry file bundled with esbuild into an `.mjs` that plain
 * `node` runs (crash tests kill such children with SIGKILL).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Inside the repo's node_modules, so that the bundle's bare imports (lmdb, sse4_crc32...) resolve from there. */
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'kafka-ts-tests');
const built = new Map<string, string>();

/**
 * Bundle the TypeScript program `entry` (path, absolute or relative to the working directory) and
 * its relative imports into `node_modules/.cache/kafka-ts-tests/<name>.mjs` (ESM for Node, packages left
 * as bare imports, inline source map), and return that path, to run as `node <path> ...args`.
 * `name` defaults to the entry's file name without its extension.
 *
 * Bundled once per test process (vitest runs each test file in its own fork); later calls return
 * the cached path. The bundle is written to a temporary file and renamed, so test files bundling
 * the same program in parallel never run a half-written one.
 * Errors: esbuild's build error (with its messages) when the program does not compile.
 */
export function bundleChildScript(entry: string, name?: string): string {
  const abs = path.resolve(entry);
  const outName = name ?? path.basename(abs).replace(/\.[cm]?tsx?$/, '');
  const key = `${abs}\0${outName}`;
  const cached = built.get(key);
  if (cached !== undefined && fs.existsSync(cached)) return cached;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const outfile = path.join(CACHE_DIR, `${outName}.mjs`);
  const tmp = path.join(CACHE_DIR, `${outName}.${process.pid}.${Date.now()}.tmp.mjs`);
  try {
    buildSync({
      entryPoints: [abs],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
      outfile: tmp,
    });
    fs.renameSync(tmp, outfile);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  built.set(key, outfile);
  return outfile;
}
