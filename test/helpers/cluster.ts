// Layouts on fresh ports for real-socket tests.
import type { ClusterLayoutInput, NodeOptionsInput } from "../../adapters/node/index";
import { freePorts } from "./ports";

/** Broker endpoints on fresh ports, in upstream's naming (node connect_* = broker listen_*). */
export async function brokerEndpoints(host = "127.0.0.1"): Promise<NodeOptionsInput> {
  const [xpub, xsub] = await freePorts(2);
  const h = host.includes(":") ? `[${host}]` : host;
  return {
    listen_xpub_endpoint: `tcp://${h}:${xpub}`,
    listen_xsub_endpoint: `tcp://${h}:${xsub}`,
    connect_xsub_endpoint: `tcp://${h}:${xpub}`,
    connect_xpub_endpoint: `tcp://${h}:${xsub}`,
  };
}

/** A layout of the given node types (names as keys) on fresh ports; loggers get a log port. */
export async function makeLayout(
  nodes: Record<string, "manager" | "logger" | "proxy" | "worker">,
  extra: { manager_is_logger?: boolean; zeromq?: NodeOptionsInput; managerPort?: boolean } = {},
): Promise<ClusterLayoutInput> {
  const out: ClusterLayoutInput = {
    manager_is_logger: extra.manager_is_logger ?? !Object.values(nodes).includes("logger"),
    nodes: {},
    zeromq: { ...(await brokerEndpoints()), ...extra.zeromq },
  };
  for (const [name, type] of Object.entries(nodes)) {
    const needsPort = type === "logger" || (type === "manager" && extra.managerPort);
    out.nodes[name] = { node_type: type, ip: "127.0.0.1", ...(needsPort ? { p: (await freePorts(1))[0] } : {}) };
  }
  return out;
}
