// The core's flat API: the one entry point that both builds export.
//
// `esbuild core/index.ts` gives dist/core.js and `asc core/index.ts` gives
// build/core.wasm with bindings of the same names, so tests and hosts are
// written once against this surface. Instances are integer handles (Wasm
// cannot hand out JS objects); configuration and outputs use strings and
// numbers only; the hot paths (logWrite, admitEvent, checkFrames, counters)
// take and return numbers only.

import { Core } from "./core";
import { EVENT_CLUSTER_HELLO, EVENT_ZEROMQ_HELLO } from "./kinds";
import { makeNodeId } from "./nodeid";
import { Output } from "./outputs";
import { poolTopic, roleTopic } from "./topics";

/** Bumped when this surface changes incompatibly. */
export function coreApiVersion(): i32 {
  return 1;
}

const cores: Array<Core | null> = [];

function get(h: i32): Core {
  const c = cores[h];
  if (c == null) throw new Error("zmq-cluster core: no instance with handle " + h.toString());
  return c;
}

/** Create a core for node `node` with id `nodeId`; returns its handle. */
export function coreCreate(node: string, nodeId: string): i32 {
  const c = new Core(node, nodeId);
  for (let i = 0; i < cores.length; i++) {
    if (cores[i] == null) {
      cores[i] = c;
      return i;
    }
  }
  cores.push(c);
  return cores.length - 1;
}

/** Release an instance; its handle may be reused. */
export function coreDestroy(h: i32): void {
  if (h >= 0 && h < cores.length) cores[h] = null;
}

/** Cluster::nodes entry. `port` is $p (0 = none); `ip` may be "". */
export function addNode(h: i32, name: string, nodeType: i32, ip: string, port: i32): void {
  get(h).layout.add(name, nodeType, ip, port);
}

/** Cluster::manager_is_logger (default true). */
export function setManagerIsLogger(h: i32, value: bool): void {
  get(h).layout.managerIsLogger = value;
}

/** node_topic_prefix, nodeid_topic_prefix (defaults zeek.cluster.node, zeek.cluster.nodeid). */
export function setTopicPrefixes(h: i32, nodeTopicPrefix: string, nodeidTopicPrefix: string): void {
  const t = get(h).topics;
  t.nodePrefix = nodeTopicPrefix;
  t.nodeidPrefix = nodeidTopicPrefix;
}

/**
 * Cluster::Backend::ZeroMQ::internal_topic_prefix (default
 * "zeek.zeromq.internal."): the prefix of the ready-to-publish probe topic
 * that readyProbeTopic() builds. Upstream uses it as is (no dot added), so a
 * prefix that should end in a dot must include it.
 */
export function setInternalTopicPrefix(h: i32, prefix: string): void {
  get(h).topics.internalPrefix = prefix;
}

/** hello_expiration in ms (default 10000). */
export function setHelloExpiration(h: i32, ms: f64): void {
  get(h).membership.helloExpirationMs = ms;
}

/** Log::write_buffer_size (default 1000) and Log::flush_interval in ms (default 1000; 0 = no timer). */
export function setLogBatching(h: i32, writeBufferSize: i32, flushIntervalMs: f64): void {
  const b = get(h).batcher;
  b.writeBufferSize = writeBufferSize;
  b.flushIntervalMs = flushIntervalMs;
}

/** onloop_queue_hwm (default 10000; 0 = unbounded). */
export function setOnloopQueueHwm(h: i32, hwm: i32): void {
  get(h).inbound.onloopQueueHwm = hwm;
}

// ---- layout-derived start-up values ----

export function nodeType(h: i32, name: string): i32 {
  return get(h).layout.typeOf(name);
}

export function startupTopics(h: i32): Array<string> {
  return get(h).startupTopics();
}

export function runProxyThreadDefault(h: i32): bool {
  const c = get(h);
  return c.layout.runProxyThreadDefault(c.node);
}

export function listenLogEndpoint(h: i32): string {
  const c = get(h);
  return c.layout.listenLogEndpoint(c.node);
}

export function connectLogEndpoints(h: i32): Array<string> {
  return get(h).connectLogEndpoints();
}

export function isLogReceiver(h: i32): bool {
  const c = get(h);
  return c.layout.isLogReceiver(c.node);
}

// ---- topics and ids (pure) ----

export function nodeTopic(h: i32, name: string): string {
  return get(h).topics.nodeTopic(name);
}

export function nodeidTopic(h: i32, id: string): string {
  return get(h).topics.nodeidTopic(id);
}

/** The id inside a node-id topic, or "" when it is not one. */
export function parseNodeidTopic(h: i32, topic: string): string {
  return get(h).topics.parseNodeidTopic(topic);
}

export function readyProbeTopic(h: i32, counter: i32): string {
  const c = get(h);
  return c.topics.readyProbeTopic(c.nodeId, counter);
}

export function roleTopicOf(nodeType: i32): string {
  return roleTopic(nodeType);
}

export function poolTopicOf(nodeType: i32): string {
  return poolTopic(nodeType);
}

/** `zeromq_<node>_<host>_<pid>_N<alphanumerics>`, one character per entropy byte. */
export function nodeIdFor(node: string, host: string, pid: i32, entropy: Uint8Array): string {
  return makeNodeId(node, host, pid, entropy);
}

