/**
 * Compiles a declaration (schema.ts) into an encoder and a decoder for one version of one message.
 *
 * Rules, as Kafka's generated message classes apply them (`MessageDataGenerator` output, e.g.
 * `MetadataRequestData.write/read`; KIP-482 for the flexible encodings):
 * - a field exists in a version when the version is in its `versions`; fields that do not exist are
 *   not written, and decode to their default;
 * - in flexible versions strings, bytes and arrays use the compact encodings and every struct ends
 *   with a tagged-field section; tagged fields are written (ascending tags) only when they differ
 *   from their default; unknown tags are skipped on read;
 * - null is accepted only in the field's nullable versions; a nullable struct is preceded by an int8
 *   marker (-1 null, 1 present);
 * - encoding a non-default value into a version that lacks a non-ignorable field raises
 *   ProtocolEncodeError (UNSUPPORTED_VERSION), as Java's UnsupportedVersionException.
 *
 * Errors: ProtocolDecodeError (`KTS_ERR_DECODE`, INVALID_REQUEST) on malformed input,
 * ProtocolEncodeError (`KTS_ERR_ENCODE`) on values that cannot be encoded.
 */
import { ProtocolDecodeError, ProtocolEncodeError } from '../errors.js';
import { Reader } from './reader.js';
import { inRange, type FieldDef, type Fields, type ScalarType } from './schema.js';
import { Writer } from './writer.js';

type Enc = (w: Writer, v: any) => void;
type Dec = (r: Reader) => any;

/** The encoder and decoder of one struct (or message body) at one version. */
export interface StructCodec {
  encode(w: Writer, value: any): void;
  decode(r: Reader): any;
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The default value of a field when it is absent: its declared default, else Kafka's type default. */
export function defaultValue(def: FieldDef): any {
  if ('default' in def) return def.default;
  if (def.kind === 'array') return [];
  if (def.kind === 'struct') return defaultStruct(def.fields!);
  switch (def.type as ScalarType) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return 0;
  }
}

/** A struct with every field at its default value. */
export function defaultStruct(fields: Fields): any {
  const o: any = {};
  for (const name in fields) o[name] = defaultValue(fields[name]!);
  return o;
}

function isDefault(def: FieldDef, v: any): boolean {
  if (v === undefined) return true;
  if (def.kind === 'array') return 'default' in def ? v === def.default : Array.isArray(v) && v.length === 0;
  if (def.kind === 'struct') {
    if ('default' in def) return v === def.default;
    // as Java compares with `new Struct()`: a struct is at its default when every field is
    if (v === null) return false;
    for (const name in def.fields!) if (!isDefault(def.fields![name]!, v[name])) return false;
    return true;
  }
  const d = defaultValue(def);
  if (Buffer.isBuffer(d)) return v !== null && v.length === 0;
  return v === d;
}

function scalarCodec(type: ScalarType, flexible: boolean, nullable: boolean, name: string): { enc: Enc; dec: Dec } {
  const nullErr = (): never => {
    throw new ProtocolEncodeError(`field ${name} is not nullable in this version`);
  };
  switch (type) {
    case 'bool':
      return { enc: (w, v) => w.bool(v), dec: (r) => r.bool() };
    case 'int8':
      return { enc: (w, v) => w.int8(v), dec: (r) => r.int8() };
    case 'int16':
      return { enc: (w, v) => w.int16(v), dec: (r) => r.int16() };
    case 'uint16':
      return { enc: (w, v) => w.uint16(v), dec: (r) => r.uint16() };
    case 'int32':
      return { enc: (w, v) => w.int32(v), dec: (r) => r.int32() };
    case 'uint32':
      return { enc: (w, v) => w.uint32(v), dec: (r) => r.uint32() };
    case 'int64':
      return { enc: (w, v) => w.int64(v), dec: (r) => r.int64() };
    case 'float64':
      return { enc: (w, v) => w.float64(v), dec: (r) => r.float64() };
    case 'uuid':
      return { enc: (w, v) => w.uuid(v), dec: (r) => r.uuid() };
    case 'string':
      if (flexible) {
        return nullable
          ? { enc: (w, v) => w.compactString(v), dec: (r) => r.compactNullableString() }
          : { enc: (w, v) => (v === null ? nullErr() : w.compactString(v)), dec: (r) => r.compactString() };
      }
      return nullable
        ? { enc: (w, v) => w.string(v), dec: (r) => r.nullableString() }
        : { enc: (w, v) => (v === null ? nullErr() : w.string(v)), dec: (r) => r.string() };
    case 'bytes':
    case 'records':
      if (flexible) {
        return nullable
          ? { enc: (w, v) => w.compactBytes(v), dec: (r) => r.compactNullableBytes() }
          : { enc: (w, v) => (v === null ? nullErr() : w.compactBytes(v)), dec: (r) => r.compactBytes() };
      }
      return nullable
        ? { enc: (w, v) => w.bytes(v), dec: (r) => r.nullableBytes() }
        : { enc: (w, v) => (v === null ? nullErr() : w.bytes(v)), dec: (r) => r.bytes() };
  }
}

