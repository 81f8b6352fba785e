/**
 * Request and response headers.
 *
 * Request header v0: api_key int16, api_version int16, correlation_id int32. v1 adds client_id, a
 * NULLABLE_STRING with an int16 length that stays non-compact even in v2 (so that a broker can read
 * the header of any ApiVersions request); v2 adds a tagged-field section. Response header v0:
 * correlation_id int32; v1 adds a tagged-field section.
 * A flexible API version uses request header v2 and response header v1, others v1 and v0 — except
 * ApiVersions, whose response header is always v0 (KIP-511), and ControlledShutdown v0 (key 7),
 * the only user of request header v0.
 * Source: Kafka 3.8.0 RequestHeader.json, ResponseHeader.json, `ApiKeys.requestHeaderVersion`
 * / `responseHeaderVersion`.
 */
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** A decoded request header. */
export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Null in header v0 or when the client sent a null client id. */
  clientId: string | null;
}

/** A decoded response header. */
export interface ResponseHeader {
  correlationId: number;
}

/** API key of ApiVersions, whose response header is always v0. */
export const API_VERSIONS_KEY = 18;
/** API key of ControlledShutdown, whose v0 uses request header v0. */
export const CONTROLLED_SHUTDOWN_KEY = 7;

/** Request header version (0, 1 or 2) for an API version; `flexible` says whether that API version is flexible. */
export function requestHeaderVersion(apiKey: number, apiVersion: number, flexible: boolean): 0 | 1 | 2 {
  if (flexible) return 2;
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0;
  return 1;
}

/** Response header version (0 or 1) for an API version; ApiVersions is always 0. */
export function responseHeaderVersion(apiKey: number, flexible: boolean): 0 | 1 {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return flexible ? 1 : 0;
}

/** Write a request header of version `headerVersion`. */
export function writeRequestHeader(w: Writer, h: RequestHeader, headerVersion: 0 | 1 | 2): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId);
  if (headerVersion >= 1) w.string(h.clientId);
  if (headerVersion >= 2) w.uvarint(0);
}

/** Read the fixed part of a request header (key, version, correlation id) without moving `r`. */
export function peekRequestHeader(r: Reader): { apiKey: number; apiVersion: number; correlationId: number } {
  const save = r.pos;
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  r.pos = save;
  return { apiKey, apiVersion, correlationId };
}

/** Read a request header of version `headerVersion`; unknown tagged fields are skipped. */
export function readRequestHeader(r: Reader, headerVersion: 0 | 1 | 2): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = headerVersion >= 1 ? r.nullableString() : null;
  if (headerVersion >= 2) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Write a response header of version `headerVersion`. */
export function writeResponseHeader(w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.int32(correlationId);
  if (headerVersion >= 1) w.uvarint(0);
}

/** Read a response header of version `headerVersion`; unknown tagged fields are skipped. */
export function readResponseHeader(r: Reader, headerVersion: 0 | 1): ResponseHeader {
  const correlationId = r.int32();
  if (headerVersion >= 1) r.skipTaggedFields();
  return { correlationId };
}
