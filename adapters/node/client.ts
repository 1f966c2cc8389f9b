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
// to decide): the same pub/sub link as a node's (pubsub-link.ts). XSUB ->
// broker XPUB (connect_xsub_endpoint) carries our subscriptions and the
// events we receive; XPUB -> broker XSUB (connect_xpub_endpoint) carries our
// publishes and brings back everyone's subscription frames, of which the link
// only looks for our own probe. Like a node, a client notices a broker
// restart (its XPUB has ZMQ_IMMEDIATE), counts what it publishes while the
// broker is gone (xpub_disconnected_drops) and holds publishes until the new
// broker has replayed the subscriptions.

import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { getRandomValues } from "node:crypto";
import { makeNodeId } from "../../core/nodeid";
import { resolveOptions, type NodeOptions, type NodeOptionsInput } from "./options";
import { PubSubLink } from "./pubsub-link";
import { releaseDroppedMessage } from "./release-memory";
import { messageSize, oversizedDetail, type ZeekInput, type ZeekValue } from "./codec/index";
import { codec as defaultCodec, type PayloadCodec } from "./wire";

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
  /** Events published while the XPUB had no connection to the broker, dropped (as a node's xpub_disconnected_drops). */
  xpub_disconnected_drops: number;
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
  private link: PubSubLink;
  private handlers = new Map<string, Handler[]>();
  private resolveReady!: () => void;
  private state: "new" | "running" | "closing" | "closed" = "new";
  private closing: Promise<void> | undefined;
  private counts = { xpub_drops: 0, msg_errors: 0, events_published: 0, events_received: 0 };

  constructor(config: ClientConfig = {}) {
    super();
    this.options = resolveOptions(config.options);
    this.codec = config.codec ?? defaultCodec;
    this.formatBytes = Buffer.from(this.codec.eventFormat);
    this.id = config.id ?? makeNodeId(config.name ?? "", hostname(), process.pid, getRandomValues(new Uint8Array(18)));
    this.idBytes = Buffer.from(this.id);
    this.ready = new Promise((r) => (this.resolveReady = r));
    this.link = new PubSubLink(this.options, this.id, {
      onEvent: (m) => this.onEventMessage(m),
      onSubscription: (m) => void this.tooLarge("xpub", m), // not a node: no membership to learn
      onReady: () => {
        this.resolveReady();
        this.emit("ready");
      },
      onXpubDrop: () => this.counts.xpub_drops++,
      onSendError: (which, e) => this.report(which === "xpub" ? `xpub: Failed to publish with error ${e.message}` : `xsub: send failed: ${e.message}`),
      diagnostic: (line) => this.diagnostic(line),
      debug: (bit, line) => {
        if ((this.options.debug_flags & bit) !== 0) process.stderr.write(`[zeromq] debug: ${line}\n`);
      },
    });
  }

  /** Connect (XSUB first, then XPUB, as nodes do). Throws ConnectError on a bad endpoint. */
  async start(): Promise<this> {
    if (this.state !== "new") throw new Error("client was already started");
    try {
      this.link.open();
    } catch (err) {
      this.state = "closed";
      throw err;
    }
    this.state = "running";
    this.link.startProbe();
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
    if (this.state !== "new" && this.state !== "running") return;
    if (on) this.link.subscribe(topic);
    else this.link.unsubscribe(topic);
  }

  /**
   * Publish `event(...args)` to `topic`; false when the client is not
   * running. Throws a CodecError for an argument with no Zeek type.
   */
  publish(topic: string, event: string, ...args: ZeekInput[]): boolean {
    if (this.state !== "running") return false;
    const payload = this.codec.encodeEvent(event, args);
    this.counts.events_published++;
    this.link.publish([topic, this.idBytes, this.formatBytes, payload]);
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
    return { ...this.counts, xpub_disconnected_drops: this.link.disconnectedDrops };
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
      this.link.stopping();
      const linger = this.options.linger_ms;
      const drained = this.link.idle();
      if (linger < 0) await drained;
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, linger)))]);
        clearTimeout(timer);
      }
      this.link.discard();
      for (const sock of [this.link.xsub, this.link.xpub]) {
        if (sock && !sock.closed) {
          if (linger >= 0) sock.linger = Math.min(sock.linger, linger);
          sock.close();
        }
      }
      await Promise.allSettled(this.link.loops);
      this.state = "closed";
      this.emit("closed");
    })();
    return this.closing;
  }

  private onEventMessage(msg: Buffer[]): void {
    if (msg.length !== 4) return this.reject(`xsub: expected 4 frames, got ${msg.length}`);
    if (msg[1].equals(this.idBytes)) return; // never our own publishes
    if (this.tooLarge("xsub", msg)) return;
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

  /** max_message_size, as a node applies it: over it, counted and dropped. */
  private tooLarge(socket: string, msg: Buffer[]): boolean {
    const max = this.options.max_message_size;
    if (max < 0) return false;
    const size = messageSize(msg);
    if (size <= max) return false;
    this.reject(`${socket}: message too large (${oversizedDetail(size, max)})`);
    releaseDroppedMessage();
    return true;
  }

  private reject(why: string): void {
    this.counts.msg_errors++;
    this.report(why);
  }

  /** `[zeromq] ...` lines: to "diagnostic" listeners, or stderr when nobody listens (as a node's). */
  private diagnostic(line: string): void {
    if (this.listenerCount("diagnostic") > 0) this.emit("diagnostic", line);
    else process.stderr.write(line + "\n");
  }

  /** To "error" listeners, or stderr when nobody listens. */
  private report(message: string): void {
    if (this.listenerCount("error") > 0) this.emit("error", message);
    else process.stderr.write(`error: ${message}\n`);
  }
}
