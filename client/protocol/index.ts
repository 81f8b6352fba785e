/**
 * The Kafka wire codec: primitives (Reader, Writer), the declaration language (schema), compiled
 * per-API codecs (ApiCodec, Apis), headers, frames, and Kafka's error table.
 */
export { Reader } from './reader.js';
export { Writer, ZERO_COPY_MIN_BYTES } from './writer.js';
export { f, api, parseRange, inRange, type ApiDeclaration, type FieldDef, type Fields, type Value, type Input } from './schema.js';
export { compileStruct, defaultStruct, defaultValue, type StructCodec } from './codec.js';
export { ApiCodec, type RequestOf, type ResponseOf, type RequestInput, type ResponseInput } from './api.js';
export { Apis, apiByKey, allApis, type ApiName } from './apis/index.js';
export * from './headers.js';
export { encodeRequest, encodeRequestChunks, decodeRequest, encodeResponse, encodeResponseChunks, decodeResponse, type DecodedRequest } from './frames.js';
export { ERROR_CODES, errorByCode, errorByName, errorCode, type ErrorCodeInfo, type KafkaErrorName } from './error-codes.js';
