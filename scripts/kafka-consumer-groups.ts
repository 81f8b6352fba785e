#!/usr/bin/env node
/**
 * kafka-consumer-groups: list, describe, delete consumer groups and reset their offsets, as Kafka's
 * `bin/kafka-consumer-groups.sh` (same flags, tables and messages):
 *
 *   kafka-consumer-groups --bootstrap-server host:port --list [--state]
 *   kafka-consumer-groups --bootstrap-server host:port --describe --group g [--members | --state]
 *   kafka-consumer-groups --bootstrap-server host:port --reset-offsets --group g (--topic t[:p,p] | --all-topics)
 *       (--to-earliest | --to-latest | --to-offset N | --to-datetime YYYY-MM-DDTHH:mm:SS.sss | --by-duration PnDTnHnMnS | --shift-by N | --to-current)
 *       [--execute | --dry-run]
 *   kafka-consumer-groups --bootstrap-server host:port --delete --group g [--group g2 ...]
 *
 * --describe prints the offsets table (GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
 * CONSUMER-ID HOST CLIENT-ID) after "Consumer group 'g' has no active members." when the group is
 * empty. --reset-offsets without --execute is a dry run (with Kafka's warning) and needs the group to
 * be inactive. Exit status 0 on success, 1 on any error (see scripts/lib/tool-common.ts).
 */
import { AdminClient, type GroupLagRow } from '../client/admin/index.js';
import { bootstrapOption, clientProps, collect, newProgram, readPropertiesFile, runTool, ToolError } from './lib/tool-common.js';

const program = newProgram('kafka-consumer-groups', 'List all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.')
  .addOption(bootstrapOption())
  .option('--list', 'List all consumer groups.')
  .option('--describe', 'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.')
  .option('--delete', 'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group.')
  .option('--reset-offsets', 'Reset offsets of consumer group. Supports one consumer group at a time. Dry run by default; add --execute to apply.')
  .option('--group <String: consumer group>', 'The consumer group we wish to act on (repeatable for --delete and --describe).', collect, [] as string[])
  .option('--all-groups', 'Apply to all consumer groups.')
  .option('--topic <String: topic>', 'The topic whose consumer group information should be reset; `topic:0,1` selects partitions (repeatable).', collect, [] as string[])
  .option('--all-topics', 'Consider all topics assigned to a group in the reset-offsets process.')
  .option('--to-earliest', 'Reset offsets to earliest offset.')
  .option('--to-latest', 'Reset offsets to latest offset.')
  .option('--to-current', 'Reset offsets to current offset.')
  .option('--to-offset <Long: offset>', 'Reset offsets to a specific offset.')
  .option('--shift-by <Long: number-of-offsets>', 'Reset offsets shifting current offset by n, where n can be positive or negative.')
  .option('--to-datetime <String: datetime>', "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'")
  .option('--by-duration <String: duration>', "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'")
  .option('--offsets', 'Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of --describe.')
  .option('--execute', 'Execute operation. Supported operations: reset-offsets.')
  .option('--dry-run', 'Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets.')
  .option('--members', 'Describe members of the group.')
  .option('--state', 'When used with --describe, includes the state of the group; with --list, the state of each group.')
  .option('--command-config <String: command config property file>', 'Property file with configs for the admin client.');

interface Opts {
  bootstrapServer: string;
  list?: boolean;
  describe?: boolean;
  delete?: boolean;
  resetOffsets?: boolean;
  group: string[];
  allGroups?: boolean;
  topic: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toCurrent?: boolean;
  toOffset?: string;
  shiftBy?: string;
  toDatetime?: string;
  byDuration?: string;
  offsets?: boolean;
  execute?: boolean;
  dryRun?: boolean;
  members?: boolean;
  state?: boolean;
  commandConfig?: string;
}

program.parse();
const opts = program.opts<Opts>();
const out = (s: string) => process.stdout.write(s);
const pad = (s: string | number, n: number) => String(s).padEnd(n);

