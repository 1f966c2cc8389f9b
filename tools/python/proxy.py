#!/usr/bin/python3
# A central broker that is not ours: libzmq's own zmq_proxy (through pyzmq),
# bound like Zeek's proxy thread (XPUB VERBOSER + NODROP). Used by the test
# that runs our nodes through a foreign broker.
#   usage: proxy.py <xsub bind endpoint> <xpub bind endpoint>
# Prints "ready" once both sockets are bound. SIGTERM stops it (SIGINT does
# not interrupt zmq.proxy).
import signal
import sys

import zmq

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
ctx = zmq.Context()
xsub = ctx.socket(zmq.XSUB)
xpub = ctx.socket(zmq.XPUB)
xpub.setsockopt(zmq.XPUB_VERBOSER, 1)
xpub.setsockopt(zmq.XPUB_NODROP, 1)
for s in (xsub, xpub):
    s.setsockopt(zmq.LINGER, 0)
xsub.bind(sys.argv[1])
xpub.bind(sys.argv[2])
print("ready", flush=True)
try:
    zmq.proxy(xsub, xpub)
except (KeyboardInterrupt, SystemExit, zmq.ContextTerminated):
    pass
