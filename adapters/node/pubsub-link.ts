// The pub/sub link to the central broker, shared by ClusterNode and Client.
//
//   XSUB --connect--> broker XPUB (connect_xsub_endpoint): our subscription
//                     frames out, events in.
//   XPUB --connect--> broker XSUB (connect_xpub_endpoint): our publishes
//                     out, everyone's subscription frames in.
//
// Ports the socket half of ZeroMQ.cc's DoInit (XSUB connects first, then
// XPUB; options from the table in socket-options.ts) and the
// ready-to-publish probe, and adds what upstream does not have: it notices
// when the broker goes away and comes back, and counts what is published
// meanwhile.
//
// Why the XPUB has ZMQ_IMMEDIATE (ours; upstream leaves it off): libzmq keeps
// a connecting socket's pipe across a reconnect unless it is set. With it,
// the pipe ends with the connection, the XPUB reports the unsubscription of
// every topic (every peer goes node_down), and after the broker is back the
// subscriptions it replays start the membership handshake afresh. Without it
// the node keeps the dead broker's subscriptions for ever
// (docs/reliability.md §1).
//
// The price of ZMQ_IMMEDIATE: while there is no connection, libzmq discards
// whatever the XPUB is given, silently. So the link watches the XPUB's
// connection (the socket monitor) and keeps a state:
//
//   starting   before our first probe came back: publishes are held (the
//              Sender is paused), as upstream's node holds them.
//   up         publishes go to libzmq.
//   down       the monitor said `disconnect`: every publish is dropped here
//              and counted (xpub_disconnected_drops), as is what was still
//              queued in JS; one `[zeromq] xpub: warn:` line per outage, at
//              its first drop (an outage that loses nothing says nothing:
//              e.g. a logger outliving the manager that hosts the broker at
//              every orderly cluster stop).
//   rejoining  the XPUB is connected again (monitor `connect`, or a
//              subscription frame arrived, which needs a pipe): publishes
//              are held until our re-probe comes back, i.e. until the new
//              broker has replayed to us every subscription it knows of.
//              Sending earlier would let libzmq's sender-side filtering
//              discard events whose subscriptions are on their way.
//
// What no counter can see (documented bound, docs/reliability.md §1): the
// messages libzmq had already taken when the connection dropped — in the
// XPUB's pipe (at most xpub_sndhwm), in the kernel's socket buffers, in the
// dead broker — and those it took between the connection's end and the
// monitor's `disconnect` reaching us (the monitor is read asynchronously).
//
// The re-probe is a fresh `<internal prefix><id>.<n>.` subscription, sent
// at the XPUB's disconnect and again each time the XSUB has reconnected:
// libzmq's XSUB re-sends its subscriptions on reconnect, but (observed with
// zeromq.js 6.8's libzmq) they stay in its pipe until the socket sends
// something else, so a send after the XSUB's handshake is what gets every
// subscription of ours to the new broker.

import * as zmq from "zeromq";
import { ConnectError } from "./errors";
import type { NodeOptions } from "./options";
import { receiveLoop } from "./receive-loop";
import { Sender, type DropReason, type Message } from "./sender";
import { socketOptionsFor } from "./socket-options";
import { subscriptionFrame } from "./wire";

export type LinkState = "new" | "starting" | "up" | "down" | "rejoining" | "closing";

export interface PubSubLinkHost {
  /** A message on the XSUB (an event, 4 frames if well-formed). */
  onEvent(msg: Buffer[]): void;
  /** A message on the XPUB other than our probe (subscription frames). */
  onSubscription(msg: Buffer[]): void;
  /** Our first probe came back: publishes flow from now on. */
  onReady(): void;
  /** A publish dropped at the XPUB's HWM (EAGAIN) or queue bound, or discarded at close. */
  onXpubDrop(msg: Message, reason: DropReason): void;
  /** A send failed for another reason (socket closed, bad frame). */
  onSendError(which: "xpub" | "xsub", err: Error): void;
  /** `[zeromq] ...` lines. */
  diagnostic(line: string): void;
  /** debug_flags lines (`bit` 1: poll rounds, 2: lifecycle). */
  debug(bit: number, line: string): void;
}

