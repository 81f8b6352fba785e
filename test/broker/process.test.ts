/**
 * The kafka-server-start program as users run it: starts on a server.properties with --override,
 * warns about unknown keys, refuses invalid values naming the key, refuses a second broker on the same
 * data directory, and shuts down cleanly on SIGTERM and SIGINT (clean-shutdown marker written).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Apis } from '../../client/protocol/index.js';
import { connect, serverStartScript, startBrokerProcess, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function runStart(props: string, args: string[] = []): { status: number | null; stderr: string; stdout: string } {
  const dir = tempDir('kafka-ts-conf-');
  dirs.push(dir);
  const file = path.join(dir, 'server.properties');
  fs.writeFileSync(file, props);
  const r = spawnSync(process.execPath, [serverStartScript(), file, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('kafka-server-start', () => {
  it('starts, serves, and shuts down cleanly on SIGTERM; a second start on the same data fails', async () => {
    const b = await startBrokerProcess({ 'some.unknown.key': 1 }, { args: ['--override', 'num.partitions=3'] });
    dirs.push(b.logDir);
    expect(b.output.some((l) => l.includes("The configuration 'some.unknown.key' was supplied but isn't a known config"))).toBe(true);
    const c = await connect(b.port);
    const md = await c.request(Apis.Metadata, 9, { topics: [{ name: 'three' }], allowAutoTopicCreation: true });
    expect(md.topics[0].partitions).toHaveLength(3);
    c.close();
    // the banner says where it listens and what to run next
    for (let i = 0; i < 100 && !b.stderr().includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(b.stderr()).toContain(`Kafka:      ${b.bootstrap}`);
    expect(b.stderr()).toContain('npm run demo');
    expect(b.stderr()).toContain(`npx kafka-console-consumer --bootstrap-server ${b.bootstrap}`);

    const second = runStart(`listeners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${b.logDir}\n`);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/cannot start: .*(lock|in use)/i);

    expect(await b.stop()).toBe(0);
    expect(fs.existsSync(path.join(b.logDir, '.kafka_cleanshutdown'))).toBe(true);
    expect(b.output.some((l) => l.includes('shut down completed'))).toBe(true);
  });

  it('shuts down cleanly on SIGINT', async () => {
    const b = await startBrokerProcess();
    dirs.push(b.logDir);
    b.child.kill('SIGINT');
    const code = await new Promise((r) => b.child.on('exit', r));
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(b.logDir, '.kafka_cleanshutdown'))).toBe(true);
  });

  it('exits 1 naming the key on an invalid value', () => {
    const r = runStart('listeners=PLAINTEXT://127.0.0.1:0\nnum.partitions=zero\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/num\.partitions/);
    const o = runStart('listeners=PLAINTEXT://127.0.0.1:0\n', ['--override', 'log.retention.hours=soon']);
    expect(o.status).toBe(1);
    expect(o.stderr).toMatch(/log\.retention\.hours/);
  });
});
