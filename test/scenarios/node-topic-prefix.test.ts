// testing/btest/cluster/zeromq/node-topic-prefix.zeek (its own layout:
// manager_is_logger=T, the manager without a log port; workers 1, 2, 10,
// 20): every worker gets exactly its own ping on its node topic.
import { expect, it } from "vitest";
import { layout } from "./harness/layouts";
import { ClusterRun } from "./harness/run";

const WORKERS = ["worker-1", "worker-2", "worker-10", "worker-20"];

it("node-topic-prefix", async () => {
  const run = await ClusterRun.start({
    name: "node-topic-prefix",
    layout: await layout(
      { manager: "manager", ...Object.fromEntries(WORKERS.map((w) => [w, "worker" as const])) },
      { managerIsLogger: true, managerPort: false },
    ),
    scripts: ["node-topic-prefix.mjs"],
  });
  const exit = await run.waitForExit();
  // Upstream runs worker-2's script in worker-10's directory and vice versa
  // to catch mix-ups between output files; our output is tagged by the node
  // that printed it, so each node's lines are checked under its own name.
  expect(run.stdout("manager").sort()).toEqual([
    "A, manager",
    "B node_up - sending ping to 'worker-1'",
    "B node_up - sending ping to 'worker-10'",
    "B node_up - sending ping to 'worker-2'",
    "B node_up - sending ping to 'worker-20'",
    "C pong from 'worker-1' to 'manager'",
    "C pong from 'worker-10' to 'manager'",
    "C pong from 'worker-2' to 'manager'",
    "C pong from 'worker-20' to 'manager'",
    "D node_down from 'worker-1'",
    "D node_down from 'worker-10'",
    "D node_down from 'worker-2'",
    "D node_down from 'worker-20'",
  ]);
  for (const w of WORKERS) {
    expect(run.stdout(w)).toEqual([`A, ${w}`, `B ping from 'manager' to '${w}'`, `C finish from 'manager' to '${w}'`]);
    // Upstream's workers print this non-fatal error too (not diffed there):
    // the manager is the logger but has no port, so there is nowhere to log.
    const stderr = run.stderr(w);
    expect(stderr[0]).toBe("error: No ZeroMQ connect_log_endpoints configured");
    // The manager pings once *it* saw four node_ups, not once the workers
    // saw each other; a worker that finishes and leaves before a slower peer
    // completed its handshake with it makes that peer warn, as upstream's
    // main.zeek does (its test does not diff stderr). Nothing else may appear.
    const benign = new RegExp(`^warning: unsubscription of unknown node with id 'zeromq_(${WORKERS.join("|")})_`);
    expect(stderr.slice(1).filter((l) => !benign.test(l))).toEqual([]);
  }
  expect(exit).toEqual({ code: 0, signal: null });
});
