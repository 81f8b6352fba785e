/**
 * The message streams of the high-level consumer (Kafka 0.8's `kafka.consumer.KafkaStream`,
 * `ConsumerIterator`, `FetchedDataChunk` and `kafka.message.MessageAndMetadata`).
 *
 * A {@link KafkaStream} is one consumer thread's stream of one topic: an `AsyncIterable` of
 * {@link MessageAndMetadata} fed by the connector's fetcher with *chunks* (the records of one
 * partition returned by one fetch, at most `max.poll.records`) through a queue. Iteration is
 * pull-based: a message is "consumed" when the iterator hands it out (the connector then advances
 * that partition's consumed position to `offset + 1`, which is what auto-commit commits). While
 * `queued.max.message.chunks` chunks wait in the queue the connector stops fetching the stream's
 * partitions (backpressure); taking a chunk out of the queue lets fetching resume.
 *
 * The iterator ends (`done`) when the connector shuts down, and throws the connector's fatal error
 * (e.g. ConsumerSessionExpiredException) when it fails. A rebalance clears the queue and the chunk
 * being iterated (messages fetched but not handed out are dropped; the connector fetches them again
 * if it keeps the partition). Breaking out of a `for await` loop does not end the stream: iterating
 * again continues where it stopped (there is one iterator per stream, as Kafka's). Concurrent
 * `next()` calls each get a different message.
 */

/** Kafka 0.8's `MessageAndMetadata`: a message with its partition and offset. Times in ms since the epoch. */
export interface MessageAndMetadata {
  topic: string;
  partition: number;
  /** The message's offset in its partition. */
  offset: number;
  key: Buffer | null;
  /** The message's value (Kafka 0.8's `message()`). */
  message: Buffer | null;
  /** The record's timestamp (ms since the epoch; Kafka 0.8 messages had none). */
  timestamp: number;
}

/** One fetched chunk: consecutive messages of one partition, tagged with the fetch generation. */
export interface FetchedDataChunk {
  topic: string;
  partition: number;
  messages: MessageAndMetadata[];
  /** The connector's fetch generation when fetched; chunks of an older generation are never handed out. */
  generation: number;
}

/** What a stream needs from its connector (internal contract between KafkaStream and the connector). */
export interface StreamSource {
  /** The current fetch generation (bumped when fetchers stop). */
  readonly generation: number;
  /** A chunk left the queue (the queue has room again). */
  onChunkTaken(stream: KafkaStream): void;
  /** A message was handed out by the iterator. */
  onMessageConsumed(m: MessageAndMetadata): void;
  /** `count` messages of one partition were handed out at once (nextChunk), `last` the last of them. */
  onMessagesConsumed?(last: MessageAndMetadata, count: number): void;
}

/** See the module comment. Created by `ZookeeperConsumerConnector.createMessageStreams`. */
export class KafkaStream implements AsyncIterable<MessageAndMetadata> {
  private readonly queue: FetchedDataChunk[] = [];
  private current: FetchedDataChunk | null = null;
  private index = 0;
  private waiters: (() => void)[] = [];
  private ended = false;
  private failure: Error | undefined;
  private readonly iterator: AsyncIterator<MessageAndMetadata>;

  /**
   * @param topic the topic of this stream.
   * @param threadId the consumer thread id, `<consumerId>-<n>`.
   * @param source the connector (internal).
   */
  constructor(
    readonly topic: string,
    readonly threadId: string,
    private readonly source: StreamSource,
  ) {
    this.iterator = {
      next: () => this.next(),
      return: async () => ({ done: true, value: undefined }),
    };
  }

  /** The stream's single iterator (see the module comment). */
  [Symbol.asyncIterator](): AsyncIterator<MessageAndMetadata> {
    return this.iterator;
  }

  /** Chunks waiting in the queue (not counting the one being iterated). */
  get queuedChunks(): number {
    return this.queue.length;
  }

  /** Messages fetched and not yet handed out (queue plus the rest of the current chunk). */
  get queuedMessages(): number {
    let n = this.current ? this.current.messages.length - this.index : 0;
    for (const c of this.queue) n += c.messages.length;
    return n;
  }

  /** True once the stream ended (shutdown) or failed. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Connector side: append a fetched chunk and wake waiting iterators. */
  enqueue(chunk: FetchedDataChunk): void {
    if (this.ended) return;
    this.queue.push(chunk);
    this.wake();
  }

  /** Connector side: drop queued chunks and the chunk being iterated (Kafka's `KafkaStream.clear`). */
  clear(): void {
    this.queue.length = 0;
    this.current = null;
    this.index = 0;
  }

  /** Connector side: end the stream (iterators return done), or fail it with `error` (iterators throw it). */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.clear();
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async next(): Promise<IteratorResult<MessageAndMetadata>> {
    const c = await this.currentChunk();
    if (c === null) return { done: true, value: undefined };
    const m = c.messages[this.index++]!;
    this.source.onMessageConsumed(m);
    return { done: false, value: m };
  }

  /**
   * The messages the iterator would hand out next, as one array: the rest of the chunk being
   * iterated, else the next fetched chunk (one partition's messages in offset order), waiting for
   * one; `undefined` once the stream ended. The messages count as handed out (the consumed position
   * moves past the last). For receivers that add a chunk at a time (BlockGenerator's
   * addMultipleDataWithCallback) instead of awaiting every message; may be mixed with the iterator.
   * Errors: the stream's failure (e.g. ConsumerSessionExpiredException).
   */
  async nextChunk(): Promise<MessageAndMetadata[] | undefined> {
    const c = await this.currentChunk();
    if (c === null) return undefined;
    const ms = this.index === 0 ? c.messages : c.messages.slice(this.index);
    this.index = c.messages.length;
    if (this.source.onMessagesConsumed) this.source.onMessagesConsumed(ms[ms.length - 1]!, ms.length);
    else for (const m of ms) this.source.onMessageConsumed(m);
    return ms;
  }

  /** The chunk with messages left to hand out (of the current fetch generation), waiting for one; null once ended. */
  private async currentChunk(): Promise<FetchedDataChunk | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.ended) return null;
      const c = this.current;
      if (c !== null && this.index < c.messages.length) {
        if (c.generation === this.source.generation) return c;
        this.current = null;
      }
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.current = chunk;
        this.index = 0;
        this.source.onChunkTaken(this);
        continue;
      }
      this.current = null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

}
