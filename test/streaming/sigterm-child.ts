/**
 * Child program for shutdown.test.ts: a StreamingContext on the system clock (batch 100 ms) whose
 * output takes 150 ms per batch and prints "start <t>" / "done <t>"; with
 * `spark.streaming.stopGracefullyOnShutdown` = argv[2], SIGTERM stops it through the shutdown hook.
 */
import { StreamingContext } from '../../streaming-kafka/index.js';

const graceful = process.argv[2] === 'true';
const ssc = new StreamingContext({ batchDurationMs: 100, conf: { 'spark.streaming.stopGracefullyOnShutdown': graceful } });
ssc.queueStream<number>([], true).foreachRDD(async (_d, t) => {
  process.stdout.write(`start ${t}\n`);
  await new Promise((r) => setTimeout(r, 150));
  process.stdout.write(`done ${t}\n`);
});
await ssc.start();
process.stdout.write('ready\n');
await ssc.awaitTermination();
process.stdout.write(`terminated ${ssc.getState()}\n`);
