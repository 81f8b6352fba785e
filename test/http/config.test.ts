/**
 * The `http.*` broker keys and the HTTP server's life with the broker: defaults (on, loopback:8080,
 * writes off), validation, the token hidden by DescribeConfigs, `http.enabled=false`, a port in use
 * (the broker does not start and leaves nothing locked), and the real kafka-server-start program
 * logging the HTTP address and serving on it.
 */
import net from 'node:net';
import fs from 'node:fs';
import { Kafka, logLevel, ConfigResourceTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkaConfig } from '../../broker/config/kafka-config.js';
import { startBroker, startBrokerProcess, tempDir } from '../broker/helpers.js';
import { startHttpBroker } from './helpers.js';

describe('http.* configuration', () => {
  it('defaults: enabled on http://127.0.0.1:8080, admin writes off, no token', () => {
    const c = KafkaConfig.fromProperties({});
    expect(c.httpEnabled).toBe(true);
    expect(c.httpListeners).toEqual([{ host: '127.0.0.1', port: 8080 }]);
    expect(c.httpAdminEnabled).toBe(false);
    expect(c.httpAdminToken).toBeUndefined();
    expect(c.unknownKeys).toEqual([]);
  });

  it('parses listeners and refuses bad ones, naming the key', () => {
    expect(KafkaConfig.fromProperties({ 'http.listeners': 'http://0.0.0.0:0' }).httpListeners).toEqual([{ host: '0.0.0.0', port: 0 }]);
    expect(KafkaConfig.fromProperties({ 'http.listeners': 'http://[::1]:8081/' }).httpListeners).toEqual([{ host: '::1', port: 8081 }]);
    expect(KafkaConfig.fromProperties({ 'http.listeners': 'HTTP://:9000' }).httpListeners).toEqual([{ host: '', port: 9000 }]);
    const bad: [string, RegExp][] = [
      ['https://127.0.0.1:8443', /only http is implemented/],
      ['http://127.0.0.1:8080,http://127.0.0.1:8081', /only one HTTP listener/],
      ['127.0.0.1:8080', /not of the form http:\/\/host:port/],
      ['http://127.0.0.1:70000', /out of range/],
      ['', /no listener/],
    ];
    for (const [value, re] of bad) expect(() => KafkaConfig.fromProperties({ 'http.listeners': value }), value).toThrow(re);
    expect(() => KafkaConfig.fromProperties({ 'http.listeners': 'ftp://x:1' })).toThrow(/Invalid value ftp:\/\/x:1 for configuration http.listeners/);
    expect(() => KafkaConfig.fromProperties({ 'http.enabled': 'yes' })).toThrow(/http.enabled/);
  });

  it('requires a token when admin writes are on; warns about unknown http.* keys', () => {
    expect(() => KafkaConfig.fromProperties({ 'http.admin.enabled': true })).toThrow(/http.admin.token must be set/);
    expect(() => KafkaConfig.fromProperties({ 'http.admin.enabled': true, 'http.admin.token': '  ' })).toThrow(/http.admin.token must be set/);
    const c = KafkaConfig.fromProperties({ 'http.admin.enabled': true, 'http.admin.token': 't0k3n' });
    expect(c.httpAdminToken).toBe('t0k3n');
    expect(KafkaConfig.fromProperties({ 'http.listener': 'http://127.0.0.1:1' }).unknownKeys).toEqual(['http.listener']);
  });

  it('hides the token in DescribeConfigs (a sensitive key)', async () => {
    const b = await startBroker({ 'http.admin.enabled': true, 'http.admin.token': 'hidden-token', 'http.listeners': 'http://127.0.0.1:0', 'http.enabled': true });
    const kafka = new Kafka({ clientId: 'cfg', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const r = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['http.admin.token', 'http.admin.enabled', 'http.listeners'] }], includeSynonyms: false });
      const entries = Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, e]));
      expect(entries['http.admin.token']).toMatchObject({ configValue: null, isSensitive: true });
      expect(entries['http.admin.enabled']!.configValue).toBe('true');
      expect(entries['http.listeners']!.configValue).toBe('http://127.0.0.1:0');
    } finally {
      await admin.disconnect();
      await b.stop();
    }
  });
});

describe('the HTTP server with the broker', () => {
  it('is not started with http.enabled=false', async () => {
    const b = await startBroker({ 'http.enabled': false });
    try {
      expect(b.server.httpAddress).toBeUndefined();
      expect(b.server.http).toBeUndefined();
    } finally {
      await b.stop();
    }
  });

  it('stops with the broker', async () => {
    const b = await startHttpBroker();
    expect((await fetch(`${b.http}/api/v1/cluster`)).status).toBe(200);
    await b.stop();
    await expect(fetch(`${b.http}/api/v1/cluster`)).rejects.toThrow();
  });

  it('a port in use stops the broker from starting, with EADDRINUSE naming http.listeners, and leaves nothing locked', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const dir = tempDir();
    try {
      const err = await startBroker({ 'http.enabled': true, 'http.listeners': `http://127.0.0.1:${port}`, 'log.dirs': dir }).then(
        () => undefined,
        (e: Error & { code?: string }) => e,
      );
      expect(err?.code).toBe('EADDRINUSE');
      expect(err?.message).toMatch(new RegExp(`HTTP listener http://127.0.0.1:${port} \\(http.listeners\\)`));
      // The log dir is free again and the Kafka port was released: the same data starts.
      const again = await startBroker({ 'log.dirs': dir });
      await again.stop();
    } finally {
      blocker.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kafka-server-start logs the HTTP address in its start line and serves on it', async () => {
    const p = await startBrokerProcess({ 'http.enabled': 'true', 'http.listeners': 'http://127.0.0.1:0' });
    try {
      const started = p.output.map((l) => JSON.parse(l)).find((j) => String(j.msg).includes('started'));
      expect(started.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await fetch(`${started.http}/api/v1/cluster`);
      expect(r.status).toBe(200);
      expect(((await r.json()) as any).listeners).toEqual([`PLAINTEXT://127.0.0.1:${p.port}`]);
      const m = await fetch(`${started.http}/metrics`);
      expect(await m.text()).toContain('kafka_server_app_info');
    } finally {
      expect(await p.stop()).toBe(0);
      fs.rmSync(p.logDir, { recursive: true, force: true });
    }
  });
});
