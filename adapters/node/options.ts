// Every option of Zeek's ZeroMQ backend, by its upstream name, with
// upstream's default (scripts/policy/frameworks/cluster/backend/zeromq/
// options.zeek, scripts/base/init-bare.zeek for the Log:: ones).
//
// Options keep upstream's snake_case names everywhere — in this API, in
// layout files and in the docs — so a Zeek operator's knowledge carries
// over unchanged. Intervals are seconds, as Zeek's `interval` literals read.
// Validation is a schema (valibot, with the messages the zod schema had:
// ./validation.ts): a bad value is an error that names the option and what
// was expected, never a silent default.

import {
  array,
  boolean,
  int,
  issuesOf,
  number,
  optional,
  pattern,
  refineField,
  patternOrEmpty,
  strictObject,
  string,
  withDefault,
  type ObjectIn,
  type ObjectOut,
} from "./validation";

const ENDPOINT = /^(tcp|ipc|inproc):\/\/.+/;
const ENDPOINT_MESSAGE = "a ZeroMQ endpoint such as tcp://127.0.0.1:5556";
const endpoint = pattern(ENDPOINT, ENDPOINT_MESSAGE);
const endpointOrEmpty = patternOrEmpty(ENDPOINT, ENDPOINT_MESSAGE);
const hwm = int({ min: 0, minMessage: "0 (unlimited) or a positive high-water mark" });
const bufsize = int({ min: -1, minMessage: "-1 (the kernel's default) or a size in bytes" });

