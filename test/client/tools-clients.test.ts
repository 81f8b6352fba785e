/**
 * kafka-console-producer, kafka-console-consumer and the perf tests run as processes against a real
 * broker (in process, over TCP): lines from stdin with keys and headers, every compression codec,
 * print.* properties, partition/offset, --timeout-ms, missing topics, Kafka's perf output lines.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/admin/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { runTool, toolPath } from './tools-helpers.js';

let broker: TestBroker;
let admin: AdminClient;
let B: string[];
beforeAll(async () => {
  broker = await startBroker({ 'auto.create.topics.enable': false });
  admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
  B = ['--bootstrap-server', broker.bootstrap];
});
afterAll(async () => {
  await admin?.close();
  await broker?.stop();
});

describe('console producer and consumer', () => {
  it('produce keyed lines from stdin and read them back with print.* properties', async () => {
    await admin.createTopics([{ name: 'cc-keys', numPartitions: 3 }]);
    const input = Array.from({ length: 30 }, (_, i) => `user${i % 5}:event ${i}`).join('\n') + '\n';
    const p = await runTool('kafka-console-producer', [...B, '--topic', 'cc-keys', '--property', 'parse.key=true', '--property', 'key.separator=:'], { input });
    expect(p).toMatchObject({ code: 0, stdout: '', stderr: '' });

    const before = Date.now();
    const c = await runTool('kafka-console-consumer', [
      ...B, '--topic', 'cc-keys', '--from-beginning', '--max-messages', '30',
      '--property', 'print.key=true', '--property', 'print.timestamp=true', '--property', 'print.offset=true', '--property', 'print.partition=true', '--property', 'key.separator=|',
    ]);
    expect(c.code).toBe(0);
    expect(c.stderr).toBe('Processed a total of 30 messages\n');
    const rows = c.stdout.trimEnd().split('\n').map((l) => l.split('|'));
    expect(rows).toHaveLength(30);
    const partitionOfKey = new Map<string, string>();
    const perPartition = new Map<string, number[]>();
    for (const [ts, part, off, key, value] of rows) {
      expect(ts).toMatch(/^CreateTime:\d{13}$/);
      expect(Number(ts!.split(':')[1])).toBeLessThanOrEqual(before);
      expect(part).toMatch(/^Partition:[012]$/);
      expect(off).toMatch(/^Offset:\d+$/);
      const i = Number(value!.replace('event ', ''));
      expect(key).toBe(`user${i % 5}`);
      // same key, same partition (murmur2 partitioner)
      if (partitionOfKey.has(key!)) expect(partitionOfKey.get(key!)).toBe(part);
      partitionOfKey.set(key!, part!);
      const l = perPartition.get(part!) ?? [];
      l.push(i);
      perPartition.set(part!, l);
    }
    // order kept per partition
    for (const l of perPartition.values()) expect(l).toEqual([...l].sort((a, b) => a - b));

    // only the value by default; a single partition from an offset
    const one = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-keys', '--partition', rows[0]![1]!.split(':')[1]!, '--offset', '1', '--timeout-ms', '1000']);
    expect(one.code).toBe(0);
    const inPartition = perPartition.get(rows[0]![1]!)!;
    expect(one.stdout).toBe(inPartition.slice(1).map((i) => `event ${i}\n`).join(''));
    expect(one.stderr).toContain(`Processed a total of ${inPartition.length - 1} messages`);
    expect(one.stderr).toContain('ERROR Error processing message, terminating consumer process: TimeoutException');
  });

  it('sends headers, null markers and every compression codec', async () => {
    await admin.createTopics([{ name: 'cc-codecs', numPartitions: 1 }]);
    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
      const p = await runTool('kafka-console-producer', [...B, '--topic', 'cc-codecs', '--compression-codec', codec, '--producer-property', 'linger.ms=5'], { input: `${codec}-1\n${codec}-2\n` });
      expect(p.code, codec).toBe(0);
    }
    const sync = await runTool('kafka-console-producer', [...B, '--topic', 'cc-codecs', '--sync', '--request-required-acks', '1'], { input: 'sync-1\n' });
    expect(sync.code).toBe(0);
    const noValue = await runTool('kafka-console-producer', [...B, '--topic', 'cc-codecs', '--compression-codec'], { input: 'gzip-default\n' });
    expect(noValue.code).toBe(0);
    const h = await runTool('kafka-console-producer', [...B, '--topic', 'cc-codecs', '--property', 'parse.headers=true', '--property', 'parse.key=true', '--property', 'null.marker=NULL'], { input: 'h1:a,h2:b\tNULL\tvalue-with-headers\nh3:c\tk\tNULL\n' });
    expect(h.code).toBe(0);
    const c = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-codecs', '--from-beginning', '--max-messages', '14', '--property', 'print.headers=true', '--property', 'print.key=true']);
    expect(c.code).toBe(0);
    expect(c.stdout.trimEnd().split('\n')).toEqual([
      ...['none', 'gzip', 'snappy', 'lz4', 'zstd'].flatMap((codec) => [`NO_HEADERS\tnull\t${codec}-1`, `NO_HEADERS\tnull\t${codec}-2`]),
      'NO_HEADERS\tnull\tsync-1',
      'NO_HEADERS\tnull\tgzip-default',
      'h1:a,h2:b\tnull\tvalue-with-headers',
      'h3:c\tk\tnull',
    ]);
    const bad = await runTool('kafka-console-producer', [...B, '--topic', 'cc-codecs', '--compression-codec', 'brotli'], { input: 'x\n' });
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining("Unknown compression codec 'brotli'") });
  });

  it('reports a line without the key separator, and a missing topic', async () => {
    await admin.createTopics([{ name: 'cc-sep', numPartitions: 1 }]);
    let r = await runTool('kafka-console-producer', [...B, '--topic', 'cc-sep', '--property', 'parse.key=true'], { input: 'k\tv\nno separator here\n' });
    expect(r).toMatchObject({ code: 1, stderr: "ERROR No key separator found on line number 2: 'no separator here'\n" });
    expect((await admin.listOffsets([{ topic: 'cc-sep', partition: 0, spec: 'latest' }])).get('cc-sep-0')).toBe(1);

    r = await runTool('kafka-console-producer', [...B, '--topic', 'cc-missing'], { input: 'x\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ERROR Topic 'cc-missing' does not exist and the broker did not create it (UNKNOWN_TOPIC_OR_PARTITION)\n");
    r = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-missing']);
    expect(r).toMatchObject({ code: 1, stderr: "Error: Topic 'cc-missing' does not exist\n" });
    r = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-sep', '--partition', '4']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("Partition 4 of topic 'cc-sep' does not exist") });
    r = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-sep', '--offset', '3']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error: The partition is required when offset is specified.\n' });
    r = await runTool('kafka-consumer-perf-test', [...B, '--topic', 'cc-missing', '--messages', '5']);
    expect(r).toMatchObject({ code: 1, stderr: "Error: Topic 'cc-missing' does not exist\n" });
    r = await runTool('kafka-producer-perf-test', ['--topic', 'cc-missing', '--num-records', '5', '--record-size', '10', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/UNKNOWN_TOPIC_OR_PARTITION/);
  });

  it('reads committed records only with --isolation-level read_committed', async () => {
    await admin.createTopics([{ name: 'cc-iso', numPartitions: 1 }]);
    await runTool('kafka-console-producer', [...B, '--topic', 'cc-iso'], { input: 'a\nb\n' });
    const r = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-iso', '--from-beginning', '--isolation-level', 'read_committed', '--max-messages', '2']);
    expect(r).toMatchObject({ code: 0, stdout: 'a\nb\n' });
    const bad = await runTool('kafka-console-consumer', [...B, '--topic', 'cc-iso', '--isolation-level', 'dirty']);
    expect(bad.code).toBe(1);
  });
});

describe('perf tests', () => {
  it('kafka-producer-perf-test and kafka-consumer-perf-test print Kafka\'s lines', async () => {
    await admin.createTopics([{ name: 'cc-perf', numPartitions: 2 }]);
    const p = await runTool('kafka-producer-perf-test', ['--topic', 'cc-perf', '--num-records', '5000', '--record-size', '100', '--throughput', '20000', '--producer-props', `bootstrap.servers=${broker.bootstrap}`, 'acks=1', '--reporting-interval', '100']);
    expect(p.code).toBe(0);
    const lines = p.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^5000 records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/);
    // throttled at 20000/s: about 250 ms, so a few periodic lines
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/);
    expect(p.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const ends = await admin.listOffsets([0, 1].map((partition) => ({ topic: 'cc-perf', partition, spec: 'latest' as const })));
    expect(ends.get('cc-perf-0')! + ends.get('cc-perf-1')!).toBe(5000);

    const c = await runTool('kafka-consumer-perf-test', [...B, '--topic', 'cc-perf', '--messages', '5000', '--group', 'perf-g']);
    expect(c.code).toBe(0);
    const out = c.stdout.trimEnd().split('\n');
    expect(out[0]).toBe('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    const d = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}:\\d{3}';
    expect(out[1]).toMatch(new RegExp(`^${d}, ${d}, 0\\.4768, \\d+\\.\\d{4}, 5000, \\d+\\.\\d{4}, \\d+, \\d+, \\d+\\.\\d{4}, \\d+\\.\\d{4}$`));

    const short = await runTool('kafka-consumer-perf-test', [...B, '--topic', 'cc-perf', '--messages', '6000', '--timeout', '1000', '--hide-header']);
    expect(short.code).toBe(0);
    expect(short.stderr).toContain('WARNING: Exiting before consuming the expected number of messages: timeout (1000 ms) exceeded.');
    expect(short.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(short.stdout).toContain(', 5000, ');
  });

  // util-linux `script` gives the tool a terminal (a pseudo-tty) as a user's shell would.
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.runIf(hasScript)('draw a progress bar on a terminal', async () => {
    const { spawn } = await import('node:child_process');
    const cmd = `${process.execPath} ${toolPath('kafka-producer-perf-test')} --topic cc-perf --num-records 3000 --record-size 10 --throughput -1 --producer-props bootstrap.servers=${broker.bootstrap}`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(out).toContain('100% | 3000/3000 records');
    expect(out).toMatch(/3000 records sent, /);
    const cmd2 = `${process.execPath} ${toolPath('kafka-consumer-perf-test')} --bootstrap-server ${broker.bootstrap} --topic cc-perf --messages 3000`;
    const child2 = spawn('script', ['-qec', cmd2, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out2 = '';
    child2.stdout.on('data', (d) => (out2 += d));
    expect(await new Promise((r) => child2.on('close', r))).toBe(0);
    expect(out2).toContain('100% | 3000/3000 messages');
  });
});
