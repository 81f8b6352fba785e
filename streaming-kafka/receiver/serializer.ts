/**
 * The serializer of received blocks (write-ahead log records) and of the ReceivedBlockTracker's
 * events: a compact tagged binary form of JavaScript values (Spark uses its configured serializer,
 * Java or Kryo, for the same purpose).
 *
 * Supported values, and what they decode to:
 * - `null`, `undefined`, booleans, numbers (all float64 values, with an int32 short form; NaN,
 *   ±Infinity and −0 preserved), bigints, strings (UTF-8);
 * - `Buffer` and any other `Uint8Array` → `Buffer` (bytes copied out of the record);
 * - arrays (holes become `undefined`), `Date`, `Map`, `Set`;
 * - other objects (plain objects and class instances) → plain objects with their own enumerable
 *   string-keyed properties (the prototype is lost, as with JSON); an object with a `toJSON()` method
 *   (other than Date and Buffer) is stored as what `toJSON()` returns, as JSON.stringify does.
 * Not supported (BlockSerializationException, code KTS_ERR_BLOCK_SERIALIZATION): functions,
 * symbols, objects nested deeper than 1000 levels (cycles).
 *
 * Format of a block: byte 0x01 (format version), varint count, then the items. A value is a tag
 * byte and its body; lengths and counts are unsigned LEB128 varints:
 * 0x00 null · 0x01 undefined · 0x02 false · 0x03 true · 0x04 int32 LE · 0x05 float64 LE ·
 * 0x06 string (varint byte length, UTF-8) · 0x07 bytes (varint length, bytes) · 0x08 array (varint n, n values) ·
 * 0x09 object (varint n, n × (key as varint length + UTF-8, value)) · 0x0a bigint (decimal string) ·
 * 0x0b Date (float64 ms) · 0x0c Map (varint n, n × (key value, value)) · 0x0d Set (varint n, n values).
 */
import { BlockSerializationException } from './errors.js';

const FORMAT_VERSION = 1;
const MAX_DEPTH = 1000;

const T_NULL = 0x00;
const T_UNDEFINED = 0x01;
const T_FALSE = 0x02;
const T_TRUE = 0x03;
const T_INT32 = 0x04;
const T_FLOAT64 = 0x05;
const T_STRING = 0x06;
const T_BYTES = 0x07;
const T_ARRAY = 0x08;
const T_OBJECT = 0x09;
const T_BIGINT = 0x0a;
const T_DATE = 0x0b;
const T_MAP = 0x0c;
const T_SET = 0x0d;

