// testing/btest/cluster/zeromq/overload-worker-proxy-topic-drop.zeek (layout
// no-logger; low HWMs): peer-to-peer broadcast overload between the proxy
// and the workers. Every one of them has xpub_drops and onloop_drops and
// sees gaps from both peers; the manager, which only coordinates, has
// neither; nothing locks up. Upstream's counts (500 per 1 ms tick) unchanged.
import { expect, it } from "vitest";
import { NO_LOGGER, layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

it("overload-worker-proxy-topic-drop", async () => {
  const run = await ClusterRun.start({
    name: "overload-worker-proxy-topic-drop",
    layout: await layout(NO_LOGGER, { zeromq: { xpub_sndhwm: 100, xsub_rcvhwm: 50, onloop_queue_hwm: 50 } }),
    scripts: ["overload-worker-proxy-topic-drop.mjs"],
  });
  const exit = await run.waitForExit();
  expect(run.stdout("manager")).toEqual([
    "nodes_up, 1",
    "nodes_up, 2",
    "nodes_up, 3",
    "nodes_done, 1",
    "nodes_done, 2",
    "nodes_done, 3",
    "sending first finish",
    "nodes_down, 1",
    "nodes_down, 2",
    "nodes_down, 3",
    "had xpub_drops?, F",
    "had onloop_drops?, F",
  ]);
  expect(run.stdout("proxy")).toEqual(["had xpub_drops?, T", "had onloop_drops?, T", "node worker-1 dropped=T", "node worker-2 dropped=T"]);
  expect(run.stdout("worker-1")).toEqual(["had xpub_drops?, T", "had onloop_drops?, T", "node proxy dropped=T", "node worker-2 dropped=T"]);
  expect(run.stdout("worker-2")).toEqual(["had xpub_drops?, T", "had onloop_drops?, T", "node proxy dropped=T", "node worker-1 dropped=T"]);
  expect(exit).toEqual({ code: 0, signal: null });
});