/** Encoder and decoder of one field's value at a version (ignoring whether it is tagged). */
function valueCodec(name: string, def: FieldDef, version: number, flexible: boolean): { enc: Enc; dec: Dec } {
  const nullable = inRange(def.nullable, version);
  if (def.kind === 'scalar') return scalarCodec(def.type as ScalarType, flexible, nullable, name);
  let elem: { enc: Enc; dec: Dec };
  if (def.type === 'struct') {
    const s = compileStruct(def.fields!, version, flexible);
    elem = { enc: (w, v) => s.encode(w, v), dec: (r) => s.decode(r) };
  } else {
    elem = scalarCodec(def.type as ScalarType, flexible, false, name);
  }
  if (def.kind === 'struct') {
    if (!nullable) return { enc: (w, v) => elem.enc(w, v ?? {}), dec: elem.dec };
    return {
      enc: (w, v) => {
        if (v === null || v === undefined) w.int8(-1);
        else {
          w.int8(1);
          elem.enc(w, v);
        }
      },
      dec: (r) => (r.int8() < 0 ? null : elem.dec(r)),
    };
  }
  // array
  const { enc: ee, dec: ed } = elem;
  return {
    enc: (w, v) => {
      if (v === null || v === undefined) {
        if (v === null && !nullable) throw new ProtocolEncodeError(`array ${name} is not nullable in this version`);
        if (v === null) {
          w.arrayLength(null, flexible);
          return;
        }
        v = [];
      }
      w.arrayLength(v.length, flexible);
      for (let i = 0; i < v.length; i++) ee(w, v[i]);
    },
    dec: (r) => {
      const n = r.arrayLength(flexible);
      if (n === null) {
        if (!nullable) throw new ProtocolDecodeError(`array ${name} is null but not nullable in this version`);
        return null;
      }
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = ed(r);
      return out;
    },
  };
}

interface CompiledField {
  name: string;
  def: FieldDef;
  enc: Enc;
  dec: Dec;
}

/**
 * Compile a struct (or message body) for a version. `flexible` says whether the version is flexible
 * (compact encodings and tagged-field sections).
 */
export function compileStruct(fields: Fields, version: number, flexible: boolean): StructCodec {
  const regular: CompiledField[] = [];
  const tagged: (CompiledField & { tag: number })[] = [];
  const absent: { name: string; def: FieldDef }[] = [];
  const names: string[] = Object.keys(fields);
  for (const name of names) {
    const def = fields[name]!;
    if (!inRange(def.versions, version)) {
      absent.push({ name, def });
      continue;
    }
    const { enc, dec } = valueCodec(name, def, version, flexible);
    if (flexible && inRange(def.taggedVersions, version)) tagged.push({ name, def, enc, dec, tag: def.tag! });
    else regular.push({ name, def, enc, dec });
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const tagIndex = new Map(tagged.map((t) => [t.tag, t]));

  const encode = (w: Writer, value: any): void => {
    if (value === null || value === undefined) value = {};
    for (let i = 0; i < absent.length; i++) {
      const a = absent[i]!;
      const v = value[a.name];
      if (v !== null && !a.def.ignorable && !isDefault(a.def, v)) {
        throw new ProtocolEncodeError(`field ${a.name} does not exist in version ${version} and is not ignorable`, 'UNSUPPORTED_VERSION');
      }
    }
    for (let i = 0; i < regular.length; i++) {
      const fld = regular[i]!;
      let v = value[fld.name];
      if (v === undefined) v = defaultValue(fld.def);
      fld.enc(w, v);
    }
    if (!flexible) return;
    let count = 0;
    for (const t of tagged) if (!isDefault(t.def, value[t.name])) count++;
    w.uvarint(count);
    if (count === 0) return;
    for (const t of tagged) {
      const v = value[t.name];
      if (isDefault(t.def, v)) continue;
      const tw = new Writer(64);
      t.enc(tw, v);
      const bytes = tw.finish();
      w.uvarint(t.tag);
      w.uvarint(bytes.length);
      w.raw(bytes);
    }
  };

  const decode = (r: Reader): any => {
    const o: any = {};
    for (const name of names) o[name] = undefined;
    for (let i = 0; i < regular.length; i++) {
      const fld = regular[i]!;
      o[fld.name] = fld.dec(r);
    }
    for (let i = 0; i < absent.length; i++) o[absent[i]!.name] = defaultValue(absent[i]!.def);
    if (flexible) {
      for (const t of tagged) o[t.name] = defaultValue(t.def);
      const count = r.uvarint();
      for (let i = 0; i < count; i++) {
        const tag = r.uvarint();
        const size = r.uvarint();
        const sub = r.sub(size);
        const t = tagIndex.get(tag);
        if (t) o[t.name] = t.dec(sub);
        // unknown tags are skipped (KIP-482)
      }
    }
    return o;
  };
  return { encode, decode };
}
