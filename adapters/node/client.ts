// A pub/sub-only client of the central broker: not a cluster node.
//
// Ports what upstream's supervisor does in supervisor-runs-zmq-proxy-and-
// connects.zeek: load only the backend *options* (not main.zeek), call
// Cluster::init(), subscribe to a private topic and publish to the nodes'
// topics. Such a process is not in Cluster::nodes, so it must never look like
// one: it subscribes to no nodeid topic and sends no hello, which is why the
// nodes raise no node_up for it and log no `Expired hello/subscription from
// nodeid ...` warnings for it (zeek/zeek #5429).
//
// Sockets as a node's event path, without the core (there is no membership
// to decide): XSUB -> broker XPUB (connect_xsub_endpoint) carries our
// subscriptions and the events we receive; XPUB -> broker XSUB
// (connect_xpub_endpoint) carries our publishes and brings back everyone's
// subscription frames, of which we only look for our own ready probe.

import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { getRandomValues } from "node:crypto";
import * as zmq from "zeromq";
import { makeNodeId } from "../../core/nodeid";
import { ConnectError } from "./errors";
import { resolveOptions, type NodeOptions, type NodeOptionsInput } from "./options";
import { Sender } from "./sender";
import { socketOptionsFor } from "./socket-options";
import type { ZeekInput, ZeekValue } from "./codec/index";
import { codec as defaultCodec, subscriptionFrame, type PayloadCodec } from "./wire";

export interface ClientConfig {
  /** Backend options by upstream name; the connect_* endpoints and the XPUB/XSUB ones apply. */
  options?: NodeOptionsInput;
  /**
   * Goes into the id `zeromq_<name>_<host>_<pid>_N...`. Default "": upstream's
   * id for a process that is no cluster node is `zeromq__<host>_...`.
   */
  name?: string;
  /** Override the generated id (frame 1 of what we publish). */
  id?: string;
  /** Payload codec (defaults to the one nodes use). */
  codec?: PayloadCodec;
}

export interface ClientEvent {
  topic: string;
  name: string;
  args: ZeekValue[];
  /** Id of the publisher (frame 1). */
  sender: string;
}

export interface ClientCounters {
  /** Events dropped at the XPUB send HWM (as a node's zeek_cluster_zeromq_xpub_drops_total). */
  xpub_drops: number;
  /** Received messages rejected (frame count, format name, payload). */
  msg_errors: number;
  events_published: number;
  events_received: number;
}

type Handler = (...args: any[]) => void;

/**
 * Subscribe, publish and handle events over the cluster's broker without
 * joining the cluster. Subscriptions made before start() are sent first;
 * publishes are held until `ready` (our own probe subscription came back
 * through the broker, so every subscription the broker knows has reached
 * our XPUB and sender-side filtering cannot discard an early publish).
 */
export class Client extends EventEmitter {
  readonly id: string;
  readonly options: NodeOptions;
  readonly ready: Promise<void>;

  private codec: PayloadCodec;
  private idBytes: Buffer;
  private formatBytes: Buffer;
  private xsub: zmq.XSubscriber | undefined;
  private xpub: zmq.XPublisher | undefined;
  private xsubSender: Sender | undefined;
  private xpubSender: Sender | undefined;
  private early: Buffer[] = [];
  private handlers = new Map<string, Handler[]>();
  private loops: Promise<void>[] = [];
  private probeTopic: string;
  private resolveReady!: () => void;
  private state: "new" | "running" | "closing" | "closed" = "new";
  private closing: Promise<void> | undefined;
  private counts: ClientCounters = { xpub_drops: 0, msg_errors: 0, events_published: 0, events_received: 0 };

  constructor(config: ClientConfig = {}) {
    super();
    this.options = resolveOptions(config.options);
    this.codec = config.codec ?? defaultCodec;
    this.formatBytes = Buffer.from(this.codec.eventFormat);
    this.id = config.id ?? makeNodeId(config.name ?? "", hostname(), process.pid, getRandomValues(new Uint8Array(18)));
    this.idBytes = Buffer.from(this.id);
    // The same probe topic shape as a node's (`<internal prefix><id>.<n>.`):
    // nodes ignore the internal prefix, so it never reaches their scripts.
    this.probeTopic = `${this.options.internal_topic_prefix}${this.id}.1.`;
    this.ready = new Promise((r) => (this.resolveReady = r));
  }

  /** Connect (XSUB first, then XPUB, as nodes do). Throws ConnectError on a bad endpoint. */
  async start(): Promise<this> {
    if (this.state !== "new") throw new Error("client was already started");
    const o = this.options;
    const xsub = (this.xsub = new zmq.XSubscriber(socketOptionsFor("xsub", o)));
    const xpub = (this.xpub = new zmq.XPublisher({ ...socketOptionsFor("xpub", o), verbosity: "allSubs" }));
    try {
      connect(xsub, "xsub", o.connect_xsub_endpoint);
      connect(xpub, "xpub", o.connect_xpub_endpoint);
    } catch (err) {
      xsub.close();
      xpub.close();
      this.state = "closed";
      throw err;
    }
    this.state = "running";
    this.xsubSender = new Sender(xsub, "wait", 0, () => {}, (e) => this.report(`xsub: send failed: ${e.message}`));
    this.xpubSender = new Sender(
      xpub,
      o.connect_xpub_nodrop ? "drop" : "wait",
      o.xpub_sndhwm,
      () => this.counts.xpub_drops++,
      (e) => this.report(`xpub: Failed to publish with error ${e.message}`),
      true, // held until the probe returns
    );
    for (const f of this.early) this.xsubSender.enqueue([f]);
    this.early = [];
    this.loops.push(this.receiveLoop(xpub, (m) => this.onSubscriptionFrame(m)));
    this.loops.push(this.receiveLoop(xsub, (m) => this.onEventMessage(m)));
    this.xsubSender.enqueue([subscriptionFrame(true, this.probeTopic)]);
    return this;
  }

