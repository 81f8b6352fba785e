/**
 * Record batch v2 codec benchmark: our encoder/decoder against kafkajs 2.2.4's in the same process.
 *
 * Workload: batches of just under 16 KiB (148 records) of records with a 100-byte value, no key, no
 * headers, per-record timestamps, no compression. "Encode" builds the whole batch from record objects
 * (including the CRC-32C); "decode" checks the batch and produces record objects with offset,
 * timestamp, key, value and headers (kafkajs's decoder skips the CRC; ours checks it).
 *
 * Method: a warm-up pass of every case first (this VM's first-touch memory is slow, and the JIT needs
 * to settle), then ROUNDS rounds of each case for ROUND_MS each; the median rate per case is reported.
 * Prints human-readable lines, then as its last line one JSON object:
 * {"encodeRecordsPerSec", "decodeRecordsPerSec", "kafkajsEncodeRecordsPerSec", "kafkajsDecodeRecordsPerSec"}.
 *
 * Run: `npm run build && npm run bench:codec` (env BENCH_ROUND_MS, BENCH_ROUNDS to change the timing).
 */
import { createRequire } from 'node:module';
import { decodeRecordBatchSync, encodeRecordBatch, encodeRecordBatchSync, validateRecordBatch, type RecordInput } from '../client/records/index.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const { RecordBatch: KjsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as any;
const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as any;
const KjsRecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as any;
const KjsDecoder = require('kafkajs/src/protocol/decoder.js') as any;

const RECORDS_PER_BATCH = 148; // 16,363-byte batches (just under 16 KiB)
const VALUE_SIZE = 100;
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCHES = 64; // distinct input batches, cycled

const baseTs = Date.now();
const inputs: RecordInput[][] = [];
for (let b = 0; b < BATCHES; b++) {
  const recs: RecordInput[] = [];
  for (let i = 0; i < RECORDS_PER_BATCH; i++) {
    const value = Buffer.alloc(VALUE_SIZE, (b * 31 + i) & 0xff);
    recs.push({ key: null, value, timestamp: baseTs + b * 1000 + i });
  }
  inputs.push(recs);
}

let sink = 0;

function oursEncode(recs: RecordInput[]): Buffer {
  return encodeRecordBatchSync({ records: recs });
}

async function kafkajsEncode(recs: RecordInput[]): Promise<Buffer> {
  const firstTimestamp = recs[0]!.timestamp!;
  let maxTimestamp = firstTimestamp;
  const records = recs.map((m, i) => {
    if (m.timestamp! > maxTimestamp) maxTimestamp = m.timestamp!;
    return KjsRecord({ offsetDelta: i, timestampDelta: m.timestamp! - firstTimestamp, key: m.key, value: m.value, headers: {} });
  });
  const enc = await KjsRecordBatch({ compression: 0, firstTimestamp, maxTimestamp, lastOffsetDelta: recs.length - 1, records });
  return enc.buffer as Buffer;
}

const encodedOurs = inputs.map(oursEncode);
const encodedKafkajs: Buffer[] = [];

interface Case {
  name: string;
  /** Runs one batch; returns records processed. */
  run(i: number): number | Promise<number>;
  async: boolean;
}

const cases: Case[] = [
  {
    name: 'ours encode (encodeRecordBatchSync)',
    async: false,
    run: (i) => {
      const buf = oursEncode(inputs[i % BATCHES]!);
      sink += buf.length;
      return RECORDS_PER_BATCH;
    },
  },
  {
    name: 'ours decode (decodeRecordBatchSync, CRC checked)',
    async: false,
    run: (i) => {
      const b = decodeRecordBatchSync(encodedOurs[i % BATCHES]!);
      sink += b.records.length + b.records[b.records.length - 1]!.value!.length;
      return b.records.length;
    },
  },
  {
    name: 'kafkajs encode (Record + RecordBatch)',
    async: true,
    run: async (i) => {
      const buf = await kafkajsEncode(inputs[i % BATCHES]!);
      sink += buf.length;
      return RECORDS_PER_BATCH;
    },
  },
  {
    name: 'kafkajs decode (RecordBatchDecoder, no CRC check)',
    async: true,
    run: async (i) => {
      const b = await KjsRecordBatchDecoder(new KjsDecoder(encodedKafkajs[i % BATCHES]!));
      sink += b.records.length;
      return b.records.length as number;
    },
  },
  {
    name: 'ours encode, async API (encodeRecordBatch)',
    async: true,
    run: async (i) => {
      const buf = await encodeRecordBatch({ records: inputs[i % BATCHES]! });
      sink += buf.length;
      return RECORDS_PER_BATCH;
    },
  },
  {
    name: 'ours validate only (validateRecordBatch, CRC + record walk)',
    async: false,
    run: (i) => {
      sink += validateRecordBatch(encodedOurs[i % BATCHES]!, 0, { checkRecords: true });
      return RECORDS_PER_BATCH;
    },
  },
];

