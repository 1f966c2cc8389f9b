// The cluster layout (Cluster::nodes) and what a node derives from it at
// start-up. Ports:
// - scripts/base/frameworks/cluster/setup-subscriptions.zeek (start-up topics)
// - options.zeek `redef run_proxy_thread = local_node_type() == MANAGER`
// - main.zeek's listen_log_endpoint redef and its zeek_init &priority=100
//   handler that fills connect_log_endpoints.

import { NODE_LOGGER, NODE_MANAGER, NODE_NONE } from "./kinds";
import { poolTopic, roleTopic, Topics } from "./topics";

/** addr_to_uri(): IPv6 addresses go in brackets inside a tcp:// endpoint. */
export function addrToUri(ip: string): string {
  if (ip.includes(":") && !ip.startsWith("[")) return "[" + ip + "]";
  return ip;
}

/** `tcp://<addr_to_uri(ip)>:<port>`. */
export function tcpEndpoint(ip: string, port: i32): string {
  return "tcp://" + addrToUri(ip) + ":" + port.toString();
}

/**
 * Cluster::nodes. Names are kept in insertion order beside the index map
 * (AssemblyScript's Map.keys() is an array, JavaScript's an iterator).
 */
export class Layout {
  names: Array<string> = [];
  types: Array<i32> = [];
  ips: Array<string> = [];
  /** Cluster::Node$p; 0 = no port. */
  ports: Array<i32> = [];
  index: Map<string, i32> = new Map<string, i32>();
  /** Cluster::manager_is_logger (base default T). */
  managerIsLogger: bool = true;

  /** Add or replace a node. */
  add(name: string, nodeType: i32, ip: string, port: i32): void {
    if (this.index.has(name)) {
      const i = this.index.get(name)!;
      this.types[i] = nodeType;
      this.ips[i] = ip;
      this.ports[i] = port;
      return;
    }
    this.index.set(name, this.names.length);
    this.names.push(name);
    this.types.push(nodeType);
    this.ips.push(ip);
    this.ports.push(port);
  }

  has(name: string): bool {
    return this.index.has(name);
  }

  /** Index of a node, -1 when it is not in the layout. */
  find(name: string): i32 {
    if (!this.index.has(name)) return -1;
    return this.index.get(name)!;
  }

  typeOf(name: string): i32 {
    const i = this.find(name);
    return i < 0 ? NODE_NONE : this.types[i];
  }

  get size(): i32 {
    return this.names.length;
  }

  /** Whether `name` receives log batches (a logger, or the manager when manager_is_logger). */
  isLogReceiver(name: string): bool {
    const t = this.typeOf(name);
    return t == NODE_LOGGER || (this.managerIsLogger && t == NODE_MANAGER);
  }

  /**
   * Default of run_proxy_thread: T on the manager, F elsewhere.
   */
  runProxyThreadDefault(name: string): bool {
    return this.typeOf(name) == NODE_MANAGER;
  }

  /**
   * Default of listen_log_endpoint: on log receivers with a port,
   * `tcp://<ip>:<p>`; "" (no PULL bind) everywhere else.
   */
  listenLogEndpoint(name: string): string {
    const i = this.find(name);
    if (i < 0 || !this.isLogReceiver(name) || this.ports[i] == 0) return "";
    return tcpEndpoint(this.ips[i], this.ports[i]);
  }

  /**
   * connect_log_endpoints as main.zeek derives it: empty on log receivers;
   * elsewhere every logger with a port, plus the manager with a port when
   * manager_is_logger. Upstream leaves the manager's IPv6 address
   * unbracketed; we bracket it (addr_to_uri) since the unbracketed form
   * cannot be connected to.
   */
  connectLogEndpoints(name: string): Array<string> {
    const out: Array<string> = [];
    if (this.isLogReceiver(name)) return out;
    for (let i = 0; i < this.names.length; i++) {
      const t = this.types[i];
      if (this.ports[i] == 0) continue;
      if (t == NODE_LOGGER || (this.managerIsLogger && t == NODE_MANAGER)) {
        out.push(tcpEndpoint(this.ips[i], this.ports[i]));
      }
    }
    return out;
  }

  /**
   * The topics a node subscribes to at start-up, in upstream's order
   * (setup-subscriptions.zeek): its pool, its role topic, its node-id
   * topic, its node topic; nothing for a node that is not in the layout.
   */
  startupTopics(name: string, nodeId: string, topics: Topics): Array<string> {
    const out: Array<string> = [];
    const t = this.typeOf(name);
    // setup-subscriptions.zeek returns for a NONE node (and cannot run for a
    // name missing from Cluster::nodes): a process outside the layout, such
    // as a supervisor using pub/sub, takes no part in the hello handshake.
    if (t == NODE_NONE) return out;
    const pool = poolTopic(t);
    if (pool.length > 0) out.push(pool);
    const role = roleTopic(t);
    if (role.length > 0) out.push(role);
    out.push(topics.nodeidTopic(nodeId));
    out.push(topics.nodeTopic(name));
    return out;
  }
}
