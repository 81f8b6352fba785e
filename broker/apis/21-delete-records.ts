/**
 * DeleteRecords: v0-2
 *
 * Behaviour: moves each partition's log start offset up to the given offset (-1 = the high
 * watermark), persists it and deletes the segments wholly below it, then answers the new log start
 * offset as `lowWatermark` (unchanged when the offset is at or below it). Per-partition errors, with
 * lowWatermark -1: UNKNOWN_TOPIC_OR_PARTITION (3) for a topic or partition this broker does not have,
 * OFFSET_OUT_OF_RANGE (1) for an offset above the high watermark or negative (other than -1),
 * POLICY_VIOLATION (44) when the topic's cleanup.policy does not include `delete` (a compacted topic).
 * `timeoutMs` is not waited on: with one replica the low watermark is known at once.
 *
 * Version notes: v1 answers before throttling on a quota violation; v2 is flexible.
 *
 * Source: Kafka 3.8.0 `ReplicaManager.deleteRecordsOnLocalLog`, `UnifiedLog.maybeIncrementLogStartOffset`,
 * `DeleteRecordsResponse.INVALID_LOW_WATERMARK`.
 */
import { KafkaProtocolError } from '../../client/errors.js';
import { Apis } from '../../client/protocol/index.js';
import { deletesByRetention } from '../log/index.js';
import { defineHandler, type BrokerContext } from '../server/types.js';
import { apiErrorOf } from './admin/api-error.js';

/** lowWatermark of a partition in error (Kafka's DeleteRecordsResponse.INVALID_LOW_WATERMARK). */
export const INVALID_LOW_WATERMARK = -1;

async function deleteBefore(broker: BrokerContext, topic: string, partition: number, offset: number): Promise<number> {
  const log = broker.metadata.topic(topic) ? broker.logManager.getLog({ topic, partition }) : undefined;
  if (!log) throw new KafkaProtocolError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
  if (!deletesByRetention(log.config)) throw new KafkaProtocolError('POLICY_VIOLATION', `Records of partition ${topic}-${partition} can not be deleted due to the configured policy`);
  if (offset < 0 && offset !== -1) throw new KafkaProtocolError('OFFSET_OUT_OF_RANGE', `The offset ${offset} for partition ${topic}-${partition} is not valid`);
  return log.deleteRecordsBefore(offset);
}

export const handler = defineHandler(Apis.DeleteRecords, '0-2', async (req, ctx) => {
  const topics = [];
  for (const t of req.topics) {
    const partitions = [];
    for (const p of t.partitions) {
      try {
        const lowWatermark = await deleteBefore(ctx.broker, t.name, p.partitionIndex, p.offset);
        partitions.push({ partitionIndex: p.partitionIndex, lowWatermark, errorCode: 0 });
      } catch (e) {
        partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: INVALID_LOW_WATERMARK, errorCode: apiErrorOf(e, ctx.broker, 'DeleteRecords').errorCode });
      }
    }
    topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
});
