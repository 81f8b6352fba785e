/**
 * Child program of zk-zookeeper.test.ts: a member process on a real ZooKeeper server
 * (connect string argv[2], session timeout argv[3] ms, base path argv[4]). It creates the ephemeral
 * node <base>/group/ids/child ("hello"), watches <base>/group/config (exists watch, re-registered after
 * each event), prints each event as "event <type> <path>" and answers it by writing "saw <type>" into
 * its ephemeral node. On a stdin line "inc <n>" it increments <base>/counter n times by
 * compare-and-set (retrying on BadVersion) and prints "incdone <retries>". Session events print as
 * "session <state>"; after one it prints "state <KeeperState>" and "getData <code>" (or "getData ok")
 * for a read tried then. Prints "ready <sessionId>" once set up. Runs until killed.
 */
import readline from 'node:readline';
import { BadVersionException, CreateMode, EventType, NodeExistsException, ZooKeeperCoordinationStore, type WatchedEvent } from '../../streaming-kafka/zk/index.js';

const [connectString, timeout, base] = [process.argv[2]!, Number(process.argv[3]), process.argv[4]!];
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const zk: ZooKeeperCoordinationStore = await ZooKeeperCoordinationStore.connect(connectString, {
  sessionTimeoutMs: timeout,
  connectionTimeoutMs: 10_000,
  watcher: (e) => {
    out(`session ${e.state}`);
    out(`state ${zk.state}`);
    zk.getData(base).then(
      () => out('getData ok'),
      (err: { code?: string }) => out(`getData ${err.code}`),
    );
  },
});
async function ensure(p: string): Promise<void> {
  await zk.create(p, Buffer.from('')).catch((e: unknown) => {
    if (!(e instanceof NodeExistsException)) throw e;
  });
}
await ensure(`${base}/group`);
await ensure(`${base}/group/ids`);
await ensure(`${base}/counter`);
await zk.create(`${base}/group/ids/child`, Buffer.from('hello'), { mode: CreateMode.EPHEMERAL });
const watch = (e: WatchedEvent): void => {
  out(`event ${e.type} ${e.path}`);
  if (e.type === EventType.None) return;
  void zk.setData(`${base}/group/ids/child`, Buffer.from(`saw ${e.type}`)).then(() => zk.exists(`${base}/group/config`, watch));
};
await zk.exists(`${base}/group/config`, watch);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, n] = line.split(' ');
  if (cmd !== 'inc') return;
  void (async () => {
    let retries = 0;
    for (let i = 0; i < Number(n); i++) {
      for (;;) {
        const { data, stat } = await zk.getData(`${base}/counter`);
        try {
          await zk.setData(`${base}/counter`, Buffer.from(String(Number(data.toString() || '0') + 1)), stat.version);
          break;
        } catch (e) {
          if (!(e instanceof BadVersionException)) throw e;
          retries++;
        }
      }
    }
    out(`incdone ${retries}`);
  })();
});
setInterval(() => {}, 1000);
out(`ready ${zk.sessionId}`);
