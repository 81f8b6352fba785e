/**
 * BrokerConnection: one TCP connection to one broker (Java's `KafkaChannel` + the per-node part of
 * `NetworkClient`). It negotiates versions first (ApiVersions v3, retried at the highest version the
 * broker lists when it answers UNSUPPORTED_VERSION, KIP-511), then sends requests at the highest
 * version both sides support, pipelining up to `max.in.flight.requests.per.connection`, and matches
 * answers to requests by correlation id (a broker answers in order). Each request has a timeout
 * (`request.timeout.ms`); a timed-out request closes the connection, as the Java client does, since
 * later answers would be out of step.
 *
 * Errors (KafkaProtocolError, Kafka names): NETWORK_EXCEPTION (13, retriable) when the connection
 * fails or closes with requests pending; REQUEST_TIMED_OUT (7); UNSUPPORTED_VERSION (35) when the
 * broker supports no version of an API that we implement; ConnectionError (`KTS_ERR_CONNECT`) when
 * the TCP connection cannot be made.
 */
import net from 'node:net';
import { KafkaProtocolError, KafkaTsError } from '../errors.js';
import { FrameAssembler } from './frame-assembler.js';
import { Apis, decodeResponse, encodeRequestChunks, type ApiCodec, type RequestInput, type ResponseOf } from '../protocol/index.js';

/** The TCP connection could not be made (refused, unreachable, setup timeout). Stable code `KTS_ERR_CONNECT`. */
export class ConnectionError extends KafkaTsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KTS_ERR_CONNECT', message, options);
  }
}

/** A response frame must hold at least its correlation id. */
function checkResponseSize(size: number): void {
  if (size < 4) throw new Error(`frame of ${size} bytes`);
}

/** Options of a BrokerConnection. */
export interface BrokerConnectionOptions {
  host: string;
  port: number;
  /** The broker's node id (-1 for a bootstrap server not yet identified). */
  nodeId?: number;
  clientId: string;
  /** request.timeout.ms */
  requestTimeoutMs: number;
  /** max.in.flight.requests.per.connection */
  maxInFlight: number;
  /** socket.connection.setup.timeout.ms */
  connectTimeoutMs: number;
  /** Software name and version sent in ApiVersions v3. */
  softwareName?: string;
  softwareVersion?: string;
}

/** Options of one request. */
export interface RequestOptions {
  /** Send at this version (default: the highest both sides support). */
  version?: number;
  /** False for a request the broker does not answer (Produce acks=0). */
  expectResponse?: boolean;
  /** Overrides request.timeout.ms (e.g. a long-poll Fetch adds its max wait). */
  timeoutMs?: number;
}

interface Pending {
  correlationId: number;
  apiKey: number;
  version: number;
  resolve: (value: any) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Queued {
  run: () => void;
}

/** See the module comment. */
export class BrokerConnection {
  readonly host: string;
  readonly port: number;
  nodeId: number;
  private socket: net.Socket | undefined;
  private connecting: Promise<void> | undefined;
  private correlationId = 0;
  private readonly inFlight: Pending[] = [];
  private readonly waiting: Queued[] = [];
  private readonly assembler = new FrameAssembler();
  private closedError: Error | undefined;
  /** Broker ranges by API key, from ApiVersions. */
  private versions: Map<number, { min: number; max: number }> | undefined;

  constructor(private readonly options: BrokerConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.nodeId = options.nodeId ?? -1;
  }

  /** `host:port` */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** True once connected and versions negotiated, until closed. */
  get isReady(): boolean {
    return this.socket !== undefined && this.versions !== undefined && this.closedError === undefined;
  }

