/**
 * OffsetFetcher (Kafka's `OffsetFetcher`): ListOffsets lookups by timestamp, grouped by partition
 * leader, retried after a metadata refresh on NOT_LEADER_OR_FOLLOWER and the other retriable errors
 * until the timeout. Timestamps: -2 = earliest (log start offset), -1 = latest (high watermark, or
 * the last stable offset with read_committed), ≥ 0 = the first offset whose timestamp is ≥ it (ms).
 *
 * Errors: KafkaProtocolError with Kafka's names (UNKNOWN_TOPIC_OR_PARTITION when the topic does not
 * exist, TOPIC_AUTHORIZATION_FAILED...); REQUEST_TIMED_OUT (Kafka's TimeoutException) when retriable
 * errors last past the timeout.
 */
import { KafkaProtocolError } from '../errors.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { Apis, errorByCode } from '../protocol/index.js';
import type { ConsumerConfig } from './consumer-config.js';

/** Kafka's ListOffsetsRequest.EARLIEST_TIMESTAMP. */
export const EARLIEST_TIMESTAMP = -2;
/** Kafka's ListOffsetsRequest.LATEST_TIMESTAMP. */
export const LATEST_TIMESTAMP = -1;

/** One ListOffsets answer: offset and timestamp (ms; -1 for earliest/latest), leader epoch. */
export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
  leaderEpoch: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** See the module comment. */
export class OffsetFetcher {
  constructor(
    private readonly cluster: KafkaCluster,
    private readonly config: ConsumerConfig,
  ) {}

  /**
   * Look up offsets; the result is keyed `${topic}-${partition}`, null where no offset matches the
   * timestamp. `timeoutMs` bounds the retries (default `default.api.timeout.ms`). Errors: see module.
   */
  async listOffsets(query: { topic: string; partition: number; timestamp: number }[], timeoutMs = this.config.defaultApiTimeoutMs): Promise<Map<string, OffsetAndTimestamp | null>> {
    const deadline = Date.now() + timeoutMs;
    const result = new Map<string, OffsetAndTimestamp | null>();
    let todo = query;
    let lastError: Error | undefined;
    for (;;) {
      const byNode = new Map<number, typeof query>();
      const retry: typeof query = [];
      for (const q of todo) {
        try {
          const leader = await this.cluster.leaderFor(q.topic, q.partition);
          let l = byNode.get(leader.nodeId);
          if (!l) byNode.set(leader.nodeId, (l = []));
          l.push(q);
        } catch (e) {
          const err = e as KafkaProtocolError;
          if (!err.retriable) throw e;
          lastError = err;
          retry.push(q);
        }
      }
      await Promise.all(
        [...byNode].map(async ([node, qs]) => {
          try {
            await this.listFrom(node, qs, result, retry);
          } catch (e) {
            const err = e as KafkaProtocolError;
            if (err.retriable === false) throw e;
            lastError = err;
            retry.push(...qs);
          }
        }),
      );
      if (retry.length === 0) return result;
      if (Date.now() + this.config.retryBackoffMs > deadline) {
        throw new KafkaProtocolError('REQUEST_TIMED_OUT', `Failed to get offsets by times in ${timeoutMs}ms (TimeoutException)${lastError ? `: ${lastError.message}` : ''}`);
      }
      for (const q of retry) this.cluster.metadata.invalidate(q.topic);
      await sleep(this.config.retryBackoffMs);
      todo = retry;
    }
  }

  private async listFrom(node: number, qs: { topic: string; partition: number; timestamp: number }[], result: Map<string, OffsetAndTimestamp | null>, retry: typeof qs): Promise<void> {
    const conn = await this.cluster.connectionTo(node);
    const v = conn.versionFor(Apis.ListOffsets);
    if (v === undefined || v < 1) throw new KafkaProtocolError('UNSUPPORTED_VERSION', `${conn.address} does not support ListOffsets v1+`);
    const topics = new Map<string, { name: string; partitions: any[] }>();
    for (const q of qs) {
      let t = topics.get(q.topic);
      if (!t) topics.set(q.topic, (t = { name: q.topic, partitions: [] }));
      t.partitions.push({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: q.timestamp });
    }
    const r = await conn.request(Apis.ListOffsets, { replicaId: -1, ...(v >= 2 ? { isolationLevel: this.config.isolationLevel } : {}), topics: [...topics.values()] } as any, { version: v });
    const byKey = new Map(qs.map((q) => [`${q.topic}-${q.partition}`, q]));
    for (const t of r.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}-${p.partitionIndex}`;
        const q = byKey.get(key);
        if (!q) continue;
        byKey.delete(key);
        if (p.errorCode !== 0) {
          if (errorByCode(p.errorCode)?.retriable) retry.push(q);
          else throw new KafkaProtocolError(p.errorCode, `ListOffsets ${key}`);
          continue;
        }
        result.set(key, p.offset < 0 ? null : { offset: p.offset, timestamp: p.timestamp, leaderEpoch: p.leaderEpoch });
      }
    }
    retry.push(...byKey.values());
  }
}
