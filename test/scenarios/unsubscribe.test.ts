// testing/btest/cluster/zeromq/unsubscribe.zeek (layout simple; only the
// manager and worker-1 run): subscription and unsubscription events in
// upstream's order on both sides.
import { expect, it } from "vitest";
import { layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("unsubscribe", async () => {
  const run = await ClusterRun.start({
    name: "unsubscribe",
    // Upstream's layout also lists a logger, proxy and worker-2 that this
    // test never starts; our supervisor starts every node of its layout, so
    // the layout holds just the two that run (the manager receives logs).
    layout: await layout({ manager: "manager", "worker-1": "worker" }),
    scripts: ["unsubscribe.mjs"],
  });
  const exit = await run.waitForExit();
  expect(run.stdout("manager")).toEqual([
    "node_up, worker-1",
    "subscription, /test/worker/topic",
    "unsubscription, /test/worker/topic",
    "node_down, worker-1",
  ]);
  expect(run.stdout("worker-1")).toEqual([
    "start_test",
    "subscription, /test/manager/topic",
    "unsubscription, /test/manager/topic",
    "done",
  ]);
  expect(exit).toEqual({ code: 0, signal: null });
});
