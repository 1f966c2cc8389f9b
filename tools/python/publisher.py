#!/usr/bin/python3
"""Publish one zmq-cluster event through the broker (XPUB -> broker XSUB).

    /usr/bin/python3 tools/python/publisher.py --connect tcp://127.0.0.1:5556 \
        --topic zeek.cluster.worker --name Demo::ping \
        --args '[["count", "42"], ["addr", "10.0.0.1"]]' [--network-timestamp 1700000000.5]

--args is a JSON list of typed values, as logger.py --typed prints them
([type, value], null for unset). The event goes out only once a subscriber
for a prefix of the topic is known (a 0x01 frame on our XPUB), because
ZeroMQ drops messages nobody subscribed to. Prints {"sent": "<payload hex>"}.

Only python3-zmq and python3-msgpack are needed (Debian packages).
"""

import argparse
import json
import os
import socket
import sys

import zmq

from zmqcluster import EVENT_FORMAT, encode_event


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connect", required=True, help="the broker's XSUB endpoint (upstream's listen_xsub_endpoint)")
    ap.add_argument("--topic", required=True)
    ap.add_argument("--name", required=True, help="event name")
    ap.add_argument("--args", default="[]", help="JSON list of [type, value] arguments")
    ap.add_argument("--network-timestamp", type=float, default=None)
    ap.add_argument("--node-id", default="python_publisher_%s_%d" % (socket.gethostname(), os.getpid()))
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a subscriber")
    args = ap.parse_args()

    payload = encode_event(args.name, json.loads(args.args), args.network_timestamp)
    ctx = zmq.Context()
    xpub = ctx.socket(zmq.XPUB)
    xpub.setsockopt(zmq.XPUB_VERBOSE, 1)
    xpub.setsockopt(zmq.LINGER, 2000)
    xpub.connect(args.connect)
    topic = args.topic.encode("utf-8")
    try:
        poller = zmq.Poller()
        poller.register(xpub, zmq.POLLIN)
        waited_ms = 0
        while True:
            if not poller.poll(100):
                waited_ms += 100
                if waited_ms >= args.timeout * 1000:
                    print("no subscriber for %s within %.1fs" % (args.topic, args.timeout), file=sys.stderr)
                    sys.exit(1)
                continue
            frame = xpub.recv()
            if frame[:1] == b"\x01" and topic.startswith(frame[1:]):
                break
        xpub.send_multipart([topic, args.node_id.encode("utf-8"), EVENT_FORMAT.encode(), payload])
        print(json.dumps({"sent": payload.hex()}), flush=True)
    finally:
        xpub.close()
        ctx.term()


if __name__ == "__main__":
    main()
