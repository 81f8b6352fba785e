/**
 * Where this program's files are: the kafka-ts package root (found by walking up from this module to
 * the `package.json` named `kafka-ts`, so it works from the sources, from `dist/` and from a test
 * bundle under node_modules/.cache), the dashboard's static files under it, and the package version.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's name in package.json. */
const PACKAGE_NAME = 'kafka-ts';

function findRoot(start: string): { root: string; version: string } {
  for (let dir = start; ; ) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME) return { root: dir, version: pkg.version ?? '0.0.0' };
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`kafka-ts: no package.json named ${PACKAGE_NAME} above ${start}`);
    dir = parent;
  }
}

let found: { root: string; version: string } | undefined;

function info(): { root: string; version: string } {
  found ??= findRoot(path.dirname(fileURLToPath(import.meta.url)));
  return found;
}

/** The kafka-ts package root directory. Errors: Error when no kafka-ts package.json is above this module. */
export function packageRoot(): string {
  return info().root;
}

/** The kafka-ts version (package.json `version`). */
export function packageVersion(): string {
  return info().version;
}

/** The dashboard's static files (`broker/http/static` in the package; not compiled, so not under dist/). */
export function staticDir(): string {
  return path.join(packageRoot(), 'broker', 'http', 'static');
}
