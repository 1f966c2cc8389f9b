#!/usr/bin/python3
# A publisher that floods a broker with events while the test process is
# blocked in spawnSync (test/helpers/flood.ts), so the node under test
# cannot read: its libzmq I/O threads still fill its queues, which is how a
# stalled or slow receiver looks from the broker.
#
# argv[1] is JSON:
#   xsub      broker XSUB endpoint (our XPUB connects, as nodes do)
#   xpub      broker XPUB endpoint (the witness SUB connects)
#   topic     topic of every event (frame 0)
#   format    frame 2
#   payload   frame 3, hex
#   count     events to send
#   quiet_ms  give up after this long without progress (broker back-pressure)
#   window    at most this many events sent ahead of the witness (default 500)
# With "mode": "push" it is a log sender instead (endpoint, frames, count).
# Prints JSON {"sent", "witness", "stalled"}: events handed to libzmq, events
# the witness (a healthy subscriber) received, and whether it gave up.
import json
import sys
import time

import zmq

cfg = json.loads(sys.argv[1])
quiet = cfg.get("quiet_ms", 500) / 1000.0

if cfg.get("mode") == "push":
    # A log sender instead: a PUSH that sends `count` copies of the 4 frames
    # in `frames` (hex) to `endpoint` until done or blocked for quiet_ms.
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.connect(cfg["endpoint"])
    msg = [bytes.fromhex(f) for f in cfg["frames"]]
    sent = 0
    stalled = False
    while sent < cfg["count"]:
        try:
            push.send_multipart(msg, zmq.DONTWAIT)
            sent += 1
        except zmq.Again:
            if not push.poll(int(quiet * 1000), zmq.POLLOUT):
                stalled = True
                break
    print(json.dumps({"sent": sent, "witness": 0, "stalled": stalled}), flush=True)
    push.setsockopt(zmq.LINGER, 0 if stalled else 2000)
    push.close()
    ctx.term()
    sys.exit(0)

topic = cfg["topic"].encode()
frames = [topic, b"zeromq_flood_host_1_Nflood", cfg["format"].encode(), bytes.fromhex(cfg["payload"])]
count = cfg["count"]
window = cfg.get("window", 500)

ctx = zmq.Context()
pub = ctx.socket(zmq.XPUB)
pub.setsockopt(zmq.XPUB_VERBOSE, 1)
pub.setsockopt(zmq.XPUB_NODROP, 1)
pub.connect(cfg["xsub"])


def wait_subscription(what):
    deadline = time.monotonic() + 10
    while True:
        if pub.poll(100):
            if pub.recv() == b"\x01" + topic:
                return
        elif time.monotonic() > deadline:
            print(json.dumps({"error": f"no subscription to {cfg['topic']} from {what}"}), flush=True)
            sys.exit(1)


# The broker replays the nodes' subscriptions (once per topic) when we
# connect; only then does the witness subscribe, so its subscription is the
# second frame we see, whatever the timing.
wait_subscription("the nodes (replayed by the broker)")
witness = ctx.socket(zmq.SUB)
witness.setsockopt(zmq.SUBSCRIBE, topic)
witness.setsockopt(zmq.RCVHWM, 0)
witness.connect(cfg["xpub"])
wait_subscription("the witness")

sent = 0
got = 0
stalled = False
last = time.monotonic()
poller = zmq.Poller()
poller.register(witness, zmq.POLLIN)
while sent < count or got < count:
    progress = False
    # Pace by the witness: the broker's pipe to it (default SNDHWM 1000)
    # then never holds more than `window` events, so a broker that drops
    # (listen_xpub_nodrop false) drops only for the stalled node, never for
    # the witness because this machine was slow to schedule its I/O thread.
    while sent < count and sent - got < window:
        try:
            pub.send_multipart(frames, zmq.DONTWAIT)
            sent += 1
            progress = True
        except zmq.Again:
            break
    for _ in range(1000):
        try:
            witness.recv_multipart(zmq.DONTWAIT)
            got += 1
            progress = True
        except zmq.Again:
            break
    now = time.monotonic()
    if progress:
        last = now
    elif now - last > quiet:
        stalled = True
        break
    else:
        poller.poll(10)

print(json.dumps({"sent": sent, "witness": got, "stalled": stalled}), flush=True)
pub.setsockopt(zmq.LINGER, 0 if stalled else 2000)
witness.setsockopt(zmq.LINGER, 0)
pub.close()
witness.close()
ctx.term()
