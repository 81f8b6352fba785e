/**
 * Child program of receiver-crash.test.ts: a reliable receiver over a deterministic source — the
 * numbers 0..total−1 — with the receiver write-ahead log on, recovered with
 * StreamingContext.getOrCreate. The source's "committed offset" is the file `<work>/source-offset`
 * (the next number to read); the receiver writes it (temp file + rename) only after the block
 * holding the numbers before it was stored (storeBlock resolved: in the WAL and reported to the
 * tracker), as Spark's ReliableKafkaReceiver commits offsets to ZooKeeper. On start it resumes at
 * the committed offset, so numbers stored but not committed before a crash come again (duplicates,
 * never loss). Each batch writes `<work>/out/batch-<time>.json` = { batchTime, numbers, walBlocks }
 * (atomic; walBlocks = the batch's blocks read back from the WAL after a restart), and appends the
 * batch's numbers to `<work>/deliveries.jsonl` (one JSON line per run of the output, reruns included).
 *
 * argv: <work dir> <total> ; prints "started <recovered|fresh>" when running. SIGTERM: graceful stop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Receiver, StreamingContext, blockInfosOf, type BlockGenerator, type StreamBlockId } from '../../streaming-kafka/index.js';
import { writeBatchResultFile } from '../../streaming-kafka/sinks/idempotent-file-sink.js';

const [work, totalArg] = [process.argv[2]!, process.argv[3]!];
const total = Number(totalArg);
const sourceOffsetFile = path.join(work, 'source-offset');
const cpDir = path.join(work, 'cp');
const outDir = path.join(work, 'out');

function readCommitted(): number {
  try {
    return Number(fs.readFileSync(sourceOffsetFile, 'utf8'));
  } catch {
    return 0;
  }
}

function commit(offset: number): void {
  const tmp = `${sourceOffsetFile}.tmp`;
  fs.writeFileSync(tmp, String(offset));
  fs.renameSync(tmp, sourceOffsetFile);
}

/** The ReliableKafkaReceiver pattern over the number source. */
class SequenceReceiver extends Receiver<number> {
  private generator: BlockGenerator<number> | undefined;
  /** Offset after the last number added to the current block. */
  private latestOffset = 0;
  private readonly blockOffsets = new Map<string, number>();

  onStart(): void {
    const from = readCommitted();
    this.latestOffset = from;
    this.blockOffsets.clear();
    const g = this.supervisor.createBlockGenerator<number>({
      onAddData: (_n, offset) => {
        this.latestOffset = offset as number;
      },
      onGenerateBlock: (id: StreamBlockId) => {
        this.blockOffsets.set(id.name, this.latestOffset);
      },
      onPushBlock: async (id, items) => {
        let lastErr: unknown;
        for (let attempt = 0; attempt <= 3; attempt++) {
          try {
            await this.storeBlock(items, { first: items[0], last: items[items.length - 1] });
            const offset = this.blockOffsets.get(id.name);
            this.blockOffsets.delete(id.name);
            if (offset !== undefined) commit(offset);
            return;
          } catch (err) {
            lastErr = err;
          }
        }
        this.stop('Error while storing block into Spark', lastErr);
      },
      onError: (message, err) => this.reportError(message, err),
    });
    this.generator = g;
    g.start();
    void this.fetch(g, from);
  }

  private async fetch(g: BlockGenerator<number>, from: number): Promise<void> {
    for (let n = from; n < total && !this.isStopped(); n++) {
      try {
        await g.addDataWithCallback(n, n + 1);
      } catch {
        return;
      }
      if (n % 100 === 99) await new Promise((r) => setImmediate(r));
    }
  }

  async onStop(): Promise<void> {
    await this.generator?.stop();
  }
}

const conf = {
  'spark.streaming.receiver.writeAheadLog.enable': true,
  'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs': 1,
  'spark.streaming.driver.writeAheadLog.rollingIntervalSecs': 1,
  'spark.streaming.blockInterval': 50,
  'spark.streaming.receiver.maxRate': 4000,
  'spark.streaming.receiverRestartDelay': 200,
  'spark.streaming.stopGracefullyOnShutdown': true,
};

const ssc = await StreamingContext.getOrCreate(cpDir, () => {
  const s = new StreamingContext({ batchDurationMs: 200, conf, appName: 'receiver-crash' });
  s.checkpoint(cpDir);
  s.receiverStream(new SequenceReceiver()).foreachRDD((data, t) => {
    const numbers = data.collect();
    // every delivery, reruns included (a rerun batch rewrites its file with the same content)
    fs.appendFileSync(path.join(work, 'deliveries.jsonl'), `${JSON.stringify(numbers)}\n`);
    // walBlocks: blocks of this batch recovered after a restart, read back from the write-ahead log
    writeBatchResultFile(outDir, t, { numbers, walBlocks: blockInfosOf(data).filter((b) => b.blockIdValid === false).length });
  });
  return s;
});
await ssc.start();
process.stdout.write(`started ${ssc.recoveredCheckpoint ? 'recovered' : 'fresh'}\n`);
await ssc.awaitTermination();