/** A growable output buffer; one scratch buffer is reused between calls (the result is copied out). */
class Writer {
  buf: Buffer;
  pos = 0;
  constructor(initial: Buffer) {
    this.buf = initial;
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  varint(n: number): void {
    this.ensure(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }
  string(s: string): void {
    // ASCII-sized strings: at most 3 bytes per UTF-16 unit
    const max = s.length * 3;
    if (max < 0x80) {
      this.ensure(1 + max);
      const n = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }
  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  float64(x: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(x, this.pos);
    this.pos += 8;
  }
  int32(x: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(x, this.pos);
    this.pos += 4;
  }
}

let scratch: Buffer | undefined;
let scratchInUse = false;

function withWriter(fn: (w: Writer) => void): Buffer {
  const reuse = !scratchInUse;
  const w = new Writer(reuse ? (scratch ??= Buffer.allocUnsafe(64 * 1024)) : Buffer.allocUnsafe(4096));
  if (reuse) scratchInUse = true;
  try {
    fn(w);
    const out = Buffer.allocUnsafe(w.pos);
    w.buf.copy(out, 0, 0, w.pos);
    // keep a grown scratch buffer (up to 16 MiB) for the next call: no fresh memory per block
    if (reuse && w.buf.length <= 16 * 1024 * 1024) scratch = w.buf;
    return out;
  } finally {
    if (reuse) scratchInUse = false;
  }
}

function writeValue(w: Writer, v: unknown, depth: number): void {
  switch (typeof v) {
    case 'string':
      w.byte(T_STRING);
      w.string(v);
      return;
    case 'number':
      if ((v | 0) === v && !Object.is(v, -0)) {
        w.byte(T_INT32);
        w.int32(v);
      } else {
        w.byte(T_FLOAT64);
        w.float64(v);
      }
      return;
    case 'boolean':
      w.byte(v ? T_TRUE : T_FALSE);
      return;
    case 'undefined':
      w.byte(T_UNDEFINED);
      return;
    case 'bigint':
      w.byte(T_BIGINT);
      w.string(v.toString());
      return;
    case 'object':
      break;
    default:
      throw new BlockSerializationException(`Cannot serialize a value of type ${typeof v} in a received block`);
  }
  if (v === null) {
    w.byte(T_NULL);
    return;
  }
  if (depth > MAX_DEPTH) throw new BlockSerializationException(`Cannot serialize a received block: values nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  if (v instanceof Uint8Array) {
    w.byte(T_BYTES);
    w.bytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.byte(T_ARRAY);
    w.varint(v.length);
    for (let i = 0; i < v.length; i++) writeValue(w, v[i], depth + 1);
    return;
  }
  if (v instanceof Date) {
    w.byte(T_DATE);
    w.float64(v.getTime());
    return;
  }
  if (v instanceof Map) {
    w.byte(T_MAP);
    w.varint(v.size);
    for (const [k, x] of v) {
      writeValue(w, k, depth + 1);
      writeValue(w, x, depth + 1);
    }
    return;
  }
  if (v instanceof Set) {
    w.byte(T_SET);
    w.varint(v.size);
    for (const x of v) writeValue(w, x, depth + 1);
    return;
  }
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    writeValue(w, (toJSON as () => unknown).call(v), depth + 1);
    return;
  }
  const keys = Object.keys(v);
  w.byte(T_OBJECT);
  w.varint(keys.length);
  for (const k of keys) {
    w.string(k);
    writeValue(w, (v as Record<string, unknown>)[k], depth + 1);
  }
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new BlockSerializationException(`Truncated received block: ${n} bytes needed at offset ${this.pos} of ${this.buf.length}`);
  }
  byte(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  varint(): number {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
    throw new BlockSerializationException(`Bad varint at offset ${this.pos}`);
  }
  string(): string {
    const n = this.varint();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

function readValue(r: Reader): unknown {
  const tag = r.byte();
  switch (tag) {
    case T_NULL:
      return null;
    case T_UNDEFINED:
      return undefined;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT32: {
      r.need(4);
      const x = r.buf.readInt32LE(r.pos);
      r.pos += 4;
      return x;
    }
    case T_FLOAT64: {
      r.need(8);
      const x = r.buf.readDoubleLE(r.pos);
      r.pos += 8;
      return x;
    }
    case T_STRING:
      return r.string();
    case T_BYTES: {
      const n = r.varint();
      r.need(n);
      const b = Buffer.allocUnsafe(n);
      r.buf.copy(b, 0, r.pos, r.pos + n);
      r.pos += n;
      return b;
    }
    case T_ARRAY: {
      const n = r.varint();
      const a = new Array<unknown>(n);
      for (let i = 0; i < n; i++) a[i] = readValue(r);
      return a;
    }
    case T_OBJECT: {
      const n = r.varint();
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = r.string();
        o[k] = readValue(r);
      }
      return o;
    }
    case T_BIGINT:
      return BigInt(r.string());
    case T_DATE: {
      r.need(8);
      const d = new Date(r.buf.readDoubleLE(r.pos));
      r.pos += 8;
      return d;
    }
    case T_MAP: {
      const n = r.varint();
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) {
        const k = readValue(r);
        m.set(k, readValue(r));
      }
      return m;
    }
    case T_SET: {
      const n = r.varint();
      const s = new Set<unknown>();
      for (let i = 0; i < n; i++) s.add(readValue(r));
      return s;
    }
    default:
      throw new BlockSerializationException(`Unknown value tag 0x${tag.toString(16)} at offset ${r.pos - 1} of a received block`);
  }
}

/** Serialize a block's items. Errors: BlockSerializationException for unsupported values. */
export function serializeBlock(items: readonly unknown[]): Buffer {
  return withWriter((w) => {
    w.byte(FORMAT_VERSION);
    w.varint(items.length);
    for (let i = 0; i < items.length; i++) writeValue(w, items[i], 0);
  });
}

/** Items of a serialized block. Errors: BlockSerializationException for a malformed record. */
export function deserializeBlock(buf: Buffer): unknown[] {
  const r = new Reader(buf);
  const version = r.byte();
  if (version !== FORMAT_VERSION) throw new BlockSerializationException(`Unknown received block format version ${version}`);
  const n = r.varint();
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = readValue(r);
  if (r.pos !== buf.length) throw new BlockSerializationException(`${buf.length - r.pos} bytes left after the last item of a received block`);
  return out;
}

/** Serialize one value (the tracker's log events). */
export function serializeValue(v: unknown): Buffer {
  return serializeBlock([v]);
}

/** The value of {@link serializeValue}. */
export function deserializeValue(buf: Buffer): unknown {
  const items = deserializeBlock(buf);
  if (items.length !== 1) throw new BlockSerializationException(`Expected one serialized value, found ${items.length}`);
  return items[0];
}
