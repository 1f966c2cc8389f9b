#!/usr/bin/python3
"""A zmq-cluster logger: binds a PULL socket, receives log batches and prints
one JSON line per record.

    /usr/bin/python3 tools/python/logger.py [--bind tcp://127.0.0.1:*] [--typed] [--count N]

The first line on stdout is {"ready": "<endpoint it bound>"}. Then, per record:
    {"path": ..., "stream": ..., "writer": ..., "filter": ..., "sender": ..., "record": {field: value}}
Values are printed in the style of Zeek's JSON writer (unset fields left out),
or, with --typed, as lossless [type, value] pairs (unset = null).
A bad message prints upstream's error text on stderr and is dropped.

Only python3-zmq and python3-msgpack are needed (Debian packages).
"""

import argparse
import json
import sys

import zmq

from zmqcluster import LOG_FORMAT, WireError, decode_log_batch, typed_json, zeek_json


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bind", default="tcp://127.0.0.1:*", help="endpoint for the PULL socket (default: a free port on 127.0.0.1)")
    ap.add_argument("--typed", action="store_true", help="print lossless [type, value] pairs")
    ap.add_argument("--count", type=int, default=0, help="exit after this many records (0: run until killed)")
    args = ap.parse_args()

    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    pull.setsockopt(zmq.LINGER, 0)
    pull.bind(args.bind)
    endpoint = pull.getsockopt_string(zmq.LAST_ENDPOINT)
    print(json.dumps({"ready": endpoint}), flush=True)

    render = typed_json if args.typed else zeek_json
    printed = 0
    try:
        while args.count == 0 or printed < args.count:
            frames = pull.recv_multipart()
            if len(frames) != 4:
                print("[zeromq] log: error: expected 4 parts, have %d!" % len(frames), file=sys.stderr, flush=True)
                continue
            sender = frames[1].decode("utf-8", "replace")
            fmt = frames[2].decode("utf-8", "replace")
            if fmt != LOG_FORMAT:
                print("Got log message in format '%s', but have deserializer '%s'" % (fmt, LOG_FORMAT), file=sys.stderr, flush=True)
                continue
            try:
                header, records = decode_log_batch(frames[3])
            except WireError as err:
                print("Failed to unserialize log message using '%s': %s" % (fmt, err), file=sys.stderr, flush=True)
                continue
            names = [f["name"] for f in header["fields"]]
            for values in records:
                record = {}
                for name, value in zip(names, values):
                    if value is not None or args.typed:
                        record[name] = render(value)
                line = {k: header[k] for k in ("path", "stream", "writer", "filter")}
                line["sender"] = sender
                line["record"] = record
                print(json.dumps(line), flush=True)
                printed += 1
    except KeyboardInterrupt:
        pass
    finally:
        pull.close()
        ctx.term()


if __name__ == "__main__":
    main()
