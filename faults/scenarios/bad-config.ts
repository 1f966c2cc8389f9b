// Scenario 7: bad configuration. Each case runs the real command and must
// end with a non-zero exit and one clear line naming the problem (upstream's
// text where upstream has one: a failed bind or connect is upstream's error
// line followed by its fatal line), never a stack trace.
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { makeLayout } from "../lib/cluster";
import { nowMs } from "../lib/proc";
import type { Ctx, Scenario } from "../lib/scenario";

interface Case {
  what: string;
  /** Arguments after the CLI path; "layout.json" is the case's layout file. */
  args: string[];
  layout?: unknown;
  /** The first line of stderr must match. */
  first: RegExp;
  /** Upstream's fatal line may follow the error line. */
  fatal?: string;
}

async function runCase(ctx: Ctx, c: Case): Promise<void> {
  const dir = ctx.scope.tempDir();
  if (c.layout !== undefined) writeFileSync(join(dir, "layout.json"), typeof c.layout === "string" ? c.layout : JSON.stringify(c.layout));
  const t0 = nowMs();
  const p = ctx.scope.spawn(c.what, process.execPath, [ctx.cli, ...c.args], { cwd: dir });
  const exit = await p.waitExit(60_000);
  const err = p.lines.filter((l) => l.stream === "err").map((l) => l.text);
  const lines = err.filter((l) => l.trim() !== "");
  const expectLines = c.fatal ? 2 : 1;
  const ok =
    exit.code !== null &&
    exit.code !== 0 &&
    lines.length === expectLines &&
    c.first.test(lines[0] ?? "") &&
    (!c.fatal || lines[1] === `fatal error: ${c.fatal}`) &&
    !err.some((l) => /^\s+at /.test(l));
  ctx.check(`${c.what}: exit ${exit.code}, ${lines.length} line(s): ${lines[0] ?? "(none)"}`, ok, `${(nowMs() - t0).toFixed(0)} ms; stderr: ${err.join(" / ")}`);
}

export const badConfig: Scenario = {
  id: "bad-config",
  title: "7. bad configuration",
  timeoutMs: { full: 180_000, quick: 180_000 },
  async run(ctx) {
    const { layout } = await makeLayout(ctx, { manager: "manager", logger: "logger", "worker-1": "worker" });
    const [closedA, closedB, busy] = await ctx.scope.ports(3);
    // A port in use: held by a plain TCP listener for the whole scenario.
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(busy, "127.0.0.1", () => r()));
    ctx.scope.onDispose(() => new Promise<void>((r) => server.close(() => r())));
    const z = layout.zeromq;
    const cases: Case[] = [
      {
        what: "unreachable broker endpoints",
        args: ["run", "--layout", "layout.json", "--node", "worker-1", "--broker-timeout", "2"],
        layout: { ...layout, zeromq: { ...z, connect_xsub_endpoint: `tcp://127.0.0.1:${closedA}`, connect_xpub_endpoint: `tcp://127.0.0.1:${closedB}` } },
        first: new RegExp(`^fatal error: ZeroMQ: no answer from the broker within 2 s \\(connect_xsub_endpoint tcp://127\\.0\\.0\\.1:${closedA}, connect_xpub_endpoint tcp://127\\.0\\.0\\.1:${closedB}\\)`),
      },
      {
        what: "the broker's port in use",
        args: ["run", "--layout", "layout.json", "--node", "manager"],
        layout: { ...layout, zeromq: { ...z, listen_xpub_endpoint: `tcp://127.0.0.1:${busy}` } },
        first: new RegExp(`^error: ZeroMQ: Failed to bind xpub socket tcp://127\\.0\\.0\\.1:${busy}: Address already in use \\(\\d+\\)$`),
        fatal: "Failed to spawn ZeroMQ proxy thread",
      },
      {
        what: "a logger's port in use",
        args: ["run", "--layout", "layout.json", "--node", "logger"],
        layout: { ...layout, nodes: { ...layout.nodes, logger: { ...layout.nodes.logger, p: busy } } },
        first: new RegExp(`^error: ZeroMQ: Failed to bind pull socket tcp://127\\.0\\.0\\.1:${busy}: Address already in use`),
        fatal: "Failed initialize ZeroMQ backend",
      },
      {
        what: "an invalid endpoint string (no scheme)",
        args: ["cluster", "--layout", "layout.json"],
        layout: { ...layout, zeromq: { ...z, connect_xpub_endpoint: "127.0.0.1:5556" } },
        first: /^zmq-cluster: layout\.json: \$\.zeromq\.connect_xpub_endpoint: a ZeroMQ endpoint such as tcp:\/\/127\.0\.0\.1:5556$/,
      },
      {
        what: "an endpoint libzmq refuses (no port)",
        args: ["run", "--layout", "layout.json", "--node", "worker-1"],
        layout: { ...layout, zeromq: { ...z, connect_xsub_endpoint: "tcp://127.0.0.1" } },
        first: /^error: ZeroMQ: Failed to connect xsub socket tcp:\/\/127\.0\.0\.1: Invalid argument$/,
        fatal: "Failed initialize ZeroMQ backend",
      },
      {
        what: "a node the layout does not have",
        args: ["run", "--layout", "layout.json", "--node", "worker-9"],
        layout,
        first: /^zmq-cluster: layout\.json: \$\.nodes: no node named 'worker-9' \(nodes: manager, logger, worker-1\)$/,
      },
      {
        what: "an unknown node type",
        args: ["cluster", "--layout", "layout.json"],
        layout: { ...layout, nodes: { ...layout.nodes, "worker-1": { node_type: "boss", ip: "127.0.0.1" } } },
        first: /^zmq-cluster: layout\.json: \$\.nodes\.worker-1\.node_type: .*"manager"\|"logger"\|"proxy"\|"worker"/,
      },
      {
        what: "a negative HWM",
        args: ["cluster", "--layout", "layout.json"],
        layout: { ...layout, zeromq: { ...z, xpub_sndhwm: -5 } },
        first: /^zmq-cluster: layout\.json: \$\.zeromq\.xpub_sndhwm: 0 \(unlimited\) or a positive high-water mark$/,
      },
      {
        what: "a layout that is not JSON",
        args: ["cluster", "--layout", "layout.json"],
        layout: "{ nodes: ",
        first: /^zmq-cluster: layout\.json: not valid JSON: /,
      },
      {
        what: "a missing layout file",
        args: ["cluster", "--layout", "nope.json"],
        first: /^zmq-cluster: nope\.json: cannot read layout: ENOENT/,
      },
      {
        what: "a node script that does not exist",
        args: ["run", "--layout", "layout.json", "--node", "worker-1", "--script", "missing.mjs"],
        layout,
        first: /^fatal error: cannot load script missing\.mjs: /,
      },
    ];
    for (const c of cases) await runCase(ctx, c);
    ctx.figure("cases", cases.length);
  },
};
