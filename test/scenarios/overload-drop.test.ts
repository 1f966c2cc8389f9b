// testing/btest/cluster/zeromq/overload-drop.zeek (layout no-logger; low
// HWMs): drops happen and are counted on the right side — xpub_drops on the
// senders, onloop_drops on the manager — nothing deadlocks, and finish()
// still gets through. Upstream's counts (500 events per 1 ms tick) unchanged.
import { expect, it } from "vitest";
import { NO_LOGGER, layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("overload-drop", async () => {
  const run = await ClusterRun.start({
    name: "overload-drop",
    layout: await layout(NO_LOGGER, { zeromq: { xpub_sndhwm: 100, xsub_rcvhwm: 50, onloop_queue_hwm: 50 } }),
    scripts: ["overload-drop.mjs"],
  });
  const exit = await run.waitForExit();
  expect(run.stdout("manager")).toEqual([
    "nodes_up, 1",
    "nodes_up, 2",
    "nodes_up, 3",
    "sending first finish",
    "nodes_down, 1",
    "nodes_down, 2",
    "nodes_down, 3",
    "had onloop_drops?, T",
    "node proxy dropped=T",
    "node worker-1 dropped=T",
    "node worker-2 dropped=T",
  ]);
  for (const n of ["proxy", "worker-1", "worker-2"]) {
    expect(run.stdout(n)).toEqual(["had xpub_drops?, T", "had onloop_drops?, F"]);
  }
  expect(exit).toEqual({ code: 0, signal: null });
});
