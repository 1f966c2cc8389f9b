// testing/btest/cluster/zeromq/supervisor-runs-zmq-proxy-and-connects.zeek:
// the supervisor hosts the broker and, though it is no cluster node, uses
// pub/sub with the nodes (a --supervisor-script with the pub/sub-only
// client): two rounds of we_are_all_up() from all five nodes, then the
// supervisor stops the cluster.
import { expect, it } from "vitest";
import { SIMPLE, layout } from "./harness/layouts";
import { FIVE } from "./harness/logging-baseline";
import { ClusterRun } from "./harness/run";

it("supervisor-runs-zmq-proxy-and-connects", async () => {
  const run = await ClusterRun.start({
    name: "supervisor-runs-zmq-proxy-and-connects",
    // hello_expiration as in supervisor-runs-zmq-proxy: were the supervisor's
    // client to look like a node (a nodeid subscription), nodes would warn.
    layout: await layout(SIMPLE, { zeromq: { hello_expiration: 1 } }),
    proxy: "supervisor",
    scripts: ["supervisor-connects-node.mjs"],
    supervisorScripts: ["supervisor-connects-supervisor.mjs"],
  });
  const exit = await run.waitForExit();
  // Upstream's supervisor/.stdout: what the supervisor script printed.
  expect(run.unprefixed("out")).toEqual([
    "we_are_all_up, round, 1, nodes_up, 1",
    "we_are_all_up, round, 1, nodes_up, 2",
    "we_are_all_up, round, 1, nodes_up, 3",
    "we_are_all_up, round, 1, nodes_up, 4",
    "we_are_all_up, round, 1, nodes_up, 5",
    "we_are_all_up, round, 2, nodes_up, 1",
    "we_are_all_up, round, 2, nodes_up, 2",
    "we_are_all_up, round, 2, nodes_up, 3",
    "we_are_all_up, round, 2, nodes_up, 4",
    "we_are_all_up, round, 2, nodes_up, 5",
    "got all we_are_all_up round 2",
  ]);
  for (const n of FIVE) {
    expect(run.stdout(n)).toEqual(["cluster_started", "got you_are_all_up, 1"]);
    // Upstream's supervisor stderr says `received termination signal`; here
    // the supervisor says why it stops on stdout, and each node, stopped by
    // SIGTERM from it, says this on its stderr.
    expect(run.stderr(n)).toEqual(["received termination signal"]);
  }
  expect(run.unprefixed("err")).toEqual([]);
  expect(exit).toEqual({ code: 0, signal: null });
});
