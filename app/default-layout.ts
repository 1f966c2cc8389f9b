// The layout `zmq-cluster cluster` runs when no --layout is given: the
// five-node cluster of upstream's `simple` btest layout on 127.0.0.1, with
// the broker on upstream's default ports (XPUB 5555, XSUB 5556) and the
// logger's PULL on 27762 (ZeekControl's port range).
import type { ClusterLayoutInput } from "../adapters/node/index";

export const DEFAULT_LAYOUT: ClusterLayoutInput = {
  manager_is_logger: false,
  nodes: {
    manager: { node_type: "manager", ip: "127.0.0.1" },
    logger: { node_type: "logger", ip: "127.0.0.1", p: 27762 },
    proxy: { node_type: "proxy", ip: "127.0.0.1" },
    "worker-1": { node_type: "worker", ip: "127.0.0.1" },
    "worker-2": { node_type: "worker", ip: "127.0.0.1" },
  },
  zeromq: {},
};
