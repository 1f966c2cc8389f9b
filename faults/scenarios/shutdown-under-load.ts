// Scenario 4: Ctrl-C while the workers log at full speed. The supervisor
// stops the workers first, then the manager, the logger last; a worker's
// stop stops its logging, flushes its batches, waits until the logger has
// acknowledged them (log_ack_timeout at most), and only then closes its
// sockets (linger_ms). Every record a worker logged before its stop began
// must be in the file, or counted as dropped while it ran (log_sndhwm
// reached: the workers log faster than one logger writes); nothing may be
// dropped or left unconfirmed by the stop itself.
import { join } from "node:path";
import { makeLayout, startCluster, stopCluster } from "../lib/cluster";
import { tally } from "../lib/logs";
import { nowMs } from "../lib/proc";
import type { Scenario } from "../lib/scenario";

const WORKERS = ["worker-1", "worker-2"];

export const shutdownUnderLoad: Scenario = {
  id: "shutdown-under-load",
  title: "4. Ctrl-C under full logging load",
  timeoutMs: { full: 180_000, quick: 120_000 },
  async run(ctx) {
    const loadMs = ctx.quick ? 1500 : 4000;
    const { layout } = await makeLayout(ctx, { manager: "manager", logger: "logger", "worker-1": "worker", "worker-2": "worker" });
    const { proc, dir } = startCluster(ctx, { layout, scripts: ["log-flood.mjs"], env: { FAULT_RECORDS: "0", FAULT_WAIT_FOR: "logger" } });
    await proc.waitFor(() => WORKERS.every((w) => proc.reports(w).some((r) => r.ev === "logging")), "the workers to start logging", 60_000);
    await new Promise((r) => setTimeout(r, loadMs)); // the load phase: a duration, not a synchronisation
    const signalAt = nowMs();
    const exit = await stopCluster(proc, 60_000);
    const stopMs = nowMs() - signalAt;
    ctx.check("the cluster stops cleanly (exit 0)", exit.code === 0, JSON.stringify(exit));
    const finals = WORKERS.map((w) => proc.reports(w).filter((r) => r.ev === "final").pop());
    if (!ctx.check("both workers reported their final counters", finals.every((f) => f !== undefined))) return;
    const logged = finals.reduce((a, f) => a + f!.logged, 0);
    const drops = finals.reduce((a, f) => a + f!.counters.log_drops, 0);
    const unconfirmed = finals.reduce((a, f) => a + f!.counters.log_records_unconfirmed, 0);
    const t = tally([join(dir, "logs", "fault.log")]);
    const atStop = WORKERS.flatMap((w) => proc.text(w, "err")).filter((l) => /at shutdown/.test(l));
    ctx.figure("load_s", loadMs / 1000, "s");
    ctx.figure("logged_before_stop", logged);
    ctx.figure("written", t.unique);
    ctx.figure("dropped_while_running", drops);
    ctx.figure("stop_s", stopMs / 1000, "s");
    ctx.check("every record logged before the stop is in the file or was counted as dropped while running", t.unique + drops === logged, `${t.unique} + ${drops} vs ${logged}`);
    ctx.check("nothing dropped or left unconfirmed by the stop itself", atStop.length === 0 && unconfirmed === 0, [...atStop, `unconfirmed ${unconfirmed}`].join(" | "));
    ctx.check("no record written twice, no torn line", t.duplicates === 0 && t.torn === 0, `${t.duplicates} duplicates, ${t.torn} torn`);
    ctx.check("per worker: file records + drops == logged", WORKERS.every((w, i) => (t.perWorker.get(w) ?? 0) + finals[i]!.counters.log_drops === finals[i]!.logged));
  },
};
