/**
 * Helpers of the consumer-group tests (zk-consumer-*.test.ts): topics and records on the real
 * in-process broker through our client, a background collector of stream messages, and waiting.
 */
import { AdminClient, KafkaConsumer, KafkaProducer } from '../../client/index.js';
import type { KafkaStream, MessageAndMetadata } from '../../streaming-kafka/consumer-group/index.js';

/** Create a topic with `partitions` partitions. */
export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = new AdminClient({ 'bootstrap.servers': bootstrap });
  try {
    await admin.createTopics([{ name: topic, numPartitions: partitions, replicationFactor: 1 }]);
  } finally {
    await admin.close();
  }
}

/** A producer that writes `<tag>p<partition>-<i>` values to explicit partitions. */
export function producer(bootstrap: string): { send(topic: string, partitions: number, perPartition: number, tag?: string): Promise<void>; close(): Promise<void> } {
  const p = new KafkaProducer({ 'bootstrap.servers': bootstrap, 'linger.ms': 2 });
  return {
    async send(topic, partitions, perPartition, tag = '') {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < perPartition; i++) for (let part = 0; part < partitions; part++) sends.push(p.send({ topic, partition: part, key: `k${i}`, value: `${tag}p${part}-${i}` }));
      await Promise.all(sends);
    },
    close: () => p.close(),
  };
}

/** The log end offsets of a topic's partitions. */
export async function endOffsets(bootstrap: string, topic: string, partitions: number): Promise<number[]> {
  const c = new KafkaConsumer({ 'bootstrap.servers': bootstrap });
  try {
    const m = await c.endOffsets(Array.from({ length: partitions }, (_, p) => ({ topic, partition: p })));
    return Array.from({ length: partitions }, (_, p) => m.get(`${topic}-${p}`)!);
  } finally {
    await c.close();
  }
}

/** Messages read from streams by background loops (until the streams end or fail). */
export interface Collector {
  messages: (MessageAndMetadata & { threadId: string; reader: string })[];
  errors: Error[];
  /** Resolves when every loop ended. */
  done: Promise<void>;
}

/** Iterate every stream in the background, recording each message with its thread and `reader` label. */
export function collect(streams: Iterable<KafkaStream>, reader = ''): Collector {
  const c: Collector = { messages: [], errors: [], done: Promise.resolve() };
  const loops: Promise<void>[] = [];
  for (const s of streams) {
    loops.push(
      (async () => {
        try {
          for await (const m of s) c.messages.push({ ...m, threadId: s.threadId, reader });
        } catch (e) {
          c.errors.push(e as Error);
        }
      })(),
    );
  }
  c.done = Promise.all(loops).then(() => undefined);
  return c;
}

/** Poll `probe` every 10 ms until it returns a value other than undefined/false, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A logger that drops info and keeps warnings/errors for inspection. */
export function quietLogger(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void } {
  const lines: string[] = [];
  return { lines, info: () => {}, warn: (m) => void lines.push(`WARN ${m}`), error: (m) => void lines.push(`ERROR ${m}`) };
}
