#!/usr/bin/python3
"""confluent-kafka-python (librdkafka) perf driver for scripts/bench-client.ts.

  librdkafka_perf.py produce BOOTSTRAP TOPIC N SIZE
  librdkafka_perf.py consume BOOTSTRAP TOPIC N

produce: N records of SIZE bytes, no key, librdkafka defaults (acks=all, linger.ms=5), timed from the
first produce() to the end of flush(). consume: assigns every partition from the beginning (no group)
and reads until N records arrived. The consumer's local queue is enlarged (queued.min.messages,
queued.max.messages.kbytes): with librdkafka 2.0's defaults a full queue makes it pause fetching for
fetch.wait.max.ms (500 ms) at a time, which measured 1-3 s per million records against any broker
(its own pacing, not the broker's); enlarged, it reads as fast as it can. Prints one JSON line {"records", "seconds"}.
"""
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

mode, bootstrap, topic, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if mode == "produce":
    size = int(sys.argv[5])
    p = Producer({"bootstrap.servers": bootstrap, "queue.buffering.max.messages": 1000000, "queue.buffering.max.kbytes": 1048576})
    value = b"x" * size
    t0 = time.monotonic()
    for i in range(n):
        while True:
            try:
                p.produce(topic, value)
                break
            except BufferError:
                p.poll(0.001)
        if i % 10000 == 0:
            p.poll(0)
    left = p.flush(120)
    if left:
        sys.exit("%d records not delivered" % left)
    print(json.dumps({"records": n, "seconds": time.monotonic() - t0}))
else:
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-client-unused", "enable.auto.commit": False,
                  "queued.min.messages": 1000000, "queued.max.messages.kbytes": 1048576})
    md = c.list_topics(topic, timeout=10)
    parts = list(md.topics[topic].partitions.keys())
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
    got = 0
    t0 = None
    deadline = time.monotonic() + 120
    while got < n and time.monotonic() < deadline:
        msgs = c.consume(10000, 1.0)
        if msgs and t0 is None:
            t0 = time.monotonic()
        got += sum(1 for m in msgs if m.error() is None)
    c.close()
    if got < n:
        sys.exit("consumed %d of %d" % (got, n))
    print(json.dumps({"records": got, "seconds": time.monotonic() - t0}))
