/**
 * kafka-topics and kafka-consumer-groups run as processes against a real broker (in process, over
 * TCP), as a user runs them: outputs in Kafka's formats, errors and exit statuses; plus the errors
 * every tool shares (no broker, bad flag, --help).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../client/admin/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';
import { runTool, startTool, waitFor, type ToolName } from './tools-helpers.js';

let broker: TestBroker;
let admin: AdminClient;
let B: string[];
beforeAll(async () => {
  broker = await startBroker();
  admin = new AdminClient({ 'bootstrap.servers': broker.bootstrap });
  B = ['--bootstrap-server', broker.bootstrap];
});
afterAll(async () => {
  await admin?.close();
  await broker?.stop();
});

describe('kafka-topics', () => {
  it('creates, lists, describes, alters and deletes topics with Kafka output', async () => {
    let r = await runTool('kafka-topics', [...B, '--create', '--topic', 'tt-orders', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=86400000', '--config', 'cleanup.policy=delete']);
    expect(r).toMatchObject({ code: 0, stdout: 'Created topic tt-orders.\n', stderr: '' });
    r = await runTool('kafka-topics', [...B, '--create', '--topic', 'tt-orders', '--partitions', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error while executing topic command : TOPIC_ALREADY_EXISTS .*Topic 'tt-orders' already exists/);
    r = await runTool('kafka-topics', [...B, '--create', '--topic', 'tt-orders', '--if-not-exists']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    r = await runTool('kafka-topics', [...B, '--create', '--topic', 'tt.dots']);
    expect(r.stdout).toBe("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\nCreated topic tt.dots.\n");

    r = await runTool('kafka-topics', [...B, '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['tt-orders', 'tt.dots']));

    r = await runTool('kafka-topics', [...B, '--describe', '--topic', 'tt-orders']);
    expect(r.code).toBe(0);
    const topicId = (await admin.describeTopics(['tt-orders']))[0]!.topicId;
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Topic: tt-orders\\tTopicId: ${topicId}\\tPartitionCount: 3\\tReplicationFactor: 1\\tConfigs: `));
    expect(lines[0]).toContain('retention.ms=86400000');
    expect(lines[0]).toContain('cleanup.policy=delete');
    expect(lines.slice(1)).toEqual([0, 1, 2].map((p) => `\tTopic: tt-orders\tPartition: ${p}\tLeader: 0\tReplicas: 0\tIsr: 0`));

    r = await runTool('kafka-topics', [...B, '--alter', '--topic', 'tt-orders', '--partitions', '5']);
    expect(r).toMatchObject({ code: 0 });
    r = await runTool('kafka-topics', [...B, '--describe', '--topic', 'tt-orders']);
    expect(r.stdout).toContain('PartitionCount: 5');
    expect(r.stdout).toContain('\tTopic: tt-orders\tPartition: 4\tLeader: 0\tReplicas: 0\tIsr: 0\n');
    r = await runTool('kafka-topics', [...B, '--describe', '--under-replicated-partitions']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    r = await runTool('kafka-topics', [...B, '--alter', '--topic', 'tt-orders', '--partitions', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_PARTITIONS/);

    // --describe of every topic; --topic is a regular expression as in Kafka
    r = await runTool('kafka-topics', [...B, '--describe']);
    expect(r.stdout).toMatch(/^Topic: tt\.dots\t/m);
    r = await runTool('kafka-topics', [...B, '--delete', '--topic', 'tt\\..*']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(await admin.listTopics()).not.toContain('tt.dots');
    r = await runTool('kafka-topics', [...B, '--delete', '--topic', 'tt-orders']);
    expect(r.code).toBe(0);
    r = await runTool('kafka-topics', [...B, '--describe', '--topic', 'tt-orders']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: "Error while executing topic command : Topic 'tt-orders' does not exist as expected\n" });
    r = await runTool('kafka-topics', [...B, '--delete', '--topic', 'tt-orders', '--if-exists']);
    expect(r.code).toBe(0);
  });

  it('refuses a command without exactly one action or without its arguments', async () => {
    let r = await runTool('kafka-topics', [...B, '--list', '--describe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
    r = await runTool('kafka-topics', [...B, '--create']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('Missing required argument "[topic]"') });
    r = await runTool('kafka-topics', [...B, '--create', '--topic', 'x', '--partitions', 'many']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("Invalid value 'many' for --partitions") });
    r = await runTool('kafka-topics', [...B, '--create', '--topic', 'x', '--config', 'novalue']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("Invalid --config 'novalue'") });
  });
});

describe('kafka-consumer-groups', () => {
  it('lists, describes with lag, resets offsets and deletes a group', async () => {
    await admin.createTopics([{ name: 'cg-t', numPartitions: 2 }]);
    const lines = Array.from({ length: 10 }, (_, i) => `k${i}:v${i}`).join('\n') + '\n';
    expect((await runTool('kafka-console-producer', [...B, '--topic', 'cg-t', '--property', 'parse.key=true', '--property', 'key.separator=:'], { input: lines })).code).toBe(0);
    let r = await runTool('kafka-console-consumer', [...B, '--topic', 'cg-t', '--group', 'cg-1', '--from-beginning', '--max-messages', '10']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Processed a total of 10 messages');
    const ends = await admin.listOffsets([0, 1].map((partition) => ({ topic: 'cg-t', partition, spec: 'latest' as const })));

    r = await runTool('kafka-consumer-groups', [...B, '--list']);
    expect(r.stdout.split('\n')).toContain('cg-1');

    r = await runTool('kafka-consumer-groups', [...B, '--describe', '--group', 'cg-1']);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.slice(0, 4)).toEqual(['', "Consumer group 'cg-1' has no active members.", '', expect.stringMatching(/^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID$/)]);
    expect(out[3]).toBe('GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID');
    const rows = out.slice(4).filter(Boolean).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([0, 1].map((p) => ['cg-1', 'cg-t', String(p), String(ends.get(`cg-t-${p}`)), String(ends.get(`cg-t-${p}`)), '0', '-', '-', '-']));

    // dry run (the default, with Kafka's warning): nothing changes
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--to-earliest']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^WARN: No action will be performed as the --execute option is missing/);
    expect(r.stdout).toContain('GROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n');
    expect(r.stdout).toMatch(/^cg-1\s+cg-t\s+0\s+0\s+$/m);
    expect((await admin.listConsumerGroupOffsets('cg-1')).get('cg-t-0')?.offset).toBe(ends.get('cg-t-0'));

    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--to-earliest', '--execute']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('WARN');
    expect([...(await admin.listConsumerGroupOffsets('cg-1')).values()].map((o) => o.offset)).toEqual([0, 0]);

    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t:1', '--to-offset', '1', '--execute']);
    expect(r.stdout).toMatch(/^cg-1\s+cg-t\s+1\s+1\s+$/m);
    expect(r.stdout).not.toMatch(/^cg-1\s+cg-t\s+0/m);
    r = await runTool('kafka-consumer-groups', [...B, '--describe', '--group', 'cg-1']);
    const lag1 = r.stdout.split('\n').find((l) => /^cg-1\s+cg-t\s+1\s/.test(l))!.trim().split(/\s+/);
    expect(lag1.slice(3, 6)).toEqual(['1', String(ends.get('cg-t-1')), String(ends.get('cg-t-1')! - 1)]);

    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--all-topics', '--to-latest', '--execute']);
    expect(r.code).toBe(0);
    expect((await admin.listConsumerGroupOffsets('cg-1')).get('cg-t-1')?.offset).toBe(ends.get('cg-t-1'));
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--to-datetime', '2020-01-01T00:00:00.000', '--dry-run']);
    expect(r.stdout).toMatch(/^cg-1\s+cg-t\s+0\s+0\s+$/m);
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--to-datetime', '2999-01-01T00:00:00.000Z', '--dry-run']);
    expect(r.stdout).toMatch(new RegExp(`^cg-1\\s+cg-t\\s+0\\s+${ends.get('cg-t-0')}\\s+$`, 'm'));
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--by-duration', 'P1DT2H', '--dry-run']);
    expect(r.stdout).toMatch(/^cg-1\s+cg-t\s+0\s+0\s+$/m);
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t:0', '--shift-by', '-2', '--dry-run']);
    expect(r.stdout).toMatch(new RegExp(`^cg-1\\s+cg-t\\s+0\\s+${ends.get('cg-t-0')! - 2}\\s+$`, 'm'));
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--to-earliest', '--to-latest']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('Option [reset-offsets] takes exactly one of these options') });
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-t', '--to-datetime', 'yesterday']);
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining("Error parsing datetime 'yesterday'") });
    r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-1', '--topic', 'cg-nope', '--to-earliest']);
    expect(r).toMatchObject({ code: 1, stderr: "Error: Topic 'cg-nope' does not exist\n" });

    r = await runTool('kafka-consumer-groups', [...B, '--delete', '--group', 'cg-1']);
    expect(r).toMatchObject({ code: 0, stdout: "Deletion of requested consumer groups ('cg-1') was successful.\n" });
    r = await runTool('kafka-consumer-groups', [...B, '--delete', '--group', 'cg-1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: Deletion of some consumer groups failed:\n\* Group 'cg-1' could not be deleted due to: GROUP_ID_NOT_FOUND/);
    r = await runTool('kafka-consumer-groups', [...B, '--describe', '--group', 'cg-1']);
    expect(r).toMatchObject({ code: 1, stderr: "Error: Consumer group 'cg-1' does not exist.\n" });
  });

  it('shows the members of an active group and refuses to reset or delete it', async () => {
    await admin.createTopics([{ name: 'cg-live', numPartitions: 2 }]);
    const consumer = startTool('kafka-console-consumer', [...B, '--topic', 'cg-live', '--group', 'cg-live-g', '--consumer-property', 'client.id=live-client']);
    try {
      await waitFor(async () => (await admin.describeGroups(['cg-live-g']))[0]!.state === 'Stable', 15_000, 'the group to be Stable');
      let r = await runTool('kafka-consumer-groups', [...B, '--describe', '--group', 'cg-live-g']);
      expect(r.code).toBe(0);
      const rows = r.stdout.split('\n').filter((l) => l.startsWith('cg-live-g'));
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        const c = row.trim().split(/\s+/);
        expect(c.slice(1, 6)).toEqual(['cg-live', expect.stringMatching(/^[01]$/), '-', '0', '-']);
        expect(c[7]).toBe('/127.0.0.1');
        expect(c[8]).toBe('live-client');
      }
      r = await runTool('kafka-consumer-groups', [...B, '--describe', '--group', 'cg-live-g', '--members']);
      expect(r.stdout).toMatch(/^cg-live-g\s+\S+\s+\/127\.0\.0\.1\s+live-client\s+2$/m);
      r = await runTool('kafka-consumer-groups', [...B, '--describe', '--group', 'cg-live-g', '--state']);
      expect(r.stdout).toMatch(/^cg-live-g\s+.*\(0\)\s+range\s+Stable\s+1$/m);
      r = await runTool('kafka-consumer-groups', [...B, '--list', '--state']);
      expect(r.stdout).toMatch(/^cg-live-g\s+Stable$/m);
      r = await runTool('kafka-consumer-groups', [...B, '--reset-offsets', '--group', 'cg-live-g', '--topic', 'cg-live', '--to-earliest', '--execute']);
      expect(r).toMatchObject({ code: 1, stderr: "Error: Assignments can only be reset if the group 'cg-live-g' is inactive, but the current state is Stable.\n" });
      r = await runTool('kafka-consumer-groups', [...B, '--delete', '--group', 'cg-live-g']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("* Group 'cg-live-g' could not be deleted due to: NON_EMPTY_GROUP");
    } finally {
      consumer.child.kill('SIGTERM');
    }
    const done = await consumer.result;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('Processed a total of 0 messages');
  });
});

describe('every tool', () => {
  const tools: [ToolName, string[]][] = [
    ['kafka-topics', ['--list']],
    ['kafka-consumer-groups', ['--list']],
    ['kafka-console-producer', ['--topic', 'x']],
    ['kafka-console-consumer', ['--topic', 'x']],
    ['kafka-producer-perf-test', ['--topic', 'x', '--num-records', '1', '--record-size', '1', '--throughput', '-1', '--producer-props', 'bootstrap.servers=127.0.0.1:1']],
    ['kafka-consumer-perf-test', ['--topic', 'x', '--messages', '1']],
  ];
  it('has --help (exit 0), refuses a bad flag (exit 1) and says when no broker answers (exit 1)', async () => {
    await Promise.all(
      tools.map(async ([tool, args]) => {
        const help = await runTool(tool, ['--help']);
        expect(help.code, tool).toBe(0);
        expect(help.stdout, tool).toMatch(new RegExp(`^Usage: ${tool} \\[options\\]`));
        expect(help.stdout, tool).toContain('Exit status:');
        const bad = await runTool(tool, [...args, '--bootstrap-server', '127.0.0.1:1', '--no-such-flag']);
        expect(bad.code, tool).toBe(1);
        expect(bad.stderr, tool).toContain("error: unknown option '--no-such-flag'");
        const down = await runTool(tool, tool === 'kafka-producer-perf-test' ? args : [...args, '--bootstrap-server', '127.0.0.1:1'], { input: 'a\n' });
        expect(down.code, tool).toBe(1);
        expect(down.stderr, tool).toContain('could not connect to any bootstrap server (127.0.0.1:1)');
      }),
    );
  });

  it('names a missing required option', async () => {
    const r = await runTool('kafka-console-producer', ['--bootstrap-server', broker.bootstrap]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: required option '--topic <String: topic>' not specified");
  });
});
