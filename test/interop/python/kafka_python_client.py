#!/usr/bin/python3
"""Interop scenarios for kafka-python (the Debian python3-kafka package, kafka-python 2.0.2).

Usage: kafka_python_client.py <bootstrap> <scenario> <json-args>

Prints one JSON object (the scenario's result) as the last line of stdout and exits 0; on a failure
prints {"error": ...} and exits 1. Log lines go to stderr (KAFKA_PY_LOG=DEBUG for kafka-python's own).
"""
import json
import logging
import os
import sys
import threading
import time
import traceback

import kafka
import kafka.errors
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

logging.basicConfig(stream=sys.stderr, level=os.environ.get('KAFKA_PY_LOG', 'WARNING'))


def wait_for(cond, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.05)
    raise RuntimeError('timed out after %ss waiting for %s' % (timeout, what))


def admin(bootstrap, args):
    topic = args['topic']
    client = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='interop-kafka-python-admin', request_timeout_ms=10000)
    try:
        created = client.create_topics([NewTopic(topic, 3, 1)], timeout_ms=5000)
        create_errors = [[t[0], t[1]] for t in created.topic_errors]
        try:  # kafka-python raises the broker's error for the topic (its controller request path)
            again = client.create_topics([NewTopic(topic, 3, 1)], timeout_ms=5000)
            again_errors = [[t[0], t[1]] for t in again.topic_errors]
        except kafka.errors.KafkaError as e:
            again_errors = [[topic, getattr(e, 'errno', -1), type(e).__name__]]
        listed = client.list_topics()
        described = client.describe_topics([topic])
        desc = [{'topic': t['topic'], 'error_code': t['error_code'],
                 'partitions': sorted(p['partition'] for p in t['partitions']),
                 'leaders': sorted(set(p['leader'] for p in t['partitions']))} for t in described]
        cluster = client.describe_cluster()
        deleted = client.delete_topics([topic], timeout_ms=5000)
        delete_errors = [[t[0], t[1]] for t in deleted.topic_error_codes]
        listed_after = client.list_topics()
        return {
            'version': kafka.__version__,
            'create_errors': create_errors,
            'create_again_errors': again_errors,
            'listed': topic in listed,
            'described': desc,
            'brokers': [[b['node_id'], b['host'], b['port']] for b in cluster['brokers']],
            'delete_errors': delete_errors,
            'listed_after_delete': topic in listed_after,
        }
    finally:
        client.close()


class Member(threading.Thread):
    """One consumer-group member polling in its own thread (joins block until every member rejoins)."""

    def __init__(self, name, bootstrap, topic, group):
        super().__init__(daemon=True)
        self.name_ = name
        self.consumer = KafkaConsumer(
            topic, bootstrap_servers=bootstrap, group_id=group, client_id='interop-kp-' + name,
            auto_offset_reset='earliest', enable_auto_commit=True, auto_commit_interval_ms=200,
            heartbeat_interval_ms=300, session_timeout_ms=6000, fetch_max_wait_ms=100)
        self.lock = threading.Lock()
        self.records = []
        self.assignment = []
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.stop.is_set():
                polled = self.consumer.poll(timeout_ms=100)
                with self.lock:
                    self.assignment = sorted(tp.partition for tp in self.consumer.assignment())
                    for tp, recs in polled.items():
                        for r in recs:
                            self.records.append((r.partition, r.offset, r.value.decode()))
        except Exception as e:  # reported by the main thread
            self.error = '%s: %s' % (type(e).__name__, e)

    def snapshot(self):
        with self.lock:
            return list(self.assignment), list(self.records)