const entries = {
  /** connect_xpub_endpoint: where the node's XPUB connects (the broker's XSUB). Default tcp://127.0.0.1:5556. */
  connect_xpub_endpoint: withDefault(endpoint, "tcp://127.0.0.1:5556"),
  /** connect_xsub_endpoint: where the node's XSUB connects (the broker's XPUB). Default tcp://127.0.0.1:5555. */
  connect_xsub_endpoint: withDefault(endpoint, "tcp://127.0.0.1:5555"),
  /** connect_log_endpoints: PULL endpoints the log PUSH connects to. Default: derived from the layout (loggers' `p`). */
  connect_log_endpoints: optional(array(endpoint)),
  /** run_proxy_thread: run the central broker in this process. Default: true on the manager only. */
  run_proxy_thread: optional(boolean),
  /** proxy_io_threads: ZMQ_IO_THREADS of the broker's context. Default 2. */
  proxy_io_threads: withDefault(int({ min: 1 }), 2),
  /** listen_xsub_endpoint: the broker's XSUB bind address. Default tcp://127.0.0.1:5556. */
  listen_xsub_endpoint: withDefault(endpointOrEmpty, "tcp://127.0.0.1:5556"),
  /** listen_xpub_endpoint: the broker's XPUB bind address. Default tcp://127.0.0.1:5555. */
  listen_xpub_endpoint: withDefault(endpointOrEmpty, "tcp://127.0.0.1:5555"),
  /** listen_log_endpoint: the PULL bind address ("" = no PULL). Default: derived from the layout on loggers. */
  listen_log_endpoint: optional(endpointOrEmpty),
  /** linger_ms: ZMQ_LINGER of the XPUB and log PUSH; -1 forever, 0 drop at close. Default 500. */
  linger_ms: withDefault(int({ min: -1 }), 500),
  /** xpub_sndhwm: XPUB send HWM; reaching it drops events, counted as xpub_drops; 0 = unlimited. Default 1000. */
  xpub_sndhwm: withDefault(hwm, 1000),
  /** xpub_sndbuf: XPUB kernel send buffer; -1 = OS default. Default -1. */
  xpub_sndbuf: withDefault(bufsize, -1),
  /** xsub_rcvhwm: XSUB receive HWM (back-pressure towards the broker); 0 = unlimited. Default 1000. */
  xsub_rcvhwm: withDefault(hwm, 1000),
  /** xsub_rcvbuf: XSUB kernel receive buffer; -1 = OS default. Default -1. */
  xsub_rcvbuf: withDefault(bufsize, -1),
  /** onloop_queue_hwm: received events waiting for handlers; beyond it they are dropped, counted as onloop_drops; 0 = unlimited. Default 10000. */
  onloop_queue_hwm: withDefault(hwm, 10000),
  /** log_immediate: ZMQ_IMMEDIATE on the log PUSH (queue only to completed connections). Default false. */
  log_immediate: withDefault(boolean, false),
  /** log_sndhwm: log PUSH send HWM. Default 1000. */
  log_sndhwm: withDefault(hwm, 1000),
  /** log_rcvhwm: log PULL receive HWM. Default 1000. */
  log_rcvhwm: withDefault(hwm, 1000),
  /** log_sndbuf: log PUSH kernel send buffer; -1 = OS default. Default -1. */
  log_sndbuf: withDefault(bufsize, -1),
  /** log_rcvbuf: log PULL kernel receive buffer; -1 = OS default. Default -1. */
  log_rcvbuf: withDefault(bufsize, -1),
  /** ipv6: ZMQ_IPV6 on the node's and the broker's contexts. Default false (since Zeek 8.2). */
  ipv6: withDefault(boolean, false),
  /** connect_xpub_nodrop: XPUB_NODROP on the node XPUB (drops become countable). Default true. */
  connect_xpub_nodrop: withDefault(boolean, true),
  /** listen_xpub_nodrop: XPUB_NODROP on the broker's XPUB. Default true. */
  listen_xpub_nodrop: withDefault(boolean, true),
  /** poll_max_messages: messages read per socket before yielding to the event loop; 0 = unlimited. Default 100. */
  poll_max_messages: withDefault(int({ min: 0 }), 100),
  /** debug_flags: bit 1 traces receive rounds, bit 2 socket/loop start and stop (stderr). Default 0. */
  debug_flags: withDefault(int({ min: 0 }), 0),
  /** hello_expiration: seconds before a half-finished hello handshake expires with a warning. Default 10. */
  hello_expiration: withDefault(number({ min: 0 }), 10),
  /** node_topic_prefix: prefix of Cluster::node_topic(). Default zeek.cluster.node. */
  node_topic_prefix: withDefault(string({ nonEmpty: true }), "zeek.cluster.node"),
  /** nodeid_topic_prefix: prefix of Cluster::nodeid_topic(), also how hello subscriptions are recognised. Default zeek.cluster.nodeid. */
  nodeid_topic_prefix: withDefault(string({ nonEmpty: true }), "zeek.cluster.nodeid"),
  /** internal_topic_prefix: prefix of the ready-to-publish probe topics. Default zeek.zeromq.internal. */
  internal_topic_prefix: withDefault(string({ nonEmpty: true }), "zeek.zeromq.internal."),
  /** Log::write_buffer_size: records per log batch before it is sent. Default 1000. */
  write_buffer_size: withDefault(int({ min: 1 }), 1000),
  /** Log::flush_interval: seconds a record may wait in a batch; 0 = only size and shutdown flush. Default 1. */
  flush_interval: withDefault(number({ min: 0 }), 1),
  /**
   * log_acks (ours, not upstream's): acknowledged log delivery. Each log
   * batch carries a number per logger endpoint; loggers that know it (ours)
   * write it, then acknowledge it through the broker; the sender keeps
   * every batch until it is acknowledged and sends again what a logger
   * lost (killed, restarted), so a record is written exactly once or
   * counted. The PUSH side then opens one socket per logger endpoint and
   * spreads batches itself (invisible on the wire). An endpoint that never
   * acknowledges within log_ack_timeout (a logger that is not ours, e.g.
   * tools/python/logger.py) is served fire-and-forget, as upstream does.
   * F: upstream's fire-and-forget PUSH to all endpoints. Default F, as
   * upstream (which has no acknowledgements); the fault suite turns it on.
   * docs/reliability.md has the protocol.
   */
  log_acks: withDefault(boolean, false),
  /**
   * log_ack_timeout (ours): seconds a sender waits for an acknowledgement
   * before it sends unacknowledged batches again (while connected), before
   * it treats an endpoint that never acknowledged as fire-and-forget, and,
   * at shutdown, before it stops waiting (what is still unacknowledged is
   * counted in log_records_unconfirmed; linger_ms -1 waits for ever, 0 not
   * at all). Default 5.
   */
  log_ack_timeout: withDefault(number({ positive: true }), 5),
  /**
   * log_ack_window (ours): unacknowledged batches a sender keeps per logger
   * endpoint. A full window sends no more there (other endpoints get the
   * batches); with every window full, batches wait in a queue of
   * log_sndhwm and are dropped beyond it (counted in log_drops). Default 64.
   */
  log_ack_window: withDefault(int({ min: 1 }), 64),
  /**
   * max_message_size (ours): the largest message (all its frames together,
   * in bytes) a node takes from any of its sockets. A larger one is dropped,
   * counted in msg_errors and reported (`[zeromq] <socket>: error: message
   * too large (...)`); the connection it came on, and everything else sent
   * on it, is kept. Default 64 MiB, Zeek's Log::max_log_record_size; -1 = no
   * limit. The broker forwards without looking; every receiving node checks.
   */
  max_message_size: withDefault(int({ min: -1 }), 64 * 1024 * 1024),
  /**
   * rcv_maxmsgsize (ours; libzmq's ZMQ_MAXMSGSIZE on every receiving socket,
   * the broker's too): a peer that sends a single frame larger than this is
   * disconnected by libzmq before the frame is buffered. That bounds the
   * memory a hostile peer can make a process allocate, but nothing counts
   * such a frame (libzmq reports only the disconnect) and the rest of that
   * connection's traffic in flight is lost, so it sits well above
   * max_message_size: messages between the two are read, counted and
   * dropped. Default 256 MiB (4x max_message_size); -1 = no limit; it must
   * not be below max_message_size.
   */
  rcv_maxmsgsize: withDefault(int({ min: -1 }), 256 * 1024 * 1024),
  /**
   * listen_xpub_sndbuf (ours; ZMQ_SNDBUF on the broker's XPUB, as
   * xpub_sndbuf is on a node's): the kernel send buffer of each of the
   * broker's connections to a node. -1 = the OS's, which Linux grows up to
   * net.ipv4.tcp_wmem's maximum (4 MB here), as upstream leaves it. What a
   * slow node has not read yet waits there, in front of anything sent to it
   * later: a small buffer here and a small xsub_rcvbuf on the nodes bound
   * how long a message to an overloaded node waits (docs/reliability.md §5).
   * Default -1.
   */
  listen_xpub_sndbuf: withDefault(int({ min: -1 }), -1),
};

