#!/usr/bin/python3
"""Topic helper for scripts/bench-broker.ts (confluent-kafka-python / librdkafka).

Usage:
  admin.py create BOOTSTRAP TOPIC:PARTITIONS [TOPIC:PARTITIONS ...]
      Create the topics (replication factor 1) with the CreateTopics API and wait until the
      broker's metadata shows each with its partition count. Prints one JSON line:
      {"created": [...], "errors": {topic: message}}.
  admin.py offsets BOOTSTRAP TOPIC
      Print one JSON line {"topic", "endOffsets": [per partition], "total"}: the high watermark of
      every partition (ListOffsets latest), so the caller can check how many records a topic holds.

Exit status 0 on success, 1 on any error (with the message on stderr).
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

TIMEOUT_S = 20.0


def create(bootstrap, specs):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    topics = []
    for spec in specs:
        name, _, parts = spec.rpartition(":")
        topics.append(NewTopic(name, int(parts), 1))
    futures = admin.create_topics(topics, operation_timeout=TIMEOUT_S, request_timeout=TIMEOUT_S)
    created, errors = [], {}
    for name, fut in futures.items():
        try:
            fut.result(timeout=TIMEOUT_S)
            created.append(name)
        except Exception as e:  # KafkaException, or a timeout
            errors[name] = str(e)
    # Wait until metadata shows the partitions (creation is synchronous on a single broker, but check).
    want = {t.topic: t.num_partitions for t in topics if t.topic in created}
    deadline = time.monotonic() + TIMEOUT_S
    while want and time.monotonic() < deadline:
        md = admin.list_topics(timeout=TIMEOUT_S)
        for name in list(want):
            t = md.topics.get(name)
            if t is not None and t.error is None and len(t.partitions) == want[name]:
                del want[name]
        if want:
            time.sleep(0.05)
    for name in want:
        errors[name] = "metadata does not show the topic with %d partitions" % want[name]
    print(json.dumps({"created": created, "errors": errors}), flush=True)
    return 0 if not errors else 1


def offsets(bootstrap, topic):
    # group.id is required by the client; no group API is used (no subscribe, no commit).
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "kafka-ts-bench-offsets", "enable.auto.commit": False})
    try:
        md = c.list_topics(topic, timeout=TIMEOUT_S)
        t = md.topics.get(topic)
        if t is None or t.error is not None:
            raise KafkaException(t.error if t is not None else "no metadata for " + topic)
        ends = []
        for p in sorted(t.partitions):
            _low, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=TIMEOUT_S, cached=False)
            ends.append(high)
        print(json.dumps({"topic": topic, "endOffsets": ends, "total": sum(ends)}), flush=True)
        return 0
    finally:
        c.close()


def main(argv):
    if len(argv) >= 4 and argv[1] == "create":
        return create(argv[2], argv[3:])
    if len(argv) == 4 and argv[1] == "offsets":
        return offsets(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:
        sys.stderr.write("admin.py: %s\n" % e)
        sys.exit(1)
