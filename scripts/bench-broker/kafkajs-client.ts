/**
 * kafkajs 2.2.4 driver for the broker benchmark: produce N records with several `producer.send` calls
 * in flight, and consume them back from the beginning with a consumer group (`consumer.run` with
 * `eachBatch`). Runs in the benchmark's own process (the broker is a separate process).
 */
import { Kafka, Partitioners, logLevel, type Consumer, type Message, type Producer } from 'kafkajs';

/** Options of a kafkajs produce run. */
export interface KafkajsProduceOptions {
  bootstrap: string;
  topic: string;
  /** Records to send. */
  records: number;
  /** Value size in bytes. */
  valueBytes: number;
  /** Messages per `producer.send` call. */
  batchSize: number;
  /** `producer.send` calls in flight at once. */
  inFlight: number;
  /** acks: -1 (all) or 1. */
  acks: number;
  /** Give up after this many milliseconds. */
  timeoutMs: number;
}

/** A timed kafkajs run: records moved and wall time (ms) of the timed part. */
export interface KafkajsRun {
  records: number;
  ms: number;
  /** For consume runs: ms from `consumer.run()` to the GROUP_JOIN event (not part of `ms`). */
  joinMs?: number;
}

/** A kafkajs client for one bootstrap address, its own logging off. */
function client(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

/** `p`, or a rejection once `ms` milliseconds passed. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/**
 * Produce `records` records of `valueBytes` bytes (no key: kafkajs's default partitioner spreads them
 * round-robin) in `producer.send` calls of `batchSize` messages, `inFlight` calls at a time. The timed
 * part runs from the first send to the last acknowledgement (connect excluded). Wall time in ms.
 */
export async function kafkajsProduce(o: KafkajsProduceOptions): Promise<KafkajsRun> {
  const producer: Producer = client(o.bootstrap, 'kafka-ts-bench-producer').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: false,
  });
  await withTimeout(producer.connect(), o.timeoutMs, 'kafkajs producer.connect');
  try {
    const value = Buffer.alloc(o.valueBytes, 0x78);
    const messages: Message[] = Array.from({ length: o.batchSize }, () => ({ value }));
    let remaining = o.records;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (remaining > 0) {
        const n = Math.min(o.batchSize, remaining);
        remaining -= n;
        await producer.send({ topic: o.topic, acks: o.acks, messages: n === o.batchSize ? messages : messages.slice(0, n) });
      }
    };
    await withTimeout(Promise.all(Array.from({ length: o.inFlight }, worker)), o.timeoutMs, 'kafkajs produce');
    return { records: o.records, ms: performance.now() - t0 };
  } finally {
    await withTimeout(producer.disconnect(), 10_000, 'kafkajs producer.disconnect').catch(() => undefined);
  }
}

/** Options of a kafkajs consume run. */
export interface KafkajsConsumeOptions {
  bootstrap: string;
  topic: string;
  groupId: string;
  /** Stop once this many records arrived. */
  records: number;
  /** Give up after this many milliseconds. */
  timeoutMs: number;
}

/**
 * Consume `topic` from the beginning with a new consumer group until `records` records arrived. The
 * timed part runs from the GROUP_JOIN event (partitions assigned) to the batch that completes the
 * count; the join itself is reported as joinMs. Wall times in ms.
 */
export async function kafkajsConsume(o: KafkajsConsumeOptions): Promise<KafkajsRun> {
  const consumer: Consumer = client(o.bootstrap, 'kafka-ts-bench-consumer').consumer({
    groupId: o.groupId,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    retry: { retries: 3 },
  });
  let tJoin: number | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => (tJoin ??= performance.now()));
  await withTimeout(consumer.connect(), o.timeoutMs, 'kafkajs consumer.connect');
  try {
    await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
    let count = 0;
    let resolveDone!: (ms: number) => void;
    let rejectDone!: (e: Error) => void;
    const done = new Promise<number>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    consumer.on(consumer.events.CRASH, (e) => rejectDone(new Error(`kafkajs consumer crashed: ${String(e.payload.error)}`)));
    const tRun = performance.now();
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        count += batch.messages.length;
        if (count >= o.records) resolveDone(performance.now());
      },
    });
    const tEnd = await withTimeout(done, o.timeoutMs, `kafkajs consume (${count} of ${o.records} records so far)`);
    const start = tJoin ?? tRun;
    return { records: count, ms: tEnd - start, joinMs: start - tRun };
  } finally {
    await withTimeout(consumer.disconnect(), 10_000, 'kafkajs consumer.disconnect').catch(() => undefined);
  }
}