def group2(bootstrap, args):
    topic, group, n, partitions = args['topic'], args['group'], args['count'], args['partitions']
    admin_client = KafkaAdminClient(bootstrap_servers=bootstrap, client_id='interop-kp-admin')
    created = admin_client.create_topics([NewTopic(topic, partitions, 1)], timeout_ms=5000)
    admin_client.close()
    if any(t[1] != 0 for t in created.topic_errors):
        raise RuntimeError('create_topics failed: %s' % created.topic_errors)
    a = Member('a', bootstrap, topic, group)
    a.start()
    wait_for(lambda: len(a.snapshot()[0]) == partitions or a.error, 20, 'member a to own every partition')
    b = Member('b', bootstrap, topic, group)
    b.start()

    def balanced():
        if a.error or b.error:
            return True
        pa, pb = a.snapshot()[0], b.snapshot()[0]
        return len(pa) > 0 and len(pb) > 0 and sorted(pa + pb) == list(range(partitions))
    wait_for(balanced, 25, 'both members to hold partitions')
    assignments = {'a': a.snapshot()[0], 'b': b.snapshot()[0]}
    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='interop-kp-producer', linger_ms=5)
    sent = []
    for i in range(n):
        md = producer.send(topic, value=('g-%d' % i).encode(), partition=i % partitions).get(timeout=10)
        sent.append((md.partition, md.offset, 'g-%d' % i))
    producer.close()
    wait_for(lambda: a.error or b.error or len(a.snapshot()[1]) + len(b.snapshot()[1]) >= n, 25, 'every record to be consumed')
    time.sleep(1.0)  # time for any duplicate delivery to show up
    a.stop.set()
    b.stop.set()
    a.join(10)
    b.join(10)
    ra, rb = a.snapshot()[1], b.snapshot()[1]
    final = {'a': a.snapshot()[0], 'b': b.snapshot()[0]}
    a.consumer.close()
    b.consumer.close()
    if a.error or b.error:
        raise RuntimeError('member failed: a=%s b=%s' % (a.error, b.error))
    got = ra + rb
    return {
        'assignments': assignments,
        'final_assignments': final,
        'consumed': {'a': len(ra), 'b': len(rb)},
        'a_partitions': sorted(set(p for p, _, _ in ra)),
        'b_partitions': sorted(set(p for p, _, _ in rb)),
        'total': len(got),
        'unique': len(set(got)),
        'missing': len(set(sent) - set(got)),
        'unexpected': len(set(got) - set(sent)),
    }


def commit_resume(bootstrap, args):
    topic, group = args['topic'], args['group']
    tp = TopicPartition(topic, 0)
    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='interop-kp-producer')
    for i in range(10):
        producer.send(topic, value=('v%d' % i).encode(), partition=0)
    producer.flush()
    producer.close()

    def consumer(max_poll_records):
        return KafkaConsumer(
            topic, bootstrap_servers=bootstrap, group_id=group, client_id='interop-kp-commit',
            auto_offset_reset='earliest', enable_auto_commit=False, max_poll_records=max_poll_records,
            heartbeat_interval_ms=300, session_timeout_ms=6000, fetch_max_wait_ms=100)

    first = consumer(4)
    got1 = []
    deadline = time.time() + 20
    while not got1 and time.time() < deadline:
        for recs in first.poll(timeout_ms=200).values():
            got1.extend((r.offset, r.value.decode()) for r in recs)
    if not got1:
        raise RuntimeError('the first consumer got no record within 20 s (assignment %s)' % first.assignment())
    committed_before = first.committed(tp)
    first.commit({tp: OffsetAndMetadata(got1[-1][0] + 1, 'interop')})
    committed1 = first.committed(tp)
    first.close(autocommit=False)

    second = consumer(500)
    committed_at_start = second.committed(tp)
    got2 = []
    deadline = time.time() + 20
    while len(got2) < 10 - len(got1) and time.time() < deadline:
        for recs in second.poll(timeout_ms=200).values():
            got2.extend((r.offset, r.value.decode()) for r in recs)
    if len(got2) < 10 - len(got1):
        raise RuntimeError('the second consumer got %d of %d records within 20 s' % (len(got2), 10 - len(got1)))
    second.commit()
    committed2 = second.committed(tp)
    second.close(autocommit=False)
    return {
        'first': got1,
        'committed_before': committed_before,
        'committed1': committed1,
        'committed_at_start': committed_at_start,
        'second': got2,
        'committed2': committed2,
    }


def offsets_for_times(bootstrap, args):
    topic, base = args['topic'], args['base']
    tp = TopicPartition(topic, 0)
    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id='interop-kp-producer')
    for i in range(10):
        producer.send(topic, value=('t%d' % i).encode(), partition=0, timestamp_ms=base + i * 1000)
    producer.flush()
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, client_id='interop-kp-times', group_id=None)

    def q(ts):
        r = consumer.offsets_for_times({tp: ts})[tp]
        return None if r is None else [r.offset, r.timestamp]
    result = {
        'at_base': q(base),
        'between': q(base + 2500),
        'exact_last': q(base + 9000),
        'after_last': q(base + 10 ** 7),
        'before_first': q(0),
        'beginning': consumer.beginning_offsets([tp])[tp],
        'end': consumer.end_offsets([tp])[tp],
    }
    consumer.assign([tp])
    consumer.seek(tp, result['between'][0])
    first = None
    deadline = time.time() + 10
    while first is None and time.time() < deadline:
        for recs in consumer.poll(timeout_ms=200).values():
            first = first or [recs[0].offset, recs[0].timestamp, recs[0].value.decode()]
    result['first_after_seek'] = first
    consumer.close()
    return result


SCENARIOS = {'admin': admin, 'group2': group2, 'commit_resume': commit_resume, 'offsets_for_times': offsets_for_times}

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
