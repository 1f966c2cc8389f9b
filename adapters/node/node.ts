// A cluster node over real libzmq sockets: the Node host of the core.
//
// Ports the node side of ZeroMQ.cc (DoInit, the I/O thread's socket
// handlers, DoPublishEvent, DoPublishLogWrites, DoTerminate). The node is
// thin by design: the core decides membership, batching and drops; this
// file moves frames between sockets and the core and calls user handlers.
//
//   XSUB  --connect--> broker XPUB (connect_xsub_endpoint): we send
//                      0x01/0x00+topic frames, we receive events.
//   XPUB  --connect--> broker XSUB (connect_xpub_endpoint): we publish
//                      events, we receive everyone's subscription frames.
//   PUSH  --connect--> every logger PULL (connect_log_endpoints).
//   PULL  <--bind----  listen_log_endpoint, on log receivers only.
//
// Node.js has one thread, so upstream's inproc PAIR and OnLoop queue become
// async receive loops that yield every poll_max_messages, and a JS queue of
// received events bounded by onloop_queue_hwm, drained on setImmediate.

import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { getRandomValues } from "node:crypto";
import * as zmq from "zeromq";
import {
  CHANNEL_LOG,
  CHANNEL_XPUB,
  CHANNEL_XSUB,
  MALFORMED_OVERSIZED,
  MALFORMED_UNDECODABLE,
  MALFORMED_UNKNOWN_FORMAT,
  OUT_CLUSTER_LOG,
  OUT_DIAGNOSTIC,
  OUT_ERROR,
  OUT_LOG_BATCH,
  OUT_NODE_DOWN,
  OUT_NODE_UP,
  OUT_PUBLISH,
  OUT_SUBSCRIPTION,
  OUT_UNSUBSCRIPTION,
  OUT_WARNING,
} from "../../core/kinds";
import { makeNodeId as coreNodeId } from "../../core/nodeid";
import type { Output } from "../../core/outputs";
import { loadCore, type CoreApi } from "../core-api";
import { startBroker, type Broker, type BrokerEngine, type BrokerStats } from "./broker";
import { CoreHost } from "./core-host";
import { BindError, ConnectError, FATAL_INIT, FATAL_PROXY, StartError } from "./errors";
import { NODE_TYPE_CODES, parseLayout, type ClusterLayout, type ClusterLayoutInput } from "./layout";
import { resolveOptions, type NodeOptions, type NodeOptionsInput } from "./options";
import { LOG_ACK_EVENT, LogAckState, type LogChannelState } from "./log-acks";
import { LogChannels, type LogReceiverStatus } from "./log-channels";
import { Sender, type Message } from "./sender";
import { PubSubLink } from "./pubsub-link";
import { receiveLoop } from "./receive-loop";
import { socketGone } from "./socket-gone";
import { readSocketOptions, socketOptionsFor } from "./socket-options";
import { releaseDroppedMessage } from "./release-memory";
import {
  flattenLogRecord,
  logFieldsFromRecord,
  logFieldsFromSchema,
  messageSize,
  oversizedDetail,
  time,
  type LogSchema,
  type ZeekInput,
  type ZeekValue,
} from "./codec/index";
import { codec as defaultCodec, type LogBatch, type LogField, type LogHeader, type PayloadCodec } from "./wire";

/** How long a node that hosts the broker waits for its departure to be forwarded. */
const DEPARTURE_WAIT_MS = 1000;

/** Upstream's Cluster::LOG stream (scripts/base/frameworks/cluster/main.zeek). */
export const CLUSTER_LOG_STREAM = "Cluster::LOG";
const CLUSTER_LOG_SCHEMA: LogSchema = { ts: "time", node: "string", message: "string" };

export interface NodeConfig {
  /** The cluster layout (validated here). */
  layout: ClusterLayoutInput | ClusterLayout;
  /** This node's name in the layout (Cluster::node). */
  name: string;
  /** Options for this node; override the layout's `zeromq` section. */
  options?: NodeOptionsInput;
  /**
   * Which build of the core decides: "js" (default, fastest on Node), "wasm"
   * (build/core.wasm via AssemblyScript's bindings) or "wasm-abi" (the same
   * module via its raw zc_* ABI, docs/wasm-abi.md; slowest, see
   * adapters/wasm/bench-cores.ts).
   */
  core?: "js" | "wasm" | "wasm-abi";
  /** Broker engine when this node runs the broker (see broker.ts). */
  brokerEngine?: BrokerEngine;
  /** Override the generated node id (tests, or a host with its own scheme). */
  nodeId?: string;
  /** Payload codec (defaults to the documented MessagePack format). */
  codec?: PayloadCodec;
  /**
   * Log receivers, acknowledged delivery (ours): called once at start, before
   * the PULL binds, with what earlier runs of this logger wrote per sender
   * channel (e.g. read from a journal of its files). Batches written before a
   * crash are then acknowledged and never written twice. Without it a
   * restarted logger knows nothing and may write a batch again that its
   * previous run wrote but had not acknowledged yet.
   */
  logState?: () => LogChannelState[];
}

export interface ReceivedEvent {
  topic: string;
  name: string;
  args: unknown[];
  /** Node id of the publisher (frame 1). */
  sender: string;
}

export interface ReceivedLogBatch extends LogBatch {
  /** Node id of the sender (frame 1); this node's id for local writes. */
  sender: string;
}

