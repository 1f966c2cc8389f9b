// A simulated cluster: N core instances wired through an in-process fake of
// the central XPUB/XSUB broker, on a virtual clock. Deterministic: the caller
// decides which in-flight message is delivered next and when time advances,
// so a property test (or a benchmark) can choose any interleaving.
//
// What is modelled (zeek-zeromq.md §0.1, §2; libzmq 4.3 xpub.cpp/xsub.cpp):
// - Each node has an XSUB and an XPUB connected to the broker, i.e. four
//   ordered channels per node (TCP keeps order per connection direction):
//     XSUB_UP   node XSUB  -> broker XPUB   subscribe / unsubscribe frames
//     XPUB_DOWN broker XSUB -> node XPUB    subscribe / unsubscribe frames
//     XPUB_UP   node XPUB  -> broker XSUB   published messages
//     XSUB_DOWN broker XPUB -> node XSUB    published messages
// - Node XSUB: forwards every subscribe; keeps a reference count per topic
//   and forwards an unsubscribe only when it reaches zero. It also drops
//   received messages that match none of its subscriptions.
// - Broker XPUB (XPUB_VERBOSER): records which node pipes subscribe to which
//   prefix (for routing) and passes every subscribe and unsubscribe to the
//   broker XSUB, including the unsubscribes it generates, once per prefix,
//   when a node's connection drops.
// - Broker XSUB: reference counts per topic; forwards every subscribe to all
//   node XPUBs, an unsubscribe only when the count reaches zero; replays
//   every subscribed topic once to a node XPUB that connects (late joiner).
// - Node XPUB (XPUB_VERBOSE, one peer): every subscribe goes to the core;
//   an unsubscribe only when the topic was subscribed. It drops a publish
//   whose topic matches none of the subscriptions it has seen (sender-side
//   filtering; not a counted drop).
// - The broker XPUB routes a message once to every node whose subscriptions
//   match its topic by prefix, never back to the sender (the receivers'
//   frame-1 self filter).
// Not modelled: high-water marks and drops, loss, log PUSH/PULL, payload
// encoding (messages carry the event name and string arguments as is).
//
// The core is driven exactly as a host would: inputs at the virtual `now`,
// then every output polled; publish outputs enter the node's XPUB.

import type { CoreApi } from "../../adapters/core-api";
import type { Output } from "../../core/outputs";

export type SimNodeType = "manager" | "logger" | "proxy" | "worker";

export interface SimNodeSpec {
  name: string;
  type: SimNodeType;
}

export interface SimOptions {
  /** hello_expiration in ms (default 10000). */
  helloExpirationMs?: number;
  /** Host part of generated node ids (default "sim"); may contain dots. */
  host?: string;
  /** Keep every output of every node in `node.log` (default true; off for big benchmarks). */
  record?: boolean;
}

/** One output of a node's core, in the vector format, stamped with the virtual time. */
export type SimOutput = { now: number; kind: string } & Record<string, unknown>;

/**
 * The published events in flight, as parallel arrays indexed by a message
 * number; channels carry the numbers. A 1,000-node run has about a million
 * messages waiting at once: one object each made every minor GC copy them
 * all, and these arrays are only written. A message that the broker routes
 * to several nodes is shared; `refs` counts the queues that hold it, and its
 * number is reused once none does.
 */
class MessageStore {
  topic: string[] = [];
  /** Frame 1: the sender's node id, and as a number (SimCluster.idSeqs). */
  sender: string[] = [];
  senderSeq: number[] = [];
  event: string[] = [];
  argc: number[] = [];
  /** The first two string arguments ("" when absent): the hellos' name and id. */
  name: string[] = [];
  id: string[] = [];
  /** All arguments when there are more than two, else null. */
  rest: (string[] | null)[] = [];
  refs: number[] = [];
  private free: number[] = [];

  add(topic: string, sender: string, senderSeq: number, event: string, argc: number, name: string, id: string, rest: string[] | null): number {
    const m = this.free.length > 0 ? this.free.pop()! : this.topic.length;
    this.topic[m] = topic;
    this.sender[m] = sender;
    this.senderSeq[m] = senderSeq;
    this.event[m] = event;
    this.argc[m] = argc;
    this.name[m] = name;
    this.id[m] = id;
    this.rest[m] = rest;
    this.refs[m] = 1;
    return m;
  }

