// Clusters for the fault scenarios: a layout on fresh ports in a temporary
// directory, run by the real `zmq-cluster` command (a supervisor with one
// child process per node), and a standalone broker (`zmq-cluster proxy`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Ctx } from "./scenario";
import type { Proc } from "./proc";
import { SCRIPTS } from "./root";

export type NodeType = "manager" | "logger" | "proxy" | "worker";

export interface FaultLayout {
  manager_is_logger: boolean;
  nodes: Record<string, { node_type: NodeType; ip: string; p?: number }>;
  zeromq: Record<string, unknown>;
}

export interface Endpoints {
  /** Broker XPUB (nodes' connect_xsub_endpoint). */
  xpub: string;
  /** Broker XSUB (nodes' connect_xpub_endpoint). */
  xsub: string;
}

/** A layout of `nodes` on fresh ports; loggers get a log port. */
export async function makeLayout(ctx: Ctx, nodes: Record<string, NodeType>, zeromq: Record<string, unknown> = {}): Promise<{ layout: FaultLayout; broker: Endpoints }> {
  const [xpub, xsub] = await ctx.scope.ports(2);
  const broker = { xpub: `tcp://127.0.0.1:${xpub}`, xsub: `tcp://127.0.0.1:${xsub}` };
  const layout: FaultLayout = {
    manager_is_logger: !Object.values(nodes).includes("logger"),
    nodes: {},
    zeromq: {
      listen_xpub_endpoint: broker.xpub,
      listen_xsub_endpoint: broker.xsub,
      connect_xsub_endpoint: broker.xpub,
      connect_xpub_endpoint: broker.xsub,
      // The fault suite proves the exact log accounting, which rests on
      // acknowledged delivery (ours, off by default like upstream).
      log_acks: true,
      ...zeromq,
    },
  };
  for (const [name, type] of Object.entries(nodes)) {
    const port = type === "logger" || (type === "manager" && layout.manager_is_logger);
    layout.nodes[name] = { node_type: type, ip: "127.0.0.1", ...(port ? { p: (await ctx.scope.ports(1))[0] } : {}) };
  }
  return { layout, broker };
}

export interface ClusterStart {
  layout: FaultLayout;
  /** Script file names under faults/scripts/. */
  scripts: string[];
  /** Environment for the scripts (FAULT_* settings). */
  env?: Record<string, string>;
  dir?: string;
  extraArgs?: string[];
}

/** `zmq-cluster cluster` in a fresh directory; logs go to <dir>/logs. */
export function startCluster(ctx: Ctx, o: ClusterStart): { proc: Proc; dir: string } {
  const dir = o.dir ?? ctx.scope.tempDir();
  writeFileSync(join(dir, "layout.json"), JSON.stringify(o.layout, null, 1));
  const args = [ctx.cli, "cluster", "--layout", "layout.json", "--log-dir", "logs", ...(o.extraArgs ?? [])];
  for (const s of o.scripts) args.push("--script", join(SCRIPTS, s));
  const proc = ctx.scope.spawn("cluster", process.execPath, args, {
    cwd: dir,
    env: { ...process.env, ...o.env },
    names: Object.keys(o.layout.nodes),
  });
  return { proc, dir };
}

/** `zmq-cluster proxy` on the given endpoints; resolves once it listens. */
export async function startProxy(ctx: Ctx, broker: Endpoints, label = "proxy"): Promise<Proc> {
  const p = ctx.scope.spawn(label, process.execPath, [ctx.cli, "proxy", "--listen-xpub", broker.xpub, "--listen-xsub", broker.xsub]);
  await p.waitFor(() => p.lines.some((l) => l.text.startsWith("broker listening")), "the broker to listen", 20_000);
  return p;
}

/** The full mesh of `names`: every ordered pair. */
export function pairs(names: string[]): [string, string][] {
  return names.flatMap((a) => names.filter((b) => b !== a).map((b) => [a, b] as [string, string]));
}

/** Ctrl-C for a cluster (SIGINT to the supervisor); resolves with its exit. */
export async function stopCluster(proc: Proc, ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  proc.signal("SIGINT");
  return proc.waitExit(ms);
}