export interface NodeCounters {
  /** zeek_cluster_zeromq_xpub_drops_total: events dropped at the XPUB send HWM. */
  xpub_drops: number;
  /**
   * Ours (upstream loses these silently): events published while the XPUB
   * had no connection to the broker (from the socket monitor's `disconnect`
   * until the broker is back and has replayed its subscriptions), dropped
   * without reaching libzmq. Not counted, because nothing can know them:
   * what libzmq had already taken when the connection dropped (its pipe, at
   * most xpub_sndhwm, the kernel's buffers, the dead broker) and what it took
   * before the monitor's `disconnect` reached us (docs/reliability.md §1).
   */
  xpub_disconnected_drops: number;
  /** zeek_cluster_zeromq_onloop_drops_total: received events dropped at onloop_queue_hwm. */
  onloop_drops: number;
  /** zeek_cluster_zeromq_msg_errors_total: received messages rejected (frames, format, payload). */
  msg_errors: number;
  /** zeek_cluster_core_outgoing_events_total. */
  events_published: number;
  /** zeek_cluster_core_incoming_events_total (delivered to handlers). */
  events_received: number;
  /** Log records handed to the PUSH socket (or delivered locally on a log receiver). */
  log_records_sent: number;
  /** Log records lost before reaching the PUSH socket (ours; upstream has no log-drop metric). */
  log_drops: number;
  /** Log records received from other nodes on the PULL socket and handed to the "log" listeners. */
  log_records_received: number;
  /** log_acks (ours): records a logger acknowledged as written. */
  log_records_acked: number;
  /** log_acks (ours): records sent again because a logger may have lost them. */
  log_records_resent: number;
  /**
   * log_acks (ours): records sent but still unacknowledged when the node
   * stopped (log_ack_timeout): the logger may or may not have written them.
   * Every other record is acknowledged or in log_drops.
   */
  log_records_unconfirmed: number;
  /** log_acks, logger side (ours): records received again after they were written (dropped). */
  log_records_duplicate: number;
  /** log_acks, logger side (ours): records received after a gap (dropped; the sender sends them again). */
  log_records_out_of_order: number;
}

interface StreamState {
  key: number;
  header: LogHeader;
  pending: ZeekValue[][];
}

type Handler = (...args: any[]) => void;

/**
 * One cluster node. Create with `startNode()` (or `new ClusterNode()` then
 * `start()`, to subscribe and attach handlers before any socket exists).
 */
export class ClusterNode extends EventEmitter {
  readonly name: string;
  readonly nodeId: string;
  readonly nodeType: string;
  readonly layout: ClusterLayout;
  readonly options: NodeOptions;
  /**
   * Resolves when the ready-to-publish probe came back (publishes are held
   * until then); rejects if the node stops (or fails to start) before.
   */
  readonly ready: Promise<void>;

  private config: NodeConfig;
  private codec: PayloadCodec;
  private api!: CoreApi;
  private core!: CoreHost;
  private broker: Broker | undefined;
  private push: zmq.Push | undefined;
  private pull: zmq.Pull | undefined;
  /** XPUB + XSUB to the broker: publishes, subscriptions, the probe, outages (pubsub-link.ts). */
  private link: PubSubLink;
  private pushSender: Sender | undefined;
  /** log_acks: one PUSH per logger endpoint, numbered and acknowledged batches. */
  private logChannels: LogChannels | undefined;
  /** log_acks on a log receiver: what was written per sender channel. */
  private logAcks = new LogAckState();
  private acksScheduled = false;
  /** A stopping log receiver writes nothing more once it has sent its final acknowledgements. */
  private logsClosed = false;
  private eventHandlers = new Map<string, Handler[]>();
  private inbox: ReceivedEvent[] = [];
  private inboxScheduled = false;
  private streams = new Map<string, StreamState>();
  /** Per stream name, what its last log() call resolved to, and with which path, filter and writer. */
  private lastStreams = new Map<string, { path?: string; filter?: string; writer?: string; st: StreamState }>();
  private streamsByKey: StreamState[] = [];
  private logReceiver = false;
  private hasLogEndpoints = false;
  private resolveReady!: () => void;
  private rejectReady!: (err: Error) => void;
  private state: "new" | "starting" | "running" | "stopping" | "stopped" = "new";
  private starting: Promise<this> | undefined;
  /** Resolved when our XPUB hears our node-id topic unsubscribed (we left). */
  private departure: { topic: string; known: boolean; seen: Promise<void>; resolve: () => void } | undefined;
  /** The counters as they were when the node stopped (the core is gone then). */
  private finalCounters: NodeCounters | undefined;
  private stopped: Promise<void> | undefined;
  private loops: Promise<void>[] = [];
  private nodeIdBytes: Buffer;
  private eventFormatBytes: Buffer;
  private counts = {
    events_published: 0,
    events_received: 0,
    log_records_sent: 0,
    log_drops: 0,
    log_records_received: 0,
    log_records_acked: 0,
    log_records_resent: 0,
    log_records_unconfirmed: 0,
    log_records_duplicate: 0,
    log_records_out_of_order: 0,
  };