  /** One queue let go of message `m`. */
  release(m: number): void {
    if (--this.refs[m] > 0) return;
    this.rest[m] = null;
    this.free.push(m);
  }
}

/** A FIFO of message numbers in a growable ring. */
class IntFifo {
  private buf = new Int32Array(16);
  private head = 0;
  length = 0;
  push(x: number): void {
    if (this.length === this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      for (let i = 0; i < this.length; i++) b[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
      this.buf = b;
      this.head = 0;
    }
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = x;
    this.length++;
  }
  shift(): number {
    const x = this.buf[this.head];
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return x;
  }
  /** Empty it, handing each number to `drop`. */
  clear(drop: (m: number) => void): void {
    while (this.length > 0) drop(this.shift());
    this.buf = new Int32Array(16);
    this.head = 0;
  }
}

interface SubFrame {
  subscribe: boolean;
  topic: string;
}

/** Channel kinds; channel id = node index * 4 + kind. */
export const XSUB_UP = 0;
export const XPUB_DOWN = 1;
export const XPUB_UP = 2;
export const XSUB_DOWN = 3;
export const CHANNEL_NAMES = ["xsub-up", "xpub-down", "xpub-up", "xsub-down"] as const;

const TYPE_CODES: Record<SimNodeType, number> = { manager: 1, logger: 2, proxy: 3, worker: 4 };
const KIND_NAMES = ["", "subscription", "unsubscription", "publish", "node_up", "node_down", "cluster_log", "warning", "error", "log_batch", "diagnostic"];
export const ZEROMQ_HELLO = "Cluster::Backend::ZeroMQ::hello";
export const CLUSTER_HELLO = "Cluster::hello";

/** An array-backed FIFO (shift() on big arrays is O(n)). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  shift(): T {
    const x = this.items[this.head++];
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/**
 * A set of topic prefixes with prefix matching in O(distinct lengths):
 * `matches(t)` is true when some member is a prefix of `t`.
 */
export class PrefixSet {
  private counts = new Map<string, number>();
  private lengths = new Map<number, number>();

  has(topic: string): boolean {
    return this.counts.has(topic);
  }
  /** Add with a reference count; true when the topic is new. */
  add(topic: string): boolean {
    const n = this.counts.get(topic);
    if (n !== undefined) {
      this.counts.set(topic, n + 1);
      return false;
    }
    this.counts.set(topic, 1);
    this.lengths.set(topic.length, (this.lengths.get(topic.length) ?? 0) + 1);
    return true;
  }
  /**
   * Add with set semantics (a present topic keeps its count): one lookup
   * where add() takes two, for a set whose counts nobody reads (a node
   * XPUB's filter, which forgets a topic whatever its count).
   */
  insert(topic: string): void {
    if (this.counts.has(topic)) return;
    this.counts.set(topic, 1);
    this.lengths.set(topic.length, (this.lengths.get(topic.length) ?? 0) + 1);
  }
  /** Drop one reference; true when the topic is gone. False when it was not there. */
  remove(topic: string): boolean {
    const n = this.counts.get(topic);
    if (n === undefined) return false;
    if (n > 1) {
      this.counts.set(topic, n - 1);
      return false;
    }
    this.counts.delete(topic);
    const l = this.lengths.get(topic.length)! - 1;
    if (l === 0) this.lengths.delete(topic.length);
    else this.lengths.set(topic.length, l);
    return true;
  }
  /** Drop the topic whatever its count. */
  delete(topic: string): boolean {
    if (!this.counts.has(topic)) return false;
    this.counts.set(topic, 1);
    return this.remove(topic);
  }
  matches(topic: string): boolean {
    // Most topics sent in a cluster are subscribed exactly (node-id topics):
    // one lookup instead of a slice per distinct length.
    if (this.counts.has(topic)) return true;
    for (const len of this.lengths.keys()) {
      if (len <= topic.length && this.counts.has(topic.slice(0, len))) return true;
    }
    return false;
  }
  topics(): string[] {
    return [...this.counts.keys()];
  }
}

export class SimNode {
  /** Core handle while running, -1 when stopped. */
  handle = -1;
  id = "";
  /** How many times this node was started. */
  incarnation = 0;
  /** Outputs of every incarnation, oldest first (when recording). */
  readonly log: SimOutput[] = [];
  /** node_up / node_down counts by peer name, this incarnation. */
  readonly nodeUps = new Map<string, number>();
  readonly nodeDowns = new Map<string, number>();
  /** Cluster::hello messages delivered to this node, by sender name, this incarnation. */
  readonly clusterHellosFrom = new Map<string, number>();
  /** Warning and error texts, this incarnation. */
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  /** Events other than the two hellos delivered to this node. */
  otherEvents = 0;
  /** SimCluster.idSeq of `id`. */
  idSeq = -1;
  /** Node XSUB reference counts. */
  readonly xsub = new PrefixSet();
  /** What the node XPUB has seen subscribed (sender-side filter). */
  readonly xpub = new PrefixSet();
  /** Absolute position in SimCluster's broadcast log of the next XPUB_DOWN frame after the private ones. */
  downCursor = 0;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly type: SimNodeType,
  ) {}

