#!/usr/bin/env node
/**
 * kafka-topics: create, list, describe, alter and delete topics, as Kafka's `bin/kafka-topics.sh`
 * (same flags and output):
 *
 *   kafka-topics --bootstrap-server host:port --create --topic t [--partitions N] [--replication-factor N] [--config k=v ...] [--if-not-exists]
 *   kafka-topics --bootstrap-server host:port --list [--exclude-internal]
 *   kafka-topics --bootstrap-server host:port --describe [--topic t] [--topics-with-overrides | --under-replicated-partitions | --unavailable-partitions] [--exclude-internal]
 *   kafka-topics --bootstrap-server host:port --alter --topic t --partitions N
 *   kafka-topics --bootstrap-server host:port --delete --topic t [--if-exists]
 *
 * `--topic` of --describe, --alter and --delete is a regular expression matched against whole topic
 * names, as in Kafka. Errors print `Error while executing topic command : <reason>` on stderr and
 * exit with status 1 (see scripts/lib/tool-common.ts).
 */
import { AdminClient, type TopicDescription } from '../client/admin/index.js';
import { bootstrapOption, clientProps, collect, intOption, newProgram, parseKeyValues, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-topics', 'Create, delete, describe, or change a topic.')
  .addOption(bootstrapOption())
  .option('--create', 'Create a new topic.')
  .option('--list', 'List all available topics.')
  .option('--describe', 'List details for the given topics.')
  .option('--alter', 'Alter the number of partitions of a topic.')
  .option('--delete', 'Delete a topic.')
  .option('--topic <String: topic>', 'The topic to create, alter, describe or delete. Except for --create, a regular expression.')
  .option('--partitions <Integer: # of partitions>', 'The number of partitions for the topic being created or altered.')
  .option('--replication-factor <Integer: replication factor>', 'The replication factor for each partition in the topic being created.')
  .option('--config <String: name=value>', 'A topic configuration override for the topic being created (repeatable).', collect, [] as string[])
  .option('--if-not-exists', 'With --create: only create the topic if it does not exist.')
  .option('--if-exists', 'With --alter, --describe or --delete: only act if the topic exists.')
  .option('--exclude-internal', 'Exclude internal topics when listing or describing.')
  .option('--topics-with-overrides', 'With --describe: only show topics that have overridden configs.')
  .option('--under-replicated-partitions', 'With --describe: only show partitions whose ISR is smaller than the replica set.')
  .option('--unavailable-partitions', 'With --describe: only show partitions whose leader is not available.')
  .option('--command-config <String: command config property file>', 'Property file with configs for the admin client.');

interface Opts {
  bootstrapServer: string;
  create?: boolean;
  list?: boolean;
  describe?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string;
  partitions?: string;
  replicationFactor?: string;
  config: string[];
  ifNotExists?: boolean;
  ifExists?: boolean;
  excludeInternal?: boolean;
  topicsWithOverrides?: boolean;
  underReplicatedPartitions?: boolean;
  unavailablePartitions?: boolean;
  commandConfig?: string;
}

program.parse();
const opts = program.opts<Opts>();

async function main(): Promise<number> {
  const actions = (['create', 'list', 'describe', 'alter', 'delete'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new ToolError('Command must include exactly one action: --list, --describe, --create, --alter or --delete');
  const action = actions[0]!;
  if ((action === 'create' || action === 'alter' || action === 'delete') && !opts.topic) throw new ToolError('Missing required argument "[topic]"');
  if (action === 'alter' && opts.partitions === undefined) throw new ToolError('Missing required argument "[partitions]"');
  const partitions = intOption(opts.partitions, '--partitions', 1);
  const replicationFactor = intOption(opts.replicationFactor, '--replication-factor', 1);
  const configs = parseKeyValues(opts.config, '--config');

  const admin = new AdminClient({ ...readPropertiesFile(opts.commandConfig), ...clientProps(opts.bootstrapServer), 'client.id': 'kafka-topics' });
  try {
    switch (action) {
      case 'create':
        return await create(admin, opts.topic!, partitions, replicationFactor, configs);
      case 'list':
        for (const t of await admin.listTopics({ listInternal: !opts.excludeInternal })) process.stdout.write(`${t}\n`);
        return 0;
      case 'describe':
        return await describe(admin);
      case 'alter': {
        const topics = await matching(admin, opts.topic!);
        if (topics.length === 0) return missing(opts.topic!);
        await admin.createPartitions(Object.fromEntries(topics.map((t) => [t, partitions!])));
        return 0;
      }
      case 'delete': {
        const topics = await matching(admin, opts.topic!);
        if (topics.length === 0) return missing(opts.topic!);
        await admin.deleteTopics(topics);
        return 0;
      }
    }
  } finally {
    await admin.close();
  }
}

async function create(admin: AdminClient, topic: string, partitions: number | undefined, replicationFactor: number | undefined, configs: Record<string, string>): Promise<number> {
  if (topic.includes('.') || topic.includes('_')) {
    process.stdout.write("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n");
  }
  try {
    await admin.createTopics([{ name: topic, ...(partitions !== undefined ? { numPartitions: partitions } : {}), ...(replicationFactor !== undefined ? { replicationFactor } : {}), configs }]);
  } catch (e) {
    if (opts.ifNotExists && (e as { errorName?: string }).errorName === 'TOPIC_ALREADY_EXISTS') return 0;
    throw e;
  }
  process.stdout.write(`Created topic ${topic}.\n`);
  return 0;
}

/** Topic names matching `pattern` as a whole (Kafka's topic whitelist), sorted. */
async function matching(admin: AdminClient, pattern: string): Promise<string[]> {
  const all = await admin.listTopics({ listInternal: !opts.excludeInternal });
  if (all.includes(pattern)) return [pattern];
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    return [];
  }
  return all.filter((t) => re.test(t));
}

function missing(topic: string): number {
  if (opts.ifExists) return 0;
  throw new ToolError(`Topic '${topic}' does not exist as expected`);
}

async function describe(admin: AdminClient): Promise<number> {
  const names = opts.topic ? await matching(admin, opts.topic) : await admin.listTopics({ listInternal: !opts.excludeInternal });
  if (opts.topic && names.length === 0) return missing(opts.topic);
  const descriptions: TopicDescription[] = names.length ? await admin.describeTopics(names) : [];
  const configs = await admin.describeConfigs(names.map((name) => ({ type: 'topic' as const, name })));
  const partitionFilter = opts.underReplicatedPartitions || opts.unavailablePartitions;
  for (const [i, t] of descriptions.entries()) {
    if (partitionFilter) {
      // Kafka prints only the matching partition lines, without the topic line.
      for (const p of t.partitions) {
        if ((opts.underReplicatedPartitions && p.isr.length < p.replicas.length) || (opts.unavailablePartitions && p.leader < 0)) {
          process.stdout.write(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\n`);
        }
      }
      continue;
    }
    const overrides = configs[i]!.entries.filter((e) => !e.isDefault);
    if (opts.topicsWithOverrides && !overrides.some((e) => e.source === 'DYNAMIC_TOPIC_CONFIG')) continue;
    const cfg = overrides.map((e) => `${e.name}=${e.isSensitive ? '<sensitive>' : (e.value ?? 'null')}`).join(',');
    const rf = t.partitions[0]?.replicas.length ?? 0;
    process.stdout.write(`Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${cfg}\n`);
    if (opts.topicsWithOverrides) continue;
    for (const p of t.partitions) {
      const offline = p.offlineReplicas.length ? `\tOffline: ${p.offlineReplicas.join(',')}` : '';
      process.stdout.write(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader < 0 ? 'none' : p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline}\n`);
    }
  }
  return 0;
}

runTool(main, 'Error while executing topic command : ');
