// Cluster membership: subscription de-duplication and the hello handshake.
//
// Theory of operation
// ===================
// Ports scripts/policy/frameworks/cluster/backend/zeromq/main.zeek, the
// Cluster::hello / Cluster::node_down handlers of
// scripts/base/frameworks/cluster/main.zeek and the subscription handling of
// ZeroMQ.cc (DoProcessBackendMessage). One instance per node.
//
// Discovery rides on libzmq's subscription forwarding. Every node subscribes
// to its own node-id topic `<nodeid_topic_prefix>.<id>.`; the broker's XPUB
// relays every subscribe and unsubscribe to every node's XPUB, so each node
// learns about every other node from the subscription frames alone.
//
// 1. Subscription frames (handleSubscription). XPUB_VERBOSE delivers one
//    subscribe per subscriber, so the same topic arrives many times. A topic
//    raises `subscription` only the first time it is seen; the set forgets it
//    when an unsubscription arrives (libzmq's XSUB reference counts mean an
//    unsubscribe reaches us only when nobody is subscribed any more).
//    A node sees its own subscriptions too; only the handshake ignores them.
//
// 2. The handshake, for nodes A and B (each runs this same machine):
//      a. B sees A's node-id subscription -> B publishes
//         ZeroMQ::hello(B name, B id) to A's node-id topic (seeing the
//         subscription guarantees B's XPUB will forward it).
//      b. A receives B's ZeroMQ::hello.
//    Whichever of (a: "subscription seen") and (b: "hello received") comes
//    second completes the pair: the node then publishes
//    Cluster::hello(own name, own id) to the peer's node-id topic. Until
//    then the first half waits in `pendingSubscriptions` or `pendingHellos`.
//      c. Receiving Cluster::hello(name, id) raises node_up once per peer
//         instance and writes `got hello from <name> (<id>)` to cluster.log.
//    So each node sends exactly one ZeroMQ::hello and one Cluster::hello to
//    every other node, whatever the order of arrival.
//
// 3. Expiry. A half that never meets its other half (a peer that subscribed
//    but never said hello, a non-node process subscribing to a node-id-shaped
//    topic) is dropped after hello_expiration with upstream's warning
//    `Expired subscription from nodeid <id>` / `Expired hello from nodeid <id>`.
//    Upstream uses &create_expire sets; re-adding an entry does not renew it.
//    Since the expiration is one constant, entries expire in creation order,
//    so a FIFO is the whole timer table; deletions are lazy.
//
// 4. Leaving. An unsubscription of a node-id topic means that node is gone
//    (it unsubscribed, or its XSUB connection dropped and the broker's
//    XPUB_VERBOSER passed the unsubscription on): node_down for the node whose
//    id it was, or a warning when no node has that id.
//    A hello from a known name with a new id means the old instance vanished
//    without an unsubscription: warn `never said goodbye` (upstream's text,
//    missing parenthesis included) and raise a node_down for the old id first.

import { EVENT_CLUSTER_HELLO, EVENT_ZEROMQ_HELLO } from "./kinds";
import { Layout } from "./layout";
import { Outbox } from "./outputs";
import { Topics } from "./topics";

const PENDING_SUBSCRIPTION: i32 = 0;
const PENDING_HELLO: i32 = 1;

export class Membership {
  /** Cluster::node of this process. */
  node: string = "";
  /** Cluster::node_id() of this process. */
  nodeId: string = "";
  /** hello_expiration in milliseconds (upstream default 10 s). */
  helloExpirationMs: f64 = 10000;
  layout: Layout = new Layout();
  topics: Topics = new Topics();
  out: Outbox = new Outbox();

  /** The ZeroMQ backend's xpub_subscriptions set (de-duplication). */
  subscriptions: Set<string> = new Set<string>();
  /** Cluster::nodes[name]$id by layout index; "" = unset. */
  ids: Array<string> = [];

  /** nodeid_subscriptions / nodeid_hellos: id -> creation time. */
  pendingSubscriptions: Map<string, f64> = new Map<string, f64>();
  pendingHellos: Map<string, f64> = new Map<string, f64>();

  /** Expiry FIFO: entries [head, length) are live or lazily deleted. */
  expiryKind: Array<i32> = [];
  expiryId: Array<string> = [];
  expiryAt: Array<f64> = [];
  expiryHead: i32 = 0;