  constructor(config: NodeConfig) {
    super();
    this.config = config;
    this.layout = parseLayout(config.layout);
    const spec = this.layout.nodes[config.name];
    if (!spec) {
      throw new Error(`node '${config.name}' is not in the layout (nodes: ${Object.keys(this.layout.nodes).join(", ")})`);
    }
    this.name = config.name;
    this.nodeType = spec.node_type;
    this.options = resolveOptions({ ...this.layout.zeromq, ...config.options });
    this.codec = config.codec ?? defaultCodec;
    this.eventFormatBytes = Buffer.from(this.codec.eventFormat);
    this.nodeId = config.nodeId ?? makeNodeId(config.name);
    this.nodeIdBytes = Buffer.from(this.nodeId);
    this.link = new PubSubLink(this.options, this.nodeId, {
      onEvent: (m) => this.onXsubMessage(m),
      onSubscription: (m) => this.onXpubMessage(m),
      onReady: () => this.onReadyProbe(),
      // With XPUB_NODROP (connect_xpub_nodrop) a drop at the HWM is known and
      // counted; without it libzmq drops silently and, as upstream says, the
      // drop metric never counts, so neither does the JS queue's bound.
      onXpubDrop: () => {
        if (!this.options.connect_xpub_nodrop || !this.core || this.core.isClosed) return;
        this.api.xpubDropped(this.core.h);
        this.core.settle();
      },
      onSendError: (which, e) =>
        this.diagnostic(which === "xpub" ? `xpub: Failed to publish with error ${e.message}` : `[zeromq] xsub: send failed: ${e.message}`),
      diagnostic: (line) => this.diagnostic(line),
      debug: (bit, line) => this.debug(bit, line),
    });
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {}); // rejected only for those who wait on it
  }

  // ---------------------------------------------------------------- topics

  /** Cluster::node_topic(name): `<node_topic_prefix>.<name>.` */
  nodeTopic(name: string): string {
    return `${this.options.node_topic_prefix}.${name}.`;
  }

  /** Cluster::nodeid_topic(id): `<nodeid_topic_prefix>.<id>.` */
  nodeidTopic(id: string): string {
    return `${this.options.nodeid_topic_prefix}.${id}.`;
  }

  readonly managerTopic = "zeek.cluster.manager";
  readonly loggerTopic = "zeek.cluster.logger";
  readonly proxyTopic = "zeek.cluster.proxy";
  readonly workerTopic = "zeek.cluster.worker";

  // ------------------------------------------------------------- lifecycle

  /**
   * Start in upstream's order: the broker (when run_proxy_thread), then the
   * node sockets, then the start-up subscriptions. Rejects with a StartError
   * carrying upstream's two lines (the specific error, then the fatal one).
   */
  start(): Promise<this> {
    if (this.state !== "new") return Promise.reject(new Error(`node ${this.name} was already started`));
    this.state = "starting";
    this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<this> {
    const o = this.options;
    try {
      this.api = await loadCore(this.config.core ?? "js");
    } catch (err) {
      this.state = "stopped"; // nothing was opened
      this.rejectReady(err as Error);
      throw err;
    }
    const h = this.api.coreCreate(this.name, this.nodeId);
    for (const [name, n] of Object.entries(this.layout.nodes)) {
      this.api.addNode(h, name, NODE_TYPE_CODES[n.node_type], n.ip, n.p ?? 0);
    }
    this.api.setManagerIsLogger(h, this.layout.manager_is_logger);
    this.api.setTopicPrefixes(h, o.node_topic_prefix, o.nodeid_topic_prefix);
    this.api.setInternalTopicPrefix(h, o.internal_topic_prefix);
    this.api.setHelloExpiration(h, o.hello_expiration * 1000);
    this.api.setLogBatching(h, o.write_buffer_size, o.flush_interval * 1000);
    this.api.setOnloopQueueHwm(h, o.onloop_queue_hwm);
    this.core = new CoreHost(this.api, h, (out) => this.onOutput(out));

    const runProxy = o.run_proxy_thread ?? this.api.runProxyThreadDefault(h);
    this.logReceiver = this.api.isLogReceiver(h);
    const listenLog = o.listen_log_endpoint ?? this.api.listenLogEndpoint(h);
    const logEndpoints = o.connect_log_endpoints ?? this.api.connectLogEndpoints(h);
    this.hasLogEndpoints = logEndpoints.length > 0;

    try {
      if (runProxy) {
        try {
          this.broker = await startBroker({ ...o, engine: this.config.brokerEngine });
          this.debug(2, `broker (${this.broker.engine}) bound xpub ${this.broker.xpubEndpoint}, xsub ${this.broker.xsubEndpoint}`);
        } catch (err) {
          throw new StartError(err as Error, FATAL_PROXY);
        }
      }
      try {
        if (listenLog && this.config.logState) this.logAcks.restore(this.config.logState());
        await this.openSockets(listenLog, logEndpoints);
      } catch (err) {
        throw new StartError(err as Error, FATAL_INIT);
      }
    } catch (err) {
      await this.closeEverything(0);
      this.state = "stopped";
      this.rejectReady(err as Error);
      throw err;
    }
    this.state = "running";
    this.debug(2, `node ${this.name} (${this.nodeId}) started`);
    this.core.settle(); // e.g. "No ZeroMQ connect_log_endpoints configured"

    this.departure = departureFor(this.nodeidTopic(this.nodeId));
    const topics = this.api.startupTopics(h);
    this.debug(2, `subscribing to start-up topics ${topics.join(" ")}`);
    for (const topic of topics) this.subscribe(topic);
    // Ready-to-publish probe (ZeroMQ.cc), after the start-up topics:
    // `<internal_topic_prefix><node id>.<n>.` as the core's readyProbeTopic()
    // spells it (the core has the configured prefix, set above). The link
    // still builds the probe itself because Client, which runs no core,
    // shares that code.
    this.link.startProbe();
    this.emit("started");
    return this;
  }

  private async openSockets(listenLog: string, logEndpoints: string[]): Promise<void> {
    const o = this.options;
    // XSUB and XPUB to the broker (XPUB with ZMQ_IMMEDIATE: a dead broker
    // is noticed, see pubsub-link.ts and docs/reliability.md §1).
    this.link.open();
    this.loops.push(...this.link.loops);

    if (listenLog) {
      const pull = (this.pull = new zmq.Pull(socketOptionsFor("pull", o)));
      try {
        await pull.bind(listenLog);
      } catch (err) {
        throw new BindError("pull", listenLog, err as Error);
      }
      this.debug(2, `pull bound to ${listenLog}`);
      this.loops.push(this.receiveLoop(pull, (m) => this.onLogMessage(m), "log"));
    }
    if (logEndpoints.length > 0 && o.log_acks) {
      this.logChannels = new LogChannels(
        logEndpoints,
        {
          now: () => performance.now(),
          sent: (n) => (this.counts.log_records_sent += n),
          resent: (n) => (this.counts.log_records_resent += n),
          acked: (n) => (this.counts.log_records_acked += n),
          dropped: (n, reason) => {
            this.counts.log_drops += n;
            if (reason === "close") this.emitReport("error", `Discarded a log write of ${n} records at shutdown (linger_ms reached)`);
            else if (reason === "queue") this.emitReport("error", "Failed to send log write. HWM reached?");
          },
          abandoned: (n) => (this.counts.log_drops += n),
          unconfirmed: (n, ep) => {
            this.counts.log_records_unconfirmed += n;
            this.emitReport("error", `${n} log records sent to ${ep} were not acknowledged at shutdown (log_ack_timeout reached); they may or may not be written`);
          },
          diagnostic: (line) => this.diagnostic(line),
          error: (e) => this.emitReport("error", `Failed to send log write: ${e.message}`),
        },
        {
          // log_sndhwm still bounds what may wait for one logger.
          window: o.log_sndhwm > 0 ? Math.min(o.log_ack_window, o.log_sndhwm) : o.log_ack_window,
          immediate: o.log_immediate,
          queueLimit: o.log_sndhwm,
          ackTimeoutMs: o.log_ack_timeout * 1000,
          socketOptions: socketOptionsFor("push", o),
        },
        (sock, ep) => connectOrThrow(sock, "push", ep),
      );
      this.debug(2, `push connected to ${logEndpoints.join(" ")} (one socket each, acknowledged)`);
    } else if (logEndpoints.length > 0) {
      const push = (this.push = new zmq.Push(socketOptionsFor("push", o)));
      for (const ep of logEndpoints) connectOrThrow(push, "push", ep);
      this.debug(2, `push connected to ${logEndpoints.join(" ")}`);
      // Log batches wait for the PUSH rather than drop (so an orderly stop
      // loses nothing); the JS queue holds at most log_sndhwm batches more.
      // Beyond that a batch is dropped with upstream's error text and its
      // records are counted in log_drops (upstream has no log-drop metric);
      // records count as sent once libzmq has taken the batch.
      this.pushSender = new Sender(
        push,
        "wait",
        o.log_sndhwm,
        (msg, reason) => {
          const n = recordsOf(msg);
          this.counts.log_drops += n;
          if (reason === "close") this.emitReport("error", `Discarded a log write of ${n} records at shutdown (linger_ms reached)`);
          else this.emitReport("error", "Failed to send log write. HWM reached?");
        },
        (e) => this.emitReport("error", `Failed to send log write: ${e.message}`),
        false,
        (msg) => (this.counts.log_records_sent += recordsOf(msg)),
      );
    }
  }

  /**
   * Orderly stop (upstream DoTerminate order): flush log buffers, let the
   * queued sends drain, close the node sockets (XPUB and PUSH linger for
   * linger_ms so the last batches get out), then stop the broker last.
   */
  terminate(): Promise<void> {
    if (this.stopped) return this.stopped;
    if (this.state === "new") {
      this.state = "stopped";
      this.rejectReady(new Error(`node ${this.name} was stopped before it started`));
      return (this.stopped = Promise.resolve());
    }
    this.stopped = (async () => {
      // A stop during start() waits for it (a failed start has closed everything).
      if (this.starting) await this.starting.catch(() => {});
      if (this.state === "stopped") return;
      this.state = "stopping";
      this.debug(2, `node ${this.name} stopping: flushing logs`);
      // 1. Flush every log buffer (Log::flush at shutdown): the last batches
      //    go to the PUSH queue before anything closes.
      this.api.flushLogs(this.core.h);
      this.core.settle();
      // log_acks: wait until the loggers acknowledged every batch (they are
      // still up: the supervisor stops them last), log_ack_timeout at most;
      // linger_ms -1 waits for ever, 0 not at all (as for the linger itself).
      const lingerMs = this.options.linger_ms;
      if (this.logChannels) await this.logChannels.settled(lingerMs <= 0 ? lingerMs : this.options.log_ack_timeout * 1000);
      // log_acks on a log receiver: stop writing and tell every sender its
      // final state, so what we did not write is known as such (the sender
      // counts it as dropped instead of unconfirmed, and does not wait).
      if (this.pull) {
        this.logsClosed = true;
        for (const a of this.logAcks.finalAcks()) this.publishAck(a.sender, a.chan, a.written, false, true);
      }
      // 2. Drain what is queued in JS into libzmq, for at most linger_ms
      //    (-1: as long as it takes, as upstream's context close would wait).
      this.link.stopping();
      const linger = this.options.linger_ms;
      const drained = Promise.all([this.pushSender?.idle(), this.logChannels?.idle(), this.link.idle()]);
      if (linger < 0) await drained;
      else await raceTimeout(drained, linger);
      this.deliverInbox();
      // 3. Close the node sockets with linger_ms, 4. the broker last.
      this.debug(2, `closing sockets (linger_ms=${linger})`);
      await this.closeEverything(linger);
      this.state = "stopped";
      this.rejectReady(new Error(`node ${this.name} stopped before it was ready to publish`));
      this.debug(2, `node ${this.name} stopped`);
      this.emit("terminated");
    })();
    return this.stopped;
  }

  private async closeEverything(linger: number): Promise<void> {
    // What could not get into libzmq in time is counted (log_drops,
    // xpub_drops), not lost silently; pending subscription frames are moot.
    this.pushSender?.discard();
    this.logChannels?.finish();
    this.logChannels?.discard();
    this.link.discard();
    const gone: Promise<void>[] = [];
    const close = (sock: zmq.Socket | undefined, sockLinger: number) => {
      if (!sock || sock.closed) return;
      // The socket is gone, and a bound port free, when its monitor ends:
      // for the XPUB and the PUSH that is after linger_ms at most (upstream
      // sets ZMQ_LINGER on exactly these two), as upstream's zmq_ctx_term()
      // waits. The XSUB and the PULL have nothing of ours to deliver.
      sock.linger = sockLinger;
      gone.push(socketGone(sock));
      sock.close();
    };
    close(this.link.xsub, 0);
    close(this.pull, 0);
    if (this.broker && this.departure?.known && this.state === "stopping") {
      // We host the broker, which stops with us: give it the time to tell
      // the other nodes that we left (libzmq turns our XSUB's disconnect
      // into unsubscriptions, node_down elsewhere) before it goes. Our own
      // XPUB hearing the unsubscription of our node-id topic means the
      // broker has forwarded it to every node. (Only once our XPUB heard the
      // subscription: before that nobody can have seen us.)
      await raceTimeout(this.departure.seen, DEPARTURE_WAIT_MS);
    }
    close(this.link.xpub, linger);
    close(this.push, linger);
    for (const sock of this.logChannels?.sockets ?? []) close(sock, this.logChannels!.lingerFor(sock, linger));
    await Promise.allSettled(this.loops);
    // A socket's monitor normally ends within its linger; if libzmq never
    // reports it (seen once, through a foreign broker), a stop must still
    // end: wait the linger plus a grace, unless linger_ms is -1 (forever,
    // as upstream's zmq_ctx_term).
    if (linger < 0) await Promise.all(gone);
    else await raceTimeout(Promise.all(gone), linger + SOCKET_GONE_GRACE_MS);
    if (this.core) {
      this.finalCounters = this.counters();
      this.core.close();
    }
    if (this.broker) {
      this.debug(2, "stopping broker");
      await this.broker.stop();
    }
  }

  get running(): boolean {
    return this.state === "running";
  }

  // --------------------------------------------------------------- pub/sub

  /** Cluster::subscribe: works before start() too (queued, never lost). */
  subscribe(topic: string): void {
    this.sendSubscription(true, topic);
  }

  /** Cluster::unsubscribe. libzmq counts: two subscribes need two unsubscribes. */
  unsubscribe(topic: string): void {
    this.sendSubscription(false, topic);
  }

  private sendSubscription(subscribe: boolean, topic: string): void {
    if (subscribe) this.link.subscribe(topic);
    else this.link.unsubscribe(topic);
  }

  /**
   * Cluster::publish(topic, event, args...). Like upstream it returns true
   * once the event is queued; a drop at the XPUB HWM happens later and is
   * counted in xpub_drops. Returns false only when the node is not running.
   * Throws a CodecError for an argument with no Zeek type (a programming
   * error, reported where it was made rather than dropped on the wire).
   */
  publish(topic: string, event: string, ...args: ZeekInput[]): boolean {
    if (this.state !== "running" && this.state !== "starting") return false;
    const payload = this.codec.encodeEvent(event, args);
    this.counts.events_published++;
    return this.sendEvent(topic, payload);
  }

  private sendEvent(topic: string, payload: Uint8Array): boolean {
    return this.link.publish([topic, this.nodeIdBytes, this.eventFormatBytes, payload]);
  }

  /**
   * Handle a named event like a Zeek event handler: `fn(...args)`.
   * Several handlers per name run in registration order.
   */
  onEvent(name: string, fn: (...args: any[]) => void): this {
    const list = this.eventHandlers.get(name);
    if (list) list.push(fn);
    else this.eventHandlers.set(name, [fn]);
    return this;
  }

  // ------------------------------------------------------------------ logs

  /**
   * Log::write. `record` maps field names to values; the first record of a
   * stream fixes its fields unless `fields` is given. Records are batched
   * (write_buffer_size, flush_interval) and pushed to the loggers; on a log
   * receiver they are delivered to its own "log" handlers.
   */
  log(stream: string, record: { readonly [field: string]: ZeekInput }, opts: LogOptions = {}): void {
    if (this.state !== "running") {
      this.counts.log_drops++;
      return;
    }
    const st = this.streamFor(stream, record, opts);
    st.pending.push(flattenLogRecord(record, st.header.fields));
    this.api.logWrite(this.core.h, st.key, this.core.now());
    this.core.settle();
  }

  private streamFor(stream: string, record: { readonly [field: string]: ZeekInput }, opts: LogOptions): StreamState {
    // The common call repeats the stream's last options (none, or the same
    // path): one map lookup and three comparisons, no key string.
    const last = this.lastStreams.get(stream);
    if (last !== undefined && last.path === opts.path && last.filter === opts.filter && last.writer === opts.writer) return last.st;
    const path = opts.path ?? defaultLogPath(stream);
    const filter = opts.filter ?? "default";
    const writer = opts.writer ?? "Log::WRITER_ASCII";
    const id = `${stream}\0${filter}\0${path}\0${writer}`;
    let st = this.streams.get(id);
    if (!st) {
      const fields = opts.schema ? logFieldsFromSchema(opts.schema) : logFieldsFromRecord(record);
      const key = this.api.registerLogStream(this.core.h, stream, filter, path, writer);
      st = { key, header: { stream, writer, filter, path, fields }, pending: [] };
      this.streams.set(id, st);
      this.streamsByKey[key] = st;
    }
    this.lastStreams.set(stream, { path: opts.path, filter: opts.filter, writer: opts.writer, st });
    return st;
  }

  private sendLogBatch(key: number, count: number): void {
    const st = this.streamsByKey[key];
    if (!st) return;
    const records = st.pending.splice(0, count);
    if (this.logReceiver) {
      this.counts.log_records_sent += records.length;
      this.emitLog({ header: st.header, records, sender: this.nodeId });
      return;
    }
    if (this.logChannels) {
      const { header } = st;
      const nodeId = this.nodeIdBytes;
      const format = this.codec.logFormat;
      this.logChannels.enqueue({
        records: records.length,
        build: (delivery) => ["log-write", nodeId, format, this.codec.encodeLogBatch(header, records, delivery)],
      });
      return;
    }
    if (!this.pushSender) {
      // Upstream discards silently when no connect_log_endpoints exist
      // (and has said so once at start-up); we count them.
      this.counts.log_drops += records.length;
      return;
    }
    const payload = this.codec.encodeLogBatch(st.header, records);
    const msg = ["log-write", this.nodeIdBytes, this.codec.logFormat, payload] as Message & { records?: number };
    msg.records = records.length;
    this.pushSender.enqueue(msg);
  }

  private emitLog(batch: ReceivedLogBatch): void {
    this.emit("log", batch);
  }

  // ----------------------------------------------------------------- input

  /** The I/O loop for one socket (receive-loop.ts). */
  private receiveLoop(sock: zmq.Socket & zmq.Readable, handle: (m: Buffer[]) => void, what: string): Promise<void> {
    const trace = (this.options.debug_flags & 1) !== 0;
    return receiveLoop(sock, handle, what, {
      maxPerTurn: this.options.poll_max_messages,
      failed: (line) => this.diagnostic(line),
      trace: trace ? (line) => this.debug(1, line) : undefined,
      lifecycle: (line) => this.debug(2, line),
    });
  }

  /**
   * max_message_size: a message over it is counted in msg_errors, reported
   * and dropped here, after libzmq has read it whole (rcv_maxmsgsize, well
   * above, is libzmq's own cut-off), so its connection and everything else
   * on it are kept. Ours: upstream takes messages of any size.
   */
  private tooLarge(channel: number, msg: Buffer[]): boolean {
    const max = this.options.max_message_size;
    if (max < 0) return false;
    const size = messageSize(msg);
    if (size <= max) return false;
    this.api.reportMalformed(this.core.h, channel, MALFORMED_OVERSIZED, oversizedDetail(size, max), "");
    releaseDroppedMessage();
    return true;
  }

  // Subscription frames from the broker (ZeroMQ.cc's XPUB handler).
  private onXpubMessage(msg: Buffer[]): void {
    const h = this.core.h;
    if (!this.api.checkFrames(h, CHANNEL_XPUB, msg.length)) return this.core.settle();
    if (this.tooLarge(CHANNEL_XPUB, msg)) return this.core.settle();
    const frame = msg[0];
    if (frame.length === 0 || (frame[0] !== 0 && frame[0] !== 1)) return; // upstream ignores these silently
    const topic = frame.toString("utf8", 1);
    // Probes (ours and other nodes'); our own probe's return is the link's.
    if (topic.startsWith(this.options.internal_topic_prefix)) return;
    if (frame[0] === 1 && this.departure && topic === this.departure.topic) this.departure.known = true;
    if (frame[0] === 0 && this.departure && topic === this.departure.topic) {
      // Our own departure heard back is no news to the core: passed on, it
      // warned "unsubscription of unknown node" about ourselves on every stop
      // of the broker host (upstream's node never sees it; it is gone by then).
      // While running it means the broker's connection dropped (every topic
      // is reported unsubscribed, see openSockets): we have not left, and
      // our subscription comes back with the broker, so a later stop still
      // waits for the real departure.
      if (this.state === "running") this.departure = departureFor(this.departure.topic);
      else this.departure.resolve();
      return;
    }
    // By interned topic id: numbers, not strings, cross into a Wasm core.
    this.core.subscriptionFrame(frame[0] === 1, topic, this.core.now());
    this.core.settle();
  }

  private onReadyProbe(): void {
    this.logChannels?.brokerReady();
    this.debug(2, `node ${this.name} ready to publish`);
    this.resolveReady();
    this.emit("ready");
  }

  // Events from the broker (ZeroMQ.cc's XSUB handler + ProcessEventMessage).
  private onXsubMessage(msg: Buffer[]): void {
    const h = this.core.h;
    if (!this.api.checkFrames(h, CHANNEL_XSUB, msg.length)) return this.core.settle();
    // Never deliver our own events back to us (frame 1 is the sender).
    if (msg[1].equals(this.nodeIdBytes)) return;
    if (this.tooLarge(CHANNEL_XSUB, msg)) return this.core.settle();
    const topic = msg[0].toString("utf8");
    if (!msg[2].equals(this.eventFormatBytes)) {
      this.api.reportMalformed(h, CHANNEL_XSUB, MALFORMED_UNKNOWN_FORMAT, printable(msg[2]), this.codec.eventFormat);
      return this.core.settle();
    }
    let ev;
    try {
      ev = this.codec.decodeEvent(msg[3]);
    } catch (err) {
      this.api.reportMalformed(h, CHANNEL_XSUB, MALFORMED_UNDECODABLE, `${topic}: ${(err as Error).message}`, this.codec.eventFormat);
      return this.core.settle();
    }
    const args = ev.args;
    if (ev.name === LOG_ACK_EVENT) {
      // log_acks: control traffic for the log channels, only on our node-id topic.
      if (this.logChannels && topic === this.departure?.topic && typeof args[0] === "string" && typeof args[1] === "bigint" && typeof args[2] === "boolean") {
        this.logChannels.onAck(args[0], Number(args[1]), args[2], args[3] === true);
      }
      return;
    }
    if (args.length === 2 && typeof args[0] === "string" && typeof args[1] === "string") {
      // Handshake events are control traffic: handled at once, never queued
      // behind (or dropped with) ordinary events.
      if (this.api.handleHelloEvent(h, ev.name, args[0], args[1], this.core.now())) return this.core.settle();
    }
    if (!this.api.admitEvent(h)) return this.core.settle();
    this.inbox.push({ topic, name: ev.name, args, sender: msg[1].toString("utf8") });
    if (!this.inboxScheduled) {
      this.inboxScheduled = true;
      setImmediate(() => this.deliverInbox());
    }
  }

  // The OnLoop queue's Process(): hand every queued event to the handlers.
  private deliverInbox(): void {
    this.inboxScheduled = false;
    const batch = this.inbox;
    if (batch.length === 0) return;
    this.inbox = [];
    if (this.state === "running" || this.state === "stopping") this.api.eventsDelivered(this.core.h, batch.length);
    for (const ev of batch) {
      this.counts.events_received++;
      this.dispatchEvent(ev);
    }
  }

  private dispatchEvent(ev: ReceivedEvent): void {
    const handlers = this.eventHandlers.get(ev.name);
    try {
      if (handlers) for (const fn of handlers) fn(...ev.args);
      this.emit("event", ev);
    } catch (err) {
      this.emitReport("error", `handler for ${ev.name} failed: ${(err as Error).stack ?? err}`);
    }
  }

  // Log batches on a logger's PULL (ZeroMQ.cc's PULL handler + ProcessLogMessage).
  private onLogMessage(msg: Buffer[]): void {
    const h = this.core.h;
    if (!this.api.checkFrames(h, CHANNEL_LOG, msg.length)) return this.core.settle();
    if (this.tooLarge(CHANNEL_LOG, msg)) return this.core.settle();
    if (msg[2].toString("utf8") !== this.codec.logFormat) {
      this.api.reportMalformed(h, CHANNEL_LOG, MALFORMED_UNKNOWN_FORMAT, printable(msg[2]), this.codec.logFormat);
      return this.core.settle();
    }
    let batch: LogBatch;
    try {
      batch = this.codec.decodeLogBatch(msg[3]);
    } catch (err) {
      this.api.reportMalformed(h, CHANNEL_LOG, MALFORMED_UNDECODABLE, (err as Error).message, this.codec.logFormat);
      return this.core.settle();
    }
    // A stopping logger that sent its final acknowledgements writes nothing more.
    if (this.logsClosed) return;
    const sender = msg[1].toString("utf8");
    const d = batch.delivery;
    if (!d) {
      this.counts.log_records_received += batch.records.length;
      this.emitLog({ ...batch, sender });
      return;
    }
    // log_acks: write each sender channel in order, exactly once; answer
    // duplicates and gaps with our state (log-acks.ts).
    const verdict = this.logAcks.verdict(sender, d);
    if (verdict === "write") {
      // The batch counts as written once the listeners returned; one that
      // throws refuses it (not acknowledged: the sender sends it again).
      this.counts.log_records_received += batch.records.length;
      try {
        this.emitLog({ ...batch, sender });
      } catch (err) {
        this.counts.log_records_received -= batch.records.length;
        throw err;
      }
      this.logAcks.written(sender, d);
    } else if (verdict === "duplicate") {
      this.counts.log_records_duplicate += batch.records.length;
    } else {
      this.counts.log_records_out_of_order += batch.records.length;
    }
    this.scheduleAcks();
  }

  /** Publish the due acknowledgements on the next turn (one per channel however many batches came). */
  private scheduleAcks(): void {
    if (this.acksScheduled || !this.logAcks.hasDue) return;
    this.acksScheduled = true;
    setImmediate(() => {
      this.acksScheduled = false;
      if (this.state !== "running" && this.state !== "stopping") return;
      if (this.logsClosed) return; // the final acknowledgements said it all
      for (const a of this.logAcks.takeDue()) this.publishAck(a.sender, a.chan, a.written, a.resend, false);
    });
  }

  private publishAck(sender: string, chan: string, written: number, resend: boolean, final: boolean): void {
    this.sendEvent(this.nodeidTopic(sender), this.codec.encodeEvent(LOG_ACK_EVENT, [chan, BigInt(written), resend, final]));
  }

  // ---------------------------------------------------------------- output

  private onOutput(o: Output): void {
    switch (o.kind) {
      case OUT_SUBSCRIPTION:
        this.emit("subscription", o.topic);
        break;
      case OUT_UNSUBSCRIPTION:
        this.emit("unsubscription", o.topic);
        break;
      case OUT_PUBLISH:
        this.counts.events_published++;
        this.sendEvent(o.topic, this.codec.encodeEvent(o.event, [o.name, o.id]));
        break;
      case OUT_NODE_UP:
        // A sender that (re)appears may wait for what we wrote of it before
        // (we restarted with a journal, or it reconnected): tell it.
        this.logAcks.announce(o.id);
        this.scheduleAcks();
        this.emit("node_up", o.name, o.id);
        break;
      case OUT_NODE_DOWN:
        this.emit("node_down", o.name, o.id);
        break;
      case OUT_CLUSTER_LOG:
        this.emit("cluster_log", o.message);
        if (this.state === "running") {
          this.log(
            CLUSTER_LOG_STREAM,
            { ts: time(new Date()), node: this.name, message: o.message },
            { path: "cluster", schema: CLUSTER_LOG_SCHEMA },
          );
        }
        break;
      case OUT_WARNING:
        this.emitReport("warning", o.message);
        break;
      case OUT_ERROR:
        this.emitReport("error", o.message);
        break;
      case OUT_DIAGNOSTIC:
        this.diagnostic(o.message);
        break;
      case OUT_LOG_BATCH:
        this.sendLogBatch(o.key, o.count);
        break;
    }
  }

  /** Reporter::warning / Reporter::error: to listeners, or stderr when nobody listens. */
  private emitReport(kind: "warning" | "error", message: string): void {
    if (this.listenerCount(kind) > 0) this.emit(kind, message);
    else process.stderr.write(`${kind}: ${message}\n`);
  }

  /** `[zeromq] ...` lines (upstream's I/O thread writes them to stderr directly). */
  private diagnostic(line: string): void {
    if (this.listenerCount("diagnostic") > 0) this.emit("diagnostic", line);
    else process.stderr.write(line + "\n");
  }

  private debug(bit: number, line: string): void {
    if ((this.options.debug_flags & bit) !== 0) process.stderr.write(`[zeromq] debug: ${line}\n`);
  }

  // -------------------------------------------------------------- counters

  /**
   * The log receivers as this node sees them (with log_acks; empty without,
   * or on a node that only receives logs): connected, acknowledging,
   * stopped (it said so), records not yet acknowledged.
   */
  logReceivers(): LogReceiverStatus[] {
    return this.logChannels?.status() ?? [];
  }

  counters(): NodeCounters {
    if (this.finalCounters) return { ...this.finalCounters, ...this.counts };
    const h = this.core?.h;
    const c = (i: number) => (h === undefined || this.state === "stopped" ? 0 : this.api.counter(h, i));
    return {
      xpub_drops: c(0),
      xpub_disconnected_drops: this.link.disconnectedDrops,
      onloop_drops: c(1),
      msg_errors: c(2),
      ...this.counts,
    };
  }

  /**
   * The libzmq options of the node's open sockets as libzmq reports them,
   * by upstream option name (e.g. `socketOptions().push?.log_sndbuf`).
   * For diagnostics: kernel buffer sizes and HWMs have no other observable.
   */
  socketOptions(): Partial<Record<"xpub" | "xsub" | "push" | "pull", Partial<Record<keyof NodeOptions, number | boolean>>>> {
    const out: ReturnType<ClusterNode["socketOptions"]> = {};
    for (const [role, sock] of [
      ["xpub", this.link.xpub],
      ["xsub", this.link.xsub],
      ["push", this.push ?? this.logChannels?.sockets[0]],
      ["pull", this.pull],
    ] as const) {
      if (sock && !sock.closed) out[role] = readSocketOptions(role, sock);
    }
    return out;
  }

  /** The broker's eight counters when this node runs a counting broker, else null. */
  brokerStats(): BrokerStats | null {
    return this.broker?.stats() ?? null;
  }

  /** The node id of peer `name` while it is up, or undefined. */
  peerId(name: string): string | undefined {
    if (!this.core || this.state === "stopped") return undefined;
    return this.api.peerId(this.core.h, name) || undefined;
  }
}

