/**
 * Produce (key 0): a producer appends record batches to partition logs, v0-11, flexible from v9.
 * v1 adds the response throttle time and v2 the broker's log-append timestamp. v3 carries the
 * transactional id (checked by the authorizer) and is the first version that may hold record batch
 * format v2 (magic 2, needed for idempotence and transactions). v4 lets the broker answer
 * KAFKA_STORAGE_ERROR; v5 returns the log start offset (so a client can tell a real sequence gap from
 * a truncated log); v7 allows zstd compression (KIP-110); v8 reports which records of a rejected batch
 * were at fault and why (KIP-467). v9 switches to the compact/flexible encodings (KIP-482). v10 adds
 * tagged fields that point a client at a new leader after NOT_LEADER_OR_FOLLOWER: the partition's
 * current leader and epoch, and the endpoints of those leaders (KIP-951). v11 lets the broker answer
 * TRANSACTION_ABORTABLE (KIP-890). With acks = 0 the broker sends no response at all.
 * Source: Kafka 3.8.0 ProduceRequest.json / ProduceResponse.json.
 */
import { api, f } from '../schema.js';

export const Produce = api({
  key: 0,
  name: 'Produce',
  versions: '0-11',
  flexible: '9+',
  request: {
    transactionalId: f.string('3+', { nullable: '3+', default: null }),
    acks: f.int16('0+'),
    timeoutMs: f.int32('0+'),
    topicData: f.array(
      {
        name: f.string('0+'),
        partitionData: f.array(
          {
            index: f.int32('0+'),
            records: f.records('0+', { nullable: '0+' }),
          },
          '0+',
          { struct: 'PartitionProduceData' },
        ),
      },
      '0+',
      { struct: 'TopicProduceData' },
    ),
  },
  response: {
    responses: f.array(
      {
        name: f.string('0+'),
        partitionResponses: f.array(
          {
            index: f.int32('0+'),
            errorCode: f.int16('0+'),
            baseOffset: f.int64('0+'),
            logAppendTimeMs: f.int64('2+', { default: -1, ignorable: true }),
            logStartOffset: f.int64('5+', { default: -1, ignorable: true }),
            recordErrors: f.array(
              {
                batchIndex: f.int32('8+'),
                batchIndexErrorMessage: f.string('8+', { nullable: '8+', default: null }),
              },
              '8+',
              { ignorable: true, struct: 'BatchIndexAndErrorMessage' },
            ),
            errorMessage: f.string('8+', { nullable: '8+', default: null, ignorable: true }),
            currentLeader: f.struct(
              {
                leaderId: f.int32('10+', { default: -1 }),
                leaderEpoch: f.int32('10+', { default: -1 }),
              },
              '10+',
              { tag: 0, tagged: '10+', struct: 'LeaderIdAndEpoch' },
            ),
          },
          '0+',
          { struct: 'PartitionProduceResponse' },
        ),
      },
      '0+',
      { struct: 'TopicProduceResponse' },
    ),
    throttleTimeMs: f.int32('1+', { default: 0, ignorable: true }),
    nodeEndpoints: f.array(
      {
        nodeId: f.int32('10+'),
        host: f.string('10+'),
        port: f.int32('10+'),
        rack: f.string('10+', { nullable: '10+', default: null }),
      },
      '10+',
      { tag: 0, tagged: '10+', struct: 'NodeEndpoint' },
    ),
  },
});
