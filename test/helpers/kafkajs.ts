/**
 * Test helper: kafkajs 2.2.4 internals (its per-version request encoders and response decoders, the
 * request frame encoder, and its record batch / message set codecs), loaded with createRequire since
 * kafkajs is CommonJS and ships no types for its internals. Used by test/protocol/kafkajs-interop.test.ts
 * as an independent implementation of the wire protocol.
 *
 * It also instruments kafkajs's Decoder so that a test can ask how many bytes of a buffer kafkajs's
 * response decoder left unread (kafkajs itself never checks this), to catch trailing bytes our encoder
 * might write.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** One kafkajs API module (`src/protocol/requests/<api>/index.js`). */
export interface KjsApi {
  /** The versions kafkajs implements, as strings (`['0', '1', ...]`). */
  versions: string[];
  protocol(o: { version: number | string }): (args: any) => KjsProtocol;
}

/** What a kafkajs `protocol({ version })(args)` returns. */
export interface KjsProtocol {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<any> };
  response: { decode(payload: Buffer): Promise<any>; parse(data: any): Promise<any> };
}

/** Load `kafkajs/src/protocol/requests/<dir>`. */
export function kjsApi(dir: string): KjsApi {
  return require(`kafkajs/src/protocol/requests/${dir}`) as KjsApi;
}

/** kafkajs's Encoder class. */
export const KjsEncoder: any = require('kafkajs/src/protocol/encoder');
/** kafkajs's Decoder class. */
export const KjsDecoder: any = require('kafkajs/src/protocol/decoder');
/** kafkajs's Long (used for int64 inputs of its record batch encoder). */
export const KjsLong: any = require('kafkajs/src/utils/long');
/** kafkajs's request frame encoder: `({ correlationId, clientId, request }) => Promise<Encoder>` (size + header v1 + body). */
export const kjsCreateRequest: (args: { correlationId: number; clientId: string; request: KjsProtocol['request'] }) => Promise<any> =
  require('kafkajs/src/protocol/request');
/** kafkajs's API keys by name. */
export const kjsApiKeys: Record<string, number> = require('kafkajs/src/protocol/requests/apiKeys');
/** Record batch v2 (magic 2) encoder: `async ({ records, firstOffset, ... }) => Encoder`. */
export const kjsRecordBatch: (args: any) => Promise<any> = require('kafkajs/src/protocol/recordBatch/v0').RecordBatch;
/** One record of a record batch: `({ offsetDelta, timestampDelta, key, value, headers }) => Encoder`. */
export const kjsRecord: (args: any) => any = require('kafkajs/src/protocol/recordBatch/record/v0');
/** Record batch decoder: `async (decoder) => { records, ... }`. */
export const kjsRecordBatchDecoder: (decoder: any) => Promise<any> = require('kafkajs/src/protocol/recordBatch/v0/decoder');
/** Legacy message set encoder: `({ messageVersion, compression, entries }) => Encoder`. */
export const kjsMessageSet: (args: any) => any = require('kafkajs/src/protocol/messageSet');
/** Legacy message set decoder: `async (decoder, size?) => messages`. */
export const kjsMessageSetDecoder: (decoder: any, size?: number) => Promise<any[]> = require('kafkajs/src/protocol/messageSet/decoder');
/** Legacy message (magic 0 / 1) encoder: `({ version }) => ({ key, value, timestamp }) => Encoder`. */
export const kjsMessage: (o: { version: number }) => (args: any) => any = require('kafkajs/src/protocol/message');

// --- Decoder instrumentation -------------------------------------------------------------------------

const lastDecoder = new WeakMap<Buffer, any>();
let instrumented = false;

function instrument(): void {
  if (instrumented) return;
  instrumented = true;
  const proto = KjsDecoder.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    const desc = Object.getOwnPropertyDescriptor(proto, name);
    if (!desc || typeof desc.value !== 'function') continue;
    const orig = desc.value as (...a: unknown[]) => unknown;
    proto[name] = function (this: { buffer: Buffer }, ...args: unknown[]) {
      lastDecoder.set(this.buffer, this);
      return orig.apply(this, args);
    };
  }
}
instrument();

/**
 * Bytes of `buf` that the last kafkajs Decoder reading exactly this Buffer object left unread, or
 * undefined when no kafkajs Decoder read it.
 */
export function kjsBytesLeft(buf: Buffer): number | undefined {
  const d = lastDecoder.get(buf);
  return d ? buf.length - d.offset : undefined;
}

/** Encode a request body with kafkajs. */
export async function kjsEncodeRequest(p: KjsProtocol): Promise<Buffer> {
  return (await p.request.encode()).buffer as Buffer;
}
