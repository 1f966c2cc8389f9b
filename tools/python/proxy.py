#!/usr/bin/python3
# A central broker that is not ours: libzmq's own zmq_proxy (through pyzmq),
# bound like Zeek's proxy thread (XPUB VERBOSER + NODROP). Used by the test
# that runs our nodes through a foreign broker.
#   usage: proxy.py <xsub bind endpoint> <xpub bind endpoint>
# Prints "ready" once both sockets are bound. SIGTERM stops it.
#
# SIGTERM keeps the kernel's default action on purpose: a Python-level handler
# only runs when the interpreter regains control, and zmq.proxy() sits in C
# (libzmq's poll loop), which does not always hand control back on EINTR — a
# handler made the test's cleanup wait forever about one run in five.
import signal
import sys

import zmq

signal.signal(signal.SIGTERM, signal.SIG_DFL)
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
zmq.proxy(xsub, xpub)