export interface LogOptions {
  /** Log path (file name without .log). Default: the stream's module, lower-cased (Conn::LOG -> conn). */
  path?: string;
  /** Log filter name. Default "default". */
  filter?: string;
  /** Writer. Default "Log::WRITER_ASCII". */
  writer?: string;
  /**
   * The stream's columns and Zeek types, e.g. `{ ts: "time", id: { record: { orig_h: "addr" } } }`
   * (nested records become `id.orig_h` columns). Default: derived from the first record.
   */
  schema?: LogSchema;
}

/** Create, start and return a node. */
export async function startNode(config: NodeConfig): Promise<ClusterNode> {
  return new ClusterNode(config).start();
}

/** Zeek's default log path: `Conn::LOG` -> `conn`; other names as given, lower-cased. */
export function defaultLogPath(stream: string): string {
  const i = stream.indexOf("::");
  return (i > 0 ? stream.slice(0, i) : stream).toLowerCase();
}

/** Cluster::node_id(): host name, pid and 18 random bytes go into the core's id scheme. */
function makeNodeId(name: string): string {
  return coreNodeId(name, hostname(), process.pid, getRandomValues(new Uint8Array(18)));
}

function connectOrThrow(sock: zmq.Socket, which: string, endpoint: string): void {
  try {
    sock.connect(endpoint);
  } catch (err) {
    throw new ConnectError(which, endpoint, err as Error);
  }
}

/** How many log records a queued log-write message carries. */
function recordsOf(msg: Message): number {
  return (msg as Message & { records?: number }).records ?? 0;
}

function printable(b: Buffer): string {
  const s = b.subarray(0, 64).toString("utf8");
  return /^[\x20-\x7e]*$/.test(s) ? s : `<${b.length} bytes>`;
}

/** A not yet heard departure: our node-id topic, not yet seen subscribed. */
function departureFor(topic: string): { topic: string; known: boolean; seen: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const seen = new Promise<void>((r) => (resolve = r));
  return { topic, known: false, seen, resolve };
}

/** Wait for `p`, at most `ms`; the timer never outlives the wait. */
/** Extra time beyond linger_ms that closing the node's sockets may take. */
const SOCKET_GONE_GRACE_MS = 2000;

async function raceTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
