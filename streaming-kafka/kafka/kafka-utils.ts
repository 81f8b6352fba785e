import type { StreamingContext } from '../context/streaming-context.js';
import type { ConsumerStrategy, LocationStrategy } from './consumer-strategies.js';
import { DirectKafkaInputDStream } from './direct-kafka-input-dstream.js';
import type { StorageLevel } from '../receiver/receiver.js';
import { KafkaInputDStream } from './kafka-input-dstream.js';
import type { ReceiverKafkaParams } from './kafka-receiver.js';

/** `bootstrap.servers` of the short form of createStream: Kafka's default listener. */
export const DEFAULT_RECEIVER_BOOTSTRAP_SERVERS = 'localhost:9092';

/**
 * Spark's `KafkaUtils`: the Direct stream of kafka-0-10 (kafka010/KafkaUtils.scala) and the
 * Receiver stream of kafka-0-8 (kafka/KafkaUtils.scala).
 */
export const KafkaUtils = {
  /**
   * Spark's `createDirectStream(ssc, locationStrategy, consumerStrategy)`: a Direct Kafka stream
   * of ConsumerRecords; each batch reads exactly its offset ranges (see DirectKafkaInputDStream).
   */
  createDirectStream(ssc: StreamingContext, options: { locationStrategy?: LocationStrategy; consumerStrategy: ConsumerStrategy }): DirectKafkaInputDStream {
    return new DirectKafkaInputDStream(ssc, options.consumerStrategy);
  },

  /**
   * Spark's kafka-0-8 `createStream`: a Receiver-based Kafka stream of `[key, value]` pairs
   * (UTF-8 strings) read by a ZooKeeper-style consumer group (Kafka 0.8's high-level consumer).
   * Two forms, as Spark:
   * - `createStream(ssc, zkQuorum, groupId, topics, storageLevel?)`: `zkQuorum` is a ZooKeeper
   *   connect string ("host:port[,host:port][/chroot]") or the directory of the embedded
   *   coordination store (see zk/connect.ts); Kafka params `zookeeper.connect = zkQuorum`,
   *   `group.id = groupId`, `zookeeper.connection.timeout.ms = 10000` (as Spark), and
   *   `bootstrap.servers = localhost:9092` (Kafka 0.8 consumers found the brokers registered in
   *   ZooKeeper; our broker does not register there, so the short form assumes Kafka's default
   *   listener: use the second form to name the brokers);
   * - `createStream(ssc, kafkaParams, topics, storageLevel?)` with `zookeeper.connect`, `group.id`,
   *   `bootstrap.servers` and any Kafka 0.8 consumer key (`auto.offset.reset` smallest|largest...).
   * `topics` maps each topic to its number of consumer threads (threads share the topic's
   * partitions by Kafka 0.8's range assignment over all threads of the group). `storageLevel`
   * defaults to MEMORY_AND_DISK_SER_2. Several streams may be unioned (`ssc.union`) to receive in
   * parallel. With `spark.streaming.receiver.writeAheadLog.enable` the receiver is Spark's
   * ReliableKafkaReceiver (write-ahead log, then offsets committed: at-least-once); otherwise the
   * plain KafkaReceiver (auto-commit: data may be lost on failure).
   * Errors: `Error` when `zookeeper.connect`, `group.id` or `bootstrap.servers` is missing or a
   * thread count is not a positive integer.
   */
  createStream(ssc: StreamingContext, ...args: [zkQuorum: string, groupId: string, topics: Record<string, number>, storageLevel?: StorageLevel] | [kafkaParams: ReceiverKafkaParams, topics: Record<string, number>, storageLevel?: StorageLevel]): KafkaInputDStream {
    let kafkaParams: ReceiverKafkaParams;
    let topics: Record<string, number>;
    let storageLevel: StorageLevel | undefined;
    if (typeof args[0] === 'string') {
      const [zkQuorum, groupId, t, level] = args as [string, string, Record<string, number>, StorageLevel?];
      kafkaParams = { 'zookeeper.connect': zkQuorum, 'group.id': groupId, 'zookeeper.connection.timeout.ms': '10000', 'bootstrap.servers': DEFAULT_RECEIVER_BOOTSTRAP_SERVERS };
      topics = t;
      storageLevel = level;
    } else {
      const [params, t, level] = args as [ReceiverKafkaParams, Record<string, number>, StorageLevel?];
      kafkaParams = { 'zookeeper.connection.timeout.ms': '10000', ...params };
      topics = t;
      storageLevel = level;
    }
    for (const k of ['zookeeper.connect', 'group.id', 'bootstrap.servers']) {
      if (kafkaParams[k] === undefined || kafkaParams[k] === '') throw new Error(`Missing required Kafka parameter ${k}`);
    }
    const reliable = ssc.conf.getBoolean('spark.streaming.receiver.writeAheadLog.enable', false);
    return new KafkaInputDStream(ssc, kafkaParams, topics, reliable, storageLevel);
  },
};