export class PubSubLink {
  private o: NodeOptions;
  private host: PubSubLinkHost;
  private idPrefix: string;
  private _state: LinkState = "new";
  private early: Buffer[] = [];
  private xsubSock: zmq.XSubscriber | undefined;
  private xpubSock: zmq.XPublisher | undefined;
  private xsubSender: Sender | undefined;
  private xpubSender: Sender | undefined;
  /** The probe topic we wait for ("" when none is outstanding). */
  private probe = "";
  private probes = 0;
  /** Down when the host began stopping: publishes are still counted, not sent. */
  private downAtClose = false;
  /** The XSUB lost its connection since its last handshake. */
  private xsubReconnecting = false;
  /** Publishes dropped in the current outage (for the debug line at its end). */
  private outageDrops = 0;
  private outageSince = 0;
  /** This outage's line was written. */
  private warned = false;
  /** Receive loops; they end when the sockets close. */
  readonly loops: Promise<void>[] = [];
  /** Events dropped because the XPUB had no connection to the broker. */
  disconnectedDrops = 0;

  constructor(options: NodeOptions, id: string, host: PubSubLinkHost) {
    this.o = options;
    this.host = host;
    // The probe's shape is the core's readyProbeTopic(): nodes ignore the
    // internal prefix, so a probe never reaches their scripts.
    this.idPrefix = `${options.internal_topic_prefix}${id}.`;
  }

  get state(): LinkState {
    return this._state;
  }

  get xsub(): zmq.XSubscriber | undefined {
    return this.xsubSock;
  }

  get xpub(): zmq.XPublisher | undefined {
    return this.xpubSock;
  }

  /** Open and connect both sockets (XSUB first, as upstream); throws ConnectError. */
  open(): void {
    if (this._state !== "new") throw new Error("the pub/sub link was already opened");
    const o = this.o;
    const xsub = (this.xsubSock = new zmq.XSubscriber(socketOptionsFor("xsub", o)));
    const xpub = (this.xpubSock = new zmq.XPublisher({ ...socketOptionsFor("xpub", o), verbosity: "allSubs", immediate: true }));
    // Monitors before connecting, so no connection event is missed.
    xpub.events.on("disconnect", () => this.onXpubDisconnect());
    xpub.events.on("connect", () => this.onXpubConnect());
    xsub.events.on("disconnect", () => (this.xsubReconnecting = true));
    xsub.events.on("handshake", () => this.onXsubHandshake());
    try {
      connect(xsub, "xsub", o.connect_xsub_endpoint);
      connect(xpub, "xpub", o.connect_xpub_endpoint);
    } catch (err) {
      this._state = "closing";
      xsub.close();
      xpub.close();
      throw err;
    }
    this.host.debug(2, `xsub connected to ${o.connect_xsub_endpoint}, xpub connected to ${o.connect_xpub_endpoint}`);
    this._state = "starting";
    this.xsubSender = new Sender(xsub, "wait", 0, () => {}, (e) => this.host.onSendError("xsub", e));
    for (const f of this.early) this.xsubSender.enqueue([f]);
    this.early = [];
    // The XPUB path mirrors upstream's dontwait send: with XPUB_NODROP
    // (connect_xpub_nodrop) libzmq refuses with EAGAIN at xpub_sndhwm and the
    // event is dropped; the JS queue in front (a synchronous burst, or
    // publishes held for a probe) is bounded by the same HWM.
    this.xpubSender = new Sender(
      xpub,
      o.connect_xpub_nodrop ? "drop" : "wait",
      o.xpub_sndhwm,
      (msg, reason) => this.host.onXpubDrop(msg, reason),
      (e) => this.host.onSendError("xpub", e),
      true, // held until the probe returns
    );
    const hooks = {
      maxPerTurn: o.poll_max_messages,
      failed: (line: string) => this.host.diagnostic(line),
      trace: (o.debug_flags & 1) !== 0 ? (line: string) => this.host.debug(1, line) : undefined,
      lifecycle: (line: string) => this.host.debug(2, line),
    };
    this.loops.push(receiveLoop(xpub, (m) => this.onXpubMessage(m), "xpub", hooks));
    this.loops.push(receiveLoop(xsub, (m) => this.host.onEvent(m), "xsub", hooks));
  }

  /**
   * Send the ready-to-publish probe (ZeroMQ.cc): once our own subscription
   * comes back on the XPUB, the broker has replayed every earlier
   * subscription to us too, so sender-side filtering no longer discards
   * publishes. The host calls it after its start-up subscriptions.
   */
  startProbe(): void {
    this.newProbe();
  }

  // ------------------------------------------------------------- sending

  /** Subscribe (0x01 + topic); before open() the frame waits, never lost. */
  subscribe(topic: string): void {
    this.subscription(true, topic);
  }

  /** libzmq counts: two subscribes of one topic need two unsubscribes. */
  unsubscribe(topic: string): void {
    this.subscription(false, topic);
  }

