/**
 * Child program of zk-embedded.test.ts: a member process on the embedded coordination store in
 * directory argv[2] with session timeout argv[3] ms. It creates the ephemeral node /group/ids/child,
 * watches /group/config (exists watch, re-registered after each event), prints each event as
 * "event <type> <path>" and answers it by writing "saw <type>" into its ephemeral node. On a stdin
 * line "inc <n>" it increments /counter n times by compare-and-set (retrying on BadVersion) and
 * prints "incdone <retries>". On "block <ms>" it busy-waits that long (no heartbeat), then prints
 * "state <KeeperState>" and "getData <code>" (or "getData ok"). Session events print as
 * "session <state>". Prints "ready <sessionId>" once set up. Runs until killed.
 */
import readline from 'node:readline';
import { BadVersionException, CreateMode, EventType, EmbeddedCoordinationStore, NodeExistsException, type WatchedEvent } from '../../streaming-kafka/zk/index.js';

const [dir, timeout] = [process.argv[2]!, Number(process.argv[3])];
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const zk = await EmbeddedCoordinationStore.connect(dir, { sessionTimeoutMs: timeout, watcher: (e) => out(`session ${e.state}`) });
async function ensure(p: string): Promise<void> {
  await zk.create(p, Buffer.from('')).catch((e: unknown) => {
    if (!(e instanceof NodeExistsException)) throw e;
  });
}
await ensure('/group');
await ensure('/group/ids');
await ensure('/counter');
await zk.create('/group/ids/child', Buffer.from('hello'), { mode: CreateMode.EPHEMERAL });
const watch = (e: WatchedEvent): void => {
  out(`event ${e.type} ${e.path}`);
  if (e.type === EventType.None) return;
  void zk.setData('/group/ids/child', Buffer.from(`saw ${e.type}`)).then(() => zk.exists('/group/config', watch));
};
await zk.exists('/group/config', watch);
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, n] = line.split(' ');
  if (cmd === 'block') {
    // a blocked event loop: no heartbeat for n ms; then report what the session became
    const until = Date.now() + Number(n);
    while (Date.now() < until);
    setTimeout(() => {
      out(`state ${zk.state}`);
      zk.getData('/group').then(
        () => out('getData ok'),
        (e: { code?: string }) => out(`getData ${e.code}`),
      );
    }, timeout / 3 + 150);
    return;
  }
  if (cmd !== 'inc') return;
  void (async () => {
    let retries = 0;
    for (let i = 0; i < Number(n); i++) {
      for (;;) {
        const { data, stat } = await zk.getData('/counter');
        try {
          await zk.setData('/counter', Buffer.from(String(Number(data.toString() || '0') + 1)), stat.version);
          break;
        } catch (e) {
          if (!(e instanceof BadVersionException)) throw e;
          retries++;
        }
      }
      await new Promise((r) => setImmediate(r)); // let the heartbeat timer run
    }
    out(`incdone ${retries}`);
  })();
});
setInterval(() => {}, 1000);
out(`ready ${zk.sessionId}`);
