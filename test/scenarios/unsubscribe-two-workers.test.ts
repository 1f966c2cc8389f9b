// testing/btest/cluster/zeromq/unsubscribe-two-workers.zeek (layout simple;
// manager, worker-1, worker-2 run): a topic two workers share raises exactly
// one subscription and, only once both dropped it, exactly one
// unsubscription. Upstream compares sorted output (diff-sort); so do we.
import { expect, it } from "vitest";
import { layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("unsubscribe-two-workers", async () => {
  const run = await ClusterRun.start({
    name: "unsubscribe-two-workers",
    // Only the nodes upstream starts (its layout also lists a logger and a proxy).
    layout: await layout({ manager: "manager", "worker-1": "worker", "worker-2": "worker" }),
    scripts: ["unsubscribe-two-workers.mjs"],
  });
  const exit = await run.waitForExit();
  expect(run.stdout("manager").sort()).toEqual([
    "A node_up, worker-1",
    "A node_up, worker-2",
    "B subscription, /test/worker-1",
    "B subscription, /test/worker-2",
    "B subscription, /test/worker-common",
    "C subscribing to /test/manager-common",
    "D unsubscription, /test/worker-1",
    "D unsubscription, /test/worker-2",
    "D unsubscription, /test/worker-common",
    "E unsubscribing from /test/manager-common",
    "Z node_down, worker-1",
    "Z node_down, worker-2",
  ]);
  // Sorting hides order; the point of the test is an order: the shared
  // topic's one unsubscription comes only after both workers dropped it.
  const out = run.stdout("manager");
  expect(out.indexOf("D unsubscription, /test/worker-common")).toBeGreaterThan(out.indexOf("C subscribing to /test/manager-common"));
  for (const w of ["worker-1", "worker-2"]) {
    expect(run.stdout(w).sort()).toEqual([
      "A start_test",
      "B subscription, /test/manager-common",
      "C unsubscribe from /test/worker-common",
      "C unsubscription, /test/manager-common",
      "D /test/manager-common unsubscribed, terminate()",
    ]);
  }
  expect(exit).toEqual({ code: 0, signal: null });
});
