/**
 * One admin change at a time per broker, as Kafka's controller applies CreateTopics, DeleteTopics,
 * CreatePartitions and config changes one after another. Without it two connections could interleave
 * a read-modify-write of a topic's overrides (IncrementalAlterConfigs) or grow one topic twice at once,
 * each step being asynchronous (durable writes).
 *
 * Source: Kafka 3.8.0 `QuorumController` (a single event queue for every metadata change).
 */
import type { BrokerContext } from '../../server/types.js';

const tails = new WeakMap<BrokerContext, Promise<unknown>>();

/**
 * Run `fn` after every admin change started before it on this broker has finished (whether it
 * succeeded or failed); resolves or rejects as `fn` does.
 */
export function withAdminLock<T>(broker: BrokerContext, fn: () => Promise<T>): Promise<T> {
  const prev = tails.get(broker) ?? Promise.resolve();
  const run = prev.then(fn);
  tails.set(broker, run.catch(() => undefined));
  return run;
}