  get running(): boolean {
    return this.handle >= 0;
  }

  /** Peers this node currently considers up (node_up minus node_down this incarnation). */
  peersUp(): string[] {
    const out: string[] = [];
    for (const [peer, ups] of this.nodeUps) if (ups > (this.nodeDowns.get(peer) ?? 0)) out.push(peer);
    return out.sort();
  }
}

export class SimCluster {
  /** The virtual clock, in ms. */
  now = 0;
  readonly nodes: SimNode[];
  readonly stats = { deliveries: 0, publishes: 0, senderFiltered: 0, receiverFiltered: 0, timeouts: 0 };

  private readonly byName = new Map<string, SimNode>();
  /** Subscribe/unsubscribe frames per channel (kinds XSUB_UP, XPUB_DOWN; others unused). */
  private readonly frames: Fifo<SubFrame>[] = [];
  /** Message numbers per channel (kinds XPUB_UP, XSUB_DOWN; others unused). */
  private readonly messages: IntFifo[] = [];
  private readonly store = new MessageStore();
  /** Non-empty channel ids, in a deterministic order (swap-remove). */
  private readonly busy: number[] = [];
  private readonly busyPos: Int32Array;
  /**
   * The broker XSUB's frames to every node XPUB, once: a frame it forwards
   * goes to all running nodes in the same order, so each node's XPUB_DOWN
   * channel is its private frames (the replay at connect, in queues[c])
   * followed by this log from its `downCursor` on. Exactly the per-node
   * FIFOs, without copying each frame into 1,000 of them. Entries below
   * `downBase` were trimmed (every running node is past them).
   */
  private downLog: SubFrame[] = [];
  private downBase = 0;
  private downTrimAt = 1024;
  /** Broker XSUB reference counts (what it forwards and replays). */
  private readonly brokerXsub = new PrefixSet();
  /** Broker XPUB: which node pipes subscribe to each prefix (routing). */
  private readonly routes = new Map<string, Set<number>>();
  private readonly routeLengths = new Map<number, number>();
  /** matchingRoutes() results by topic; cleared when a route appears or goes. */
  private readonly routeCache = new Map<string, Set<number>[]>();
  /**
   * A number per distinct node id string: the receivers' self filter
   * compares frame 1 with their own id, and comparing two numbers gives the
   * same answer as comparing the strings (two nodes given the same id
   * filter each other out, as in libzmq) without reading them.
   */
  private readonly idSeqs = new Map<string, number>();
  /**
   * One string object per published topic. A core builds a fresh string
   * for every Cluster::hello it sends; swapping it for the first copy lets
   * the fresh one die young instead of riding along with the message (a
   * million messages wait in queues at once at 1,000 nodes), and the
   * filters down the way compare by pointer.
   */
  private readonly topicCanon = new Map<string, string>();
  private readonly expiration: number;
  private readonly host: string;
  private readonly record: boolean;

