import type { StreamingContext } from '../context/streaming-context.js';
import { ReceiverInputDStream } from '../dstream/receiver-input-dstream.js';
import type { Receiver, StorageLevel } from '../receiver/receiver.js';
import { KafkaReceiver, ReliableKafkaReceiver, type KafkaPair, type ReceiverKafkaParams } from './kafka-receiver.js';

/**
 * Spark's `KafkaInputDStream` (kafka-0-8): the Receiver-based Kafka stream of `(key, value)` pairs.
 * Its receiver is a {@link ReliableKafkaReceiver} when `spark.streaming.receiver.writeAheadLog.enable`
 * is true (blocks written to the write-ahead log before their offsets are committed: at-least-once,
 * no loss), otherwise a {@link KafkaReceiver} (offsets auto-committed: received data may be lost
 * on a crash). Each batch holds every block received since the previous batch.
 * Name (Spark's rule): "Kafka stream [id]".
 */
export class KafkaInputDStream extends ReceiverInputDStream<KafkaPair> {
  constructor(
    ssc: StreamingContext,
    readonly kafkaParams: ReceiverKafkaParams,
    readonly topics: Record<string, number>,
    readonly useReliableReceiver: boolean,
    readonly storageLevel: StorageLevel = 'MEMORY_AND_DISK_SER_2',
  ) {
    super(ssc);
    for (const [t, n] of Object.entries(topics)) {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`number of threads for topic ${t} must be a positive integer, got ${n}`);
    }
  }

  override getReceiver(): Receiver<KafkaPair> {
    return this.useReliableReceiver
      ? new ReliableKafkaReceiver(this.kafkaParams, this.topics, this.storageLevel)
      : new KafkaReceiver(this.kafkaParams, this.topics, this.storageLevel);
  }
}
