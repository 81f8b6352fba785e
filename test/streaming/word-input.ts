/**
 * The input of the word-count crash tests: `perPartition` lines of 1–4 words from `vocab` in each of
 * `partitions` partitions of a new topic, produced with kafkajs (10,000 per send), the words drawn
 * with `rnd` (a seeded PRNG of test/helpers/prng.ts, which the caller may go on using: every run has
 * the same input and the same kill moments). Returns the exact word counts of the input.
 */
import type { Kafka } from 'kafkajs';
import { createTopics } from '../client/consumer-helpers.js';

export async function produceWordLines(kafka: Kafka, topic: string, o: { partitions: number; perPartition: number; rnd: () => number; vocab: string[] }): Promise<Map<string, number>> {
  await createTopics(kafka, [{ topic, numPartitions: o.partitions }]);
  const rnd = o.rnd;
  const expected = new Map<string, number>();
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let p = 0; p < o.partitions; p++) {
      for (let start = 0; start < o.perPartition; start += 10_000) {
        const messages = [];
        for (let i = start; i < Math.min(o.perPartition, start + 10_000); i++) {
          const n = 1 + Math.floor(rnd() * 4);
          const words = Array.from({ length: n }, () => o.vocab[Math.floor(rnd() * o.vocab.length)]!);
          for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
          messages.push({ partition: p, value: words.join(' ') });
        }
        await producer.send({ topic, messages });
      }
    }
  } finally {
    await producer.disconnect();
  }
  return expected;
}
