/** The admin client. The consumer protocol's embedded formats are in client/consumer/consumer-protocol.ts. */
export * from './admin-client.js';
