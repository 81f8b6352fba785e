/**
 * OffsetForLeaderEpoch: v0-4
 *
 * Behaviour: consumers (librdkafka, Java) ask for the end offset of a leader epoch to detect log
 * truncation after a leader change (KIP-320). This broker has one leader epoch, 0, for every
 * partition's whole log: epoch 0 ends at the log end offset; a later epoch is unknown (epoch -1,
 * offset -1, as Kafka's `endOffsetForEpoch`). UNKNOWN_TOPIC_OR_PARTITION for a partition not hosted
 * here, UNKNOWN_LEADER_EPOCH / FENCED_LEADER_EPOCH for a wrong current leader epoch (v2+).
 *
 * Version notes: v1 returns the epoch, v2 takes the current leader epoch, v3 a replica id, v4 is flexible.
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';
import { checkLeaderEpoch, findLog, LEADER_EPOCH } from './common.js';

export const handler = defineHandler(Apis.OffsetForLeaderEpoch, '0-4', (req, ctx) => ({
  throttleTimeMs: 0,
  topics: req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p) => {
      const log = findLog(ctx.broker, t.topic, p.partition);
      if (!log) return { errorCode: errorCode('UNKNOWN_TOPIC_OR_PARTITION'), partition: p.partition, leaderEpoch: -1, endOffset: -1 };
      const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
      if (epochError) return { errorCode: errorCode(epochError), partition: p.partition, leaderEpoch: -1, endOffset: -1 };
      if (p.leaderEpoch > LEADER_EPOCH) return { errorCode: 0, partition: p.partition, leaderEpoch: -1, endOffset: -1 };
      return { errorCode: 0, partition: p.partition, leaderEpoch: LEADER_EPOCH, endOffset: log.logEndOffset };
    }),
  })),
}));
