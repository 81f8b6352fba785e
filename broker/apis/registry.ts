/**
 * The handler table itself (filled by broker/apis/index.ts), kept apart so that the ApiVersions
 * handler can list it without importing the index that imports it.
 */
import type { ApiHandler } from '../server/types.js';

const handlers: ApiHandler[] = [];

/** Add handlers to the table (one per API key; a later one replaces an earlier one). */
export function register(list: readonly ApiHandler[]): void {
  for (const h of list) handlers[h.api.key] = h;
}

/** The handler of an API key, or undefined when this broker does not implement it. */
export function handlerByKey(key: number): ApiHandler | undefined {
  return key >= 0 ? handlers[key] : undefined;
}

/** Every handler, by ascending API key. */
export function allHandlers(): ApiHandler[] {
  return handlers.filter((h): h is ApiHandler => h !== undefined);
}
