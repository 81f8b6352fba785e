/**
 * The declaration language of the protocol: each Kafka API is declared once, as data, for all its
 * versions, in the model of Kafka's JSON message specs (`clients/src/main/resources/common/message`,
 * described in its README.md): fields with version ranges, nullable versions, tagged fields
 * (tag + taggedVersions), defaults and flexible versions (KIP-482). `codec.ts` compiles a declaration
 * into an encoder and a decoder per version; `test/protocol/spec-conformance.test.ts` checks every
 * declaration against Kafka 3.8.0's JSON specs.
 *
 * A declaration is an ordered object `{ jsName: FieldDef }`. The JS name is Kafka's field name with
 * its first letter in lower case (`ThrottleTimeMs` → `throttleTimeMs`). Version ranges use Kafka's
 * syntax: `"3+"`, `"0-4"`, `"5"`, `"none"`.
 */

/** Scalar wire types of Kafka's specs and the JS value each decodes to. */
export interface ScalarValues {
  bool: boolean;
  int8: number;
  int16: number;
  uint16: number;
  int32: number;
  uint32: number;
  /** Safe-integer number; see Reader.int64. */
  int64: number;
  float64: number;
  /** Kafka's text form: 22-character URL-safe base64. */
  uuid: string;
  string: string;
  bytes: Buffer;
  /** Raw record batches (or a legacy message set), not decoded here: see client/records. */
  records: Buffer;
}
export type ScalarType = keyof ScalarValues;
type ScalarInputs = Omit<ScalarValues, 'bytes' | 'records'> & { bytes: Uint8Array; records: Uint8Array };

/** One field of a message or struct. The type parameters are phantoms for TypeScript's inference. */
export interface FieldDef<T = unknown, I = T> {
  /** `scalar`, `array` (of scalars or of structs), or `struct` (a single nested struct). */
  readonly kind: 'scalar' | 'array' | 'struct';
  /** The scalar type, or the element type of an array of scalars; `struct` for struct elements. */
  readonly type: ScalarType | 'struct';
  /** Versions in which the field exists. */
  readonly versions: string;
  /** Versions in which the field may be null. */
  readonly nullable?: string;
  /** Tag number, for tagged fields. */
  readonly tag?: number;
  /** Versions in which the field is a tagged field. */
  readonly taggedVersions?: string;
  /** Value when absent (a JS value, not Kafka's string form). */
  readonly default?: unknown;
  /** When true, a non-default value may be dropped silently when encoding a version without the field. */
  readonly ignorable?: boolean;
  /** Fields of the struct or of the array's struct elements. */
  readonly fields?: Fields;
  /** Kafka's name for the struct type (e.g. `MetadataResponseTopic`), for documentation. */
  readonly structName?: string;
  /** Phantom: the decoded value type. */
  readonly __value?: T;
  /** Phantom: the accepted input type when encoding. */
  readonly __input?: I;
}

/** An ordered set of fields. */
export type Fields = { readonly [name: string]: FieldDef<any, any> };

/** The decoded value of a struct: every field present (absent versions get their default). */
export type Value<F extends Fields> = { -readonly [K in keyof F]: F[K] extends FieldDef<infer T, any> ? T : never };
/** The input of a struct when encoding: every field optional (absent means the default). */
export type Input<F extends Fields> = { -readonly [K in keyof F]?: F[K] extends FieldDef<any, infer I> ? I : never };

/** Options common to every field. */
export interface FieldOptions {
  nullable?: string;
  tag?: number;
  tagged?: string;
  default?: unknown;
  ignorable?: boolean;
  struct?: string;
}
type Nullable<O, T> = O extends { nullable: string } ? T | null : T;

function scalar<S extends ScalarType>(type: S) {
  return <O extends FieldOptions = {}>(
    versions = '0+',
    opts?: O,
  ): FieldDef<Nullable<O, ScalarValues[S]>, Nullable<O, ScalarInputs[S]>> => make('scalar', type, versions, opts);
}

