// testing/btest/cluster/zeromq/two-nodes.zeek (layout no-logger, only the
// manager and worker-1 run): node_up both ways, a publish to the worker's
// nodeid topic, node_down when it exits.
import { expect, it } from "vitest";
import { layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("two-nodes", async () => {
  const run = await ClusterRun.start({
    name: "two-nodes",
    layout: await layout({ manager: "manager", "worker-1": "worker" }),
    scripts: ["two-nodes.mjs"],
  });
  const exit = await run.waitForExit();
  expect(run.stdout("manager")).toEqual(["node_up, worker-1", "node_down, worker-1"]);
  expect(run.stdout("worker-1")).toEqual(["node_up, manager"]);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(run.stderr("manager")).toEqual([]);
  expect(run.stderr("worker-1")).toEqual([]);
});
