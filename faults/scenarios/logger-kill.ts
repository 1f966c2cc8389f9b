// Scenario 3: a logger is killed (-9) and restarted in the middle of a
// stream of log records from two workers (1M records in all; 200k quick).
// Every record must end up exactly once in a log file or be counted as
// dropped: written + log_drops == logged, no duplicates, no torn lines, and
// nothing left unconfirmed. That rests on acknowledged delivery (log_acks,
// adapters/node/log-channels.ts and log-acks.ts) and the logger's write
// journal (app/log-journal.ts); docs/reliability.md has the protocol.
//   a. one logger, killed once; the supervisor restarts it.
//   b. two loggers, logger-1 killed: logger-2 keeps receiving while
//      logger-1 is down; the totals are exact over both files.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeLayout, startCluster, stopCluster, type NodeType } from "../lib/cluster";
import { sizeOf, tally } from "../lib/logs";
import { nowMs, type Proc, type Report } from "../lib/proc";
import type { Ctx, Scenario } from "../lib/scenario";

/** Bytes per fault record line, roughly ({"worker":"worker-1","n":123456}). */
const LINE_BYTES = 32;
const WORKERS = ["worker-1", "worker-2"];

interface Outcome {
  logged: number;
  drops: number;
  unconfirmed: number;
  resent: number;
  acked: number;
}

function workerFinals(proc: Proc): Report[] {
  return WORKERS.map((w) => proc.reports(w).filter((r) => r.ev === "final").pop()).filter((r): r is Report => r !== undefined);
}

function sum(finals: Report[]): Outcome {
  const o: Outcome = { logged: 0, drops: 0, unconfirmed: 0, resent: 0, acked: 0 };
  for (const f of finals) {
    o.logged += f.logged;
    o.drops += f.counters.log_drops;
    o.unconfirmed += f.counters.log_records_unconfirmed;
    o.resent += f.counters.log_records_resent;
    o.acked += f.counters.log_records_acked;
  }
  return o;
}

