/**
 * Helpers of the HTTP tests: an in-process broker with its HTTP server on 127.0.0.1:0 (never 8080),
 * and real traffic made with kafkajs: a topic produced to, a consumer group that consumed and
 * committed part of it and then paused (a Stable group whose member stays, with a known lag).
 */
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import type { BrokerHttpServer } from '../../broker/http/http-server.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';

/** A test broker with its HTTP server. */
export interface HttpTestBroker extends TestBroker {
  /** `http://127.0.0.1:<port>` */
  http: string;
  httpServer: BrokerHttpServer;
}

/** Start an in-process broker with HTTP on 127.0.0.1:0; `props` are more server.properties keys. */
export async function startHttpBroker(props: Record<string, string | number | boolean> = {}): Promise<HttpTestBroker> {
  const b = await startBroker({ 'http.enabled': true, 'http.listeners': 'http://127.0.0.1:0', ...props });
  return { ...b, http: b.server.httpAddress!, httpServer: b.server.http! };
}

/** Poll `cond` every 50 ms until it holds; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const t0 = Date.now();
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What makeTraffic leaves running (disconnect it at the end). */
export interface Traffic {
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  consumer: Consumer;
  /** Every message produced (consumed + lag). */
  produced: number;
  disconnect(): Promise<void>;
}

/**
 * With kafkajs: create `topic` with `partitions` partitions, produce `consumed` messages, consume them
 * all in group `groupId` (client id `clientId`) with commits, pause the consumer (it stays a member),
 * then produce `lag` more: the group is Stable with a lag of exactly `lag`.
 */
export async function makeTraffic(
  broker: TestBroker,
  o: { topic: string; partitions: number; groupId: string; clientId: string; consumed: number; lag: number },
): Promise<Traffic> {
  const kafka = new Kafka({ clientId: o.clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: o.groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: o.topic, numPartitions: o.partitions }], waitForLeaders: true });
  await producer.connect();
  const send = async (from: number, n: number) => {
    for (let i = from; i < from + n; i += 50) {
      const k = Math.min(50, from + n - i);
      await producer.send({ topic: o.topic, messages: Array.from({ length: k }, (_, j) => ({ key: `k${i + j}`, value: `message ${i + j} ${'x'.repeat(100)}` })) });
    }
  };
  await send(0, o.consumed);
  let seen = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => void seen++ });
  const committed = async () => {
    const offsets = await admin.fetchOffsets({ groupId: o.groupId, topics: [o.topic] });
    return offsets[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
  };
  await waitFor('the consumer to consume and commit everything', async () => seen >= o.consumed && (await committed()) >= o.consumed, 20_000);
  consumer.pause([{ topic: o.topic }]);
  await send(o.consumed, o.lag);
  return {
    kafka,
    admin,
    producer,
    consumer,
    produced: o.consumed + o.lag,
    async disconnect() {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    },
  };
}
