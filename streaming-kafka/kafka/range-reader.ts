import { KafkaConsumer, type ConsumerRecord } from '../../client/index.js';
import { tpKey, type OffsetRange } from './offset-range.js';

/**
 * Reads exactly the records of offset ranges with one assigned KafkaConsumer (Spark's KafkaRDD
 * compute with a KafkaDataConsumer): assign the ranges' partitions, seek each to `fromOffset`,
 * poll until every partition reached `untilOffset`, drop records past it. Consumer params are
 * Spark's executor params (`fixKafkaParams`): `enable.auto.commit=false`, `auto.offset.reset=none`,
 * `group.id = "spark-executor-" + group.id` (used in messages; reading needs no group); defaults
 * `fetch.max.wait.ms` 10 and `max.poll.records` 100000 unless the params set them.
 * Errors (Spark's texts): "Beginning offset F is after the ending offset U for topic T partition P. You either provided an invalid fromOffset, or the Kafka topic has been damaged";
 * "Got wrong record for <group> <topic-partition> even after seeking to offset O got offset X instead. If this is a compacted topic, consider enabling spark.streaming.kafka.allowNonConsecutiveOffsets";
 * "Failed to get records for <group> <topic-partition> <offset> after polling for <ms>";
 * a range no longer in the log (deleted by retention) fails naming the partition and offsets.
 */
export class RangeReader {
  private consumer: KafkaConsumer | undefined;
  readonly groupId: string;

  constructor(
    private readonly kafkaParams: Record<string, string | number | boolean>,
    /** Poll timeout, ms (spark.streaming.kafka.consumer.poll.ms). */
    private readonly pollTimeoutMs: number,
  ) {
    this.groupId = `spark-executor-${kafkaParams['group.id'] ?? 'null'}`;
  }

  private get(): KafkaConsumer {
    if (!this.consumer) {
      // The ranges are below the high watermark, so fetches never need to wait for data: a short
      // fetch.max.wait.ms (unless given) keeps an end-of-log fetch from delaying the next batch.
      const props: Record<string, string | number | boolean> = {
        'fetch.max.wait.ms': 10,
        'max.poll.records': 100_000,
        ...this.kafkaParams,
        'enable.auto.commit': false,
        'auto.offset.reset': 'none',
      };
      delete props['group.id']; // reading by assign/seek needs no group (Spark sets spark-executor-<group> only for naming)
      this.consumer = new KafkaConsumer(props);
    }
    return this.consumer;
  }

  /** The records of each range, in range order (one array per range). */
  async read(ranges: OffsetRange[]): Promise<ConsumerRecord[][]> {
    for (const r of ranges) {
      if (r.fromOffset > r.untilOffset) {
        throw new Error(`Beginning offset ${r.fromOffset} is after the ending offset ${r.untilOffset} for topic ${r.topic} partition ${r.partition}. You either provided an invalid fromOffset, or the Kafka topic has been damaged`);
      }
    }
    const out = ranges.map(() => [] as ConsumerRecord[]);
    const todo = ranges.map((r, i) => ({ r, i })).filter(({ r }) => r.count() > 0);
    if (todo.length === 0) return out;
    const c = this.get();
    c.assign(todo.map(({ r }) => r.topicPartition()));
    c.resume(todo.map(({ r }) => r.topicPartition()));
    // per partition: the next offset expected and the record arrays received (joined once at the end)
    const next = new Map<string, { r: OffsetRange; i: number; next: number; chunks: ConsumerRecord[][] }>();
    for (const { r, i } of todo) {
      c.seek(r.topicPartition(), r.fromOffset);
      next.set(tpKey(r), { r, i, next: r.fromOffset, chunks: [] });
    }
    let lastProgress = Date.now();
    while (next.size > 0) {
      let batches;
      try {
        batches = await c.pollBatches(Math.min(this.pollTimeoutMs, 1000));
      } catch (err) {
        const name = (err as { errorName?: string; name?: string }).errorName ?? (err as Error).name;
        if (name === 'OFFSET_OUT_OF_RANGE' || name === 'NoOffsetForPartitionError' || /out of range/i.test(String((err as Error).message))) {
          const left = [...next.values()].map(({ r, next: n }) => `${r.topic}-${r.partition} [${n}, ${r.untilOffset})`).join(', ');
          throw new Error(`Offsets out of range for ${left}: the records are no longer in the log (deleted by retention?) — ${String((err as Error).message)}`, { cause: err });
        }
        throw err;
      }
      for (const b of batches) {
        const st = next.get(`${b.topic}-${b.partition}`);
        if (!st) continue;
        const recs = b.records;
        const len = recs.length;
        if (len === 0) continue;
        const first = recs[0]!.offset;
        const last = recs[len - 1]!.offset;
        if (first === st.next && last === first + len - 1 && last < st.r.untilOffset) {
          // the common case: the whole array is the next records of the range (offsets increase, so
          // first and last bound them: they are consecutive) — kept as it is, no per-record copy
          st.chunks.push(recs);
          st.next = last + 1;
          lastProgress = Date.now();
        } else {
          const part: ConsumerRecord[] = [];
          for (const rec of recs) {
            if (rec.offset < st.next) continue;
            if (rec.offset >= st.r.untilOffset) break;
            if (rec.offset !== st.next) {
              throw new Error(
                `Got wrong record for ${this.groupId} ${b.topic}-${b.partition} even after seeking to offset ${st.next} got offset ${rec.offset} instead. If this is a compacted topic, consider enabling spark.streaming.kafka.allowNonConsecutiveOffsets`,
              );
            }
            part.push(rec);
            st.next = rec.offset + 1;
            lastProgress = Date.now();
          }
          if (part.length > 0) st.chunks.push(part);
        }
        if (st.next >= st.r.untilOffset) {
          next.delete(`${b.topic}-${b.partition}`);
          c.pause([st.r.topicPartition()]);
          out[st.i] = join(st.chunks);
        }
      }
      if (next.size > 0 && Date.now() - lastProgress > this.pollTimeoutMs) {
        const { r, next: n } = next.values().next().value!;
        throw new Error(`Failed to get records for ${this.groupId} ${r.topic}-${r.partition} ${n} after polling for ${this.pollTimeoutMs}`);
      }
    }
    c.assign([]);
    return out;
  }

  async close(): Promise<void> {
    await this.consumer?.close();
    this.consumer = undefined;
  }
}

/** The arrays `chunks` as one array. */
function join<T>(chunks: T[][]): T[] {
  if (chunks.length === 1) return chunks[0]!;
  let out: T[] = [];
  for (let i = 0; i < chunks.length; i += 1024) out = out.concat(...chunks.slice(i, i + 1024)); // concat: a bulk copy
  return out;
}
