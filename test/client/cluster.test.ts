/**
 * The client's network core against the real broker: version negotiation, pipelining within
 * max.in.flight, request timeouts that close the connection, bootstrap errors, metadata refresh with
 * auto-creation, leaders and coordinators.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaCluster } from '../../client/cluster/kafka-cluster.js';
import { commonConfig } from '../../client/config.js';
import { BrokerConnection } from '../../client/network/broker-connection.js';
import { Apis } from '../../client/protocol/index.js';
import { startBroker, type TestBroker } from '../broker/helpers.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await broker?.stop();
});

function conn(port: number, extra: Partial<ConstructorParameters<typeof BrokerConnection>[0]> = {}) {
  return new BrokerConnection({ host: '127.0.0.1', port, clientId: 'test', requestTimeoutMs: 5000, maxInFlight: 5, connectTimeoutMs: 2000, ...extra });
}

describe('BrokerConnection', () => {
  it('negotiates versions and pipelines requests', async () => {
    const c = conn(broker.port);
    await c.connect();
    expect(c.versionFor(Apis.Metadata)).toBe(12);
    expect(c.versionFor(Apis.Fetch)).toBe(16);
    const all = await Promise.all(Array.from({ length: 20 }, () => c.request(Apis.Metadata, { topics: null })));
    expect(all.every((r) => r.brokers[0].port === broker.port)).toBe(true);
    c.close();
  });

  it('fails with ConnectionError when nothing listens, and times out requests', async () => {
    const server = net.createServer(() => {}); // accepts and never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    await expect(conn(port).connect()).rejects.toMatchObject({ code: 'KTS_ERR_CONNECT' });
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const c = conn((silent.address() as net.AddressInfo).port, { requestTimeoutMs: 200 });
    await expect(c.connect()).rejects.toMatchObject({ errorName: 'REQUEST_TIMED_OUT' });
    expect(c.isClosed).toBe(true);
    silent.close();
  });
});

describe('KafkaCluster', () => {
  it('bootstraps, refreshes metadata, finds leaders and coordinators', async () => {
    const cluster = new KafkaCluster(commonConfig({ 'bootstrap.servers': `127.0.0.1:1,${broker.bootstrap}` }));
    await expect(cluster.topic('cl-missing')).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const t = await cluster.topic('cl-auto', { allowAutoTopicCreation: true });
    expect(t.partitions).toHaveLength(1);
    expect((await cluster.leaderFor('cl-auto', 0)).port).toBe(broker.port);
    await expect(cluster.leaderFor('cl-auto', 3)).rejects.toMatchObject({ errorName: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await cluster.coordinatorFor('some-group')).toBe(0);
    cluster.close();
  });

  it('says which bootstrap servers it could not reach', async () => {
    const cluster = new KafkaCluster(commonConfig({ 'bootstrap.servers': '127.0.0.1:1' }));
    await expect(cluster.refreshMetadata(['x'])).rejects.toThrow(/could not connect to any bootstrap server \(127\.0\.0\.1:1\)/);
    cluster.close();
  });
});
