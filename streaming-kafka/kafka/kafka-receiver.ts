import type { BlockGenerator } from '../receiver/block-generator.js';
import { Receiver, type StorageLevel } from '../receiver/receiver.js';
import { ZKGroupTopicDirs, ZookeeperConsumerConnector, writeOffset, type KafkaStream } from '../consumer-group/index.js';
import type { StreamingLogger } from '../util/logger.js';
import { connectCoordinationStore, type CoordinationStore, type CoordinationStoreFactory } from '../zk/index.js';

/** A received Kafka message as the Receiver stream stores it: Spark's `(key, message)` pair, both decoded as UTF-8 strings. */
export type KafkaPair = [key: string | null, value: string | null];

/**
 * The Kafka parameters of a Receiver stream (Spark's `kafkaParams` of `KafkaUtils.createStream`):
 * Kafka 0.8 consumer keys (`zookeeper.connect`, `group.id`, `zookeeper.session.timeout.ms`,
 * `auto.offset.reset` smallest|largest, `auto.commit.enable`, ...; see consumer-group/consumer-config.ts)
 * plus `bootstrap.servers`: Kafka 0.8 consumers found the brokers in ZooKeeper
 * (`/brokers/ids`), where our broker does not register, so the brokers are named here.
 */
export type ReceiverKafkaParams = Record<string, string | number | boolean>;

/** Decode a message's key or value (Spark's default `StringDecoder`: UTF-8). */
export function decodeUtf8(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}

/**
 * The connector and its session for one receiver: opens the coordination store named by
 * `zookeeper.connect` (a ZooKeeper connect string or an embedded store's directory, see
 * zk/connect.ts) with `zookeeper.session.timeout.ms` (default 6000) and
 * `zookeeper.connection.timeout.ms` (6000), then the group's connector, which opens a new session
 * the same way when this one expires (Kafka 0.8's handleNewSession: register again, rebalance).
 * The caller closes `store` after `connector.shutdown()`.
 * Errors: the store's connection errors (KTS_ERR_ZK_*), ConsumerConfig errors (KTS_ERR_ZK_CONSUMER_CONFIG).
 */
