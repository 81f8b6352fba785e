/**
 * ListOffsets: v0-8
 *
 * Behaviour: per partition, the offset for a timestamp: -1 latest (the high watermark; for
 * read_committed the last stable offset, the same here without transactions), -2 earliest (the log
 * start offset), -3 the record with the largest timestamp (v7+), -4 the earliest local offset (v8+,
 * equal to -2 here: no tiered storage), any other value the first offset whose timestamp is at least
 * it (time index, then the batch's records), or offset -1 / timestamp -1 when there is none.
 * UNKNOWN_TOPIC_OR_PARTITION for a partition this broker does not host; UNKNOWN_LEADER_EPOCH /
 * FENCED_LEADER_EPOCH for a wrong current leader epoch (v4+).
 *
 * Version notes: v0 answers a list of offsets (`maxNumOffsets`, Kafka's old segment-boundary form):
 * this broker gives the one offset asked for. v1 returns a single timestamp and offset; v2 adds the
 * isolation level; v4 leader epochs; v6 is flexible; v7 allows -3; v8 -4.
 */
import { Apis, errorCode } from '../../client/protocol/index.js';
import { defineHandler } from '../server/types.js';
import { checkLeaderEpoch, errorCodeOf, findLog, LEADER_EPOCH } from './common.js';

export const handler = defineHandler(Apis.ListOffsets, '0-8', async (req, ctx) => {
  const v = ctx.apiVersion;
  const topics = [];
  for (const t of req.topics) {
    const partitions = [];
    for (const p of t.partitions) {
      const base = { partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: [] as number[], timestamp: -1, offset: -1, leaderEpoch: -1 };
      const log = findLog(ctx.broker, t.name, p.partitionIndex);
      if (!log) {
        partitions.push({ ...base, errorCode: errorCode('UNKNOWN_TOPIC_OR_PARTITION') });
        continue;
      }
      const epochError = checkLeaderEpoch(p.currentLeaderEpoch);
      if (epochError) {
        partitions.push({ ...base, errorCode: errorCode(epochError) });
        continue;
      }
      if ((p.timestamp === -3 && v < 7) || (p.timestamp === -4 && v < 8) || p.timestamp < -4) {
        partitions.push({ ...base, errorCode: errorCode('UNSUPPORTED_VERSION') });
        continue;
      }
      try {
        const found = await log.fetchOffsetByTimestamp(p.timestamp);
        if (v === 0) partitions.push({ ...base, oldStyleOffsets: found && p.maxNumOffsets > 0 ? [found.offset] : [] });
        else if (found) partitions.push({ ...base, timestamp: found.timestamp, offset: found.offset, leaderEpoch: found.offset >= 0 && v >= 4 ? LEADER_EPOCH : -1 });
        else partitions.push(base);
      } catch (e) {
        partitions.push({ ...base, errorCode: errorCodeOf(e, ctx.broker, 'ListOffsets').code });
      }
    }
    topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
});
