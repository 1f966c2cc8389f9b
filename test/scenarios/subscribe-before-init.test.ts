// testing/btest/cluster/zeromq/subscribe-before-init.zeek (layout simple;
// manager and worker-1 run): a subscription made before the node starts
// neither blocks start-up nor gets lost.
import { expect, it } from "vitest";
import { layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("subscribe-before-init", async () => {
  const run = await ClusterRun.start({
    name: "subscribe-before-init",
    // Only the nodes upstream starts (its layout also lists a logger, a proxy and worker-2).
    layout: await layout({ manager: "manager", "worker-1": "worker" }),
    scripts: ["subscribe-before-init.mjs"],
  });
  const exit = await run.waitForExit();
  expect(run.stdout("manager")).toEqual(["test(), 42"]);
  expect(run.stdout("worker-1")).toEqual(["node_up, manager", "finish"]);
  expect(exit).toEqual({ code: 0, signal: null });
});
