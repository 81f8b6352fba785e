#!/usr/bin/python3
"""End-to-end latency driver for scripts/bench-broker.ts (confluent-kafka-python / librdkafka).

Two processes, started by the benchmark: a consumer, then a producer.

  latency.py consume BOOTSTRAP TOPIC TIMEOUT_S
      Assigns partition 0 of TOPIC from the beginning (no consumer group), prints "READY" once its
      first poll returned, then polls one message at a time. Each message carries the producer's
      CLOCK_MONOTONIC send time (ns), which is one clock for all processes on the machine; latency =
      receive time - send time, in ms. Warm-up messages ('W') are read but not counted; measured
      messages ('M') are; the end marker ('E') stops it. Prints one JSON line:
      {"count", "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs", "meanMs", "lost", "outOfOrder", "sawEnd",
      "cpuSeconds"} (cpuSeconds: this process's CPU time, user + system, all threads).
  latency.py produce BOOTSTRAP TOPIC RATE WARMUP_S SECONDS
      Sends RATE records/s (100-byte values) to partition 0 for WARMUP_S seconds of warm-up, then
      SECONDS measured, then the end marker; paced by the clock (sleep until the next send is due,
      then send every record that is due, each stamped just before produce()). Prints one JSON line
      {"sent", "measured", "seconds", "ratePerSec", "deliveryErrors", "cpuSeconds"}.

Client settings: producer linger.ms=0 (queue.buffering.max.ms), acks=all (librdkafka's default);
consumer fetch.wait.max.ms=10, fetch.min.bytes=1; both socket.nagle.disable=true (TCP_NODELAY; the
broker sets it on its side too).
"""
import json
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

VALUE_BYTES = 100
now_ns = time.monotonic_ns


def cpu_seconds():
    """CPU time (user + system, all threads: Python's and librdkafka's) of this process so far, seconds."""
    t = os.times()
    return t.user + t.system


def percentile(sorted_xs, q):
    if not sorted_xs:
        return None
    i = min(len(sorted_xs) - 1, max(0, int(round(q * len(sorted_xs) + 0.5)) - 1))
    return sorted_xs[i]


def consume(bootstrap, topic, timeout_s):
    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "kafka-ts-bench-latency",  # required by the client; assign() uses no group API
        "enable.auto.commit": False,
        "fetch.wait.max.ms": 10,
        "fetch.min.bytes": 1,
        "socket.nagle.disable": True,
        "enable.partition.eof": False,
    })
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    lat = []
    deadline = time.monotonic() + timeout_s
    first = c.poll(0.5)
    print("READY", flush=True)
    pending = [first] if first is not None else []
    expected = None
    lost = 0
    out_of_order = 0
    done = False
    while not done and time.monotonic() < deadline:
        msg = pending.pop() if pending else c.poll(0.1)
        if msg is None:
            continue
        t = now_ns()
        if msg.error():
            sys.stderr.write("latency.py consume: %s\n" % msg.error())
            continue
        v = msg.value()
        kind = v[0:1]
        if kind == b"E":
            done = True
            break
        seq = int(v[1:11])
        if expected is not None:
            if seq > expected:
                lost += seq - expected
            elif seq < expected:
                out_of_order += 1
        expected = seq + 1
        if kind == b"M":
            lat.append((t - int(v[11:31])) / 1e6)
    c.close()
    lat.sort()
    n = len(lat)
    out = {
        "count": n,
        "p50Ms": percentile(lat, 0.50),
        "p90Ms": percentile(lat, 0.90),
        "p99Ms": percentile(lat, 0.99),
        "p999Ms": percentile(lat, 0.999),
        "maxMs": lat[-1] if n else None,
        "meanMs": (sum(lat) / n) if n else None,
        "lost": lost,
        "outOfOrder": out_of_order,
        "sawEnd": done,
        "cpuSeconds": cpu_seconds(),
    }
    print(json.dumps(out), flush=True)
    return 0 if done else 1


def produce(bootstrap, topic, rate, warmup_s, seconds):
    errors = [0]

    def on_delivery(err, _msg):
        if err is not None:
            errors[0] += 1

    p = Producer({
        "bootstrap.servers": bootstrap,
        "linger.ms": 0,
        "acks": "all",
        "socket.nagle.disable": True,
    })
    pad = b"x" * (VALUE_BYTES - 31)
    interval_ns = int(1e9 / rate)
    t0 = now_ns()
    warm_end = t0 + int(warmup_s * 1e9)
    end = warm_end + int(seconds * 1e9)
    seq = 0
    measured = 0
    measured_start = None
    while True:
        due = t0 + seq * interval_ns
        t = now_ns()
        if due >= end:
            break
        if t < due:
            time.sleep((due - t) / 1e9)
            continue
        # send everything that is due now
        while seq * interval_ns + t0 <= t and t0 + seq * interval_ns < end:
            ts = now_ns()
            kind = b"W" if ts < warm_end else b"M"
            if kind == b"M":
                measured += 1
                if measured_start is None:
                    measured_start = ts
            p.produce(topic, kind + b"%010d%020d" % (seq, ts) + pad, partition=0, on_delivery=on_delivery)
            seq += 1
        p.poll(0)
    measured_end = now_ns()
    p.produce(topic, b"E" + b"%010d%020d" % (seq, now_ns()) + pad, partition=0, on_delivery=on_delivery)
    p.flush(10)
    secs = (measured_end - measured_start) / 1e9 if measured_start else 0
    print(json.dumps({"sent": seq, "measured": measured, "seconds": secs, "ratePerSec": (measured / secs) if secs else 0, "deliveryErrors": errors[0], "cpuSeconds": cpu_seconds()}), flush=True)
    return 0 if errors[0] == 0 else 1


def main(argv):
    if len(argv) == 5 and argv[1] == "consume":
        return consume(argv[2], argv[3], float(argv[4]))
    if len(argv) == 7 and argv[1] == "produce":
        return produce(argv[2], argv[3], float(argv[4]), float(argv[5]), float(argv[6]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
