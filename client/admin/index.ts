/** The admin client and the consumer protocol's embedded formats. */
export * from './admin-client.js';
export * from './consumer-protocol.js';
