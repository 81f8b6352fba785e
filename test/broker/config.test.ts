/**
 * server.properties parsing and KafkaConfig: Java properties syntax, Kafka's keys and defaults,
 * unknown keys collected (not fatal), invalid values fatal with the key named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KafkaConfig } from '../../broker/config/kafka-config.js';
import { normaliseTopicOverrides } from '../../broker/log/index.js';
import { parseProperties } from '../../broker/config/properties.js';
import { tempDir } from './helpers.js';

describe('parseProperties', () => {
  it('reads the forms Java accepts', () => {
    const p = parseProperties(['# comment', '! also a comment', 'a=1', 'b : 2', 'c 3', '  d=four \\', '   five', 'e=x\\=y\\u0041', 'a=override', ''].join('\n'));
    expect(Object.fromEntries(p)).toEqual({ a: 'override', b: '2', c: '3', d: 'four five', e: 'x=yA' });
  });
});

describe('KafkaConfig', () => {
  it("has Kafka's defaults", () => {
    const c = KafkaConfig.fromProperties({});
    expect(c.nodeId).toBe(0);
    expect(c.numPartitions).toBe(1);
    expect(c.defaultReplicationFactor).toBe(1);
    expect(c.autoCreateTopicsEnable).toBe(true);
    expect(c.deleteTopicEnable).toBe(true);
    expect(c.socketRequestMaxBytes).toBe(104857600);
    expect(c.groupInitialRebalanceDelayMs).toBe(3000);
    expect(c.groupMinSessionTimeoutMs).toBe(6000);
    expect(c.groupMaxSessionTimeoutMs).toBe(1800000);
    expect(c.offsetsRetentionMs).toBe(10080 * 60000);
    expect(c.logRetentionCheckIntervalMs).toBe(300000);
    expect(c.logConfig['retention.ms']).toBe(604800000);
    expect(c.logConfig['segment.bytes']).toBe(1073741824);
    expect(c.logConfig['max.message.bytes']).toBe(1048588);
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
    expect(c.logDirs).toEqual(['/tmp/kafka-logs']);
  });

  it('reads the issue\'s keys with their Kafka names', () => {
    const c = KafkaConfig.fromProperties({
      'broker.id': 3,
      listeners: 'PLAINTEXT://127.0.0.1:19092',
      'advertised.listeners': 'PLAINTEXT://kafka.local:29092',
      'log.dir': 'x',
      'log.dirs': '/a,/b',
      'num.partitions': 4,
      'auto.create.topics.enable': false,
      'log.retention.minutes': 5,
      'log.retention.bytes': 1000,
      'log.segment.bytes': 1 << 20,
      'log.roll.hours': 1,
      'log.flush.interval.messages': 1,
      'log.flush.interval.ms': 50,
      'message.max.bytes': 2000000,
      'socket.request.max.bytes': 1000,
      'group.initial.rebalance.delay.ms': 0,
      'offsets.retention.minutes': 1,
      'delete.topic.enable': false,
    });
    expect(c.nodeId).toBe(3);
    expect(c.advertisedListeners).toEqual([{ name: 'PLAINTEXT', host: 'kafka.local', port: 29092 }]);
    expect(c.logDirs).toEqual(['/a', '/b']);
    expect(c.numPartitions).toBe(4);
    expect(c.autoCreateTopicsEnable).toBe(false);
    expect(c.logConfig['retention.ms']).toBe(300000);
    expect(c.logConfig['retention.bytes']).toBe(1000);
    expect(c.logConfig['segment.ms']).toBe(3600000);
    expect(c.logConfig['flush.messages']).toBe(1);
    expect(c.logConfig['flush.ms']).toBe(50);
    expect(c.logConfig['max.message.bytes']).toBe(2000000);
    expect(c.socketRequestMaxBytes).toBe(1000);
    expect(c.offsetsRetentionMs).toBe(60000);
    expect(c.deleteTopicEnable).toBe(false);
    expect(KafkaConfig.fromProperties({ 'log.retention.ms': 5, 'log.retention.hours': 1 }).logConfig['retention.ms']).toBe(5);
  });

  it('collects unknown keys and ignores known Kafka keys that have no effect here', () => {
    const c = KafkaConfig.fromProperties({ 'no.such.key': 1, 'num.network.threads': 3, 'zookeeper.connect': 'x:2181' });
    expect(c.unknownKeys).toEqual(['no.such.key']);
    expect(c.ignoredKeys).toEqual(['num.network.threads', 'zookeeper.connect']);
  });

  it('fails on invalid values, naming the key', () => {
    const bad: [Record<string, string | number>, RegExp][] = [
      [{ 'num.partitions': 0 }, /num\.partitions/],
      [{ 'num.partitions': 'many' }, /num\.partitions/],
      [{ 'default.replication.factor': 3 }, /default\.replication\.factor/],
      [{ 'auto.create.topics.enable': 'yes' }, /auto\.create\.topics\.enable/],
      [{ listeners: 'localhost:9092' }, /listeners/],
      [{ listeners: 'SSL://127.0.0.1:9093' }, /listeners.*only PLAINTEXT/],
      [{ 'log.retention.hours': 'x' }, /log\.retention\.hours/],
      [{ 'log.segment.bytes': 1 }, /log\.segment\.bytes/],
      [{ 'node.id': 1, 'broker.id': 2 }, /broker\.id/],
    ];
    for (const [props, re] of bad) expect(() => KafkaConfig.fromProperties(props), JSON.stringify(props)).toThrow(re);
  });

  it('reads a file with --override pairs; relative log dirs resolve against the working directory', () => {
    const dir = tempDir('kafka-ts-conf-');
    const file = path.join(dir, 'server.properties');
    fs.writeFileSync(file, 'num.partitions=2\nlog.dirs=./data\n');
    const c = KafkaConfig.fromFile(file, ['num.partitions=5', 'log.retention.ms=10']);
    expect(c.numPartitions).toBe(5);
    expect(c.logConfig['retention.ms']).toBe(10);
    expect(c.logDirs).toEqual([path.resolve('data')]);
    expect(() => KafkaConfig.fromFile(file, ['nokey'])).toThrow(/key=value/);
    fs.rmSync(dir, { recursive: true });
  });

  it('describes every broker config with its value and source', () => {
    const c = KafkaConfig.fromProperties({ 'num.partitions': 3 });
    const d = c.describe();
    expect(d.find((e) => e.name === 'num.partitions')).toMatchObject({ value: '3', source: 4 });
    expect(d.find((e) => e.name === 'log.retention.ms')).toMatchObject({ source: 5 });
    expect(d.find((e) => e.name === 'message.max.bytes')).toMatchObject({ value: '1048588', source: 5 });
  });

  it('ships a config/server.properties that parses with no unknown keys', () => {
    const c = KafkaConfig.fromFile(path.resolve('config/server.properties'));
    expect(c.unknownKeys).toEqual([]);
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
    expect(c.logDirs).toEqual([path.resolve('data')]);
  });
});

describe('topic keys Kafka has that this broker accepts without effect', () => {
  it('validates and keeps them, so tools that set them work', () => {
    const o = normaliseTopicOverrides({ 'min.insync.replicas': '2', 'compression.type': 'gzip', 'unclean.leader.election.enable': 'TRUE', 'min.cleanable.dirty.ratio': '0.25', preallocate: 'false', 'delete.retention.ms': 1000 });
    expect(o).toEqual({ 'min.insync.replicas': '2', 'compression.type': 'gzip', 'unclean.leader.election.enable': 'true', 'min.cleanable.dirty.ratio': '0.25', preallocate: 'false', 'delete.retention.ms': '1000' });
    expect(() => normaliseTopicOverrides({ 'compression.type': 'brotli' })).toThrow(/compression\.type/);
    expect(() => normaliseTopicOverrides({ 'min.insync.replicas': '0' })).toThrow(/min\.insync\.replicas/);
    expect(() => normaliseTopicOverrides({ preallocate: 'maybe' })).toThrow(/preallocate/);
    expect(KafkaConfig.fromProperties({ 'min.insync.replicas': 1, 'compression.type': 'producer' }).unknownKeys).toEqual([]);
  });
});