  constructor(
    readonly api: CoreApi,
    layout: SimNodeSpec[],
    options: SimOptions = {},
  ) {
    this.expiration = options.helloExpirationMs ?? 10000;
    this.host = options.host ?? "sim";
    this.record = options.record ?? true;
    this.nodes = layout.map((s, i) => new SimNode(i, s.name, s.type));
    for (const n of this.nodes) {
      if (this.byName.has(n.name)) throw new Error(`duplicate node name ${n.name}`);
      this.byName.set(n.name, n);
      for (let k = 0; k < 4; k++) {
        this.frames.push(new Fifo<SubFrame>());
        this.messages.push(new IntFifo());
      }
    }
    this.busyPos = new Int32Array(this.frames.length).fill(-1);
  }

  node(name: string): SimNode {
    const n = this.byName.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  // ---- lifecycle ----

  /**
   * Start a node: create its core, connect its XSUB and XPUB to the broker
   * (the broker replays every subscribed topic to the new XPUB), then
   * subscribe its start-up topics. Returns its node id.
   */
  start(name: string, id?: string): string {
    const n = this.node(name);
    if (n.running) throw new Error(`${name} is already running`);
    n.incarnation++;
    n.id = id ?? `zeromq_${name}_${this.host}_${1000 + n.index}_N${n.incarnation}`;
    let seq = this.idSeqs.get(n.id);
    if (seq === undefined) this.idSeqs.set(n.id, (seq = this.idSeqs.size));
    n.idSeq = seq;
    const h = this.api.coreCreate(name, n.id);
    for (const s of this.nodes) this.api.addNode(h, s.name, TYPE_CODES[s.type], "", 0);
    this.api.setHelloExpiration(h, this.expiration);
    n.handle = h;
    n.nodeUps.clear();
    n.nodeDowns.clear();
    n.clusterHellosFrom.clear();
    n.warnings.length = 0;
    n.errors.length = 0;
    // Connected now: frames the broker forwarded earlier are not for it.
    n.downCursor = this.downBase + this.downLog.length;
    for (const topic of this.brokerXsub.topics()) this.enqueue(n.index, XPUB_DOWN, { subscribe: true, topic });
    for (const topic of this.api.startupTopics(h)) this.subscribe(name, topic);
    return n.id;
  }

  /** Start every node not yet running, in layout order. */
  startAll(): void {
    for (const n of this.nodes) if (!n.running) this.start(n.name);
  }

  /**
   * A node's process ends: its connections drop. Everything in flight to or
   * from it is lost; the broker XPUB generates one unsubscribe per prefix the
   * node's pipe held (VERBOSER passes them on).
   */
  stop(name: string): void {
    const n = this.node(name);
    if (!n.running) throw new Error(`${name} is not running`);
    for (let k = 0; k < 4; k++) {
      const c = n.index * 4 + k;
      this.frames[c].clear();
      this.messages[c].clear((m) => this.store.release(m));
      this.unmarkBusy(c);
    }
    this.api.coreDestroy(n.handle);
    n.handle = -1;
    for (const topic of n.xsub.topics()) n.xsub.delete(topic);
    for (const topic of n.xpub.topics()) n.xpub.delete(topic);
    for (const [topic, pipes] of this.routes) {
      if (pipes.delete(n.index)) {
        if (pipes.size === 0) this.dropRoute(topic);
        this.brokerXsubUnsubscribe(topic);
      }
    }
  }

  // ---- application commands ----

  /** Cluster::subscribe on a node: its XSUB sends a subscribe frame. */
  subscribe(name: string, topic: string): void {
    const n = this.runningNode(name);
    n.xsub.add(topic);
    this.enqueue(n.index, XSUB_UP, { subscribe: true, topic });
  }

  /** Cluster::unsubscribe: the XSUB sends an unsubscribe only when its count reaches zero. */
  unsubscribe(name: string, topic: string): void {
    const n = this.runningNode(name);
    if (n.xsub.remove(topic)) this.enqueue(n.index, XSUB_UP, { subscribe: false, topic });
  }

  /** Cluster::publish from a node's scripts (any event). */
  publish(name: string, topic: string, event: string, args: string[]): void {
    const n = this.runningNode(name);
    this.send(n, topic, event, args.length, args[0] ?? "", args[1] ?? "", args.length > 2 ? args.slice() : null);
  }

  // ---- scheduling ----

  /** Channel ids with something in flight, in a deterministic order. */
  busyChannels(): readonly number[] {
    return this.busy;
  }

  /** Nothing in flight? */
  idle(): boolean {
    return this.busy.length === 0;
  }

  /** Deliver the oldest item of channel `c` (node index * 4 + kind). */
  deliver(c: number): void {
    if (this.busyPos[c] < 0) throw new Error(`channel ${c} is empty`);
    const n = this.nodes[c >> 2];
    this.stats.deliveries++;
    const kind = c & 3;
    if (kind === XPUB_DOWN) {
      const q = this.frames[c];
      let f: SubFrame;
      if (q.length > 0) f = q.shift();
      else f = this.downLog[n.downCursor++ - this.downBase];
      if (q.length === 0 && n.downCursor === this.downBase + this.downLog.length) this.unmarkBusy(c);
      this.atNodeXpub(n, f);
    } else if (kind === XSUB_UP) {
      const q = this.frames[c];
      const f = q.shift();
      if (q.length === 0) this.unmarkBusy(c);
      this.atBrokerXpub(n, f);
    } else {
      const q = this.messages[c];
      const m = q.shift();
      if (q.length === 0) this.unmarkBusy(c);
      if (kind === XPUB_UP) this.atBrokerXsub(n, m);
      else this.atNodeXsub(n, m);
      this.store.release(m);
    }
  }

  /** Deliver on the busy channel `pick` selects (modulo); false when idle. */
  step(pick: number): boolean {
    if (this.busy.length === 0) return false;
    this.deliver(this.busy[Math.abs(Math.trunc(pick)) % this.busy.length]);
    return true;
  }

  /**
   * Deliver until nothing is in flight, without advancing time. `pick`
   * chooses among busy channels (default: the first). Returns the number of
   * deliveries; throws past `limit` (a livelock would be a bug).
   */
  drain(pick: () => number = () => 0, limit = 100_000_000): number {
    let n = 0;
    while (this.step(pick())) {
      if (++n > limit) throw new Error(`no quiescence after ${limit} deliveries`);
    }
    return n;
  }

  /**
   * Deliver until nothing is in flight, channel by channel: each round takes
   * the channels busy at its start and empties each one (including what
   * arrives on it meanwhile) before moving on. One legal order among all
   * those drain() can pick, and the cache-friendly one at scale: a node's
   * core handles everything queued for it in one go (bench/ uses it for the
   * 1,000-node convergence figure). Returns the number of deliveries.
   */
  drainByChannel(limit = 100_000_000): number {
    let n = 0;
    while (this.busy.length > 0) {
      const round = this.busy.slice();
      for (const c of round) {
        while (this.busyPos[c] >= 0) {
          this.deliver(c);
          if (++n > limit) throw new Error(`no quiescence after ${limit} deliveries`);
        }
      }
    }
    return n;
  }

  /** The earliest deadline of any running node's core, or -1. */
  nextDeadline(): number {
    let next = -1;
    for (const n of this.nodes) {
      if (!n.running) continue;
      const t = this.api.pollTimeout(n.handle);
      if (t >= 0 && (next < 0 || t < next)) next = t;
    }
    return next;
  }

  /** Advance the virtual clock by `ms` and fire every timer due by then, in node order. */
  advance(ms: number): void {
    if (ms < 0) throw new Error("time runs forward only");
    this.now += ms;
    for (const n of this.nodes) {
      if (!n.running) continue;
      const t = this.api.pollTimeout(n.handle);
      if (t >= 0 && t <= this.now) {
        this.stats.timeouts++;
        this.api.handleTimeout(n.handle, this.now);
        this.collect(n);
      }
    }
  }

  /** Release every core instance. */
  destroy(): void {
    for (const n of this.nodes) {
      if (n.running) {
        this.api.coreDestroy(n.handle);
        n.handle = -1;
      }
    }
  }

  // ---- convergence queries ----

  /** Total node_up outputs over all running nodes' current incarnations. */
  totalNodeUps(): number {
    let sum = 0;
    for (const n of this.nodes) if (n.running) for (const c of n.nodeUps.values()) sum += c;
    return sum;
  }

  /** Every running node sees every other running node up (full mesh). */
  fullMesh(): boolean {
    const running = this.nodes.filter((n) => n.running);
    for (const n of running) {
      for (const p of running) {
        if (p !== n && this.api.peerId(n.handle, p.name) !== p.id) return false;
      }
    }
    return true;
  }

  // ---- the wiring ----

  private runningNode(name: string): SimNode {
    const n = this.node(name);
    if (!n.running) throw new Error(`${name} is not running`);
    return n;
  }

  private enqueue(node: number, kind: number, f: SubFrame): void {
    const c = node * 4 + kind;
    this.frames[c].push(f);
    this.markBusy(c);
  }

  /** Queue message `m` on a channel; the channel holds one reference. */
  private enqueueMessage(node: number, kind: number, m: number): void {
    const c = node * 4 + kind;
    this.messages[c].push(m);
    this.store.refs[m]++;
    this.markBusy(c);
  }

  private markBusy(c: number): void {
    if (this.busyPos[c] < 0) {
      this.busyPos[c] = this.busy.length;
      this.busy.push(c);
    }
  }

  /** The broker XSUB forwards a frame to every running node's XPUB. */
  private broadcastDown(f: SubFrame): void {
    if (this.downLog.length >= this.downTrimAt) this.trimDownLog();
    this.downLog.push(f);
    for (const n of this.nodes) {
      if (!n.running) continue;
      const c = n.index * 4 + XPUB_DOWN;
      if (this.busyPos[c] < 0) {
        this.busyPos[c] = this.busy.length;
        this.busy.push(c);
      }
    }
  }

  /** Drop the log entries every running node has taken. */
  private trimDownLog(): void {
    let min = this.downBase + this.downLog.length;
    for (const n of this.nodes) if (n.running && n.downCursor < min) min = n.downCursor;
    if (min > this.downBase) {
      this.downLog = this.downLog.slice(min - this.downBase);
      this.downBase = min;
    }
    this.downTrimAt = Math.max(1024, 2 * this.downLog.length);
  }

  private unmarkBusy(c: number): void {
    const i = this.busyPos[c];
    if (i < 0) return;
    const last = this.busy.pop()!;
    if (last !== c) {
      this.busy[i] = last;
      this.busyPos[last] = i;
    }
    this.busyPos[c] = -1;
  }

  /** A node's publish enters its XPUB: sent only if some seen subscription matches. */
  private send(n: SimNode, topic: string, event: string, argc: number, name: string, id: string, rest: string[] | null): void {
    this.stats.publishes++;
    if (!n.xpub.matches(topic)) {
      this.stats.senderFiltered++;
      return;
    }
    const m = this.store.add(topic, n.id, n.idSeq, event, argc, name, id, rest);
    this.enqueueMessage(n.index, XPUB_UP, m);
    this.store.release(m); // the queue holds it now
  }

  /** A node's subscribe/unsubscribe frame reaches the broker XPUB (VERBOSER). */
  private atBrokerXpub(from: SimNode, f: SubFrame): void {
    if (f.subscribe) {
      let pipes = this.routes.get(f.topic);
      if (!pipes) {
        pipes = new Set();
        this.routes.set(f.topic, pipes);
        this.routeCache.clear();
        this.routeLengths.set(f.topic.length, (this.routeLengths.get(f.topic.length) ?? 0) + 1);
      }
      pipes.add(from.index);
      // The broker XSUB counts it and forwards every subscribe to every node XPUB.
      this.brokerXsub.add(f.topic);
      this.broadcastDown(f);
    } else {
      const pipes = this.routes.get(f.topic);
      if (pipes && pipes.delete(from.index) && pipes.size === 0) this.dropRoute(f.topic);
      this.brokerXsubUnsubscribe(f.topic);
    }
  }

  /**
   * The pipe sets of every route that is a prefix of `topic`. Cached per
   * topic until a route is added or dropped (the sets themselves are live),
   * since hashing one slice per distinct prefix length for every message
   * dominated large simulations.
   */
  private matchingRoutes(topic: string): Set<number>[] {
    const hit = this.routeCache.get(topic);
    if (hit) return hit;
    const out: Set<number>[] = [];
    const len0 = topic.length;
    for (const len of this.routeLengths.keys()) {
      if (len > len0) continue;
      const pipes = this.routes.get(len === len0 ? topic : topic.slice(0, len));
      if (pipes) out.push(pipes);
    }
    this.routeCache.set(topic, out);
    return out;
  }

  private brokerXsubUnsubscribe(topic: string): void {
    if (!this.brokerXsub.remove(topic)) return;
    this.broadcastDown({ subscribe: false, topic });
  }

  private dropRoute(topic: string): void {
    this.routes.delete(topic);
    this.routeCache.clear();
    const l = this.routeLengths.get(topic.length)! - 1;
    if (l === 0) this.routeLengths.delete(topic.length);
    else this.routeLengths.set(topic.length, l);
  }

  /** A subscribe/unsubscribe frame reaches a node's XPUB (VERBOSE) and its core. */
  private atNodeXpub(n: SimNode, f: SubFrame): void {
    if (f.subscribe) {
      n.xpub.insert(f.topic);
      this.api.handleSubscription(n.handle, f.topic, this.now);
    } else {
      if (!n.xpub.delete(f.topic)) return;
      this.api.handleUnsubscription(n.handle, f.topic, this.now);
    }
    this.collect(n);
  }

  /** A published message reaches the broker: route it to every matching node but the sender. */
  private atBrokerXsub(from: SimNode, m: number): void {
    const sets = this.matchingRoutes(this.store.topic[m]);
    if (sets.length === 0) return;
    const only = sets[0];
    const more = sets.length > 1 ? sets : undefined;
    if (!more && only.size === 1) {
      // A node-id topic: one subscriber (the same order as below, trivially).
      const t = only.values().next().value as number;
      if (t !== from.index && this.nodes[t].running) this.enqueueMessage(t, XSUB_DOWN, m);
      return;
    }
    const targets = new Set<number>();
    for (const pipes of more ?? [only]) for (const p of pipes) targets.add(p);
    targets.delete(from.index);
    for (const t of [...targets].sort((a, b) => a - b)) {
      if (this.nodes[t].running) this.enqueueMessage(t, XSUB_DOWN, m);
    }
  }

  /** A message reaches a node's XSUB: subscription filter, self filter, then the core. */
  private atNodeXsub(n: SimNode, m: number): void {
    const s = this.store;
    if (!n.xsub.matches(s.topic[m]) || s.senderSeq[m] === n.idSeq) {
      this.stats.receiverFiltered++;
      return;
    }
    const event = s.event[m];
    const name = s.name[m];
    if (event === CLUSTER_HELLO) n.clusterHellosFrom.set(name, (n.clusterHellosFrom.get(name) ?? 0) + 1);
    if (s.argc[m] === 2 && this.api.handleHelloEvent(n.handle, event, name, s.id[m], this.now)) {
      this.collect(n);
    } else {
      n.otherEvents++;
    }
  }

  /** Poll a node's outputs: account them, record them, send its publishes. */
  private collect(n: SimNode): void {
    // As the Node host settles: most inputs (a repeated subscription) yield
    // nothing, and asking first spares an empty array per input.
    if (this.api.outputCount(n.handle) === 0) return;
    const outs = this.api.pollOutputs(n.handle) as Output[];
    for (const o of outs) {
      switch (o.kind) {
        case 3:
          let topic = this.topicCanon.get(o.topic);
          if (topic === undefined) this.topicCanon.set(o.topic, (topic = o.topic));
          this.send(n, topic, o.event, 2, o.name, o.id, null);
          break;
        case 4:
          n.nodeUps.set(o.name, (n.nodeUps.get(o.name) ?? 0) + 1);
          break;
        case 5:
          n.nodeDowns.set(o.name, (n.nodeDowns.get(o.name) ?? 0) + 1);
          break;
        case 7:
          n.warnings.push(o.message);
          break;
        case 8:
          n.errors.push(o.message);
          break;
      }
      if (this.record) n.log.push(toSimOutput(o, this.now));
    }
  }
}

function toSimOutput(o: Output, now: number): SimOutput {
  const kind = KIND_NAMES[o.kind] ?? `kind-${o.kind}`;
  switch (o.kind) {
    case 1:
    case 2:
      return { now, kind, topic: o.topic };
    case 3:
      return { now, kind, topic: o.topic, event: o.event, args: [o.name, o.id] };
    case 4:
    case 5:
      return { now, kind, name: o.name, id: o.id };
    case 9:
      return { now, kind, key: o.key, count: o.count };
    default:
      return { now, kind, message: o.message };
  }
}
