/**
 * kafkajs 2.2.4 perf driver for scripts/bench-client.ts, run as its own process so its CPU is
 * measured alone: `node kafkajs-perf.js produce|consume BOOTSTRAP TOPIC N [SIZE]`. produce: N records
 * of SIZE bytes in `send` calls of 1,000 messages, 8 in flight, acks -1; consume: a consumer group
 * reading from the beginning with eachBatch until N records arrived. Prints one JSON line
 * {"records", "seconds"} (seconds of the timed part: first send to last ack, first batch to last).
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const [mode, bootstrap, topic, nText, sizeText] = process.argv.slice(2) as [string, string, string, string, string?];
const n = Number(nText);
const kafka = new Kafka({ clientId: 'bench-client-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });

if (mode === 'produce') {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(Number(sizeText ?? 100), 0x78);
  const batch = Array.from({ length: 1000 }, () => ({ value }));
  const t0 = performance.now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (sent < n) {
    const count = Math.min(1000, n - sent);
    sent += count;
    const p: Promise<unknown> = producer.send({ topic, acks: -1, messages: count === 1000 ? batch : batch.slice(0, count) }).then((): void => {
      inFlight.delete(p);
    });
    inFlight.add(p);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  console.log(JSON.stringify({ records: n, seconds }));
} else {
  const consumer = kafka.consumer({ groupId: `bench-client-kafkajs-${Date.now()}`, maxBytes: 52428800 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let got = 0;
  let t0 = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (t0 === 0) t0 = performance.now();
        got += batch.messages.length;
        if (got >= n) resolve(performance.now());
      },
    });
  });
  const t1 = await done;
  await consumer.disconnect();
  console.log(JSON.stringify({ records: got, seconds: (t1 - t0) / 1000 }));
}
