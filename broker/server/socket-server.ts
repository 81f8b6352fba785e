/**
 * The listeners (Kafka's `SocketServer`): one TCP server per configured listener, each connection a
 * Connection that frames requests and answers them in order. Port 0 binds any free port; the bound
 * ports are reported for advertised listeners.
 */
import net from 'node:net';
import type { Logger } from 'pino';
import type { Listener } from '../config/kafka-config.js';
import type { BufferPool } from './buffer-pool.js';
import { Connection, type FrameHandler } from './connection.js';

/** Options of SocketServer. */
export interface SocketServerOptions {
  listeners: Listener[];
  handler: FrameHandler;
  /** socket.request.max.bytes */
  maxRequestBytes: number;
  /** queued.max.requests, per connection here. */
  queuedMaxRequests: number;
  logger: Logger;
  /** Pool of large buffers shared with the request handlers. */
  pool: BufferPool;
}

/** See the module comment. */
export class SocketServer {
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<Connection>();
  private seq = 0;
  /** Connections accepted since start, per listener name (Kafka's socket-server-metrics connection-creation-total). */
  readonly connectionsCreated = new Map<string, number>();
  /** The listeners with their bound ports, in configuration order (set by start). */
  bound: Listener[] = [];

  constructor(private readonly options: SocketServerOptions) {}

  /** Bind every listener. Errors: the listen error (EADDRINUSE...) — nothing stays bound then. */
  async start(): Promise<Listener[]> {
    try {
      for (const l of this.options.listeners) {
        const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket, l.name));
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: l.host === '' ? undefined : l.host, port: l.port, backlog: 511 }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) => this.options.logger.error({ err }, 'listener error'));
        this.servers.push(server);
        const addr = server.address() as net.AddressInfo;
        this.bound.push({ name: l.name, host: l.host, port: addr.port });
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    return this.bound;
  }

  private accept(socket: net.Socket, listenerName: string): void {
    const c = new Connection(socket, listenerName, this.seq++, this.options.handler, this.options.maxRequestBytes, this.options.queuedMaxRequests, this.options.logger, this.options.pool);
    this.connections.add(c);
    this.connectionsCreated.set(listenerName, (this.connectionsCreated.get(listenerName) ?? 0) + 1);
    socket.on('close', () => this.connections.delete(c));
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Open connections per listener name (every bound listener listed, 0 included); O(connections), for /metrics. */
  connectionCountByListener(): Map<string, number> {
    const out = new Map<string, number>(this.bound.map((l) => [l.name, 0]));
    for (const c of this.connections) out.set(c.listenerName, (out.get(c.listenerName) ?? 0) + 1);
    return out;
  }

  /** Stop accepting and close every connection. */
  async stop(): Promise<void> {
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const c of this.connections) c.close();
    this.connections.clear();
    this.servers.length = 0;
    await Promise.all(closing);
  }
}
