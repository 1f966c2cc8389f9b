// Layouts of upstream's btests (testing/btest/Files/zeromq/cluster-layout-*.zeek
// and test-bootstrap.zeek) on fresh ports: the broker listens on the
// manager's address, every node connects there, loggers (and the manager
// when it is the logger) get a log PULL port.
import type { ClusterLayoutInput, NodeOptionsInput, NodeTypeName } from "../../../adapters/node/index";
import { freePorts } from "./ports";

export interface LayoutExtra {
  /** Cluster::manager_is_logger; default: true when no node is a logger. */
  managerIsLogger?: boolean;
  /** Every node's address (upstream's BTEST_CLUSTER_IP); default 127.0.0.1. */
  ip?: string;
  /** Backend options for every node (redefs in the btests' common.zeek). */
  zeromq?: NodeOptionsInput;
  /** Whether the manager gets a log port; default: when it is the logger. */
  managerPort?: boolean;
}

export async function layout(nodes: Record<string, NodeTypeName>, extra: LayoutExtra = {}): Promise<ClusterLayoutInput> {
  const ip = extra.ip ?? "127.0.0.1";
  const host = ip.includes(":") ? `[${ip}]` : ip; // addr_to_uri
  const managerIsLogger = extra.managerIsLogger ?? !Object.values(nodes).includes("logger");
  const [xpub, xsub] = await freePorts(2, ip);
  const out: ClusterLayoutInput = {
    manager_is_logger: managerIsLogger,
    nodes: {},
    zeromq: {
      listen_xpub_endpoint: `tcp://${host}:${xpub}`,
      listen_xsub_endpoint: `tcp://${host}:${xsub}`,
      connect_xsub_endpoint: `tcp://${host}:${xpub}`,
      connect_xpub_endpoint: `tcp://${host}:${xsub}`,
      ...extra.zeromq,
    },
  };
  const managerPort = extra.managerPort ?? managerIsLogger;
  for (const [name, type] of Object.entries(nodes)) {
    const port = type === "logger" || (type === "manager" && managerPort);
    out.nodes[name] = { node_type: type, ip, ...(port ? { p: (await freePorts(1, ip))[0] } : {}) };
  }
  return out;
}

/** cluster-layout-simple.zeek: manager_is_logger=F; manager, logger, proxy, worker-1, worker-2. */
export const SIMPLE: Record<string, NodeTypeName> = {
  manager: "manager",
  logger: "logger",
  proxy: "proxy",
  "worker-1": "worker",
  "worker-2": "worker",
};

/** cluster-layout-no-logger.zeek: manager_is_logger=T, the manager has the log port; proxy, worker-1, worker-2. */
export const NO_LOGGER: Record<string, NodeTypeName> = {
  manager: "manager",
  proxy: "proxy",
  "worker-1": "worker",
  "worker-2": "worker",
};
