// Topic naming, ported from scripts/policy/frameworks/cluster/backend/zeromq/
// (main.zeek / options.zeek) and scripts/base/frameworks/cluster/.
//
// Node and node-id topics end in a dot. ZeroMQ subscriptions are prefix
// matches, so without it `zeek.cluster.node.worker-1` would also match
// messages for worker-10 (the bug fixed upstream in zeek/zeek PR #4283).

import { NODE_LOGGER, NODE_MANAGER, NODE_PROXY, NODE_WORKER } from "./kinds";

/** Default of Cluster::Backend::ZeroMQ::node_topic_prefix. */
export const DEFAULT_NODE_TOPIC_PREFIX = "zeek.cluster.node";
/** Default of Cluster::Backend::ZeroMQ::nodeid_topic_prefix. */
export const DEFAULT_NODEID_TOPIC_PREFIX = "zeek.cluster.nodeid";
/** Default of Cluster::Backend::ZeroMQ::internal_topic_prefix (ready-to-publish probe). */
export const DEFAULT_INTERNAL_TOPIC_PREFIX = "zeek.zeromq.internal.";

/** Cluster::{logger,manager,proxy,worker}_topic as redef'd by the ZeroMQ backend. */
export const LOGGER_TOPIC = "zeek.cluster.logger";
export const MANAGER_TOPIC = "zeek.cluster.manager";
export const PROXY_TOPIC = "zeek.cluster.proxy";
export const WORKER_TOPIC = "zeek.cluster.worker";

/** Cluster::{proxy,logger,worker}_pool_spec$topic as redef'd by the ZeroMQ backend. */
export const PROXY_POOL_TOPIC = "zeek.cluster.pool.proxy";
export const LOGGER_POOL_TOPIC = "zeek.cluster.pool.logger";
export const WORKER_POOL_TOPIC = "zeek.cluster.pool.worker";

/** The role topic of a node type (Cluster::*_topic); "" for an unknown type. */
export function roleTopic(nodeType: i32): string {
  if (nodeType == NODE_MANAGER) return MANAGER_TOPIC;
  if (nodeType == NODE_LOGGER) return LOGGER_TOPIC;
  if (nodeType == NODE_PROXY) return PROXY_TOPIC;
  if (nodeType == NODE_WORKER) return WORKER_TOPIC;
  return "";
}

/** The pool topic a node type belongs to; "" when it is in no pool (manager). */
export function poolTopic(nodeType: i32): string {
  if (nodeType == NODE_PROXY) return PROXY_POOL_TOPIC;
  if (nodeType == NODE_LOGGER) return LOGGER_POOL_TOPIC;
  if (nodeType == NODE_WORKER) return WORKER_POOL_TOPIC;
  return "";
}

/** Topic helpers bound to a node's configured prefixes. */
export class Topics {
  nodePrefix: string = DEFAULT_NODE_TOPIC_PREFIX;
  nodeidPrefix: string = DEFAULT_NODEID_TOPIC_PREFIX;
  internalPrefix: string = DEFAULT_INTERNAL_TOPIC_PREFIX;

  /** Cluster::node_topic(name) = `<node_topic_prefix>.<name>.` */
  nodeTopic(name: string): string {
    return this.nodePrefix + "." + name + ".";
  }

  /** Cluster::nodeid_topic(id) = `<nodeid_topic_prefix>.<id>.` */
  nodeidTopic(id: string): string {
    return this.nodeidPrefix + "." + id + ".";
  }

  /**
   * Whether main.zeek's subscription / unsubscription handlers treat `topic`
   * as a node-id topic: it starts with `<nodeid_topic_prefix>.`. Nothing else
   * is checked, so `<prefix>.` alone or `<prefix>.x` count too (with id "").
   */
  isNodeidTopic(topic: string): bool {
    // `topic.startsWith(prefix + ".")` without building that string: this
    // runs for every subscription frame (hot at scale; test/sim, bench/).
    const p = this.nodeidPrefix;
    return topic.length > p.length && topic.charCodeAt(p.length) == 46 && topic.startsWith(p);
  }

  /**
   * The node id inside a node-id topic, or "" when the topic is not one.
   * Like upstream's `topic[|prefix|:][:-1]`: drop `<prefix>.` and the final
   * character (the trailing dot, or whatever character is last), clamping
   * at empty as Zeek's string slices do. Ids may contain dots (FQDN host
   * names), so nothing else is split off. An empty result is ambiguous;
   * use isNodeidTopic to tell "not a node-id topic" from "empty id".
   */
  parseNodeidTopic(topic: string): string {
    if (!this.isNodeidTopic(topic)) return "";
    const start = this.nodeidPrefix.length + 1;
    if (topic.length <= start + 1) return "";
    return topic.substring(start, topic.length - 1);
  }

  /**
   * The ready-to-publish probe topic `<internal_topic_prefix><id>.<n>.`
   * (ZeroMQ.cc). Seeing it come back on the XPUB means the broker has also
   * replayed every earlier subscription to this node.
   */
  readyProbeTopic(nodeId: string, counter: i32): string {
    return this.internalPrefix + nodeId + "." + counter.toString() + ".";
  }
}