async function main(): Promise<number> {
  const actions = (['list', 'describe', 'delete', 'resetOffsets'] as const).filter((a) => opts[a]);
  if (actions.length !== 1) throw new ToolError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets');
  const action = actions[0]!;
  if (action !== 'list' && opts.group.length === 0 && !opts.allGroups) throw new ToolError(`Option [${action === 'resetOffsets' ? 'reset-offsets' : action}] takes one of these options: [all-groups], [group]`);
  const admin = new AdminClient({ ...readPropertiesFile(opts.commandConfig), ...clientProps(opts.bootstrapServer), 'client.id': 'kafka-consumer-groups' });
  try {
    const groups = opts.allGroups ? (await admin.listGroups()).filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId) : opts.group;
    switch (action) {
      case 'list':
        return await list(admin);
      case 'describe': {
        let code = 0;
        for (const g of groups) code = Math.max(code, await describe(admin, g));
        return code;
      }
      case 'delete':
        return await del(admin, groups);
      case 'resetOffsets': {
        let code = 0;
        for (const g of groups) code = Math.max(code, await reset(admin, g));
        return code;
      }
    }
  } finally {
    await admin.close();
  }
}

async function list(admin: AdminClient): Promise<number> {
  const groups = (await admin.listGroups()).filter((g) => g.protocolType === 'consumer' || g.protocolType === '');
  if (!opts.state) {
    for (const g of groups) out(`${g.groupId}\n`);
    return 0;
  }
  const w = Math.max(15, ...groups.map((g) => g.groupId.length));
  out(`${pad('GROUP', w)} ${'STATE'}\n`);
  for (const g of groups) out(`${pad(g.groupId, w)} ${g.state || 'Unknown'}\n`);
  return 0;
}

