// testing/btest/cluster/zeromq/manager-is-logger.zeek (layout no-logger:
// manager with the log port, proxy, worker-1, worker-2): logs are pushed to
// the manager, whose cluster.log gets the 12 `got hello from` lines and
// whose node_up.log gets the 12 node_up records.
import { expect, it } from "vitest";
import { helloBaseline, normalizeHello, pairBaseline } from "./harness/baselines";
import { NO_LOGGER, layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

const FOUR = ["manager", "proxy", "worker-1", "worker-2"];

it("manager-is-logger", async () => {
  const run = await ClusterRun.start({
    name: "manager-is-logger",
    layout: await layout(NO_LOGGER, { managerIsLogger: true, zeromq: { flush_interval: 0.01 } }),
    scripts: ["manager-is-logger.mjs"],
  });
  const exit = await run.waitForExit();
  expect(normalizeHello(run.readLog("logs/cluster.log")).lines).toEqual(helloBaseline(FOUR));
  expect(run.readLog("logs/node_up.log").map((r) => `${String(r.self)} ${String(r.node)}`).sort()).toEqual(pairBaseline(FOUR));
  expect(run.stdout("manager").sort()).toEqual([
    "A node_up, proxy",
    "A node_up, worker-1",
    "A node_up, worker-2",
    "B nodes_up, 2",
    "B nodes_up, 3",
    "B nodes_up, 4",
    "D node_down, proxy",
    "D node_down, worker-1",
    "D node_down, worker-2",
    "zeek_init, manager",
  ]);
  for (const n of ["proxy", "worker-1", "worker-2"]) expect(run.stdout(n)).toContain("finish from manager");
  expect(exit).toEqual({ code: 0, signal: null });
});
