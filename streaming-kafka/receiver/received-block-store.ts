import { BlockStoreException } from './errors.js';
import type { StreamBlockId } from './stream-block-id.js';

/**
 * The in-memory store of received blocks: the part of Spark's `BlockManager` the receivers use
 * (putIterator/putBytes on the executor, get and remove for the BlockRDDs). Receivers and the driver
 * share one process here, so a block is the array of items the receiver stored, kept by reference
 * (do not mutate stored arrays). One store per ReceiverTracker (per running StreamingContext); a
 * block is removed when its batch is forgotten (the ReceiverInputDStream's clearMetadata, as
 * Spark's BlockRDD.removeBlocks). Nothing is evicted or spilled to disk: memory use is bounded by
 * what the batches that are remembered hold.
 */
export class ReceivedBlockStore {
  private readonly blocks = new Map<string, readonly unknown[]>();

  /** Store `items` as block `id`. Errors: BlockStoreException when the id is already stored. */
  put(id: StreamBlockId, items: readonly unknown[]): void {
    const key = id.name;
    if (this.blocks.has(key)) throw new BlockStoreException(`Block ${key} already exists in the block store`);
    this.blocks.set(key, items);
  }
  /** The items of block `id`, or undefined. */
  get<T>(id: StreamBlockId): readonly T[] | undefined {
    return this.blocks.get(id.name) as readonly T[] | undefined;
  }
  contains(id: StreamBlockId): boolean {
    return this.blocks.has(id.name);
  }
  /** Remove block `id` (no-op when absent); true when it was there. */
  remove(id: StreamBlockId): boolean {
    return this.blocks.delete(id.name);
  }
  /** Number of blocks held. */
  get size(): number {
    return this.blocks.size;
  }
  /** Records held, all blocks. */
  get numRecords(): number {
    let n = 0;
    for (const b of this.blocks.values()) n += b.length;
    return n;
  }
  clear(): void {
    this.blocks.clear();
  }
}
