/**
 * Child program of zk-consumer-processes.test.ts: one member of a Kafka 0.8-style consumer group
 * (ZookeeperConsumerConnector.open on the embedded coordination store in directory argv[2], so it
 * re-opens its session after an expiry) reading topic argv[4] from the broker argv[3] in group
 * argv[5] with member id argv[6], session timeout argv[7] ms, one thread, auto.offset.reset
 * smallest, auto-commit every 200 ms (it commits what it read).
 *
 * Prints (one line each, written synchronously before the message's position can be committed):
 * - `ready <consumerId> <sessionId>` once its streams exist;
 * - `owns <p,p,...>` after each rebalance (its partitions, possibly none);
 * - `read <partition> <offset>` for every message handed out;
 * - `session <sessionId>` after it opened a new session (expiry);
 * - `error <code> <message>` for reported errors.
 * stdin: `block <ms>` busy-waits (no heartbeat: the session expires); `stop` shuts the connector down,
 * prints `stopped` and exits.
 */
import readline from 'node:readline';
import { ZookeeperConsumerConnector } from '../../streaming-kafka/consumer-group/index.js';
import { EmbeddedCoordinationStore } from '../../streaming-kafka/zk/index.js';

const [dir, bootstrap, topic, group, id, timeout] = process.argv.slice(2) as [string, string, string, string, string, string];
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const conn = await ZookeeperConsumerConnector.open(
  (o) => EmbeddedCoordinationStore.connect(dir, o),
  {
    'bootstrap.servers': bootstrap,
    'group.id': group,
    'consumer.id': id,
    'zookeeper.session.timeout.ms': Number(timeout),
    'auto.offset.reset': 'smallest',
    'auto.commit.enable': true,
    'auto.commit.interval.ms': 200,
    'rebalance.backoff.ms': 250,
    'rebalance.max.retries': 40,
    'fetch.wait.max.ms': 50,
  },
  {
    rebalanceListener: { afterStartingFetchers: (a) => out(`owns ${a.map((p) => p.partition).join(',')}`) },
    logger: {
      info: (m) => {
        if (m.includes('opened coordination-store session')) out(`session ${conn.store.sessionId}`);
      },
      warn: () => {},
      error: (m) => out(`error - ${m}`),
    },
  },
);
conn.on('error', (e) => out(`error ${(e as { code?: string }).code ?? '-'} ${e.message}`));
const streams = (await conn.createMessageStreams({ [topic]: 1 })).get(topic)!;
for (const s of streams) {
  void (async () => {
    for await (const m of s) out(`read ${m.partition} ${m.offset}`);
  })();
}
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.split(' ');
  if (cmd === 'block') {
    const until = Date.now() + Number(arg);
    while (Date.now() < until);
  } else if (cmd === 'stop') {
    void conn.shutdown().then(() => {
      out('stopped');
      process.exit(0);
    });
  }
});
out(`ready ${conn.consumerId} ${conn.store.sessionId}`);
