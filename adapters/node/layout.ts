// The cluster layout: upstream's Cluster::nodes (plus manager_is_logger and
// the backend options), as a validated plain object. The same shape is the
// JSON layout file of the `zmq-cluster` command.

import { z } from "zod";
import { nodeOptionsSchema } from "./options";

export const NODE_TYPES = ["manager", "logger", "proxy", "worker"] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export const clusterNodeSchema = z
  .object({
    /** Cluster::Node$node_type. */
    node_type: z.enum(NODE_TYPES),
    /** Cluster::Node$ip. Default 127.0.0.1. */
    ip: z.string().min(1).default("127.0.0.1"),
    /** Cluster::Node$p: the log PULL port of loggers (and of the manager when it is the logger). */
    p: z.number().int().min(1).max(65535).optional(),
  })
  .strict();

export const clusterLayoutSchema = z
  .object({
    /** Cluster::manager_is_logger (upstream default T; a layout with loggers normally sets F). */
    manager_is_logger: z.boolean().default(true),
    nodes: z.record(z.string().min(1), clusterNodeSchema).refine((n) => Object.keys(n).length > 0, "at least one node"),
    /** Backend options by upstream name, applied to every node. */
    zeromq: nodeOptionsSchema.partial().strict().default({}),
  })
  .strict();

export type ClusterLayoutInput = z.input<typeof clusterLayoutSchema>;
export type ClusterLayout = z.output<typeof clusterLayoutSchema>;
export type ClusterNodeSpec = z.output<typeof clusterNodeSchema>;

export const NODE_TYPE_CODES: Record<NodeTypeName, number> = { manager: 1, logger: 2, proxy: 3, worker: 4 };

export class LayoutError extends Error {
  override name = "LayoutError";
}

/** Validate a layout; errors name the JSON path and what was expected. */
export function parseLayout(input: unknown, source = "layout"): ClusterLayout {
  const r = clusterLayoutSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = "$" + i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
    return `${source}: ${path}: ${i.message}`;
  });
  throw new LayoutError(lines.join("\n"));
}
