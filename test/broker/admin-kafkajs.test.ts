/**
 * The admin APIs end to end with an independent client: kafkajs 2.2.4's admin client against the
 * real broker over TCP: createTopics, fetchTopicMetadata, describeConfigs, alterConfigs (its
 * read-modify-write), createPartitions, deleteTopicRecords, deleteTopics, describeCluster.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from './helpers.js';

/** kafkajs's ConfigResourceTypes.TOPIC / BROKER (a const enum in its types, so not importable as a value). */
const TOPIC = 2;
const BROKER = 4;

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'admin-kafkajs-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
});
afterAll(async () => {
  await broker?.stop();
});

describe('kafkajs admin', () => {
  it('creates, describes, alters, grows, trims and deletes topics', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster).toMatchObject({ clusterId: broker.context.metadata.clusterId, controller: 0, brokers: [{ nodeId: 0, host: '127.0.0.1', port: broker.port }] });

      expect(await admin.createTopics({ topics: [{ topic: 'kj-a', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }, { topic: 'kj-b' }], waitForLeaders: true })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'kj-a' }] })).toBe(false);
      const bad = await admin.createTopics({ topics: [{ topic: 'kj-bad', configEntries: [{ name: 'retention.ms', value: 'x' }] }] }).catch((e) => e);
      expect(bad.errors[0]).toMatchObject({ type: 'INVALID_CONFIG', topic: 'kj-bad' });
      expect((await admin.listTopics()).sort()).toEqual(['kj-a', 'kj-b']);

      const md = await admin.fetchTopicMetadata({ topics: ['kj-a'] });
      expect(md.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);

      const described = await admin.describeConfigs({ resources: [{ type: TOPIC, name: 'kj-a' }], includeSynonyms: false });
      const entries = described.resources[0]!.configEntries;
      expect(entries.length).toBeGreaterThanOrEqual(13);
      expect(entries.find((e) => e.configName === 'retention.ms')).toMatchObject({ configValue: '3600000', isDefault: false, readOnly: false });
      expect(entries.find((e) => e.configName === 'segment.bytes')).toMatchObject({ configValue: '1073741824', isDefault: true });

      // kafkajs alterConfigs is the legacy AlterConfigs: it replaces every override.
      await admin.alterConfigs({ resources: [{ type: TOPIC, name: 'kj-a', configEntries: [{ name: 'segment.ms', value: '600000' }] }], validateOnly: false });
      expect(broker.context.logManager.topicOverrides('kj-a')).toEqual({ 'segment.ms': '600000' });
      expect(broker.context.logManager.getLog({ topic: 'kj-a', partition: 1 })!.config['segment.ms']).toBe(600000);
      await expect(admin.alterConfigs({ resources: [{ type: TOPIC, name: 'kj-a', configEntries: [{ name: 'segment.ms', value: '0' }] }], validateOnly: false })).rejects.toThrow();
      await expect(admin.alterConfigs({ resources: [{ type: BROKER, name: '0', configEntries: [{ name: 'log.retention.ms', value: '1' }] }], validateOnly: false })).rejects.toThrow();

      const brokerConfigs = await admin.describeConfigs({ resources: [{ type: BROKER, name: '0', configNames: ['num.partitions'] }], includeSynonyms: false });
      expect(brokerConfigs.resources[0]!.configEntries).toEqual([expect.objectContaining({ configName: 'num.partitions', configValue: '1', readOnly: true })]);

      await admin.createPartitions({ topicPartitions: [{ topic: 'kj-a', count: 4 }] });
      expect(broker.context.metadata.topic('kj-a')!.partitions).toBe(4);
      await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kj-a', count: 3 }] })).rejects.toThrow();

      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      await producer.send({ topic: 'kj-b', messages: [{ value: '1' }, { value: '2' }, { value: '3' }] });
      await producer.disconnect();
      await admin.deleteTopicRecords({ topic: 'kj-b', partitions: [{ partition: 0, offset: '2' }] });
      expect(await admin.fetchTopicOffsets('kj-b')).toEqual([expect.objectContaining({ partition: 0, low: '2', high: '3', offset: '3' })]);
      await admin.deleteTopicRecords({ topic: 'kj-b', partitions: [{ partition: 0, offset: '-1' }] });
      expect((await admin.fetchTopicOffsets('kj-b'))[0]).toMatchObject({ low: '3', high: '3' });

      await admin.deleteTopics({ topics: ['kj-a', 'kj-b'] });
      expect(await admin.listTopics()).toEqual([]);
      expect(broker.context.logManager.allLogs()).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
