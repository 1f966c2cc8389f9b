"""libzmq's own forwarder driven from pyzmq: XSUB (bind) <-> XPUB (bind,
XPUB_NODROP) through zmq.proxy(), which is libzmq's zmq_proxy().
Runs until killed.  usage: proxy.py <xsub-endpoint> <xpub-endpoint>"""
import sys

import zmq

ctx = zmq.Context()
xsub = ctx.socket(zmq.XSUB)
xpub = ctx.socket(zmq.XPUB)
xpub.setsockopt(zmq.XPUB_NODROP, 1)
xpub.bind(sys.argv[2])
xsub.bind(sys.argv[1])
print('BENCH {"ready":true}', flush=True)
zmq.proxy(xsub, xpub)