  private subscription(on: boolean, topic: string): void {
    const frame = subscriptionFrame(on, topic);
    if (this.xsubSender) this.xsubSender.enqueue([frame]);
    else if (this._state === "new") this.early.push(frame);
  }

  /**
   * Hand an event message to the XPUB: queued (held while starting or
   * rejoining), or dropped and counted while the broker is gone. False only
   * before open().
   */
  publish(msg: Message): boolean {
    const s = this.xpubSender;
    if (!s) return false;
    if (this._state === "down" || this.downAtClose) {
      this.disconnectedDrops++;
      this.outageDrops++;
      if (!this.warned && this._state === "down") this.warn();
      return true;
    }
    s.enqueue(msg);
    return true;
  }

  // ------------------------------------------------------------ stopping

  /**
   * The host stops: no more state changes or lines; what is held is let out
   * (bounded by linger_ms where the host waits on idle()).
   */
  stopping(): void {
    if (this._state === "new") return;
    this.downAtClose = this._state === "down";
    this._state = "closing";
    this.xpubSender?.resume();
  }

  /** Resolves when both queues are empty and no send is in flight. */
  idle(): Promise<void> {
    return Promise.all([this.xpubSender?.idle(), this.xsubSender?.idle()]).then(() => {});
  }

  /** Give up what is still queued: publishes reported as dropped ("close"), subscription frames forgotten. */
  discard(): void {
    this.xpubSender?.discard();
    this.xsubSender?.clear();
  }

  // ----------------------------------------------------------- the probe

  private newProbe(): void {
    if (this.probe) this.unsubscribe(this.probe);
    this.probe = `${this.idPrefix}${++this.probes}.`;
    this.subscribe(this.probe);
  }

  private onXpubMessage(msg: Buffer[]): void {
    const f = msg[0];
    if (msg.length === 1 && f.length > 1 && f[0] === 1) {
      // Lengths first: a subscription frame may be anything up to
      // max_message_size, and most are not the probe.
      if (this.probe && f.length - 1 === Buffer.byteLength(this.probe) && f.toString("utf8", 1) === this.probe) return this.onProbe();
      // A subscription needs a pipe: the XPUB is connected again, whatever
      // the monitor has told us so far (it is read asynchronously).
      if (this._state === "down") this.rejoin();
    }
    this.host.onSubscription(msg);
  }

  private onProbe(): void {
    this.unsubscribe(this.probe);
    this.probe = "";
    const was = this._state;
    if (was === "closing" || was === "up") return; // up: a probe sent only to flush the XSUB
    this._state = "up";
    this.xpubSender!.resume();
    if (was === "starting") {
      this.host.onReady();
    } else {
      const ms = Math.round(performance.now() - this.outageSince);
      this.host.debug(2, `xpub: the broker is back after ${ms} ms; ${this.outageDrops} events dropped meanwhile`);
    }
  }

  // ------------------------------------------- the XPUB's connection state

  private onXpubDisconnect(): void {
    const was = this._state;
    if (was !== "up" && was !== "rejoining") return; // starting: held anyway; closing: moot
    this._state = "down";
    // What is still queued here would reach a dead pipe: dropped, counted.
    const s = this.xpubSender!;
    const queued = s.pending;
    s.clear();
    this.disconnectedDrops += queued;
    if (was === "up") {
      this.outageDrops = queued;
      this.outageSince = performance.now();
      this.warned = false;
    } else {
      this.outageDrops += queued;
    }
    if (queued > 0 && !this.warned) this.warn();
    this.newProbe();
  }

  private warn(): void {
    this.warned = true;
    this.host.diagnostic(
      `[zeromq] xpub: warn: no connection to the broker (${this.o.connect_xpub_endpoint}); ` +
        `events published until it is back are dropped, counted in xpub_disconnected_drops`,
    );
  }

  private onXpubConnect(): void {
    if (this._state === "down") this.rejoin();
  }

  private rejoin(): void {
    this._state = "rejoining";
    this.xpubSender!.pause();
    this.host.debug(2, "xpub: connected to the broker again; publishes held until the re-probe returns");
  }

  private onXsubHandshake(): void {
    if (!this.xsubReconnecting) return;
    this.xsubReconnecting = false;
    // A send now pushes out the subscriptions libzmq re-queued at the
    // reconnect (see the top); a fresh probe is that send (while up, it
    // only flushes: its return changes nothing).
    if (this._state !== "closing") this.newProbe();
  }
}

function connect(sock: zmq.Socket, which: string, endpoint: string): void {
  try {
    sock.connect(endpoint);
  } catch (err) {
    throw new ConnectError(which, endpoint, err as Error);
  }
}
