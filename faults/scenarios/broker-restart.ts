// Scenario 1: the broker's process is killed (-9) and started again on the
// same endpoints. Every surviving node must see every other one up again
// (node_up) within 5 s of the restart, with subscriptions re-learned and
// publishing working again (a ping over each peer's node topic arrives).
//
// Two ways to host the broker, both run:
//   a. a standalone `zmq-cluster proxy` (run_proxy_thread=F on every node):
//      all five nodes survive; the runner restarts the broker.
//   b. the manager hosts it (the default): kill -9 takes the manager with
//      it; the supervisor restarts the manager (a new node id), which binds
//      the broker again.
// What libzmq does meanwhile: when the broker's connections drop, each
// node's XPUB reports the unsubscription of every topic (the pipe is gone),
// so every peer goes node_down; after the restart the XSUBs reconnect and
// re-send their subscriptions, the broker replays them to every XPUB, and
// the hello handshake runs again.
import { makeLayout, startCluster, startProxy, stopCluster } from "../lib/cluster";
import { meshPinged, meshUp, missing, upTimes, warnings } from "../lib/mesh";
import { nowMs } from "../lib/proc";
import type { Ctx, Scenario } from "../lib/scenario";

const FIVE = { manager: "manager", logger: "logger", proxy: "proxy", "worker-1": "worker", "worker-2": "worker" } as const;
const NAMES = Object.keys(FIVE);
const RECOVERY_BOUND_MS = 5000;
const START_MS = 60_000;

async function standalone(ctx: Ctx): Promise<void> {
  const { layout, broker } = await makeLayout(ctx, { ...FIVE }, { run_proxy_thread: false });
  let proxy = await startProxy(ctx, broker, "proxy#1");
  const { proc } = startCluster(ctx, { layout, scripts: ["mesh.mjs"] });
  await proc.waitFor(() => meshUp(proc, NAMES) && meshPinged(proc, NAMES), "the full mesh up and pinging", START_MS);
  ctx.log("mesh up; kill -9 the broker");

  const killedAt = nowMs();
  proxy.signal("SIGKILL");
  await proxy.waitExit(10_000);
  // Each node must notice: node_down for every peer (XPUB pipe gone).
  await proc.waitFor(
    () => NAMES.every((a) => NAMES.filter((b) => b !== a).every((b) => proc.reports(a).some((r) => r.ev === "node_down" && r.peer === b && r.t >= killedAt))),
    "node_down for every peer on every node",
    10_000,
  );
  const downAt = Math.max(...proc.reports().filter((r) => r.ev === "node_down" && r.t >= killedAt).map((r) => r.t));
  ctx.figure("a_node_down_after_kill_ms", Math.round(downAt - killedAt), "ms");

  proxy = await startProxy(ctx, broker, "proxy#2");
  const restartedAt = proxy.lines.find((l) => l.text.startsWith("broker listening"))!.t;
  try {
    await proc.waitFor(() => meshUp(proc, NAMES, restartedAt) && meshPinged(proc, NAMES, restartedAt), "the mesh up and pinging again", 30_000);
  } catch (err) {
    ctx.check("a: mesh recovered", false, `${(err as Error).message}; missing ${missing(proc, NAMES, restartedAt).join(" ")}`);
    return;
  }
  const ups = [...upTimes(proc, NAMES, restartedAt).values()] as number[];
  const recovery = Math.max(...ups) - restartedAt;
  const pingAt = Math.max(...proc.reports().filter((r) => r.ev === "ping" && r.t >= restartedAt).map((r) => r.t));
  ctx.figure("a_recovery_ms", Math.round(recovery), "ms");
  ctx.figure("a_pubsub_resumed_ms", Math.round(pingAt - restartedAt), "ms");
  ctx.check(`a: all 20 pairs node_up again within ${RECOVERY_BOUND_MS / 1000} s of the broker restart`, recovery <= RECOVERY_BOUND_MS, `${recovery.toFixed(0)} ms`);
  ctx.check("a: every pair exchanges pings after the restart (subscriptions re-learned, publishing resumed)", true);
  const warns = warnings(proc, killedAt);
  ctx.figure("a_warnings", warns.length);
  ctx.check("a: no reporter warning or error about the outage", warns.length === 0, warns.map((w) => `${w.source}: ${w.msg}`).join(" | "));
  await stopCluster(proc);
}

async function managerHosted(ctx: Ctx): Promise<void> {
  const { layout } = await makeLayout(ctx, { ...FIVE });
  const { proc } = startCluster(ctx, { layout, scripts: ["mesh.mjs"] });
  await proc.waitFor(() => meshUp(proc, NAMES) && meshPinged(proc, NAMES), "the full mesh up and pinging", START_MS);
  const pid = proc.nodePid("manager");
  if (!ctx.check("b: the manager's process found", pid !== undefined)) return;
  ctx.log(`mesh up; kill -9 the manager (pid ${pid}), which hosts the broker`);
  const killedAt = nowMs();
  process.kill(pid!, "SIGKILL");
  const survivors = NAMES.filter((n) => n !== "manager");
  await proc.waitFor(
    () => survivors.every((a) => survivors.filter((b) => b !== a).every((b) => proc.reports(a).some((r) => r.ev === "node_down" && r.peer === b && r.t >= killedAt))),
    "node_down for every peer on every surviving node",
    10_000,
  );
  // The supervisor restarts the manager; its broker is back once it has started.
  const started = await proc.waitReport((r) => r.ev === "started" && r.t >= killedAt, "the manager to start again", 30_000, "manager");
  const restartedAt = started.t;
  ctx.figure("b_restart_after_kill_ms", Math.round(restartedAt - killedAt), "ms");
  try {
    await proc.waitFor(() => meshUp(proc, NAMES, restartedAt) && meshPinged(proc, NAMES, restartedAt), "the mesh up and pinging again", 30_000);
  } catch (err) {
    ctx.check("b: mesh recovered", false, `${(err as Error).message}; missing ${missing(proc, NAMES, restartedAt).join(" ")}`);
    return;
  }
  const ups = [...upTimes(proc, NAMES, restartedAt).values()] as number[];
  const recovery = Math.max(...ups) - restartedAt;
  ctx.figure("b_recovery_ms", Math.round(recovery), "ms");
  ctx.check(`b: all 20 pairs (the new manager included) node_up within ${RECOVERY_BOUND_MS / 1000} s of the restart`, recovery <= RECOVERY_BOUND_MS, `${recovery.toFixed(0)} ms`);
  const warns = warnings(proc, killedAt);
  ctx.figure("b_warnings", warns.length);
  ctx.check("b: no reporter warning or error about the outage", warns.length === 0, warns.map((w) => `${w.source}: ${w.msg}`).join(" | "));
  await stopCluster(proc);
}

export const brokerRestart: Scenario = {
  id: "broker-restart",
  title: "1. broker killed -9 and restarted",
  timeoutMs: { full: 240_000, quick: 200_000 },
  async run(ctx) {
    await standalone(ctx);
    await managerHosted(ctx);
  },
};
