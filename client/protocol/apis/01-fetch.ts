/**
 * Fetch (key 1): consumers and follower replicas read record batches from partition logs, v0-16,
 * flexible from v12.
 * v1 adds the response throttle time; from v2 a client must accept message format v1. v3 adds a
 * request-wide byte limit (KIP-74) and makes partition order significant. v4 adds the isolation level
 * (read_committed consumers only see data below the last stable offset, returned as LSO with the
 * aborted transactions) and requires record batch v2 support. v5 returns the log start offset; v6 may
 * answer KAFKA_STORAGE_ERROR. v7 introduces incremental fetch sessions (session id/epoch, forgotten
 * topics; KIP-227). v8 answers before throttling on quota violation. v9 sends the current leader epoch
 * for fencing (KIP-320); v10 allows zstd data (KIP-110). v11 sends the consumer's rack so the leader can
 * name a preferred read replica (KIP-392). v12 is the first flexible version and adds log divergence
 * detection (last fetched epoch / diverging epoch), the current leader and a snapshot id as tagged
 * fields (KIP-595). v13 identifies topics by topic id instead of name (KIP-516); v14 may answer
 * OFFSET_MOVED_TO_TIERED_STORAGE (KIP-405). v15 replaces the top-level replica id with a tagged replica
 * state (id and broker epoch; KIP-903). v16 returns the endpoints of new leaders (KIP-951).
 * Source: Kafka 3.8.0 FetchRequest.json / FetchResponse.json.
 */
import { api, f } from '../schema.js';

export const Fetch = api({
  key: 1,
  name: 'Fetch',
  versions: '0-16',
  flexible: '12+',
  request: {
    clusterId: f.string('12+', { nullable: '12+', default: null, tag: 0, tagged: '12+', ignorable: true }),
    replicaId: f.int32('0-14', { default: -1 }),
    replicaState: f.struct(
      {
        replicaId: f.int32('15+', { default: -1 }),
        replicaEpoch: f.int64('15+', { default: -1 }),
      },
      '15+',
      { tag: 1, tagged: '15+', struct: 'ReplicaState' },
    ),
    maxWaitMs: f.int32('0+'),
    minBytes: f.int32('0+'),
    maxBytes: f.int32('3+', { default: 0x7fffffff, ignorable: true }),
    isolationLevel: f.int8('4+', { default: 0, ignorable: true }),
    sessionId: f.int32('7+', { default: 0, ignorable: true }),
    sessionEpoch: f.int32('7+', { default: -1, ignorable: true }),
    topics: f.array(
      {
        topic: f.string('0-12', { ignorable: true }),
        topicId: f.uuid('13+', { ignorable: true }),
        partitions: f.array(
          {
            partition: f.int32('0+'),
            currentLeaderEpoch: f.int32('9+', { default: -1, ignorable: true }),
            fetchOffset: f.int64('0+'),
            lastFetchedEpoch: f.int32('12+', { default: -1 }),
            logStartOffset: f.int64('5+', { default: -1, ignorable: true }),
            partitionMaxBytes: f.int32('0+'),
          },
          '0+',
          { struct: 'FetchPartition' },
        ),
      },
      '0+',
      { struct: 'FetchTopic' },
    ),
    forgottenTopicsData: f.array(
      {
        topic: f.string('7-12', { ignorable: true }),
        topicId: f.uuid('13+', { ignorable: true }),
        partitions: f.array('int32', '7+'),
      },
      '7+',
      { struct: 'ForgottenTopic' },
    ),
    rackId: f.string('11+', { default: '', ignorable: true }),
  },
  response: {
    throttleTimeMs: f.int32('1+', { ignorable: true }),
    errorCode: f.int16('7+', { ignorable: true }),
    sessionId: f.int32('7+', { default: 0 }),
    responses: f.array(
      {
        topic: f.string('0-12', { ignorable: true }),
        topicId: f.uuid('13+', { ignorable: true }),
        partitions: f.array(
          {
            partitionIndex: f.int32('0+'),
            errorCode: f.int16('0+'),
            highWatermark: f.int64('0+'),
            lastStableOffset: f.int64('4+', { default: -1, ignorable: true }),
            logStartOffset: f.int64('5+', { default: -1, ignorable: true }),
            divergingEpoch: f.struct(
              {
                epoch: f.int32('12+', { default: -1 }),
                endOffset: f.int64('12+', { default: -1 }),
              },
              '12+',
              { tag: 0, tagged: '12+', struct: 'EpochEndOffset' },
            ),
            currentLeader: f.struct(
              {
                leaderId: f.int32('12+', { default: -1 }),
                leaderEpoch: f.int32('12+', { default: -1 }),
              },
              '12+',
              { tag: 1, tagged: '12+', struct: 'LeaderIdAndEpoch' },
            ),
            snapshotId: f.struct(
              {
                endOffset: f.int64('0+', { default: -1 }),
                epoch: f.int32('0+', { default: -1 }),
              },
              '12+',
              { tag: 2, tagged: '12+', struct: 'SnapshotId' },
            ),
            abortedTransactions: f.array(
              {
                producerId: f.int64('4+'),
                firstOffset: f.int64('4+'),
              },
              '4+',
              { nullable: '4+', ignorable: true, struct: 'AbortedTransaction' },
            ),
            preferredReadReplica: f.int32('11+', { default: -1 }),
            records: f.records('0+', { nullable: '0+' }),
          },
          '0+',
          { struct: 'PartitionData' },
        ),
      },
      '0+',
      { struct: 'FetchableTopicResponse' },
    ),
    nodeEndpoints: f.array(
      {
        nodeId: f.int32('16+'),
        host: f.string('16+'),
        port: f.int32('16+'),
        rack: f.string('16+', { nullable: '16+', default: null }),
      },
      '16+',
      { tag: 0, tagged: '16+', struct: 'NodeEndpoint' },
    ),
  },
});
