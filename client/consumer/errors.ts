/**
 * Consumer errors that are not protocol errors. Protocol errors are KafkaProtocolError with Kafka's
 * names (client/errors.ts), e.g. OFFSET_OUT_OF_RANGE for Kafka's OffsetOutOfRangeException,
 * REBALANCE_IN_PROGRESS for RebalanceInProgressException.
 */
import { KafkaTsError } from '../errors.js';

/**
 * No committed offset and `auto.offset.reset=none` (Kafka's NoOffsetForPartitionException).
 * Stable code `KTS_ERR_NO_OFFSET_FOR_PARTITION`; `partitions` lists them as `${topic}-${partition}`.
 */
export class NoOffsetForPartitionError extends KafkaTsError {
  constructor(readonly partitions: string[]) {
    super('KTS_ERR_NO_OFFSET_FOR_PARTITION', `Undefined offset with no reset policy for partitions: [${partitions.join(', ')}]`);
  }
}

/**
 * A commit refused because the group rebalanced and the partitions may now be someone else's
 * (Kafka's CommitFailedException, after ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID).
 * Stable code `KTS_ERR_COMMIT_FAILED`; `cause` is the KafkaProtocolError.
 */
export class CommitFailedError extends KafkaTsError {
  constructor(cause: Error) {
    super(
      'KTS_ERR_COMMIT_FAILED',
      'Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member. ' +
        'This means that the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, ' +
        `or the member was removed from the group (${cause.message})`,
      { cause },
    );
  }
}

/** A consumer call after close() (Kafka's IllegalStateException "This consumer has already been closed."). Stable code `KTS_ERR_CONSUMER_CLOSED`. */
export class ConsumerClosedError extends KafkaTsError {
  constructor() {
    super('KTS_ERR_CONSUMER_CLOSED', 'This consumer has already been closed.');
  }
}
