#!/usr/bin/python3
"""Run a command and report its CPU time: `rusage.py CMD ARGS...` runs CMD to completion (its stdout
and stderr pass through), then prints one line `RUSAGE {"cpuSeconds": user+system of the child and
its descendants, "wallSeconds": ..., "exitCode": ...}` on stderr and exits with the child's status.
Used by scripts/bench-client.ts to charge each client run its own CPU (getrusage(RUSAGE_CHILDREN))."""
import json
import resource
import subprocess
import sys
import time

t0 = time.monotonic()
code = subprocess.run(sys.argv[1:]).returncode
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("RUSAGE " + json.dumps({"cpuSeconds": round(r.ru_utime + r.ru_stime, 3), "wallSeconds": round(time.monotonic() - t0, 3), "exitCode": code}), file=sys.stderr, flush=True)
sys.exit(code if code >= 0 else 1)