  /**
   * Interned topics (index.ts topicId): the topic by id, and whether it is
   * in `subscriptions` right now. A host that names a frequent topic by its
   * id passes a number instead of a string, and a repeated subscription
   * costs an array read instead of hashing the string again. The flag is
   * only ever true while the topic is in the set: set after
   * handleSubscription added it, cleared when it leaves.
   */
  internIds: Map<string, i32> = new Map<string, i32>();
  internTopics: Array<string> = [];
  internSubscribed: Array<bool> = [];

  /** Input: a subscribe frame (0x01 + topic) read from the XPUB. */
  handleSubscription(topic: string, now: f64): void {
    // One lookup: the size grows only when the topic is new.
    const before = this.subscriptions.size;
    this.subscriptions.add(topic);
    if (this.subscriptions.size == before) return;
    this.out.subscription(topic);
    this.onSubscriptionEvent(topic, now);
  }

  /** The id of `topic` for the *ById inputs; the same topic always gets the same id. */
  intern(topic: string): i32 {
    if (this.internIds.has(topic)) return this.internIds.get(topic)!;
    const id = this.internTopics.length;
    this.internIds.set(topic, id);
    this.internTopics.push(topic);
    this.internSubscribed.push(this.subscriptions.has(topic));
    return id;
  }

  /** handleSubscription of interned topic `id`; false (and nothing happens) for an unknown id. */
  handleSubscriptionById(id: i32, now: f64): bool {
    if (id < 0 || id >= this.internTopics.length) return false;
    if (this.internSubscribed[id]) return true;
    this.handleSubscription(this.internTopics[id], now);
    this.internSubscribed[id] = true;
    return true;
  }

  /** handleUnsubscription of interned topic `id`; false (and nothing happens) for an unknown id. */
  handleUnsubscriptionById(id: i32, now: f64): bool {
    if (id < 0 || id >= this.internTopics.length) return false;
    this.handleUnsubscription(this.internTopics[id], now);
    return true;
  }

  /** Input: an unsubscribe frame (0x00 + topic) read from the XPUB. */
  handleUnsubscription(topic: string, now: f64): void {
    // Upstream raises the event for every unsubscribe frame and forgets the topic.
    if (this.subscriptions.delete(topic) && this.internIds.size > 0 && this.internIds.has(topic)) {
      this.internSubscribed[this.internIds.get(topic)!] = false;
    }
    this.out.unsubscription(topic);
    this.onUnsubscriptionEvent(topic);
  }

  /** Input: a received Cluster::Backend::ZeroMQ::hello(name, id). */
  handleZeromqHello(name: string, id: string, now: f64): void {
    const i = this.syncLayout(name);
    if (i >= 0) {
      const old = this.ids[i];
      if (old.length > 0) {
        if (old == id) {
          this.out.warning("node '" + name + "' sends ZeroMQ::hello twice (id:" + id + ")");
          return;
        }
        this.out.warning("node '" + name + "' never said goodbye (old id:" + old + " new id:" + id);
        this.nodeDown(i, old);
      }
    }
    // delete() answers whether it was there: one lookup for has + delete.
    if (this.pendingSubscriptions.delete(id)) {
      this.out.publish(this.topics.nodeidTopic(id), EVENT_CLUSTER_HELLO, this.node, this.nodeId);
    } else {
      this.addPending(PENDING_HELLO, id, now);
    }
  }

  /** Input: a received Cluster::hello(name, id) (base cluster framework handler). */
  handleClusterHello(name: string, id: string, now: f64): void {
    const i = this.syncLayout(name);
    if (i < 0) {
      this.out.error("Got Cluster::hello msg from unexpected node: " + name);
      return;
    }
    const old = this.ids[i];
    if (old.length == 0) {
      this.out.nodeUp(name, id);
    } else if (old != id) {
      this.out.error("Got Cluster::hello msg from duplicate node:" + name);
    }
    this.ids[i] = id;
    this.out.clusterLog("got hello from " + name + " (" + id + ")");
  }

  /** Input: time has advanced to `now`; expire half-finished handshakes that are due. */
  handleTimeout(now: f64): void {
    while (this.expiryHead < this.expiryAt.length) {
      const h = this.expiryHead;
      if (this.expiryAt[h] + this.helloExpirationMs > now) break;
      this.expiryHead = h + 1;
      const id = this.expiryId[h];
      if (this.expiryKind[h] == PENDING_SUBSCRIPTION) {
        if (this.isLive(this.pendingSubscriptions, id, this.expiryAt[h])) {
          this.pendingSubscriptions.delete(id);
          this.out.warning("Expired subscription from nodeid " + id);
        }
      } else if (this.isLive(this.pendingHellos, id, this.expiryAt[h])) {
        this.pendingHellos.delete(id);
        this.out.warning("Expired hello from nodeid " + id);
      }
    }
    this.compactExpiry();
  }

