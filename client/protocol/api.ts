/**
 * ApiCodec: the request and response codecs of one API, compiled from its declaration, one version at
 * a time on first use and cached.
 *
 * Errors: UnsupportedApiError (`KTS_ERR_UNSUPPORTED_API`, UNSUPPORTED_VERSION 35) for a version outside
 * the declared range; ProtocolDecodeError / ProtocolEncodeError from the codec.
 */
import { UnsupportedApiError } from '../errors.js';
import { compileStruct, type StructCodec } from './codec.js';
import { Reader } from './reader.js';
import { inRange, parseRange, type ApiDeclaration, type Fields, type Input, type Value } from './schema.js';
import { Writer } from './writer.js';

/**
 * Codecs of one API: `request(v)` / `response(v)` give the compiled body codec of version `v`;
 * `encodeRequest`/`decodeRequest`/`encodeResponse`/`decodeResponse` work on bodies (no header, no size).
 * Errors: UnsupportedApiError for a version outside `minVersion..maxVersion`.
 */
export class ApiCodec<Req extends Fields = Fields, Res extends Fields = Fields> {
  /** API key, e.g. 0 for Produce. */
  readonly key: number;
  /** Kafka's API name, e.g. `Produce`. */
  readonly name: string;
  /** Lowest version implemented. */
  readonly minVersion: number;
  /** Highest version implemented. */
  readonly maxVersion: number;
  private readonly requests: (StructCodec | undefined)[] = [];
  private readonly responses: (StructCodec | undefined)[] = [];

  constructor(readonly declaration: ApiDeclaration<Req, Res>) {
    this.key = declaration.key;
    this.name = declaration.name;
    const r = parseRange(declaration.versions);
    this.minVersion = r.min;
    this.maxVersion = r.max;
  }

  /** True when `version` is implemented. */
  supports(version: number): boolean {
    return Number.isInteger(version) && version >= this.minVersion && version <= this.maxVersion;
  }

  /** True when `version` uses the flexible encodings (KIP-482) and request header v2 / response header v1. */
  isFlexible(version: number): boolean {
    return inRange(this.declaration.flexible, version);
  }

  private check(version: number): void {
    if (!this.supports(version)) {
      throw new UnsupportedApiError(`${this.name} (key ${this.key}) version ${version} is not supported (${this.minVersion}-${this.maxVersion})`);
    }
  }

  /** The compiled request body codec for `version`. */
  request(version: number): StructCodec {
    let c = this.requests[version];
    if (!c) {
      this.check(version);
      c = this.requests[version] = compileStruct(this.declaration.request, version, this.isFlexible(version));
    }
    return c;
  }

  /** The compiled response body codec for `version`. */
  response(version: number): StructCodec {
    let c = this.responses[version];
    if (!c) {
      this.check(version);
      c = this.responses[version] = compileStruct(this.declaration.response, version, this.isFlexible(version));
    }
    return c;
  }

  /** Encode a request body (no header, no size) at `version`. */
  encodeRequest(value: Input<Req>, version: number): Buffer {
    const w = new Writer(256);
    this.request(version).encode(w, value);
    return w.finish();
  }

  /** Decode a request body at `version` from `input` (a Buffer, or a Reader positioned at the body). */
  decodeRequest(input: Buffer | Reader, version: number): Value<Req> {
    const r = Buffer.isBuffer(input) ? new Reader(input) : input;
    return this.request(version).decode(r);
  }

  /** Encode a response body (no header, no size) at `version`. */
  encodeResponse(value: Input<Res>, version: number): Buffer {
    const w = new Writer(256);
    this.response(version).encode(w, value);
    return w.finish();
  }

  /** Decode a response body at `version`. */
  decodeResponse(input: Buffer | Reader, version: number): Value<Res> {
    const r = Buffer.isBuffer(input) ? new Reader(input) : input;
    return this.response(version).decode(r);
  }
}

/** The decoded request type of an ApiCodec. */
export type RequestOf<A> = A extends ApiCodec<infer Req, any> ? Value<Req> : never;
/** The decoded response type of an ApiCodec. */
export type ResponseOf<A> = A extends ApiCodec<any, infer Res> ? Value<Res> : never;
/** The request input type (for encoding) of an ApiCodec. */
export type RequestInput<A> = A extends ApiCodec<infer Req, any> ? Input<Req> : never;
/** The response input type (for encoding) of an ApiCodec. */
export type ResponseInput<A> = A extends ApiCodec<any, infer Res> ? Input<Res> : never;
