/**
 * ApiVersions v0 over a raw socket: which API keys a broker advertises. The broker benchmark uses it
 * to decide whether the consumer-group APIs are there before it runs kafkajs's group consumer.
 */
import net from 'node:net';

/** API keys the kafkajs group consumer needs: OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup. */
export const GROUP_API_KEYS: Record<number, string> = {
  8: 'OffsetCommit',
  9: 'OffsetFetch',
  10: 'FindCoordinator',
  11: 'JoinGroup',
  12: 'Heartbeat',
  13: 'LeaveGroup',
  14: 'SyncGroup',
};

/** One advertised API key and its version range. */
export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * Ask the broker at host:port for its API versions (ApiVersions v0); rejects after `timeoutMs`
 * milliseconds or on a non-zero error code.
 */
export function fetchApiVersions(host: string, port: number, timeoutMs: number): Promise<ApiVersionRange[]> {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kafka-ts-bench');
    const req = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
    req.writeInt32BE(req.length - 4, 0);
    req.writeInt16BE(18, 4); // ApiVersions
    req.writeInt16BE(0, 6); // v0
    req.writeInt32BE(1, 8); // correlation id
    req.writeInt16BE(clientId.length, 12);
    clientId.copy(req, 14);
    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`ApiVersions: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(req));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      clearTimeout(timer);
      sock.destroy();
      const err = buf.readInt16BE(8);
      if (err !== 0) return reject(new Error(`ApiVersions error code ${err}`));
      const n = buf.readInt32BE(10);
      const out: ApiVersionRange[] = [];
      for (let i = 0, p = 14; i < n; i++, p += 6) out.push({ apiKey: buf.readInt16BE(p), minVersion: buf.readInt16BE(p + 2), maxVersion: buf.readInt16BE(p + 4) });
      resolve(out);
    });
  });
}
