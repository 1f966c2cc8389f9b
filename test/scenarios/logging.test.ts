// testing/btest/cluster/zeromq/logging.zeek (layout simple, all 5 nodes,
// Log::flush_interval=0.01): full-mesh discovery and remote logging. The
// logger's cluster.log holds the 20 `got hello from` lines, its node_up.log
// the 20 node_up records of every node, and the orderly shutdown (logger
// last) loses none of them.
import { expect, it } from "vitest";
import { SIMPLE, layout } from "./harness/layouts";
import { expectLoggingBaseline } from "./harness/logging-baseline";
import { ClusterRun } from "./harness/run";

it("logging", async () => {
  const run = await ClusterRun.start({
    name: "logging",
    layout: await layout(SIMPLE, { zeromq: { flush_interval: 0.01 } }),
    scripts: ["logging.mjs"],
  });
  const exit = await run.waitForExit();
  expectLoggingBaseline(run);
  expect(exit).toEqual({ code: 0, signal: null });
});
