/**
 * Helpers of the consumer tests: a shared in-process broker per test file, kafkajs (producer/admin)
 * on it, and small utilities (waitFor, topic creation, reading until a count).
 */
import { Kafka, logLevel } from 'kafkajs';
import { KafkaConsumer } from '../../client/consumer/index.js';
import type { ConsumerRecord } from '../../client/consumer/index.js';
import type { ClientProperties } from '../../client/config.js';

/** kafkajs on a broker, quiet. */
export function kafkajs(bootstrap: string): Kafka {
  return new Kafka({ clientId: 'consumer-tests', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

/** Create topics with kafkajs's admin. */
export async function createTopics(kafka: Kafka, topics: { topic: string; numPartitions?: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Poll until `cond` holds or `timeoutMs` passes. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Poll `consumer` until it returned `count` records (or `timeoutMs`). */
export async function readN(consumer: KafkaConsumer, count: number, timeoutMs = 10_000): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const t0 = Date.now();
  while (out.length < count) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`read ${out.length} of ${count} records in ${timeoutMs} ms`);
    out.push(...(await consumer.poll(200)));
  }
  return out;
}

/** A consumer with test-friendly settings (short waits). */
export function consumer(bootstrap: string, props: ClientProperties = {}): KafkaConsumer {
  return new KafkaConsumer({ 'bootstrap.servers': bootstrap, 'fetch.max.wait.ms': 100, 'retry.backoff.ms': 50, ...props });
}
