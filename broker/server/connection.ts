/**
 * One client connection: reads size-prefixed frames (refusing a size over socket.request.max.bytes,
 * as Kafka's InvalidReceiveException), hands them one at a time to the request handler and writes each
 * answer before taking the next request, so answers always leave in the order the requests came,
 * even when a Fetch long-polls (Kafka mutes a channel while its request is in flight,
 * `SocketServer.Processor`). Clients pipeline requests; up to queued.max.requests frames are read
 * ahead, then reading pauses. A request the handler refuses (unknown API, unsupported version,
 * undecodable bytes, an internal error) closes only this connection.
 */
import type net from 'node:net';
import type { Logger } from 'pino';
import { FrameAssembler } from '../../client/network/frame-assembler.js';
import type { BufferPool } from './buffer-pool.js';

/** What a connection asks of the request layer. */
export interface FrameHandler {
  /**
   * Answer one request frame (without its size prefix): the response frame's chunks, or undefined for
   * no response. Throw ConnectionClosingError (or anything) to close the connection.
   */
  handle(frame: Buffer, connection: Connection): Promise<Buffer[] | undefined> | Buffer[] | undefined;
}

/** Thrown by a frame handler to close the connection on purpose (logged at warn, not error). */
export class CloseConnectionError extends Error {
  readonly code = 'KTS_ERR_CLOSE_CONNECTION';
}

/** Bytes of unsent answers above which the connection waits for the socket to drain. */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** See the module comment. */
export class Connection {
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly abort = new AbortController();
  private readonly frames: Buffer[] = [];
  private readonly assembler: FrameAssembler;
  private running = false;
  private closed = false;
  private paused = false;
  /** Run once the current response has left (or was dropped): pooled buffers go back then. */
  private sendHooks: (() => void)[] = [];

  constructor(
    readonly socket: net.Socket,
    /** The listener it came in on (PLAINTEXT). */
    readonly listenerName: string,
    seq: number,
    private readonly handler: FrameHandler,
    private readonly maxRequestBytes: number,
    private readonly queuedMaxRequests: number,
    private readonly logger: Logger,
    private readonly pool: BufferPool,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.id = `${socket.localAddress}:${socket.localPort}-${this.remoteAddress}:${this.remotePort}-${seq}`;
    this.assembler = new FrameAssembler((n) => pool.acquire(n));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.onData(chunk);
      } catch (err) {
        // Never let one connection's bytes take the broker down.
        this.logger.error({ connection: this.id, err }, 'closing connection after an internal framing error');
        this.close();
      }
    });
    socket.on('error', (err) => this.logger.debug({ connection: this.id, err: err.message }, 'socket error'));
    socket.on('close', () => this.onClose());
  }

  /** Aborted when the connection closes. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.assembler.push(chunk);
    let frame: Buffer | undefined;
    let refused = false;
    const checkSize = (size: number) => {
      if (size < 0 || size > this.maxRequestBytes) {
        this.logger.warn({ connection: this.id, size, max: this.maxRequestBytes }, `closing connection: request size ${size} is over socket.request.max.bytes (${this.maxRequestBytes}) or negative`);
        refused = true;
        throw new CloseConnectionError('request size out of bounds');
      }
    };
    try {
      while ((frame = this.assembler.next(checkSize)) !== undefined) this.frames.push(frame);
    } catch (e) {
      if (!refused) throw e;
      this.close();
      return;
    }
    if (this.frames.length >= this.queuedMaxRequests && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    if (!this.running && this.frames.length > 0) void this.run();
  }

  /** Call `fn` once the response to the request being handled has been written to the socket (or dropped). */
  afterSend(fn: () => void): void {
    this.sendHooks.push(fn);
  }

  private runHooks(hooks: (() => void)[]): void {
    for (const h of hooks) h();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.frames.length > 0 && !this.closed) {
        const frame = this.frames.shift()!;
        if (this.paused && this.frames.length < this.queuedMaxRequests / 2) {
          this.paused = false;
          this.socket.resume();
        }
        let out: Buffer[] | undefined;
        try {
          out = await this.handler.handle(frame, this);
        } catch (e) {
          if (e instanceof CloseConnectionError) this.logger.warn({ connection: this.id }, `closing connection: ${e.message}`);
          else this.logger.error({ connection: this.id, err: e }, 'closing connection after an internal error');
          this.runHooks(this.sendHooks.splice(0));
          this.close();
          return;
        }
        // A Produce frame is not referred to once handled (the log copied it): its buffer is reused.
        if (frame.length >= 8 && frame.readInt16BE(0) === 0) this.pool.release(frame);
        const hooks = this.sendHooks.splice(0);
        if (!out || this.closed) {
          this.runHooks(hooks);
          continue;
        }
        if (out) {
          const done = hooks.length > 0 ? () => this.runHooks(hooks) : undefined;
          if (out.length === 1) this.socket.write(out[0]!, done);
          else {
            this.socket.cork();
            for (let i = 0; i < out.length; i++) this.socket.write(out[i]!, i === out.length - 1 ? done : undefined);
            this.socket.uncork();
          }
          if (this.socket.writableLength > HIGH_WATER_BYTES) await this.drained();
        }
      }
    } finally {
      this.running = false;
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Close the connection (pending requests are dropped unanswered, as Kafka does). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.frames.length = 0;
    this.assembler.clear();
    this.socket.destroy();
    this.abort.abort();
  }

  private onClose(): void {
    this.closed = true;
    this.frames.length = 0;
    this.abort.abort();
  }
}