/** Run a cluster with `loggers`, kill `victim` once the files hold `killAt` of the records, check the totals. */
async function run(ctx: Ctx, part: string, loggers: string[], victim: string, total: number, holdUntilKill = false): Promise<void> {
  const nodes: Record<string, NodeType> = { manager: "manager" };
  for (const l of loggers) nodes[l] = "logger";
  for (const w of WORKERS) nodes[w] = "worker";
  const { layout } = await makeLayout(ctx, nodes);
  const { proc, dir } = startCluster(ctx, {
    layout,
    scripts: ["log-flood.mjs"],
    env: {
      FAULT_RECORDS: String(total / WORKERS.length),
      FAULT_WAIT_FOR: loggers.join(","),
      // With a second logger: the workers pause at half their records until
      // they see the victim go down, so records are certainly logged while it
      // is down (on a fast machine they could all be written before the kill).
      ...(holdUntilKill ? { FAULT_HOLD_AT: String(total / WORKERS.length / 2), FAULT_HOLD_FOR: victim } : {}),
    },
  });
  // One receiver writes to logs/, several to logs/<name>/ (the supervisor's rule).
  const fileOf = (l: string) => join(dir, "logs", ...(loggers.length > 1 ? [l] : []), "fault.log");
  const files = loggers.map(fileOf);
  const bytes = () => files.reduce((a, f) => a + sizeOf(f), 0);

  await proc.waitFor(() => WORKERS.every((w) => proc.reports(w).some((r) => r.ev === "logging")), "the workers to start logging", 60_000);
  const t0 = nowMs();
  await proc.waitFor(() => bytes() >= total * LINE_BYTES * 0.3, "30% of the records in the files", 120_000);
  const pid = proc.nodePid(victim);
  if (!ctx.check(`${part}: ${victim}'s process found`, pid !== undefined)) return;
  const killedAt = nowMs();
  const atKill = files.map(sizeOf);
  process.kill(pid!, "SIGKILL");
  ctx.log(`${part}: killed ${victim} at ${(bytes() / LINE_BYTES / 1000).toFixed(0)}k records`);
  const restarted = await proc.waitReport((r) => r.ev === "started" && r.t > killedAt, `${victim} restarted by the supervisor`, 30_000, victim);
  ctx.figure(`${part}_logger_down_ms`, Math.round(restarted.t - killedAt), "ms");
  if (loggers.length > 1) {
    const other = loggers.find((l) => l !== victim)!;
    const i = loggers.indexOf(other);
    const grew = sizeOf(files[i]!) - atKill[i]!;
    ctx.figure(`${part}_${other}_records_while_${victim}_down`, Math.round(grew / LINE_BYTES));
    ctx.check(`${part}: ${other} kept receiving while ${victim} was down`, grew > 0, `${grew} bytes`);
  }
  // The workers log records of their own about the restart (cluster.log's
  // node_down / got hello): stopping before their PUSH has reconnected to
  // the restarted logger would leave those unconfirmed, a race of the
  // scenario, not a loss.
  await proc.waitFor(
    () => WORKERS.every((w) => proc.reports(w).some((r) => r.ev === "receivers_connected" && r.after === victim && r.t > killedAt)),
    `both workers connected to the restarted ${victim} again`,
    30_000,
  );
  await proc.waitFor(() => WORKERS.every((w) => proc.reports(w).some((r) => r.ev === "settled")), "both workers settled (everything acknowledged or counted)", 240_000);
  const elapsed = (nowMs() - t0) / 1000;
  const exit = await stopCluster(proc, 60_000);
  ctx.check(`${part}: the cluster stops cleanly`, exit.code === 0, JSON.stringify(exit));

  const finals = workerFinals(proc);
  if (!ctx.check(`${part}: both workers reported their final counters`, finals.length === WORKERS.length)) return;
  const o = sum(finals);
  const t = tally(files);
  const loggerFinal = proc.reports(victim).filter((r) => r.ev === "final").pop();
  ctx.figure(`${part}_sent`, o.logged);
  ctx.figure(`${part}_written`, t.unique);
  ctx.figure(`${part}_dropped_counted`, o.drops);
  ctx.figure(`${part}_resent`, o.resent);
  ctx.figure(`${part}_unconfirmed`, o.unconfirmed);
  if (loggerFinal) {
    ctx.figure(`${part}_logger_dropped_duplicates`, loggerFinal.counters.log_records_duplicate);
    ctx.figure(`${part}_logger_dropped_out_of_order`, loggerFinal.counters.log_records_out_of_order);
  }
  ctx.figure(`${part}_records_per_s`, Math.round(o.logged / elapsed), "/s");
  ctx.check(`${part}: every record logged was logged (${total.toLocaleString("en-US")})`, o.logged === total, `${o.logged}`);
  ctx.check(`${part}: written + counted drops == sent`, t.unique + o.drops === o.logged, `${t.unique} + ${o.drops} vs ${o.logged}`);
  ctx.check(`${part}: no record written twice`, t.duplicates === 0, `${t.duplicates}`);
  ctx.check(`${part}: no torn line`, t.torn === 0, `${t.torn}`);
  ctx.check(`${part}: nothing left unconfirmed`, o.unconfirmed === 0, `${o.unconfirmed}`);
  // The workers' acknowledged records are their fault records plus their cluster.log lines.
  const clusterLines = loggers
    .map((l) => join(dir, "logs", ...(loggers.length > 1 ? [l] : []), "cluster.log"))
    .flatMap((f) => (existsSync(f) ? readFileSync(f, "utf8").split("\n").filter(Boolean) : []))
    .filter((line) => WORKERS.includes(String((JSON.parse(line) as { node?: unknown }).node))).length;
  ctx.check(`${part}: what the workers saw acknowledged is what the files hold`, o.acked === t.unique + clusterLines, `${o.acked} vs ${t.unique} + ${clusterLines}`);
}

export const loggerKill: Scenario = {
  id: "logger-kill",
  title: "3. logger killed -9 mid-stream",
  timeoutMs: { full: 600_000, quick: 240_000 },
  async run(ctx) {
    const total = ctx.quick ? 200_000 : 1_000_000;
    await run(ctx, "a", ["logger"], "logger", total);
    await run(ctx, "b", ["logger-1", "logger-2"], "logger-1", total, true);
  },
};
