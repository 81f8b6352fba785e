/**
 * Child program of the consumer crash test: a group member that reads slowly and commits after
 * every poll (`enable.auto.commit=false`), printing one JSON line per commit:
 * `{"assigned":[...]}` after each assignment and `{"committed":{"topic-p":offset,...}}` after each commit.
 * Usage: node consumer-child.mjs <bootstrap> <group> <topic>. Killed with SIGKILL by the test.
 */
import { KafkaConsumer } from '../../client/consumer/index.js';

const [bootstrap, groupId, topic] = process.argv.slice(2) as [string, string, string];
const consumer = new KafkaConsumer({
  'bootstrap.servers': bootstrap,
  'group.id': groupId,
  'enable.auto.commit': false,
  'auto.offset.reset': 'earliest',
  'session.timeout.ms': 1000,
  'heartbeat.interval.ms': 100,
  'max.poll.records': 5,
  'fetch.max.wait.ms': 100,
  'retry.backoff.ms': 50,
});
consumer.subscribe([topic], {
  onPartitionsAssigned: (tps) => console.log(JSON.stringify({ assigned: tps.map((t) => `${t.topic}-${t.partition}`) })),
});
for (;;) {
  const records = await consumer.poll(500);
  if (records.length === 0) continue;
  await new Promise((r) => setTimeout(r, 30)); // "processing"
  await consumer.commit();
  const committed: Record<string, number> = {};
  for (const r of records) committed[`${r.topic}-${r.partition}`] = r.offset + 1;
  console.log(JSON.stringify({ committed }));
}