/** Records per second of `c` over about `ms` milliseconds. */
async function measure(c: Case, ms: number): Promise<number> {
  let records = 0;
  let i = 0;
  const start = process.hrtime.bigint();
  const limit = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < limit) {
    // 16 batches between clock reads
    if (c.async) {
      for (let k = 0; k < 16; k++) records += await c.run(i++);
    } else {
      for (let k = 0; k < 16; k++) records += c.run(i++) as number;
    }
    now = process.hrtime.bigint();
  }
  return records / (Number(now - start) / 1e9);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  for (const recs of inputs) encodedKafkajs.push(await kafkajsEncode(recs));
  // Cross-checks: the two encoders agree byte for byte apart from fields kafkajs defaults differently,
  // and each decoder reads the other's output.
  const ours = decodeRecordBatchSync(encodedKafkajs[0]!);
  const theirs = await KjsRecordBatchDecoder(new KjsDecoder(encodedOurs[0]!));
  if (ours.records.length !== RECORDS_PER_BATCH || theirs.records.length !== RECORDS_PER_BATCH) throw new Error('cross-check failed');
  if (!ours.records[5]!.value!.equals(inputs[0]![5]!.value as Buffer) || !theirs.records[5].value.equals(inputs[0]![5]!.value)) throw new Error('cross-check failed');

  const size = encodedOurs[0]!.length;
  console.log(`record batch v2 codec benchmark: ${RECORDS_PER_BATCH} records/batch, ${VALUE_SIZE}-byte values, no key, no headers, no compression`);
  console.log(`batch size: ours ${size} bytes, kafkajs ${encodedKafkajs[0]!.length} bytes; ${ROUNDS} rounds of ${ROUND_MS} ms per case after a warm-up; median shown`);

  for (const c of cases) await measure(c, Math.max(300, ROUND_MS / 2)); // warm-up
  const rates = new Map<string, number[]>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of cases) {
      const rate = await measure(c, ROUND_MS);
      rates.set(c.name, [...(rates.get(c.name) ?? []), rate]);
    }
  }
  const med = (name: string) => median(rates.get(name)!);
  for (const c of cases) {
    const rs = rates.get(c.name)!;
    const m = median(rs);
    console.log(
      `${c.name.padEnd(62)} ${(m / 1e6).toFixed(3).padStart(7)} M records/s  ${((m / RECORDS_PER_BATCH) * size / 1e6).toFixed(0).padStart(5)} MB/s  (rounds: ${rs.map((x) => (x / 1e6).toFixed(2)).join(', ')})`,
    );
  }
  const result = {
    encodeRecordsPerSec: Math.round(med(cases[0]!.name)),
    decodeRecordsPerSec: Math.round(med(cases[1]!.name)),
    kafkajsEncodeRecordsPerSec: Math.round(med(cases[2]!.name)),
    kafkajsDecodeRecordsPerSec: Math.round(med(cases[3]!.name)),
  };
  console.log(
    `encode ${(result.encodeRecordsPerSec / result.kafkajsEncodeRecordsPerSec).toFixed(1)}x kafkajs (target >= 10x), decode ${(result.decodeRecordsPerSec / result.kafkajsDecodeRecordsPerSec).toFixed(1)}x kafkajs (target >= 4x)`,
  );
  if (sink === 0) console.log('(sink)');
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