  subscribe(topic: string): void {
    this.subscription(true, topic);
  }

  /** libzmq counts: two subscribes of one topic need two unsubscribes. */
  unsubscribe(topic: string): void {
    this.subscription(false, topic);
  }

  private subscription(on: boolean, topic: string): void {
    const frame = subscriptionFrame(on, topic);
    if (this.state === "new") this.early.push(frame);
    else if (this.state === "running") this.xsubSender!.enqueue([frame]);
  }

  /**
   * Publish `event(...args)` to `topic`; false when the client is not
   * running. Throws a CodecError for an argument with no Zeek type.
   */
  publish(topic: string, event: string, ...args: ZeekInput[]): boolean {
    if (this.state !== "running") return false;
    const payload = this.codec.encodeEvent(event, args);
    this.counts.events_published++;
    this.xpubSender!.enqueue([topic, this.idBytes, this.formatBytes, payload]);
    return true;
  }

  /** Handle a named event: `fn(...args)`; several handlers run in order. */
  onEvent(name: string, fn: Handler): this {
    const list = this.handlers.get(name);
    if (list) list.push(fn);
    else this.handlers.set(name, [fn]);
    return this;
  }

  counters(): ClientCounters {
    return { ...this.counts };
  }

  /** Let queued publishes out (bounded by linger_ms), then close both sockets. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.state === "new") {
      this.state = "closed";
      return (this.closing = Promise.resolve());
    }
    this.state = "closing";
    this.closing = (async () => {
      this.xpubSender?.resume();
      const linger = this.options.linger_ms;
      const drained = Promise.all([this.xpubSender?.idle(), this.xsubSender?.idle()]);
      if (linger < 0) await drained;
      else await Promise.race([drained, new Promise((r) => setTimeout(r, linger))]);
      for (const s of [this.xsubSender, this.xpubSender]) s?.clear();
      for (const sock of [this.xsub, this.xpub]) {
        if (sock && !sock.closed) {
          if (linger >= 0) sock.linger = Math.min(sock.linger, linger);
          sock.close();
        }
      }
      await Promise.allSettled(this.loops);
      this.state = "closed";
      this.emit("closed");
    })();
    return this.closing;
  }

  private async receiveLoop(sock: zmq.Socket & zmq.Readable, handle: (m: Buffer[]) => void): Promise<void> {
    const max = this.options.poll_max_messages;
    let n = 0;
    for (;;) {
      let msg: Buffer[];
      try {
        msg = await sock.receive();
      } catch (err) {
        if (sock.closed) return;
        this.report(`receive error: ${(err as Error).message}`);
        continue;
      }
      handle(msg);
      if (max > 0 && ++n >= max) {
        n = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  private onSubscriptionFrame(msg: Buffer[]): void {
    const f = msg[0];
    if (msg.length !== 1 || f.length === 0 || f[0] !== 1 || !this.probeTopic) return;
    if (f.toString("utf8", 1) !== this.probeTopic) return;
    this.unsubscribe(this.probeTopic);
    this.probeTopic = "";
    this.xpubSender?.resume();
    this.resolveReady();
    this.emit("ready");
  }

  private onEventMessage(msg: Buffer[]): void {
    if (msg.length !== 4) return this.reject(`xsub: expected 4 frames, got ${msg.length}`);
    if (msg[1].equals(this.idBytes)) return; // never our own publishes
    const topic = msg[0].toString("utf8");
    if (!msg[2].equals(this.formatBytes)) return this.reject(`xsub: unknown event format on ${topic}`);
    let ev;
    try {
      ev = this.codec.decodeEvent(msg[3]);
    } catch (err) {
      return this.reject(`xsub: undecodable event on ${topic}: ${(err as Error).message}`);
    }
    this.counts.events_received++;
    const received: ClientEvent = { topic, name: ev.name, args: ev.args, sender: msg[1].toString("utf8") };
    try {
      for (const fn of this.handlers.get(ev.name) ?? []) fn(...ev.args);
      this.emit("event", received);
    } catch (err) {
      this.report(`handler for ${ev.name} failed: ${(err as Error).stack ?? err}`);
    }
  }

  private reject(why: string): void {
    this.counts.msg_errors++;
    this.report(why);
  }

  /** To "error" listeners, or stderr when nobody listens. */
  private report(message: string): void {
    if (this.listenerCount("error") > 0) this.emit("error", message);
    else process.stderr.write(`error: ${message}\n`);
  }
}

function connect(sock: zmq.Socket, which: string, endpoint: string): void {
  try {
    sock.connect(endpoint);
  } catch (err) {
    throw new ConnectError(which, endpoint, err as Error);
  }
}