function make(kind: FieldDef['kind'], type: FieldDef['type'], versions: string, opts?: FieldOptions, fields?: Fields): FieldDef<any, any> {
  const def: { -readonly [K in keyof FieldDef]: FieldDef[K] } = { kind, type, versions };
  if (opts?.nullable !== undefined) def.nullable = opts.nullable;
  if (opts?.tag !== undefined) def.tag = opts.tag;
  if (opts?.tagged !== undefined) def.taggedVersions = opts.tagged;
  if (opts && 'default' in opts) def.default = opts.default;
  if (opts?.ignorable !== undefined) def.ignorable = opts.ignorable;
  if (opts?.struct !== undefined) def.structName = opts.struct;
  if (fields) def.fields = fields;
  return def;
}

type ElemValue<E> = E extends ScalarType ? ScalarValues[E] : E extends Fields ? Value<E> : never;
type ElemInput<E> = E extends ScalarType ? ScalarInputs[E] : E extends Fields ? Input<E> : never;

/** Field builders. `versions` defaults to `"0+"`. */
export const f = {
  bool: scalar('bool'),
  int8: scalar('int8'),
  int16: scalar('int16'),
  uint16: scalar('uint16'),
  int32: scalar('int32'),
  uint32: scalar('uint32'),
  int64: scalar('int64'),
  float64: scalar('float64'),
  uuid: scalar('uuid'),
  string: scalar('string'),
  bytes: scalar('bytes'),
  records: scalar('records'),
  /** An array of scalars (`f.array('int32')`) or of structs (`f.array({ ...fields })`). */
  array<E extends ScalarType | Fields, O extends FieldOptions = {}>(
    element: E,
    versions = '0+',
    opts?: O,
  ): FieldDef<Nullable<O, ElemValue<E>[]>, Nullable<O, ElemInput<E>[]>> {
    return typeof element === 'string' ? make('array', element, versions, opts) : make('array', 'struct', versions, opts, element as Fields);
  },
  /** A single nested struct. */
  struct<F extends Fields, O extends FieldOptions = {}>(fields: F, versions = '0+', opts?: O): FieldDef<Nullable<O, Value<F>>, Nullable<O, Input<F>>> {
    return make('struct', 'struct', versions, opts, fields);
  },
};

/** A parsed version range, inclusive; `max` is Infinity for "N+", and `min > max` for "none". */
export interface VersionRange {
  min: number;
  max: number;
}

const rangeCache = new Map<string, VersionRange>();

/** Parse Kafka's version-range syntax: `"3+"`, `"0-4"`, `"5"`, `"none"`. Throws TypeError on anything else. */
export function parseRange(s: string): VersionRange {
  let r = rangeCache.get(s);
  if (r) return r;
  const t = s.trim();
  let m: RegExpMatchArray | null;
  if (t === 'none') r = { min: 1, max: 0 };
  else if ((m = t.match(/^(\d+)\+$/))) r = { min: Number(m[1]), max: Infinity };
  else if ((m = t.match(/^(\d+)-(\d+)$/))) r = { min: Number(m[1]), max: Number(m[2]) };
  else if ((m = t.match(/^(\d+)$/))) r = { min: Number(m[1]), max: Number(m[1]) };
  else throw new TypeError(`bad version range "${s}"`);
  rangeCache.set(s, r);
  return r;
}

/** True when `version` lies in the range `s` (undefined means no version). */
export function inRange(s: string | undefined, version: number): boolean {
  if (s === undefined) return false;
  const r = parseRange(s);
  return version >= r.min && version <= r.max;
}

/** An API declared as data: key, name, supported versions, flexible versions, request and response fields. */
export interface ApiDeclaration<Req extends Fields = Fields, Res extends Fields = Fields> {
  /** The API key, e.g. 3 for Metadata. */
  readonly key: number;
  /** Kafka's name, e.g. `Metadata` (the specs are `MetadataRequest.json` / `MetadataResponse.json`). */
  readonly name: string;
  /** Versions this project implements, e.g. `"0-12"` (may be narrower than Kafka's). */
  readonly versions: string;
  /** Flexible versions (KIP-482), e.g. `"9+"`, or `"none"`. */
  readonly flexible: string;
  readonly request: Req;
  readonly response: Res;
}

/** Declare an API. The identity function, typed so that request and response values are inferred. */
export function api<Req extends Fields, Res extends Fields>(decl: ApiDeclaration<Req, Res>): ApiDeclaration<Req, Res> {
  return decl;
}
