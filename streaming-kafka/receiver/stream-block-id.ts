/**
 * Spark's `StreamBlockId(streamId, uniqueId)` (core/storage/BlockId.scala): the id of one block of
 * received data, `input-<streamId>-<uniqueId>`. Blocks cut by a BlockGenerator have
 * `uniqueId = block time − block interval` (ms); blocks stored directly with `storeBlock` take the
 * supervisor's counter, started at the wall time (ms) when the supervisor was created.
 */
export class StreamBlockId {
  constructor(
    /** The input stream (= receiver) id. */
    readonly streamId: number,
    /** Unique within the stream. */
    readonly uniqueId: number,
  ) {}

  /** `input-<streamId>-<uniqueId>` (Spark's BlockId.name). */
  get name(): string {
    return `input-${this.streamId}-${this.uniqueId}`;
  }

  toString(): string {
    return this.name;
  }

  /** JSON form: the name. */
  toJSON(): string {
    return this.name;
  }

  equals(other: StreamBlockId): boolean {
    return other.streamId === this.streamId && other.uniqueId === this.uniqueId;
  }

  /** Parse `input-<streamId>-<uniqueId>`; undefined for anything else. */
  static parse(name: string): StreamBlockId | undefined {
    const m = /^input-(\d+)-(-?\d+)$/.exec(name);
    return m ? new StreamBlockId(Number(m[1]), Number(m[2])) : undefined;
  }
}