async function describe(admin: AdminClient, groupId: string): Promise<number> {
  const [g] = await admin.describeGroups([groupId]);
  if (!g || g.state === 'Dead') throw new ToolError(`Consumer group '${groupId}' does not exist.`);
  if (opts.state) {
    const w = Math.max(15, groupId.length);
    out(`\n${pad('GROUP', w)} ${pad('COORDINATOR (ID)', 25)} ${pad('ASSIGNMENT-STRATEGY', 19)} ${pad('STATE', 15)} #MEMBERS\n`);
    out(`${pad(groupId, w)} ${pad(`${opts.bootstrapServer.split(',')[0]} (${g.coordinator})`, 25)} ${pad(g.protocol, 19)} ${pad(g.state, 15)} ${g.members.length}\n`);
    return 0;
  }
  if (g.state === 'Empty') out(`\nConsumer group '${groupId}' has no active members.\n`);
  if (g.state === 'PreparingRebalance' || g.state === 'CompletingRebalance') out(`\nWarning: Consumer group '${groupId}' is rebalancing.\n`);
  if (opts.members) {
    const wc = Math.max(15, ...g.members.map((m) => m.memberId.length));
    const wh = Math.max(15, ...g.members.map((m) => m.host.length));
    const wi = Math.max(15, ...g.members.map((m) => m.clientId.length));
    out(`\n${pad('GROUP', Math.max(15, groupId.length))} ${pad('CONSUMER-ID', wc)} ${pad('HOST', wh)} ${pad('CLIENT-ID', wi)} #PARTITIONS \n`);
    for (const m of g.members) out(`${pad(groupId, Math.max(15, groupId.length))} ${pad(m.memberId, wc)} ${pad(m.host, wh)} ${pad(m.clientId, wi)} ${m.assignment.length}\n`);
    return 0;
  }
  const rows: GroupLagRow[] = await admin.consumerGroupLag(groupId);
  // Members without partitions get a row of their own, as in Kafka.
  const withParts = new Set(rows.map((r) => r.consumerId));
  const extra = g.members.filter((m) => !withParts.has(m.memberId));
  const cells = [
    ...rows.map((r) => [groupId, r.topic, String(r.partition), r.currentOffset ?? '-', r.logEndOffset < 0 ? '-' : r.logEndOffset, r.lag ?? '-', r.consumerId ?? '-', r.host ?? '-', r.clientId ?? '-'].map(String)),
    ...extra.map((m) => [groupId, '-', '-', '-', '-', '-', m.memberId, m.host, m.clientId]),
  ];
  const wg = Math.max(15, groupId.length);
  const wt = Math.max(15, ...cells.map((c) => c[1]!.length));
  const wc = Math.max(15, ...cells.map((c) => c[6]!.length));
  const wh = Math.max(15, ...cells.map((c) => c[7]!.length));
  const line = (c: string[]) => `${pad(c[0]!, wg)} ${pad(c[1]!, wt)} ${pad(c[2]!, 10)} ${pad(c[3]!, 15)} ${pad(c[4]!, 15)} ${pad(c[5]!, 15)} ${pad(c[6]!, wc)} ${pad(c[7]!, wh)} ${c[8]}\n`;
  out('\n' + line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']));
  for (const c of cells) out(line(c));
  return 0;
}

async function del(admin: AdminClient, groups: string[]): Promise<number> {
  const failed: [string, string][] = [];
  for (const g of groups) {
    try {
      await admin.deleteGroups([g]);
    } catch (e) {
      if ((e as { code?: string }).code === 'KTS_ERR_CONNECT') throw e;
      failed.push([g, (e as Error).message]);
    }
  }
  const ok = groups.filter((g) => !failed.some(([f]) => f === g));
  if (failed.length === 0) {
    out(`Deletion of requested consumer groups (${ok.map((g) => `'${g}'`).join(', ')}) was successful.\n`);
    return 0;
  }
  let msg = 'Error: Deletion of some consumer groups failed:\n';
  for (const [g, m] of failed) msg += `* Group '${g}' could not be deleted due to: ${m}\n`;
  process.stderr.write(msg);
  if (ok.length) out(`These consumer groups were deleted successfully: ${ok.map((g) => `'${g}'`).join(', ')}\n`);
  return 1;
}

/** Parse Kafka's --to-datetime: 'YYYY-MM-DDTHH:mm:SS.sss' with an optional zone (local time without one). */
function parseDatetime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) throw new ToolError(`Error parsing datetime '${s}'. The expected format is 'YYYY-MM-DDTHH:mm:SS.sss' (optionally with a zone, e.g. Z or +01:00)`);
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${(m[7] ?? '0').padEnd(3, '0')}${m[8] ? (m[8] === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : ''}`;
  const t = new Date(iso).getTime();
  if (!Number.isFinite(t)) throw new ToolError(`Error parsing datetime '${s}'`);
  return t;
}

/** Parse an ISO-8601 duration as Java's Duration.parse: 'PnDTnHnMn.nS' (ms). */
function parseDuration(s: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(s);
  if (!m || s.toUpperCase() === 'P' || s.toUpperCase().endsWith('T')) throw new ToolError(`Error parsing duration '${s}'. The expected format is 'PnDTnHnMnS'`);
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 60_000 + Number(m[4] ?? 0) * 1000;
}

async function reset(admin: AdminClient, groupId: string): Promise<number> {
  const specs = [opts.toEarliest, opts.toLatest, opts.toCurrent, opts.toOffset !== undefined, opts.shiftBy !== undefined, opts.toDatetime !== undefined, opts.byDuration !== undefined].filter(Boolean).length;
  if (specs !== 1) throw new ToolError('Option [reset-offsets] takes exactly one of these options: --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration');
  if (opts.topic.length === 0 && !opts.allTopics) throw new ToolError('Option [reset-offsets] takes one of these options: [all-topics], [topic]');
  if (opts.execute && opts.dryRun) throw new ToolError('Option [execute] and [dry-run] cannot be used together');
  const toOffset = opts.toOffset !== undefined ? Number(opts.toOffset) : undefined;
  const shiftBy = opts.shiftBy !== undefined ? Number(opts.shiftBy) : undefined;
  if (toOffset !== undefined && !Number.isInteger(toOffset)) throw new ToolError(`Invalid value '${opts.toOffset}' for --to-offset`);
  if (shiftBy !== undefined && !Number.isInteger(shiftBy)) throw new ToolError(`Invalid value '${opts.shiftBy}' for --shift-by`);
  const datetime = opts.toDatetime !== undefined ? parseDatetime(opts.toDatetime) : opts.byDuration !== undefined ? Date.now() - parseDuration(opts.byDuration) : undefined;

  const [g] = await admin.describeGroups([groupId]);
  if (g && g.state !== 'Empty' && g.state !== 'Dead') {
    throw new ToolError(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${g.state}.`);
  }
  const committed = await admin.listConsumerGroupOffsets(groupId);
  const committedRows = [...(await admin.consumerGroupLag(groupId))];
  // The partitions to reset.
  const parts: { topic: string; partition: number }[] = [];
  if (opts.allTopics) {
    for (const r of committedRows) parts.push({ topic: r.topic, partition: r.partition });
  } else {
    for (const spec of opts.topic) {
      const i = spec.lastIndexOf(':');
      const topic = i > 0 ? spec.slice(0, i) : spec;
      const wanted = i > 0 ? spec.slice(i + 1).split(',').map((p) => Number(p)) : undefined;
      const [d] = await admin.describeTopics([topic]).catch((e: { errorName?: string }) => {
        if (e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') throw new ToolError(`Topic '${topic}' does not exist`);
        throw e;
      });
      for (const p of d!.partitions) if (!wanted || wanted.includes(p.partition)) parts.push({ topic, partition: p.partition });
      for (const w of wanted ?? []) if (!d!.partitions.some((p) => p.partition === w)) throw new ToolError(`Partition ${topic}-${w} does not exist`);
    }
  }
  const key = (p: { topic: string; partition: number }) => `${p.topic}-${p.partition}`;
  const earliest = await admin.listOffsets(parts.map((p) => ({ ...p, spec: 'earliest' as const })));
  const latest = await admin.listOffsets(parts.map((p) => ({ ...p, spec: 'latest' as const })));
  const byTime = datetime !== undefined ? await admin.listOffsets(parts.map((p) => ({ ...p, spec: datetime }))) : undefined;
  const clamp = (p: { topic: string; partition: number }, o: number) => Math.min(Math.max(o, earliest.get(key(p))!), latest.get(key(p))!);
  const plan = parts.map((p) => {
    const k = key(p);
    const current = committed.get(k)?.offset;
    let offset: number;
    if (opts.toEarliest) offset = earliest.get(k)!;
    else if (opts.toLatest) offset = latest.get(k)!;
    else if (toOffset !== undefined) offset = clamp(p, toOffset);
    else if (shiftBy !== undefined) offset = clamp(p, (current ?? latest.get(k)!) + shiftBy);
    else if (byTime) offset = byTime.get(k)! < 0 ? latest.get(k)! : byTime.get(k)!;
    else offset = current ?? latest.get(k)!;
    return { ...p, offset };
  });
  if (!opts.execute && !opts.dryRun) {
    out(
      'WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
    );
  }
  if (opts.execute && plan.length) await admin.alterConsumerGroupOffsets(groupId, plan);
  const fmt = (a: string, b: string, c: string, d: string) => `${pad(a, 30)} ${pad(b, 30)} ${pad(c, 10)} ${pad(d, 15)}\n`;
  out('\n' + fmt('GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'));
  for (const p of plan.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)) out(fmt(groupId, p.topic, String(p.partition), String(p.offset)));
  return 0;
}

runTool(main);
