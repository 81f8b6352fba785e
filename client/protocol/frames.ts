/**
 * Whole frames: `int32 size` + header + body, for requests and responses, built on the API registry.
 *
 * Source: Kafka's protocol guide ("Common Request and Response Structure") and `ApiKeys` header rules
 * (see headers.ts). Errors: UnsupportedApiError (`KTS_ERR_UNSUPPORTED_API`, UNSUPPORTED_VERSION 35)
 * for an API key or version that is not declared — a broker closes the connection then, as Kafka does;
 * ProtocolDecodeError (`KTS_ERR_DECODE`, INVALID_REQUEST 42) for malformed bytes.
 */
import { UnsupportedApiError } from '../errors.js';
import type { ApiCodec } from './api.js';
import { apiByKey } from './apis/index.js';
import {
  API_VERSIONS_KEY,
  readRequestHeader,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
  type RequestHeader,
} from './headers.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** Error code of UNSUPPORTED_VERSION, which makes ApiVersions answer with a v0 body. */
const UNSUPPORTED_VERSION = 35;

function codecFor(apiKey: number, apiVersion: number): ApiCodec {
  const codec = apiByKey(apiKey);
  if (!codec) throw new UnsupportedApiError(`unknown API key ${apiKey}`);
  if (!codec.supports(apiVersion)) {
    throw new UnsupportedApiError(`${codec.name} (key ${apiKey}) version ${apiVersion} is not supported (${codec.minVersion}-${codec.maxVersion})`);
  }
  return codec;
}

/**
 * Encode a request frame (with its int32 size prefix).
 * @param header api key, api version, correlation id, client id
 * @param body the request value (fields absent = defaults)
 */
export function encodeRequest(header: RequestHeader, body: object): Buffer {
  return writeRequest(header, body, false).finish();
}

/**
 * As encodeRequest, but as a list of Buffers to write in order: record batches of ≥ 4 KiB in
 * `records` fields are referenced, not copied (Writer zero-copy mode).
 */
export function encodeRequestChunks(header: RequestHeader, body: object): Buffer[] {
  return writeRequest(header, body, true).finishChunks();
}

/** Write a whole request frame, its int32 size filled in. */
function writeRequest(header: RequestHeader, body: object, zeroCopy: boolean): Writer {
  const codec = codecFor(header.apiKey, header.apiVersion);
  const w = new Writer(512, zeroCopy);
  w.int32(0);
  writeRequestHeader(w, header, requestHeaderVersion(header.apiKey, header.apiVersion, codec.isFlexible(header.apiVersion)));
  codec.request(header.apiVersion).encode(w, body);
  return w.patchSizePrefix();
}

/** A decoded request: header, API codec and body. */
export interface DecodedRequest {
  header: RequestHeader;
  api: ApiCodec;
  body: any;
}

/**
 * Decode a request frame WITHOUT its size prefix (the framing layer strips it).
 * Throws UnsupportedApiError before reading the body for an unknown key or version.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  r.pos = 0;
  const api = codecFor(apiKey, apiVersion);
  const header = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion, api.isFlexible(apiVersion)));
  const body = api.request(apiVersion).decode(r);
  return { header, api, body };
}

/**
 * Encode a response frame (with its int32 size prefix) for the request `apiKey`/`apiVersion`.
 * For ApiVersions with errorCode UNSUPPORTED_VERSION the body is written as v0 (KIP-511).
 */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer {
  return writeResponse(apiKey, apiVersion, correlationId, body, false).finish();
}

/**
 * As encodeResponse, but as a list of Buffers to write in order: record data of ≥ 4 KiB (a Fetch
 * answer's byte ranges read from the log) is referenced, not copied (Writer zero-copy mode).
 */
export function encodeResponseChunks(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer[] {
  return writeResponse(apiKey, apiVersion, correlationId, body, true).finishChunks();
}

/** Write a whole response frame, its int32 size filled in. */
function writeResponse(apiKey: number, apiVersion: number, correlationId: number, body: object, zeroCopy: boolean): Writer {
  const codec = apiByKey(apiKey);
  if (!codec) throw new UnsupportedApiError(`unknown API key ${apiKey}`);
  let bodyVersion = apiVersion;
  if (apiKey === API_VERSIONS_KEY && (body as { errorCode?: number }).errorCode === UNSUPPORTED_VERSION) bodyVersion = 0;
  else if (!codec.supports(apiVersion)) codecFor(apiKey, apiVersion);
  const w = new Writer(512, zeroCopy);
  w.int32(0);
  writeResponseHeader(w, correlationId, responseHeaderVersion(apiKey, codec.isFlexible(apiVersion)));
  codec.response(bodyVersion).encode(w, body);
  return w.patchSizePrefix();
}

/**
 * Decode a response frame WITHOUT its size prefix, for a request of `apiKey`/`apiVersion`.
 * An ApiVersions response whose error code is UNSUPPORTED_VERSION is decoded as v0 (KIP-511).
 */
export function decodeResponse(frame: Buffer, apiKey: number, apiVersion: number): { correlationId: number; body: any } {
  const codec = codecFor(apiKey, apiVersion);
  const r = new Reader(frame);
  const { correlationId } = readResponseHeader(r, responseHeaderVersion(apiKey, codec.isFlexible(apiVersion)));
  let bodyVersion = apiVersion;
  if (apiKey === API_VERSIONS_KEY && r.remaining >= 2 && frame.readInt16BE(r.pos) === UNSUPPORTED_VERSION) bodyVersion = 0;
  const body = codec.response(bodyVersion).decode(r);
  return { correlationId, body };
}