  /** True after close() or a failure. */
  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  /** Connect and negotiate versions (idempotent). Errors: ConnectionError, NETWORK_EXCEPTION, REQUEST_TIMED_OUT. */
  connect(): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    this.connecting ??= this.doConnect();
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: this.host, port: this.port, noDelay: true });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionError(`connection to ${this.address} timed out after ${this.options.connectTimeoutMs} ms (socket.connection.setup.timeout.ms)`));
      }, this.options.connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ConnectionError(`could not connect to ${this.address}: ${err.code ?? err.message}`, { cause: err }));
      });
    });
    if (this.closedError) {
      socket.destroy();
      throw this.closedError;
    }
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new KafkaProtocolError('NETWORK_EXCEPTION', `connection to ${this.address} failed: ${err.message}`, { cause: err })));
    socket.on('close', () => this.fail(new KafkaProtocolError('NETWORK_EXCEPTION', `connection to ${this.address} was closed`)));
    await this.negotiate();
  }

  /** ApiVersions: v3 first; on UNSUPPORTED_VERSION, the broker's own highest ApiVersions version. */
  private async negotiate(): Promise<void> {
    let version = Apis.ApiVersions.maxVersion;
    for (let attempt = 0; attempt < 3; attempt++) {
      let r;
      try {
        r = await this.send(Apis.ApiVersions, { clientSoftwareName: this.options.softwareName ?? 'kafka-ts', clientSoftwareVersion: this.options.softwareVersion ?? '0.1.0' }, { version, negotiation: true });
      } catch (e) {
        // Some brokers answer an ApiVersions version they do not know in a body that is neither v0
        // nor the version asked (librdkafka 2.0's mock cluster): ask again at v0, which all understand.
        if ((e as { code?: string }).code === 'KTS_ERR_DECODE' && version > 0 && !this.closedError) {
          version = 0;
          continue;
        }
        throw e;
      }
      if (r.errorCode === 35) {
        const own = r.apiKeys.find((k) => k.apiKey === Apis.ApiVersions.key);
        const next = Math.min(own ? own.maxVersion : 0, Apis.ApiVersions.maxVersion);
        version = next < version ? next : 0;
        continue;
      }
      if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `ApiVersions to ${this.address}`);
      this.versions = new Map(r.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
      return;
    }
    throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${this.address} supports no ApiVersions version we know`);
  }

  /**
   * The version to use for `api`: the highest both sides support. Undefined when there is none
   * (the broker does not have the API, or only versions we do not implement).
   */
  versionFor(api: ApiCodec<any, any>): number | undefined {
    const r = this.versions?.get(api.key);
    if (!r) return undefined;
    const v = Math.min(r.max, api.maxVersion);
    return v >= Math.max(r.min, api.minVersion) ? v : undefined;
  }

  /**
   * Send a request and resolve with its decoded answer (undefined when `expectResponse` is false).
   * Waits for a free in-flight slot. Errors: see the module comment.
   */
  async request<A extends ApiCodec<any, any>>(api: A, body: RequestInput<A>, options: RequestOptions = {}): Promise<ResponseOf<A>> {
    await this.connect();
    let version = options.version;
    if (version === undefined) {
      version = this.versionFor(api);
      if (version === undefined) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${this.address} does not support any version of ${api.name} that this client implements (${api.minVersion}-${api.maxVersion})`);
    }
    return this.send(api, body, { ...options, version });
  }

  private send<A extends ApiCodec<any, any>>(api: A, body: RequestInput<A>, options: RequestOptions & { version: number; negotiation?: boolean }): Promise<ResponseOf<A>> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const run = () => {
        if (this.closedError) return reject(this.closedError);
        const correlationId = (this.correlationId = (this.correlationId + 1) | 0);
        let chunks: Buffer[];
        try {
          chunks = encodeRequestChunks({ apiKey: api.key, apiVersion: options.version, correlationId, clientId: this.options.clientId }, body);
        } catch (e) {
          this.next();
          return reject(e);
        }
        const socket = this.socket!;
        if (options.expectResponse === false) {
          socket.cork();
          for (const c of chunks) socket.write(c);
          socket.uncork();
          this.next();
          return resolve(undefined as unknown as ResponseOf<A>);
        }
        const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
        const p: Pending = { correlationId, apiKey: api.key, version: options.version, resolve, reject, timer: undefined };
        if (timeoutMs > 0) {
          p.timer = setTimeout(() => {
            this.fail(new KafkaProtocolError('REQUEST_TIMED_OUT', `${api.name} request to ${this.address} timed out after ${timeoutMs} ms (request.timeout.ms); the connection is closed`));
          }, timeoutMs);
          p.timer.unref?.();
        }
        this.inFlight.push(p);
        socket.cork();
        for (const c of chunks) socket.write(c);
        socket.uncork();
      };
      if (this.inFlight.length < this.options.maxInFlight || options.negotiation) run();
      else this.waiting.push({ run });
    });
  }

  private next(): void {
    while (this.waiting.length > 0 && this.inFlight.length < this.options.maxInFlight && !this.closedError) this.waiting.shift()!.run();
  }

  private onData(chunk: Buffer): void {
    this.assembler.push(chunk);
    let frame: Buffer | undefined;
    try {
      while ((frame = this.assembler.next(checkResponseSize)) !== undefined) {
        this.dispatch(frame);
        if (this.closedError) return;
      }
    } catch (e) {
      this.fail(new KafkaProtocolError('NETWORK_EXCEPTION', `${this.address} sent a bad frame: ${(e as Error).message}`));
    }
  }

  private dispatch(frame: Buffer): void {
    const p = this.inFlight.shift();
    const id = frame.readInt32BE(0);
    if (!p || p.correlationId !== id) {
      return this.fail(new KafkaProtocolError('NETWORK_EXCEPTION', `${this.address} answered correlation id ${id}, expected ${p?.correlationId ?? 'none'}`));
    }
    if (p.timer) clearTimeout(p.timer);
    try {
      p.resolve(decodeResponse(frame, p.apiKey, p.version).body);
    } catch (e) {
      p.reject(e as Error);
    }
    this.next();
  }

  private fail(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    this.socket?.destroy();
    for (const p of this.inFlight.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(error);
    }
    for (const q of this.waiting.splice(0)) q.run();
  }

  /** Close the connection; pending requests fail with NETWORK_EXCEPTION. */
  close(): void {
    this.fail(new KafkaProtocolError('NETWORK_EXCEPTION', `connection to ${this.address} was closed by the client`));
  }
}
