// The cluster layout: upstream's Cluster::nodes (plus manager_is_logger and
// the backend options), as a validated plain object. The same shape is the
// JSON layout file of the `zmq-cluster` command.

import { nodeOptionsSchema, type NodeOptions, type NodeOptionsInput } from "./options";
import {
  boolean,
  defaultAsIs,
  choice,
  int,
  issuesOf,
  optional,
  record,
  refine,
  strictObject,
  string,
  withDefault,
  type ObjectIn,
  type ObjectOut,
  type Schema,
} from "./validation";

export const NODE_TYPES = ["manager", "logger", "proxy", "worker"] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export const clusterNodeSchema = strictObject({
  /** Cluster::Node$node_type. */
  node_type: choice(NODE_TYPES),
  /** Cluster::Node$ip. Default 127.0.0.1. */
  ip: withDefault(string({ nonEmpty: true }), "127.0.0.1"),
  /** Cluster::Node$p: the log PULL port of loggers (and of the manager when it is the logger). */
  p: optional(int({ min: 1, max: 65535 })),
});

const layoutEntries = {
  /** Cluster::manager_is_logger (upstream default T; a layout with loggers normally sets F). */
  manager_is_logger: withDefault(boolean, true),
  nodes: refine(record(clusterNodeSchema), (n) => Object.keys(n).length > 0, "at least one node"),
  /**
   * Backend options by upstream name, applied to every node. Absent: `{}`.
   * Given: checked like a node's options, defaults filled in (as the zod
   * schema's `.partial()` of them did).
   */
  zeromq: defaultAsIs(nodeOptionsSchema as unknown as Schema<Partial<NodeOptionsInput>, Partial<NodeOptions>>, () => ({})),
};

export const clusterLayoutSchema = strictObject(layoutEntries);

export type ClusterLayoutInput = ObjectIn<typeof layoutEntries>;
export type ClusterLayout = ObjectOut<typeof layoutEntries>;
export type ClusterNodeSpec = ObjectOut<typeof clusterNodeSchema.entries>;

export const NODE_TYPE_CODES: Record<NodeTypeName, number> = { manager: 1, logger: 2, proxy: 3, worker: 4 };

export class LayoutError extends Error {
  override name = "LayoutError";
}

/** Validate a layout; errors name the JSON path and what was expected. */
export function parseLayout(input: unknown, source = "layout"): ClusterLayout {
  const r = issuesOf(input, clusterLayoutSchema);
  if (r.success) return r.data as ClusterLayout;
  const lines = r.issues.map((i) => {
    const path = "$" + i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    return `${source}: ${path}: ${i.message}`;
  });
  throw new LayoutError(lines.join("\n"));
}