// ---- membership inputs ----

export function handleSubscription(h: i32, topic: string, now: f64): void {
  get(h).membership.handleSubscription(topic, now);
}

export function handleUnsubscription(h: i32, topic: string, now: f64): void {
  get(h).membership.handleUnsubscription(topic, now);
}

/**
 * A small integer id ≥ 0 for `topic` in this instance, for the *ById inputs
 * below; the same topic always gives the same id. Strings are costly to
 * pass into Wasm (the bindings copy each one into linear memory), numbers
 * are not: a host interns the topics it sees often (its own subscriptions,
 * which every subscriber's XPUB_VERBOSE frame repeats) once and then passes
 * the id. Every id stays allocated until coreDestroy, so a host should
 * intern a bounded number of topics (adapters/node/core-host.ts caps it).
 */
export function topicId(h: i32, topic: string): i32 {
  return get(h).membership.intern(topic);
}

/** handleSubscription(h, <topic of id>, now); false, and no input, for an id topicId did not return. */
export function handleSubscriptionById(h: i32, id: i32, now: f64): bool {
  return get(h).membership.handleSubscriptionById(id, now);
}

/** handleUnsubscription(h, <topic of id>, now); false, and no input, for an id topicId did not return. */
export function handleUnsubscriptionById(h: i32, id: i32, now: f64): bool {
  return get(h).membership.handleUnsubscriptionById(id, now);
}

/**
 * A received event that the core cares about. Returns true when `event` was
 * one of the two hello events (and was handled), false for any other event,
 * which is the host's to deliver.
 */
export function handleHelloEvent(h: i32, event: string, name: string, id: string, now: f64): bool {
  if (event == EVENT_ZEROMQ_HELLO) {
    get(h).membership.handleZeromqHello(name, id, now);
    return true;
  }
  if (event == EVENT_CLUSTER_HELLO) {
    get(h).membership.handleClusterHello(name, id, now);
    return true;
  }
  return false;
}

export function handleTimeout(h: i32, now: f64): void {
  get(h).handleTimeout(now);
}

/** The node id of a peer that is up, or "". */
export function peerId(h: i32, name: string): string {
  return get(h).membership.idOf(name);
}

export function peersUp(h: i32): i32 {
  return get(h).membership.upCount();
}

// ---- log batching ----

export function registerLogStream(h: i32, stream: string, filter: string, path: string, writer: string): i32 {
  return get(h).batcher.register(stream, filter, path, writer);
}

/** Record one log write on buffer `key`; false for an unknown key. */
export function logWrite(h: i32, key: i32, now: f64): bool {
  return get(h).batcher.write(key, now);
}

export function flushLogs(h: i32): void {
  get(h).batcher.flushAll();
}

export function logStreamField(h: i32, key: i32, field: i32): string {
  const b = get(h).batcher;
  if (key < 0 || key >= b.streams.length) return "";
  if (field == 0) return b.streams[key];
  if (field == 1) return b.filters[key];
  if (field == 2) return b.paths[key];
  return b.writers[key];
}

// ---- inbound accounting and counters ----

export function checkFrames(h: i32, channel: i32, frames: i32): bool {
  return get(h).inbound.checkFrames(channel, frames);
}

export function reportMalformed(h: i32, channel: i32, reason: i32, detail: string, ownFormat: string): void {
  get(h).inbound.reportMalformed(channel, reason, detail, ownFormat);
}

export function admitEvent(h: i32): bool {
  return get(h).inbound.admitEvent();
}

export function eventsDelivered(h: i32, n: i32): void {
  get(h).inbound.eventsDelivered(n);
}

export function xpubDropped(h: i32): void {
  get(h).inbound.xpubDropped();
}

/** 0 xpub_drops, 1 onloop_drops, 2 msg_errors, 3 queued events, 4 log records written. */
export function counter(h: i32, which: i32): f64 {
  const c = get(h);
  if (which == 0) return c.inbound.xpubDrops;
  if (which == 1) return c.inbound.onloopDrops;
  if (which == 2) return c.inbound.msgErrors;
  if (which == 3) return <f64>c.inbound.queued;
  if (which == 4) return c.batcher.written;
  return 0;
}

// ---- outputs ----

export function pollOutputs(h: i32): Array<Output> {
  return get(h).pollOutputs();
}

/**
 * How many outputs pollOutputs would return now. A number is cheap to pass
 * out of Wasm and an array of records is not (the bindings lift every field
 * of every record), so hosts may poll only when this is above 0 — after
 * most inputs there is nothing to take.
 */
export function outputCount(h: i32): i32 {
  return get(h).out.length;
}

export function pollTimeout(h: i32): f64 {
  return get(h).pollTimeout();
}

/**
 * The host's settle step in one call: -2 when outputs are pending (take
 * them with pollOutputs, then ask pollTimeout), else pollTimeout(h). After
 * most inputs nothing is pending, and each call into Wasm has a fixed cost.
 */
export function settleTimeout(h: i32): f64 {
  const c = get(h);
  if (c.out.length > 0) return -2;
  return c.pollTimeout();
}
