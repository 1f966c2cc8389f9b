// testing/btest/cluster/zeromq/overload-worker-proxy-topic-no-drop.zeek
// (layout no-logger; xpub_sndhwm=0, onloop_queue_hwm=0): peer-to-peer
// broadcast without a single drop or gap, more than 5k events from each
// peer. Reduced: 1 s of publishing instead of 5 s (see the script).
import { expect, it } from "vitest";
import { NO_LOGGER, layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

const TEST_NODES = ["proxy", "worker-1", "worker-2"];

it("overload-worker-proxy-topic-no-drop", async () => {
  const run = await ClusterRun.start({
    name: "overload-worker-proxy-topic-no-drop",
    layout: await layout(NO_LOGGER, { zeromq: { xpub_sndhwm: 0, onloop_queue_hwm: 0 } }),
    scripts: ["overload-worker-proxy-topic-no-drop.mjs"],
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
  ]);
  for (const n of TEST_NODES) {
    expect(run.stdout(n)).toEqual([
      "nodes_done, 1",
      "nodes_done, 2",
      "nodes_done, 3",
      "had xpub_drops?, F",
      "had onloop_drops?, F",
      "sent more than 5k?, T",
      ...TEST_NODES.filter((p) => p !== n).map((p) => `node ${p} dropped=0 got more than 5k? T`),
    ]);
  }
  expect(exit).toEqual({ code: 0, signal: null });
});
