/**
 * A consumer's subscription (Kafka 0.8's `kafka.consumer.TopicCount` / `StaticTopicCount`): topic →
 * number of consumer threads, the thread ids it implies, and the JSON registered in the consumer's
 * node `/consumers/<group>/ids/<consumerId>`:
 * `{"version":1,"subscription":{"<topic>":<numThreads>,...},"pattern":"static","timestamp":"<ms>"}`
 * (Kafka 0.8's field order; the timestamp is a string of ms since the epoch).
 *
 * Consumer thread ids are `<consumerId>-<n>`, n = 0..numThreads-1 per topic (Kafka 0.8's
 * `ConsumerThreadId.toString`); they are ordered as strings (Kafka's `ConsumerThreadId.compare`
 * compares the `toString`s), so `c-10` sorts before `c-2`.
 * Only the `static` pattern is produced; registrations of wildcard consumers (`white_list`,
 * `black_list`) from other clients are not understood ({@link TopicCount.parse} returns null).
 */
import { InvalidConfigException } from './errors.js';

/** Kafka 0.8's `TopicCount.staticPattern`. */
export const STATIC_PATTERN = 'static';

/** `<consumerId>-<n>` (Kafka 0.8's `ConsumerThreadId`). */
export function consumerThreadId(consumerId: string, n: number): string {
  return `${consumerId}-${n}`;
}

/** Kafka's `Topic.legalChars` and maximum length. */
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** See the module comment. */
export class TopicCount {
  readonly pattern = STATIC_PATTERN;
  readonly topicCountMap: Readonly<Record<string, number>>;

  /**
   * @param consumerId the registered consumer id (`<group>_<uuid>`).
   * @param topicCountMap topic → number of threads (integer ≥ 1); topics are legal Kafka topic names.
   * Errors: InvalidConfigException (`KTS_ERR_ZK_CONSUMER_CONFIG`, key `topicCountMap`).
   */
  constructor(
    readonly consumerId: string,
    topicCountMap: Readonly<Record<string, number>>,
  ) {
    const entries = Object.entries(topicCountMap);
    if (entries.length === 0) throw new InvalidConfigException('topicCountMap', 'topicCountMap must name at least one topic');
    for (const [topic, n] of entries) {
      if (!LEGAL_TOPIC.test(topic) || topic === '.' || topic === '..') throw new InvalidConfigException('topicCountMap', `topic name ${JSON.stringify(topic)} is illegal (ASCII alphanumerics, '.', '_' and '-', at most 249 characters)`);
      if (!Number.isSafeInteger(n) || n < 1) throw new InvalidConfigException('topicCountMap', `number of threads for topic ${topic} must be an integer >= 1, got ${String(n)}`);
    }
    this.topicCountMap = Object.freeze({ ...topicCountMap });
  }

  /** topic → this consumer's thread ids for it, sorted (Kafka 0.8's `getConsumerThreadIdsPerTopic`). */
  getConsumerThreadIdsPerTopic(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [topic, n] of Object.entries(this.topicCountMap)) {
      out.set(topic, Array.from({ length: n }, (_, i) => consumerThreadId(this.consumerId, i)).sort());
    }
    return out;
  }

  /** The registration JSON (see the module comment); `timestampMs` defaults to now. */
  registrationData(timestampMs = Date.now()): string {
    return JSON.stringify({ version: 1, subscription: { ...this.topicCountMap }, pattern: this.pattern, timestamp: String(timestampMs) });
  }

  /**
   * The subscription registered by consumer `consumerId` (Kafka 0.8's `TopicCount.constructTopicCount`),
   * or null when `json` is not a static registration this port understands.
   */
  static parse(consumerId: string, json: string): TopicCount | null {
    try {
      const o = JSON.parse(json) as { subscription?: unknown; pattern?: unknown };
      if (o === null || typeof o !== 'object' || (o.pattern !== undefined && o.pattern !== STATIC_PATTERN)) return null;
      if (o.subscription === null || typeof o.subscription !== 'object') return null;
      const map: Record<string, number> = {};
      for (const [t, n] of Object.entries(o.subscription as Record<string, unknown>)) map[t] = Number(n);
      return new TopicCount(consumerId, map);
    } catch {
      return null;
    }
  }
}
