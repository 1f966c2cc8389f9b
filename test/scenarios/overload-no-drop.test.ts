// testing/btest/cluster/zeromq/overload-no-drop.zeek (layout no-logger;
// xpub_sndhwm=0, onloop_queue_hwm=0): more than 10k events per sender, no
// gap, no drop on either side. Reduced: 1 s of publishing instead of 5 s
// (see scripts/overload-no-drop.mjs).
import { expect, it } from "vitest";
import { NO_LOGGER, layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("overload-no-drop", async () => {
  const run = await ClusterRun.start({
    name: "overload-no-drop",
    layout: await layout(NO_LOGGER, { zeromq: { xpub_sndhwm: 0, onloop_queue_hwm: 0 } }),
    scripts: ["overload-no-drop.mjs"],
  });
  const exit = await run.waitForExit(90_000);
  expect(run.stdout("manager")).toEqual([
    "nodes_up, 1",
    "nodes_up, 2",
    "nodes_up, 3",
    "nodes_done, 1",
    "nodes_done, 2",
    "nodes_done, 3",
    "sending finish",
    "nodes_down, 1",
    "nodes_down, 2",
    "nodes_down, 3",
    "had xpub_drops?, F",
    "had onloop_drops?, F",
    "node proxy dropped=0 got more than 10k? T",
    "node worker-1 dropped=0 got more than 10k? T",
    "node worker-2 dropped=0 got more than 10k? T",
  ]);
  for (const n of ["proxy", "worker-1", "worker-2"]) {
    expect(run.stdout(n)).toEqual(["had xpub_drops?, F", "had onloop_drops?, F", "sent more than 10k?, T"]);
  }
  expect(exit).toEqual({ code: 0, signal: null });
});