export async function openConnector(kafkaParams: ReceiverKafkaParams, logger?: StreamingLogger): Promise<{ store: CoordinationStore; connector: ZookeeperConsumerConnector }> {
  const zk = kafkaParams['zookeeper.connect'];
  if (typeof zk !== 'string' || zk.length === 0) throw new Error('Missing required Kafka parameter zookeeper.connect');
  const connectionTimeoutMs = Number(kafkaParams['zookeeper.connection.timeout.ms'] ?? 6000);
  const factory: CoordinationStoreFactory = (opts) => connectCoordinationStore(zk, { ...opts, connectionTimeoutMs });
  const store = await factory({ sessionTimeoutMs: Number(kafkaParams['zookeeper.session.timeout.ms'] ?? 6000) });
  try {
    return { store, connector: new ZookeeperConsumerConnector(store, kafkaParams, { reconnect: factory, ...(logger ? { logger } : {}) }) };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** The offsets of a chunk added to the block generator: one partition, `[fromOffset, lastOffset]`. */
interface ChunkMetadata {
  topic: string;
  partition: number;
  fromOffset: number;
  lastOffset: number;
}

/** One partition's offsets seen since the last block: first and last offset received. */
interface PartitionSpan {
  topic: string;
  partition: number;
  fromOffset: number;
  lastOffset: number;
}

/** The Kafka offsets a block's records came from, per partition. */
export interface KafkaBlockRange {
  topic: string;
  partition: number;
  /** First offset of the partition's records in the block (inclusive). */
  fromOffset: number;
  /** One past the last (exclusive): the next offset to read. */
  untilOffset: number;
}

/** Metadata of a block stored by a Kafka receiver: where its records came from. */
export interface KafkaBlockMetadata {
  ranges: KafkaBlockRange[];
}

/**
 * What Spark's two kafka-0-8 receivers share: a ZookeeperConsumerConnector with one message
 * handler per consumer thread (`topics`: topic → number of threads) adding each fetched chunk of
 * messages with its offsets to the receiver's own BlockGenerator (block interval, block queue, rate
 * limit and backpressure of the supervisor); per block, the offsets of its records
 * ({@link KafkaBlockMetadata}) are snapshotted when the block is cut (`onGenerateBlock`) and stored
 * with it. Subclasses decide when offsets are committed.
 */
abstract class KafkaReceiverBase extends Receiver<KafkaPair> {
  protected connector: ZookeeperConsumerConnector | undefined;
  private zkStore: CoordinationStore | undefined;
  private handlers: Promise<void>[] = [];
  private generator: BlockGenerator<KafkaPair> | undefined;
  /** Offsets received since the last block, by "topic-partition" (Spark's topicPartitionOffsetMap). */
  private spans = new Map<string, PartitionSpan>();
  /** Offsets of generated blocks not yet pushed, by block id (Spark's blockOffsetMap). */
  private readonly blockOffsets = new Map<string, KafkaBlockRange[]>();

  constructor(
    readonly kafkaParams: ReceiverKafkaParams,
    readonly topics: Record<string, number>,
    storageLevel?: StorageLevel,
  ) {
    super(storageLevel);
  }

  /** The Kafka params given to the connector. */
  protected connectorParams(): ReceiverKafkaParams {
    return { ...this.kafkaParams };
  }

  /** Store a pushed block; `ranges` are the offsets of its records. */
  protected abstract pushBlock(items: KafkaPair[], ranges: KafkaBlockRange[]): Promise<void>;

  override async onStart(): Promise<void> {
    const params = this.connectorParams();
    this.spans = new Map();
    this.blockOffsets.clear();
    const gen = this.supervisor.createBlockGenerator<KafkaPair>({
      onAddData: (_data, metadata) => {
        const c = metadata as ChunkMetadata;
        const key = `${c.topic}-${c.partition}`;
        const s = this.spans.get(key);
        if (s) s.lastOffset = c.lastOffset;
        else this.spans.set(key, { topic: c.topic, partition: c.partition, fromOffset: c.fromOffset, lastOffset: c.lastOffset });
      },
      onGenerateBlock: (blockId) => {
        this.blockOffsets.set(String(blockId), [...this.spans.values()].map((s) => ({ topic: s.topic, partition: s.partition, fromOffset: s.fromOffset, untilOffset: s.lastOffset + 1 })));
        this.spans = new Map();
      },
      onPushBlock: async (blockId, items) => {
        const ranges = this.blockOffsets.get(String(blockId)) ?? [];
        this.blockOffsets.delete(String(blockId));
        await this.pushBlock(items, ranges);
      },
      onError: (message, err) => this.reportError(message, err),
    });
    this.generator = gen;
    gen.start();
    const { store, connector } = await openConnector(params, this.supervisor.logger);
    this.zkStore = store;
    this.connector = connector;
    // a failed group (e.g. rebalance retries exhausted): Spark's receivers restart on such errors
    connector.on('error', (err) => this.restart('Error in the consumer group', err));
    const streams = await connector.createMessageStreams(this.topics);
    for (const list of streams.values()) for (const s of list) this.handlers.push(this.handle(s, gen));
  }

  /**
   * One consumer thread's message handler: each fetched chunk (one partition's messages in offset
   * order) is decoded and added at once with its offsets (`addMultipleDataWithCallback`: rate limited
   * per record, then buffered together, so a chunk lands in one block).
   */
  private async handle(stream: KafkaStream, gen: BlockGenerator<KafkaPair>): Promise<void> {
    try {
      for (;;) {
        const ms = await stream.nextChunk();
        if (ms === undefined) return;
        const items = new Array<KafkaPair>(ms.length);
        for (let i = 0; i < ms.length; i++) items[i] = [decodeUtf8(ms[i]!.key), decodeUtf8(ms[i]!.message)];
        const first = ms[0]!;
        const meta: ChunkMetadata = { topic: first.topic, partition: first.partition, fromOffset: first.offset, lastOffset: ms[ms.length - 1]!.offset };
        await gen.addMultipleDataWithCallback(items, meta);
      }
    } catch (err) {
      if (!this.isStopped()) this.reportError('Error handling message', err);
    }
  }


  /**
   * Stop: the connector first (no more messages; its ownership is released), then the block
   * generator, which pushes the blocks still queued (stored, and for the reliable receiver their
   * offsets committed), then the store session.
   */
  override async onStop(): Promise<void> {
    const c = this.connector;
    if (c) await c.shutdown();
    await Promise.allSettled(this.handlers);
    this.handlers = [];
    await this.generator?.stop();
    this.generator = undefined;
    this.connector = undefined;
    const s = this.zkStore;
    this.zkStore = undefined;
    if (s) await s.close();
  }

  /** The group's current coordination-store session (for offset commits; a new one after an expiry). */
  protected get coordinationStore(): CoordinationStore | undefined {
    return this.connector?.store ?? this.zkStore;
  }
}

/**
 * Spark's `KafkaReceiver` (kafka-0-8, KafkaInputDStream.scala): the plain receiver used when the
 * receiver write-ahead log is off. Offsets are committed by the consumer group's own auto-commit
 * (`auto.commit.enable` true, `auto.commit.interval.ms` 60000 by default) whatever happened to
 * the data, and blocks are kept in memory only, so a crash loses what was received but not yet
 * processed (Spark's documented weaker guarantee). Unlike Spark's (which calls `store(item)`), its
 * blocks carry their Kafka offsets as metadata, so that the loss can be measured.
 */
export class KafkaReceiver extends KafkaReceiverBase {
  protected override async pushBlock(items: KafkaPair[], ranges: KafkaBlockRange[]): Promise<void> {
    await this.storeBlock(items, { ranges } satisfies KafkaBlockMetadata);
  }
}

/**
 * Spark's `ReliableKafkaReceiver` (kafka-0-8, ReliableKafkaReceiver.scala), used when
 * `spark.streaming.receiver.writeAheadLog.enable` is true: no data loss, at-least-once.
 * - `auto.commit.enable` is forced to false (with Spark's warning);
 * - each pushed block is stored — written to the write-ahead log and reported to the
 *   ReceivedBlockTracker — with up to 4 tries, and only then are its offsets written to
 *   `/consumers/<group>/offsets/<topic>/<partition>`. Failure to store stops the receiver with
 *   "Error while storing block into Spark"; failure to write an offset is only warned about (the
 *   data is safe; its records will be received again).
 * Offsets convention: the stored offset is the **next offset to read** (last offset + 1), Kafka's
 * convention. Spark wrote the offset of the last stored message, which re-delivers one message per
 * partition after every restart; this port does not.
 */
export class ReliableKafkaReceiver extends KafkaReceiverBase {
  protected override connectorParams(): ReceiverKafkaParams {
    const params = super.connectorParams();
    const ac = params['auto.commit.enable'];
    if (ac === true || ac === 'true') {
      this.supervisor.logger.warn('auto.commit.enable should be set to false in ReliableKafkaReceiver, otherwise we will manually set it to false to turn off auto offset commit in Kafka');
    }
    params['auto.commit.enable'] = false;
    return params;
  }

  /** Spark's storeBlockAndCommitOffset: store with up to 4 tries, then commit the block's offsets. */
  protected override async pushBlock(items: KafkaPair[], ranges: KafkaBlockRange[]): Promise<void> {
    let lastError: unknown;
    let pushed = false;
    for (let count = 0; !pushed && count <= 3; count++) {
      try {
        await this.storeBlock(items, { ranges } satisfies KafkaBlockMetadata);
        pushed = true;
      } catch (err) {
        lastError = err;
      }
    }
    if (!pushed) {
      this.stop('Error while storing block into Spark', lastError);
      return;
    }
    await this.commitOffset(ranges);
  }

  private async commitOffset(ranges: KafkaBlockRange[]): Promise<void> {
    const store = this.coordinationStore;
    if (!store || ranges.length === 0) return;
    const groupId = String(this.kafkaParams['group.id']);
    for (const r of ranges) {
      try {
        await writeOffset(store, new ZKGroupTopicDirs(groupId, r.topic), r.partition, r.untilOffset);
        this.supervisor.logger.info(`Committed offset ${r.untilOffset} for topic ${r.topic}, partition ${r.partition}`);
      } catch (err) {
        this.supervisor.logger.warn(`Exception during commit offset ${r.untilOffset} for topic ${r.topic}, partition ${r.partition}: ${(err as Error).message}`);
      }
    }
  }
}
