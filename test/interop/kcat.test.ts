/**
 * Interop with kcat (librdkafka) against the real broker program over TCP: -L metadata, 10,000
 * messages produced and consumed back exactly, -o start offsets, -Q offsets for times, every codec
 * (checked in the broker's segment files too), headers and keys, and a -G balanced consumer group
 * that commits and resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Compression } from '../../client/records/index.js';
import type { BrokerProcess } from '../broker/helpers.js';
import { brokerLog, describeResult, expectApis, GROUP_APIS, kcat, kcatOk, missing, startInteropBroker, stopInteropBroker, storedBatches, unique } from './clients.js';

let broker: BrokerProcess;
let B: string;

/** Consume a whole topic from the beginning and exit at its end. */
function consumeAll(topic: string, format: string, extra: string[] = []): Promise<string> {
  return kcatOk(B, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-m', '10', '-f', format, ...extra], { timeoutMs: 20_000 });
}

describe.skipIf(missing.kcat)(`kcat${missing.kcat ? ` (skipped: ${missing.kcat})` : ''}`, () => {
  beforeAll(async () => {
    broker = await startInteropBroker();
    B = broker.bootstrap;
  });
  afterAll(async () => {
    await stopInteropBroker(broker);
  });

  it('-V runs against librdkafka with every codec built in', async () => {
    const r = await kcat(B, ['-V']);
    expect(r.code).toBe(0);
    for (const f of ['gzip', 'snappy', 'lz4', 'zstd']) expect(r.stdout).toContain(f);
  });

  it('-L lists this broker and the topics', async () => {
    const topic = unique('kcat-meta');
    await kcatOk(B, ['-P', '-t', topic, '-m', '10'], { input: 'one\n' });
    const json = JSON.parse(await kcatOk(B, ['-L', '-J', '-m', '10']));
    expect(json.brokers).toEqual([{ id: 0, name: `127.0.0.1:${broker.port}` }]);
    expect(json.controllerid).toBe(0);
    const t = json.topics.find((x: any) => x.topic === topic);
    expect(t).toEqual({ topic, partitions: [{ partition: 0, leader: 0, replicas: [{ id: 0 }], isrs: [{ id: 0 }] }] });
    const text = await kcatOk(B, ['-L', '-t', topic, '-m', '10']);
    expect(text).toContain(`broker 0 at 127.0.0.1:${broker.port} (controller)`);
    expect(text).toContain(`topic "${topic}" with 1 partitions:`);
    expect(text).toContain('partition 0, leader 0, replicas: 0, isrs: 0');
  });

  describe('10,000 messages', () => {
    const topic = unique('kcat-10k');
    const values = Array.from({ length: 10_000 }, (_, i) => `message-${i}-${'x'.repeat(i % 97)}-${(i * 7919) % 10_007}`);

    it('are produced and consumed back exactly, in order, at offsets 0..9999', async () => {
      const produced = await kcat(B, ['-P', '-t', topic, '-p', '0', '-m', '10'], { input: values.join('\n') + '\n', timeoutMs: 30_000 });
      expect(produced.code, describeResult('kcat -P', produced)).toBe(0);
      const out = await consumeAll(topic, '%o:%s\n');
      const lines = out.split('\n').filter((l) => l !== '');
      expect(lines.length).toBe(10_000);
      expect(lines).toEqual(values.map((v, i) => `${i}:${v}`));
      // The high watermark, as ListOffsets(latest) reports it.
      expect(await kcatOk(B, ['-Q', '-t', `${topic}:0:-1`, '-m', '10'])).toContain(`${topic} [0] offset 10000`);
      expect(await kcatOk(B, ['-Q', '-t', `${topic}:0:-2`, '-m', '10'])).toContain(`${topic} [0] offset 0`);
    });

    it('-o <offset> starts there (absolute, relative to the end, with -c)', async () => {
      const abs = (await kcatOk(B, ['-C', '-t', topic, '-p', '0', '-o', '9990', '-e', '-q', '-f', '%o:%s\n'])).trim().split('\n');
      expect(abs).toEqual(values.slice(9990).map((v, i) => `${9990 + i}:${v}`));
      const rel = (await kcatOk(B, ['-C', '-t', topic, '-p', '0', '-o', '-3', '-e', '-q', '-f', '%o\n'])).trim().split('\n');
      expect(rel).toEqual(['9997', '9998', '9999']);
      const counted = (await kcatOk(B, ['-C', '-t', topic, '-p', '0', '-o', '5000', '-c', '3', '-q', '-f', '%o:%s\n'])).trim().split('\n');
      expect(counted).toEqual([5000, 5001, 5002].map((o) => `${o}:${values[o]}`));
      const atEnd = await kcatOk(B, ['-C', '-t', topic, '-p', '0', '-o', 'end', '-e', '-q', '-f', '%o\n']);
      expect(atEnd).toBe('');
    });
  });

  it('-Q finds the offset of the first message at or after a timestamp; -o s@ts starts there', async () => {
    const topic = unique('kcat-times');
    for (const run of [1, 2, 3]) {
      await kcatOk(B, ['-P', '-t', topic, '-p', '0', '-m', '10'], { input: `r${run}-a\nr${run}-b\nr${run}-c\n` });
      await new Promise((r) => setTimeout(r, 30)); // a distinct CreateTime per run
    }
    const stored = (await consumeAll(topic, '%o %T %s\n')).trim().split('\n').map((l) => l.split(' '));
    expect(stored.map((s) => s[2])).toEqual(['r1-a', 'r1-b', 'r1-c', 'r2-a', 'r2-b', 'r2-c', 'r3-a', 'r3-b', 'r3-c']);
    const ts = stored.map((s) => Number(s[1]));
    // Runs are 30+ ms apart; within a run the timestamps do not decrease.
    expect(ts[3]).toBeGreaterThan(ts[2]!);
    expect(ts[6]).toBeGreaterThan(ts[5]!);
    /** What Kafka answers: the first offset whose timestamp is >= t, -1 (here: none) after the last. */
    const expected = (t: number) => {
      const i = ts.findIndex((x) => x >= t);
      return i < 0 ? -1 : i;
    };
    for (const t of [0, ts[0]!, ts[0]! + 1, ts[3]!, ts[3]! - 1, ts[6]!, ts[8]!, ts[8]! + 1, ts[8]! + 100_000]) {
      const out = await kcatOk(B, ['-Q', '-t', `${topic}:0:${t}`, '-m', '10']);
      expect(out.trim(), `timestamp ${t}`).toBe(`${topic} [0] offset ${expected(t)}`);
    }
    const from = (await kcatOk(B, ['-C', '-t', topic, '-p', '0', '-o', `s@${ts[3]}`, '-e', '-q', '-f', '%o\n'])).trim().split('\n');
    expect(from).toEqual(['3', '4', '5', '6', '7', '8']);
  });

  describe('-z every codec', () => {
    for (const [codec, id] of [
      ['gzip', Compression.GZIP],
      ['snappy', Compression.SNAPPY],
      ['lz4', Compression.LZ4],
      ['zstd', Compression.ZSTD],
    ] as const) {
      it(`${codec}: consumed back exactly, stored compressed with ${codec}`, async () => {
        const topic = unique(`kcat-${codec}`);
        const values = Array.from({ length: 2000 }, (_, i) => `${codec}-${i}-${'abc'.repeat(i % 20)}`);
        // linger.ms so that the messages go in a few large batches (each compressed on its own).
        const r = await kcat(B, ['-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=200', '-m', '10'], { input: values.join('\n') + '\n' });
        expect(r.code, describeResult(`kcat -P -z ${codec}`, r)).toBe(0);
        const out = await consumeAll(topic, '%s\n');
        expect(out.split('\n').slice(0, -1)).toEqual(values);
        const batches = await storedBatches(broker.logDir, topic);
        expect(batches.reduce((n, b) => n + (b.magic === 2 ? b.records.length : 0), 0)).toBe(values.length);
        // librdkafka sends lz4 only to brokers it believes support it (feature detection on ApiVersions).
        expect(
          batches.map((b) => b.compression),
          `batch codecs on disk (librdkafka only uses lz4 when the broker advertises FindCoordinator v0, its LZ4 feature probe)`,
        ).toEqual(batches.map(() => id));
      });
    }
  });

  it('-H headers and -k keys come back with -f %h / %k and -J', async () => {
    const topic = unique('kcat-headers');
    await kcatOk(B, ['-P', '-t', topic, '-p', '0', '-H', 'k1=v1', '-H', 'trace-id=abc=def', '-H', 'k1=again', '-k', 'the-key', '-m', '10'], { input: 'first\nsecond\n' });
    await kcatOk(B, ['-P', '-t', topic, '-p', '0', '-K', ':', '-m', '10'], { input: 'k3:no-headers\n' });
    const out = (await consumeAll(topic, '%o|%k|%h|%s\n')).trim().split('\n');
    expect(out).toEqual(['0|the-key|k1=v1,trace-id=abc=def,k1=again|first', '1|the-key|k1=v1,trace-id=abc=def,k1=again|second', '2|k3||no-headers']);
    const json = (await kcatOk(B, ['-C', '-t', topic, '-o', 'beginning', '-c', '1', '-q', '-J'])).trim();
    expect(JSON.parse(json)).toMatchObject({ topic, partition: 0, offset: 0, tstype: 'create', key: 'the-key', payload: 'first', headers: ['k1', 'v1', 'trace-id', 'abc=def', 'k1', 'again'] });
    const [batch] = await storedBatches(broker.logDir, topic);
    expect(batch!.magic === 2 && batch!.records[0]!.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
      ['k1', 'v1'],
      ['trace-id', 'abc=def'],
      ['k1', 'again'],
    ]);
  });

  it('-G consumes with a balanced consumer group, commits, and a second run resumes without re-reading', async () => {
    await expectApis(broker, GROUP_APIS);
    const topic = unique('kcat-group');
    const group = unique('kcat-grp');
    const first = Array.from({ length: 50 }, (_, i) => `g-${i}`);
    const second = Array.from({ length: 30 }, (_, i) => `h-${i}`);
    await kcatOk(B, ['-P', '-t', topic, '-p', '0', '-m', '10'], { input: first.join('\n') + '\n' });
    // Not -q: kcat's own error messages go to stderr (and -d cgrp adds librdkafka's group log), shown on a failure with the broker's log.
    const groupArgs = (run: number) => ['-G', group, '-X', `client.id=${group}-${run}`, '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-d', 'cgrp', '-e', '-m', '10', '-f', '%o:%s\n', topic];
    const failure = (what: string, r: Awaited<ReturnType<typeof kcat>>) => `${describeResult(what, r)}\nbroker log:\n${brokerLog(broker, (j) => String(j.clientId).startsWith(group))}`;
    const run1 = await kcat(B, groupArgs(1), { timeoutMs: 15_000 });
    expect(run1.code, failure('kcat -G (first run)', run1)).toBe(0);
    expect(run1.stdout.trim().split('\n')).toEqual(first.map((v, i) => `${i}:${v}`));
    await kcatOk(B, ['-P', '-t', topic, '-p', '0', '-m', '10'], { input: second.join('\n') + '\n' });
    const run2 = await kcat(B, groupArgs(2), { timeoutMs: 15_000 });
    expect(run2.code, failure('kcat -G (second run)', run2)).toBe(0);
    expect(run2.stdout.trim().split('\n')).toEqual(second.map((v, i) => `${50 + i}:${v}`));
    // Nothing left: a third run reads nothing.
    const run3 = await kcat(B, groupArgs(3), { timeoutMs: 15_000 });
    expect(run3.code, failure('kcat -G (third run)', run3)).toBe(0);
    expect(run3.stdout).toBe('');
  }, 50_000);
});
