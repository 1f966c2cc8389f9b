"""Publisher peer: an XPUB with XPUB_NODROP (a full pipe blocks, as the
node's XPUB with connect_xpub_nodrop does) that waits for the first
subscription to come through the proxy, then sends <count> four-frame
messages of the given sizes.
usage: pub.py <endpoint> <count> <topic> <size1> <size2> <size3>"""
import json
import sys
import time

import zmq

endpoint, count, topic = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
frames = [bytes([0x61 + i]) * int(n) for i, n in enumerate(sys.argv[4:7])]
ctx = zmq.Context()
pub = ctx.socket(zmq.XPUB)
pub.setsockopt(zmq.XPUB_NODROP, 1)
pub.connect(endpoint)
pub.recv()  # the subscriber's subscription, forwarded by the proxy
msg = [topic] + frames
send = pub.send_multipart
t0 = time.monotonic()
for _ in range(count):
    send(msg)
t1 = time.monotonic()
pub.close(linger=-1)
ctx.term()
print("BENCH " + json.dumps({"sent": count, "send_s": t1 - t0}), flush=True)
