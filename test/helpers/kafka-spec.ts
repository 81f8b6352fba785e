/**
 * Test helper: reads Apache Kafka 3.8.0's JSON message specs from `../shared/kafka-spec/` (or
 * $KAFKA_SPEC_DIR). They are reference data and stay outside the project; `//` comment lines are
 * stripped before JSON.parse, as Kafka's own generator does.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const specDir = process.env.KAFKA_SPEC_DIR ?? resolve(repoRoot, '..', 'shared', 'kafka-spec');
export const specsAvailable = existsSync(join(specDir, 'MetadataRequest.json'));

export interface SpecField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: SpecField[];
}

export interface SpecMessage {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: SpecField[];
  commonStructs?: { name: string; versions: string; fields: SpecField[] }[];
}

/** Parse one spec file, e.g. `MetadataRequest`. */
export function readSpec(name: string): SpecMessage {
  const text = readFileSync(join(specDir, `${name}.json`), 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text) as SpecMessage;
}

/** All spec file names (without .json). */
export function listSpecs(): string[] {
  return readdirSync(specDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5));
}