/**
 * rcv_maxmsgsize below max_message_size would cut off, uncounted, messages
 * that max_message_size promises to count (-1 = no limit on either).
 */
export const nodeOptionsSchema = refineField(
  strictObject(entries),
  "rcv_maxmsgsize",
  (o) => o.rcv_maxmsgsize < 0 || o.max_message_size < 0 || o.rcv_maxmsgsize >= o.max_message_size,
  "-1 (no limit) or at least max_message_size (raise both together: libzmq cuts off, uncounted, the frames above it)",
);

/** Options as a user writes them (everything optional). */
export type NodeOptionsInput = ObjectIn<typeof entries>;
/** Options with defaults applied. */
export type NodeOptions = ObjectOut<typeof entries>;

/** An issue list as one line per problem: `<option>: <what was expected>`. */
export function formatIssues(err: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, where = "option"): string {
  return err.issues
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : where}: ${i.message}`)
    .join("\n");
}

export class OptionsError extends Error {
  override name = "OptionsError";
}

/** Apply defaults and validate; throws OptionsError naming every bad option. */
export function resolveOptions(input: NodeOptionsInput = {}): NodeOptions {
  const r = issuesOf(input, nodeOptionsSchema);
  if (!r.success) throw new OptionsError(`invalid zeromq options:\n${formatIssues(r)}`);
  return r.data as NodeOptions;
}

