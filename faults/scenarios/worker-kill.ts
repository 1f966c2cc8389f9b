// Scenario 2: a worker is killed (-9). Its connections to the broker drop;
// the broker's XPUB (XPUB_VERBOSER) passes the unsubscription of its node-id
// topic to every node, so each raises node_down for it — within 2 s. The
// supervisor restarts it; it comes back with a new node id and every node
// raises node_up for the new id. Because the old instance went down
// properly, nobody warns "never said goodbye" (upstream's warning for a
// node that reappears without having gone down) or anything else.
import { makeLayout, startCluster, stopCluster } from "../lib/cluster";
import { meshPinged, meshUp, warnings } from "../lib/mesh";
import { nowMs } from "../lib/proc";
import type { Scenario } from "../lib/scenario";

const FIVE = { manager: "manager", logger: "logger", proxy: "proxy", "worker-1": "worker", "worker-2": "worker" } as const;
const NAMES = Object.keys(FIVE);
const DOWN_BOUND_MS = 2000;

export const workerKill: Scenario = {
  id: "worker-kill",
  title: "2. worker killed -9",
  timeoutMs: { full: 120_000, quick: 120_000 },
  async run(ctx) {
    const rounds = ctx.quick ? 1 : 3;
    const { layout } = await makeLayout(ctx, { ...FIVE });
    const { proc } = startCluster(ctx, { layout, scripts: ["mesh.mjs"] });
    await proc.waitFor(() => meshUp(proc, NAMES) && meshPinged(proc, NAMES), "the full mesh up and pinging", 60_000);
    const others = NAMES.filter((n) => n !== "worker-1");
    const downMs: number[] = [];
    const upMs: number[] = [];
    const firstKill = nowMs();
    for (let round = 1; round <= rounds; round++) {
      const pid = proc.nodePid("worker-1");
      const oldId = proc.reports("worker-1").filter((r) => r.ev === "started").pop()?.id as string | undefined;
      if (!ctx.check(`round ${round}: worker-1's process and id found`, pid !== undefined && oldId !== undefined)) return;
      const killedAt = nowMs();
      process.kill(pid!, "SIGKILL");
      await proc.waitFor(
        () => others.every((a) => proc.reports(a).some((r) => r.ev === "node_down" && r.peer === "worker-1" && r.id === oldId && r.t >= killedAt)),
        "node_down of worker-1 on every other node",
        10_000,
      );
      const downs = others.map((a) => proc.reports(a).find((r) => r.ev === "node_down" && r.peer === "worker-1" && r.t >= killedAt)!.t - killedAt);
      downMs.push(Math.max(...downs));
      const started = await proc.waitReport((r) => r.ev === "started" && r.t >= killedAt, "worker-1 restarted by the supervisor", 30_000, "worker-1");
      const newId = started.id as string;
      await proc.waitFor(
        () => others.every((a) => proc.reports(a).some((r) => r.ev === "node_up" && r.peer === "worker-1" && r.id === newId)),
        "node_up of the new worker-1 everywhere",
        20_000,
      );
      await proc.waitFor(() => others.every((a) => proc.reports("worker-1").some((r) => r.ev === "node_up" && r.peer === a && r.t >= started.t)), "the new worker-1 to see every other node", 20_000);
      const ups = others.map((a) => proc.reports(a).find((r) => r.ev === "node_up" && r.peer === "worker-1" && r.id === newId)!.t - started.t);
      upMs.push(Math.max(...ups));
      ctx.check(`round ${round}: node_down carries the old id, node_up the new one`, newId !== oldId);
    }
    const maxDown = Math.max(...downMs);
    ctx.figure("node_down_after_kill_max_ms", Math.round(maxDown), "ms");
    ctx.figure("node_up_after_restart_max_ms", Math.round(Math.max(...upMs)), "ms");
    ctx.figure("rounds", rounds);
    ctx.check(`every other node raised node_down within ${DOWN_BOUND_MS / 1000} s of the kill (every round)`, maxDown <= DOWN_BOUND_MS, `${downMs.map((d) => d.toFixed(0)).join(", ")} ms`);
    const warns = warnings(proc, firstKill);
    ctx.figure("warnings", warns.length);
    ctx.check(
      "no warning: no 'never said goodbye', no 'unsubscription of unknown node', no expiry",
      warns.length === 0,
      warns.map((w) => `${w.source}: ${w.msg}`).join(" | "),
    );
    const code = (await stopCluster(proc)).code;
    ctx.check("the cluster still stops cleanly afterwards (exit 0)", code === 0, `exit ${code}`);
  },
};
