/** LogConfig: Kafka's keys and defaults, broker-key precedence, validation errors naming the key. */
import { describe, expect, test } from 'vitest';
import {
  applyTopicOverrides,
  defaultLogConfig,
  formatLogConfigValue,
  InvalidConfigError,
  isLogConfigKey,
  LOG_CONFIG_DEFS,
  logConfigDef,
  logConfigFromBrokerProperties,
  LONG_MAX,
  normaliseTopicOverrides,
} from '../../broker/log/log-config.js';

describe('LogConfig', () => {
  test('defaults are Kafka 3.8.0 defaults, except flush.ms', () => {
    const c = defaultLogConfig();
    expect(c['retention.ms']).toBe(604800000);
    expect(c['retention.bytes']).toBe(-1);
    expect(c['segment.bytes']).toBe(1073741824);
    expect(c['segment.ms']).toBe(604800000);
    expect(c['segment.index.bytes']).toBe(10485760);
    expect(c['index.interval.bytes']).toBe(4096);
    expect(c['max.message.bytes']).toBe(1048588);
    expect(c['file.delete.delay.ms']).toBe(60000);
    expect(c['message.timestamp.type']).toBe('CreateTime');
    expect(c['cleanup.policy']).toBe('delete');
    expect(c['flush.messages']).toBe(LONG_MAX);
    expect(c['flush.ms']).toBe(1000);
    expect(formatLogConfigValue(c['flush.messages'])).toBe('9223372036854775807');
  });

  test('log.retention.ms over .minutes over .hours, as Kafka', () => {
    expect(logConfigFromBrokerProperties({ 'log.retention.hours': '1' })['retention.ms']).toBe(3600000);
    expect(logConfigFromBrokerProperties({ 'log.retention.hours': '1', 'log.retention.minutes': '2' })['retention.ms']).toBe(120000);
    expect(logConfigFromBrokerProperties({ 'log.retention.hours': '1', 'log.retention.minutes': '2', 'log.retention.ms': '5' })['retention.ms']).toBe(5);
    expect(logConfigFromBrokerProperties({ 'log.retention.ms': '-1' })['retention.ms']).toBe(-1);
    expect(logConfigFromBrokerProperties({ 'log.roll.hours': '2' })['segment.ms']).toBe(7200000);
    expect(logConfigFromBrokerProperties({ 'log.roll.hours': '2', 'log.roll.ms': '9' })['segment.ms']).toBe(9);
    expect(logConfigFromBrokerProperties({ 'log.segment.bytes': '1048576', 'message.max.bytes': 2000, 'log.flush.interval.messages': '9223372036854775807' })).toMatchObject({
      'segment.bytes': 1048576,
      'max.message.bytes': 2000,
      'flush.messages': LONG_MAX,
    });
    expect(logConfigFromBrokerProperties({ 'log.message.timestamp.type': 'LogAppendTime' })['message.timestamp.type']).toBe('LogAppendTime');
  });

  test('invalid values raise INVALID_CONFIG naming the key', () => {
    const bad: [Record<string, string>, string][] = [
      [{ 'log.segment.bytes': 'big' }, 'log.segment.bytes'],
      [{ 'log.segment.bytes': '10' }, 'log.segment.bytes'],
      [{ 'log.segment.bytes': '4294967296' }, 'log.segment.bytes'],
      [{ 'log.roll.ms': '0' }, 'log.roll.ms'],
      [{ 'log.message.timestamp.type': 'Now' }, 'log.message.timestamp.type'],
      [{ 'log.cleanup.policy': 'shred' }, 'log.cleanup.policy'],
    ];
    for (const [props, key] of bad) {
      let err: unknown;
      try {
        logConfigFromBrokerProperties(props);
      } catch (e) {
        err = e;
      }
      expect(err, key).toBeInstanceOf(InvalidConfigError);
      expect((err as InvalidConfigError).key).toBe(key);
      expect((err as InvalidConfigError).errorName).toBe('INVALID_CONFIG');
      expect((err as InvalidConfigError).message).toContain(`for configuration ${key}: `);
      expect((err as InvalidConfigError).message.match(/Invalid value/g)).toHaveLength(1);
    }
  });

  test('topic overrides: validated, normalised, applied over broker defaults', () => {
    const base = logConfigFromBrokerProperties({ 'log.retention.hours': '1' });
    const c = applyTopicOverrides(base, { 'retention.ms': '5000', 'cleanup.policy': 'compact, delete' });
    expect(c['retention.ms']).toBe(5000);
    expect(c['cleanup.policy']).toBe('compact,delete');
    expect(c['segment.bytes']).toBe(base['segment.bytes']);
    expect(normaliseTopicOverrides({ 'flush.messages': 9223372036854775807 as number, 'segment.ms': 100 })).toEqual({ 'flush.messages': '9223372036854775807', 'segment.ms': '100' });
    expect(() => applyTopicOverrides(base, { 'retention.msec': '1' })).toThrow(InvalidConfigError);
    expect(() => applyTopicOverrides(base, { 'retention.ms': '-2' })).toThrow(/at least -1/);
  });

  test('declarations can be looked up by key (for DescribeConfigs)', () => {
    expect(isLogConfigKey('retention.ms')).toBe(true);
    expect(isLogConfigKey('log.retention.ms')).toBe(false);
    expect(logConfigDef('retention.ms')).toMatchObject({ kind: 'long', default: 604800000 });
    expect(logConfigDef('retention.ms')!.brokerKeys.map((b) => b.key)).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
  });

  test('every declared key has a default that passes its own validation', () => {
    for (const d of LOG_CONFIG_DEFS) expect(() => applyTopicOverrides(defaultLogConfig(), { [d.key]: formatLogConfigValue(d.default) }), d.key).not.toThrow();
  });
});