  /** When the next pending entry expires, or -1 when nothing is pending. */
  pollTimeout(): f64 {
    // Skip entries that completed (were deleted) since they were queued.
    while (this.expiryHead < this.expiryAt.length) {
      const h = this.expiryHead;
      const pending = this.expiryKind[h] == PENDING_SUBSCRIPTION ? this.pendingSubscriptions : this.pendingHellos;
      if (this.isLive(pending, this.expiryId[h], this.expiryAt[h])) {
        return this.expiryAt[h] + this.helloExpirationMs;
      }
      this.expiryHead = h + 1;
    }
    this.compactExpiry();
    return -1;
  }

  /** The id of a node that is up, or "". */
  idOf(name: string): string {
    const i = this.layout.find(name);
    if (i < 0 || i >= this.ids.length) return "";
    return this.ids[i];
  }

  /** How many peers are up. */
  upCount(): i32 {
    let n = 0;
    for (let i = 0; i < this.ids.length; i++) if (this.ids[i].length > 0) n++;
    return n;
  }

  // Cluster::Backend::ZeroMQ::subscription handler (main.zeek).
  private onSubscriptionEvent(topic: string, now: f64): void {
    // Upstream only checks the prefix: even `<prefix>.` with an empty id
    // gets a ZeroMQ::hello and a pending entry (and later its expiry warning).
    if (!this.topics.isNodeidTopic(topic)) return;
    const id = this.topics.parseNodeidTopic(topic);
    // Do not say hello to ourselves: we would never see it anyway.
    if (id == this.nodeId) return;
    this.out.publish(topic, EVENT_ZEROMQ_HELLO, this.node, this.nodeId);
    if (this.pendingHellos.delete(id)) {
      this.out.publish(this.topics.nodeidTopic(id), EVENT_CLUSTER_HELLO, this.node, this.nodeId);
    } else {
      this.addPending(PENDING_SUBSCRIPTION, id, now);
    }
  }

  // Cluster::Backend::ZeroMQ::unsubscription handler (main.zeek).
  private onUnsubscriptionEvent(topic: string): void {
    if (!this.topics.isNodeidTopic(topic)) return;
    const id = this.topics.parseNodeidTopic(topic);
    for (let i = 0; i < this.ids.length; i++) {
      // `n?$id && n$id == gone_node_id`: "" is the core's "no $id".
      if (this.ids[i].length > 0 && this.ids[i] == id) {
        this.nodeDown(i, id);
        return;
      }
    }
    this.out.warning("unsubscription of unknown node with id '" + id + "'");
  }

  // Cluster::node_down plus its base handler: `node down: <name>` to
  // cluster.log and forget the node's $id.
  private nodeDown(i: i32, id: string): void {
    const name = this.layout.names[i];
    this.out.nodeDown(name, id);
    this.out.clusterLog("node down: " + name);
    this.ids[i] = "";
  }

  // `add set[id]` on a &create_expire set: a present entry keeps its creation time.
  private addPending(kind: i32, id: string, now: f64): void {
    const pending = kind == PENDING_SUBSCRIPTION ? this.pendingSubscriptions : this.pendingHellos;
    if (pending.has(id)) return;
    pending.set(id, now);
    this.expiryKind.push(kind);
    this.expiryId.push(id);
    this.expiryAt.push(now);
  }

  private isLive(pending: Map<string, f64>, id: string, at: f64): bool {
    return pending.has(id) && pending.get(id)! == at;
  }

  // Layout index of `name`, growing `ids` if nodes were added after start.
  private syncLayout(name: string): i32 {
    while (this.ids.length < this.layout.size) this.ids.push("");
    return this.layout.find(name);
  }

  private compactExpiry(): void {
    const h = this.expiryHead;
    if (h < 256 || h * 2 < this.expiryAt.length) return;
    this.expiryKind = this.expiryKind.slice(h);
    this.expiryId = this.expiryId.slice(h);
    this.expiryAt = this.expiryAt.slice(h);
    this.expiryHead = 0;
  }
}
