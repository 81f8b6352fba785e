/**
 * KafkaServer: the broker process's parts, started and stopped in order (Kafka's `KafkaServer` /
 * `BrokerServer`): the log manager (which locks the log dirs: a second broker on the same data fails
 * at once with LogDirLockedError, KTS_ERR_LOG_DIR_LOCKED), the cluster metadata (cluster id in
 * meta.properties), the producer-id manager, the group coordinator (offsets in lmdb), then the
 * listeners, then the HTTP server (broker/http: JSON API, /metrics, dashboard; `http.enabled`,
 * `http.listeners`). `shutdown()` stops the HTTP server, stops accepting, closes connections, ends
 * long polls, stops the group coordinator and shuts the logs down cleanly (flush, checkpoints, the
 * clean-shutdown marker that lets the next start skip recovery).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { KafkaConfig, Listener } from '../config/kafka-config.js';
import { GroupCoordinator } from '../group/group-coordinator.js';
import { BrokerHttpServer, type BrokerHttpServerOptions } from '../http/http-server.js';
import { LogManager } from '../log/index.js';
import { BufferPool } from './buffer-pool.js';
import { ClusterMetadata } from './cluster-metadata.js';
import { silentLogger } from './logger.js';
import { ProducerStateManager } from './producer-state.js';
import { RequestHandler } from './request-handler.js';
import { SocketServer } from './socket-server.js';
import type { BrokerContext } from './types.js';

/** Name of the group coordinator's lmdb directory inside the first log dir. */
export const GROUP_STORE_DIR = 'kafka-ts-groups';

/** See the module comment. Start with KafkaServer.start. */
export class KafkaServer {
  /** The listeners with the ports actually bound. */
  readonly listeners: Listener[];
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly context: BrokerContext,
    private readonly socketServer: SocketServer,
    private readonly signalShutdown: () => void,
    readonly requestHandler: RequestHandler,
    /** The HTTP server (undefined when http.enabled=false). */
    readonly http: BrokerHttpServer | undefined,
  ) {
    this.listeners = socketServer.bound;
  }

  /** The HTTP server's bound address (`http://127.0.0.1:8080`; the real port when configured 0), undefined when http.enabled=false. */
  get httpAddress(): string | undefined {
    return this.http?.address;
  }

  /**
   * Start a broker. `options.http` tunes the HTTP server (its history sampling, Node's process
   * metrics) when http.enabled. Errors: LogDirLockedError (another broker uses the data directory),
   * the listen error of a Kafka or the HTTP listener (EADDRINUSE; the HTTP one's message names
   * http.listeners), storage errors; nothing is left running or locked when it throws.
   */
  static async start(config: KafkaConfig, options: { logger?: Logger; http?: Pick<BrokerHttpServerOptions, 'history' | 'defaultMetrics'> } = {}): Promise<KafkaServer> {
    const logger = options.logger ?? silentLogger();
    const t0 = Date.now();
    const logManager = await LogManager.open({
      logDirs: config.logDirs,
      defaults: config.logConfig,
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      initialTaskDelayMs: config.logInitialTaskDelayMs,
      checkpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
      logger: logger.child({ component: 'log' }),
    });
    let groups: GroupCoordinator | undefined;
    let socketServer: SocketServer | undefined;
    try {
      const metadata = new ClusterMetadata(config, logManager);
      const producers = new ProducerStateManager(config.logDirs[0]!);
      groups = await GroupCoordinator.open({ dir: path.join(config.logDirs[0]!, GROUP_STORE_DIR), config, logger: logger.child({ component: 'group-coordinator' }) });
      const g = groups;
      metadata.onTopicDeleted((topic) => g.onTopicDeleted(topic));
      const shutdown = new AbortController();
      const signalShutdown = () => shutdown.abort();
      const bufferPool = new BufferPool();
      const context: BrokerContext = { config, logManager, metadata, groups, producers, logger, now: Date.now, shutdownSignal: shutdown.signal, bufferPool };
      const requestHandler = new RequestHandler(context, logger.child({ component: 'request' }));
      socketServer = new SocketServer({
        listeners: config.listeners,
        handler: requestHandler,
        maxRequestBytes: config.socketRequestMaxBytes,
        queuedMaxRequests: config.queuedMaxRequests,
        logger: logger.child({ component: 'network' }),
        pool: bufferPool,
      });
      const bound = await socketServer.start();
      metadata.setAdvertisedEndpoint(advertised(config, bound));
      const sockets = socketServer;
      const http = config.httpEnabled
        ? await BrokerHttpServer.start({
            source: {
              context,
              listeners: bound,
              startTimeMs: t0,
              requestStats: requestHandler.stats,
              connectionCountByListener: () => sockets.connectionCountByListener(),
              connectionsCreated: sockets.connectionsCreated,
            },
            logger: logger.child({ component: 'http' }),
            host: config.httpListeners[0]!.host,
            port: config.httpListeners[0]!.port,
            adminEnabled: config.httpAdminEnabled,
            adminToken: config.httpAdminToken,
            ...options.http,
          })
        : undefined;
      const server = new KafkaServer(context, socketServer, signalShutdown, requestHandler, http);
      logger.info(
        {
          nodeId: config.nodeId,
          clusterId: metadata.clusterId,
          listeners: bound.map((l) => `${l.name}://${l.host}:${l.port}`),
          advertised: `${metadata.advertisedEndpoint.host}:${metadata.advertisedEndpoint.port}`,
          http: http?.address ?? 'disabled',
          logDirs: config.logDirs,
          topics: metadata.topics().length,
          startMs: Date.now() - t0,
        },
        `[KafkaServer id=${config.nodeId}] started`,
      );
      return server;
    } catch (e) {
      if (socketServer) await socketServer.stop().catch(() => {});
      if (groups) await groups.shutdown().catch(() => {});
      await logManager.halt().catch(() => {});
      throw e;
    }
  }

  /** The first listener's port (tests bind port 0). */
  get port(): number {
    return this.listeners[0]!.port;
  }

  /** Shut down cleanly (idempotent): see the module comment. */
  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      const logger = this.context.logger;
      const t0 = Date.now();
      logger.info(`[KafkaServer id=${this.context.config.nodeId}] shutting down`);
      await this.http?.close();
      this.signalShutdown();
      await this.socketServer.stop();
      await this.context.groups.shutdown();
      await this.context.logManager.shutdown();
      logger.info({ ms: Date.now() - t0 }, `[KafkaServer id=${this.context.config.nodeId}] shut down completed`);
    })();
    return this.stopping;
  }

  /** Stop without a clean shutdown (no flush, no clean-shutdown marker): for crash tests. */
  async halt(): Promise<void> {
    await this.http?.close();
    this.signalShutdown();
    await this.socketServer.stop();
    await this.context.groups.shutdown();
    await this.context.logManager.halt();
  }
}

/** The endpoint clients are told: the first advertised listener, with the bound port for port 0 and a reachable host for a wildcard. */
function advertised(config: KafkaConfig, bound: Listener[]): Listener {
  const a = config.advertisedListeners[0]!;
  const b = bound.find((l) => l.name === a.name) ?? bound[0]!;
  const port = a.port === 0 ? b.port : a.port;
  const host = a.host === '' || a.host === '0.0.0.0' || a.host === '::' ? '127.0.0.1' : a.host;
  return { name: a.name, host, port };
}
