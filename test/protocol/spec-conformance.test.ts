/**
 * Every API declaration in client/protocol/apis/ agrees with Kafka 3.8.0's JSON spec, version by
 * version: field names (Kafka's name with a lower-case first letter), types, presence, nullable
 * versions, tagged fields (tag numbers), ignorable flags, defaults, and flexible versions; the
 * declared version range lies within Kafka's valid versions.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultValue } from '../../client/protocol/codec.js';
import { inRange, parseRange, type ApiDeclaration, type FieldDef, type Fields } from '../../client/protocol/schema.js';
import { readSpec, repoRoot, specDir, specsAvailable, type SpecField, type SpecMessage } from '../helpers/kafka-spec.js';

interface Norm {
  name: string;
  type: string;
  nullable: boolean;
  tag: number | null;
  ignorable: boolean;
  default: unknown;
  fields?: Norm[];
}

const SCALARS = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid', 'string', 'bytes', 'records']);

function lowerFirst(s: string): string {
  return s[0]!.toLowerCase() + s.slice(1);
}

function specDefault(field: SpecField, type: string): unknown {
  const d = field.default;
  if (type.startsWith('[]') || !SCALARS.has(type)) return 'n/a';
  if (d === undefined) {
    if (type === 'bool') return false;
    if (type === 'string') return '';
    if (type === 'uuid') return 'AAAAAAAAAAAAAAAAAAAAAA';
    if (type === 'bytes') return 'empty-bytes';
    if (type === 'records') return null;
    return 0;
  }
  if (d === 'null') return null;
  if (type === 'bool') return d === true || d === 'true';
  if (type === 'string') return String(d);
  if (typeof d === 'number' || typeof d === 'boolean') return d;
  return d.startsWith('0x') ? parseInt(d, 16) : Number(d);
}

function normSpec(fields: SpecField[], version: number, flexible: boolean, structs: Map<string, SpecField[]>): Norm[] {
  const out: Norm[] = [];
  for (const fld of fields) {
    if (!inRange(fld.versions, version)) continue;
    let type = fld.type;
    let children: SpecField[] | undefined = fld.fields;
    const elem = type.startsWith('[]') ? type.slice(2) : type;
    if (!SCALARS.has(elem)) {
      children = children ?? structs.get(elem);
      if (!children) throw new Error(`struct ${elem} not found`);
      type = type.startsWith('[]') ? '[]struct' : 'struct';
    }
    const n: Norm = {
      name: lowerFirst(fld.name),
      type,
      nullable: inRange(fld.nullableVersions, version),
      tag: flexible && inRange(fld.taggedVersions, version) ? (fld.tag ?? -1) : null,
      ignorable: fld.ignorable === true,
      default: specDefault(fld, type),
    };
    if (children) n.fields = normSpec(children, version, flexible, structs);
    out.push(n);
  }
  return out;
}

function normOurs(fields: Fields, version: number, flexible: boolean): Norm[] {
  const out: Norm[] = [];
  for (const [name, def] of Object.entries(fields) as [string, FieldDef][]) {
    if (!inRange(def.versions, version)) continue;
    const type = def.kind === 'scalar' ? def.type : def.kind === 'struct' ? 'struct' : `[]${def.type}`;
    let dflt: unknown = 'n/a';
    if (def.kind === 'scalar') {
      dflt = defaultValue(def);
      if (Buffer.isBuffer(dflt)) dflt = dflt.length === 0 ? 'empty-bytes' : dflt;
    }
    const n: Norm = {
      name,
      type,
      nullable: inRange(def.nullable, version),
      tag: flexible && inRange(def.taggedVersions, version) ? (def.tag ?? -1) : null,
      ignorable: def.ignorable === true,
      default: dflt,
    };
    if (def.fields) n.fields = normOurs(def.fields, version, flexible);
    out.push(n);
  }
  return out;
}

async function loadDeclarations(): Promise<ApiDeclaration[]> {
  const dir = join(repoRoot, 'client', 'protocol', 'apis');
  const files = readdirSync(dir).filter((f) => /^\d\d-.*\.ts$/.test(f));
  const decls: ApiDeclaration[] = [];
  for (const file of files) {
    const mod = (await import(join(dir, file))) as Record<string, unknown>;
    const found = Object.values(mod).filter((v): v is ApiDeclaration => typeof v === 'object' && v !== null && 'key' in v && 'request' in v);
    expect(found.length, `${file} exports one declaration`).toBe(1);
    expect(file.startsWith(String(found[0]!.key).padStart(2, '0') + '-'), `${file} is named by its API key`).toBe(true);
    decls.push(found[0]!);
  }
  return decls.sort((a, b) => a.key - b.key);
}

const declarations = await loadDeclarations();

describe(`API declarations agree with Kafka 3.8.0's JSON specs in ${specDir}`, () => {
  it('finds the specs (../shared/kafka-spec beside the checkout, or $KAFKA_SPEC_DIR)', () => {
    expect(specsAvailable, `Kafka 3.8.0 JSON specs not found in ${specDir}`).toBe(true);
  });

  it('declares the APIs and versions the codec promises', () => {
    expect(declarations.length).toBeGreaterThan(0);
    const keys = new Set(declarations.map((d) => d.key));
    expect(keys.size).toBe(declarations.length);
  });

  for (const decl of declarations) {
    for (const kind of ['request', 'response'] as const) {
      it(`${decl.name} ${kind} (key ${decl.key}, v${decl.versions}, flexible ${decl.flexible})`, () => {
        const spec: SpecMessage = readSpec(`${decl.name}${kind === 'request' ? 'Request' : 'Response'}`);
        if (kind === 'request') expect(spec.apiKey).toBe(decl.key);
        const ours = parseRange(decl.versions);
        const theirs = parseRange(spec.validVersions);
        expect(ours.min, 'min version within Kafka range').toBeGreaterThanOrEqual(theirs.min);
        expect(ours.max, 'max version within Kafka range').toBeLessThanOrEqual(theirs.max);
        const structs = new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields]));
        const collect = (fs: SpecField[]): void => {
          for (const fl of fs) {
            if (fl.fields) {
              structs.set(fl.type.replace(/^\[\]/, ''), fl.fields);
              collect(fl.fields);
            }
          }
        };
        collect(spec.fields);
        for (const s of spec.commonStructs ?? []) collect(s.fields);
        for (let v = ours.min; v <= ours.max; v++) {
          const flexible = inRange(spec.flexibleVersions, v);
          expect(inRange(decl.flexible, v), `${decl.name} v${v} flexible`).toBe(flexible);
          const a = normOurs(kind === 'request' ? decl.request : decl.response, v, flexible);
          const b = normSpec(spec.fields, v, flexible, structs);
          expect(a, `${decl.name}${kind} v${v}`).toEqual(b);
        }
      });
    }
  }
});
