"""Subscriber peer: counts <count> four-frame messages on <topic> and
reports the time between the first and the last; gives up after
<timeout-ms> without a message.
usage: sub.py <endpoint> <count> <topic> <timeout-ms>"""
import json
import sys
import time

import zmq

endpoint, count, topic, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), int(sys.argv[4])
ctx = zmq.Context()
sub = ctx.socket(zmq.SUB)
sub.setsockopt(zmq.SUBSCRIBE, topic)
sub.setsockopt(zmq.RCVTIMEO, timeout)
sub.connect(endpoint)
print('BENCH {"ready":true}', flush=True)
recv = sub.recv_multipart
got = bad = 0
first = last = 0.0
try:
    while got < count:
        parts = recv()
        last = time.monotonic()
        if got == 0:
            first = last
        if len(parts) != 4:
            bad += 1
        got += 1
except zmq.Again:
    pass
print("BENCH " + json.dumps({"received": got, "bad": bad, "elapsed_s": last - first}), flush=True)
sub.close(linger=0)
ctx.term()
