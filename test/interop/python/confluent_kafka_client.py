#!/usr/bin/python3
"""Interop scenarios for confluent-kafka-python (the Debian python3-confluent-kafka package, 1.7.0,
on the system librdkafka).

Usage: confluent_kafka_client.py <bootstrap> <scenario> <json-args>

Prints one JSON object (the scenario's result) as the last line of stdout and exits 0; on a failure
prints {"error": ...} and exits 1.
"""
import json
import os
import sys
import time
import traceback

import confluent_kafka
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def future_error(future, timeout=15):
    """None when the admin future succeeded, else the broker's error name (e.g. TOPIC_ALREADY_EXISTS)."""
    try:
        future.result(timeout=timeout)
        return None
    except KafkaException as e:
        return e.args[0].name()


def admin(bootstrap, args):
    topic = args['topic']
    client = AdminClient({'bootstrap.servers': bootstrap, 'client.id': 'interop-ck-admin'})
    created = future_error(client.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)], operation_timeout=5)[topic])
    again = future_error(client.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)], operation_timeout=5)[topic])
    md = client.list_topics(timeout=10)
    t = md.topics.get(topic)
    listed = None if t is None else {
        'error': None if t.error is None else t.error.name(),
        'partitions': sorted(t.partitions.keys()),
        'leaders': sorted(set(p.leader for p in t.partitions.values())),
    }
    brokers = sorted([b.id, b.host, b.port] for b in md.brokers.values())
    deleted = future_error(client.delete_topics([topic], operation_timeout=5)[topic])
    listed_after = topic in client.list_topics(timeout=10).topics
    return {
        'version': confluent_kafka.version()[0],
        'librdkafka': confluent_kafka.libversion()[0],
        'created_error': created,
        'create_again_error': again,
        'listed': listed,
        'brokers': brokers,
        'controller_id': md.controller_id,
        'deleted_error': deleted,
        'listed_after_delete': listed_after,
    }


def produce(bootstrap, args):
    topic, n = args['topic'], args['count']
    conf = {'bootstrap.servers': bootstrap, 'client.id': 'interop-ck-producer', 'linger.ms': 5}
    conf.update(args.get('config', {}))
    producer = Producer(conf)
    reports = []

    def on_delivery(err, msg):
        reports.append({
            'error': None if err is None else err.name(),
            'partition': msg.partition(),
            'offset': msg.offset(),
            'value': msg.value().decode(),
        })
    for i in range(n):
        while True:
            try:
                producer.produce(topic, value=('d-%d' % i).encode(), key=('k-%d' % (i % 7)).encode(), on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    remaining = producer.flush(20)
    # Read everything back by assignment (no group).
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused-' + topic, 'enable.auto.commit': False,
                         'client.id': 'interop-ck-reader', 'fetch.wait.max.ms': 100})
    md = consumer.list_topics(topic, timeout=10)
    partitions = sorted(md.topics[topic].partitions.keys())
    consumer.assign([TopicPartition(topic, p, confluent_kafka.OFFSET_BEGINNING) for p in partitions])
    read = []
    deadline = time.time() + 20
    while len(read) < n and time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise KafkaException(msg.error())
        read.append([msg.partition(), msg.offset(), msg.value().decode()])
    consumer.close()
    return {'not_flushed': remaining, 'reports': reports, 'read': read}


def commit_resume(bootstrap, args):
    topic, group = args['topic'], args['group']
    producer = Producer({'bootstrap.servers': bootstrap, 'client.id': 'interop-ck-producer'})
    for i in range(10):
        producer.produce(topic, value=('c%d' % i).encode(), partition=0)
    if producer.flush(15) != 0:
        raise RuntimeError('produce did not finish')

    def consumer():
        c = Consumer({
            'bootstrap.servers': bootstrap, 'group.id': group, 'client.id': 'interop-ck-consumer',
            'enable.auto.commit': False, 'auto.offset.reset': 'earliest',
            'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300, 'fetch.wait.max.ms': 100,
        })
        c.subscribe([topic])
        return c

    def read(c, count):
        got = []
        last = None
        deadline = time.time() + 20
        while len(got) < count and time.time() < deadline:
            msg = c.poll(0.2)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            got.append([msg.offset(), msg.value().decode()])
            last = msg
        if len(got) < count:
            raise RuntimeError('consumed %d of %d messages within 20 s (assignment %s)' % (len(got), count, c.assignment()))
        return got, last

    tp = TopicPartition(topic, 0)
    first = consumer()
    got1, last = read(first, 4)
    first.commit(message=last, asynchronous=False)
    committed1 = first.committed([tp], timeout=10)[0].offset
    assignment1 = [p.partition for p in first.assignment()]
    first.close()

    second = consumer()
    committed_at_start = second.committed([tp], timeout=10)[0].offset
    got2, _ = read(second, 10 - len(got1))
    second.commit(asynchronous=False)
    committed2 = second.committed([tp], timeout=10)[0].offset
    second.close()
    return {
        'first': got1,
        'assignment1': assignment1,
        'committed1': committed1,
        'committed_at_start': committed_at_start,
        'second': got2,
        'committed2': committed2,
    }


SCENARIOS = {'admin': admin, 'produce': produce, 'commit_resume': commit_resume}

if __name__ == '__main__':
    bootstrap, scenario = sys.argv[1], sys.argv[2]
    scenario_args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    try:
        out = SCENARIOS[scenario](bootstrap, scenario_args)
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        print(json.dumps({'error': '%s: %s' % (type(e).__name__, e)}))
        sys.stdout.flush()
        os._exit(1)
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)
