// Which upstream option sets which libzmq socket option, in one table
// (the mapping ZeroMQ.cc's DoInit and ProxyThread::Start perform by hand).
// zeromq.js names: linger, sendHighWaterMark, receiveHighWaterMark,
// sendBufferSize, receiveBufferSize, immediate, noDrop, maxMessageSize.

import type { NodeOptions } from "./options";

export type SocketRole = "xpub" | "xsub" | "push" | "pull" | "broker_xpub" | "broker_xsub";

interface Mapping {
  option: keyof NodeOptions;
  /** ZMQ_* name, for the docs and for debug output. */
  zmq: string;
  /** zeromq.js property. */
  property: string;
  roles: SocketRole[];
}

export const SOCKET_OPTION_TABLE: readonly Mapping[] = [
  { option: "linger_ms", zmq: "ZMQ_LINGER", property: "linger", roles: ["xpub", "push"] },
  { option: "connect_xpub_nodrop", zmq: "ZMQ_XPUB_NODROP", property: "noDrop", roles: ["xpub"] },
  { option: "xpub_sndhwm", zmq: "ZMQ_SNDHWM", property: "sendHighWaterMark", roles: ["xpub"] },
  { option: "xpub_sndbuf", zmq: "ZMQ_SNDBUF", property: "sendBufferSize", roles: ["xpub"] },
  { option: "xsub_rcvhwm", zmq: "ZMQ_RCVHWM", property: "receiveHighWaterMark", roles: ["xsub"] },
  { option: "xsub_rcvbuf", zmq: "ZMQ_RCVBUF", property: "receiveBufferSize", roles: ["xsub"] },
  { option: "log_sndhwm", zmq: "ZMQ_SNDHWM", property: "sendHighWaterMark", roles: ["push"] },
  { option: "log_sndbuf", zmq: "ZMQ_SNDBUF", property: "sendBufferSize", roles: ["push"] },
  { option: "log_immediate", zmq: "ZMQ_IMMEDIATE", property: "immediate", roles: ["push"] },
  { option: "log_rcvhwm", zmq: "ZMQ_RCVHWM", property: "receiveHighWaterMark", roles: ["pull"] },
  { option: "log_rcvbuf", zmq: "ZMQ_RCVBUF", property: "receiveBufferSize", roles: ["pull"] },
  { option: "listen_xpub_nodrop", zmq: "ZMQ_XPUB_NODROP", property: "noDrop", roles: ["broker_xpub"] },
  { option: "listen_xpub_sndbuf", zmq: "ZMQ_SNDBUF", property: "sendBufferSize", roles: ["broker_xpub"] },
  {
    option: "ipv6",
    zmq: "ZMQ_IPV6",
    property: "ipv6",
    roles: ["xpub", "xsub", "push", "pull", "broker_xpub", "broker_xsub"],
  },
  {
    option: "rcv_maxmsgsize",
    zmq: "ZMQ_MAXMSGSIZE",
    property: "maxMessageSize",
    roles: ["xpub", "xsub", "pull", "broker_xpub", "broker_xsub"],
  },
];

/** The zeromq.js constructor options for a socket role, from the table. */
export function socketOptionsFor(role: SocketRole, opts: NodeOptions): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const m of SOCKET_OPTION_TABLE) {
    if (m.roles.includes(role)) out[m.property] = opts[m.option] as number | boolean;
  }
  return out;
}

/** Socket options read back, by upstream (or our) option name. */
export type SocketOptionValues = Partial<Record<keyof NodeOptions, number | boolean>>;

/**
 * Read the table's options back from a live socket, by upstream option name
 * (e.g. `{ log_sndbuf: 65536, ... }`). Kernel-side options (buffers) and
 * HWMs cannot be observed otherwise; libzmq's write-only ones (XPUB_NODROP)
 * read back as undefined in zeromq.js and are left out.
 */
export function readSocketOptions(role: SocketRole, socket: object): SocketOptionValues {
  const out: SocketOptionValues = {};
  for (const m of SOCKET_OPTION_TABLE) {
    if (!m.roles.includes(role)) continue;
    const v = (socket as Record<string, unknown>)[m.property];
    if (typeof v === "number" || typeof v === "boolean") out[m.option] = v;
  }
  return out;
}
