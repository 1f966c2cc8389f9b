// The expected outcome of logging.zeek and ipv6-logging.zeek (identical
// baselines): cluster.log.normalized, node_up.sorted and the sorted
// manager.out, read from the logger's files after the cluster stopped.
import { expect } from "vitest";
import { helloBaseline, normalizeHello, pairBaseline } from "./baselines";
import type { ClusterRun } from "./run";

export const FIVE = ["logger", "manager", "proxy", "worker-1", "worker-2"];

export function expectHelloLog(run: ClusterRun, nodes: string[]): void {
  const hello = normalizeHello(run.readLog("logs/cluster.log"));
  expect(hello.lines).toEqual(helloBaseline(nodes));
  for (const [peer, ids] of hello.ids) expect([peer, ids.size]).toEqual([peer, 1]);
}

export function expectLoggingBaseline(run: ClusterRun): void {
  expectHelloLog(run, FIVE);
  const nodeUp = run.readLog("logs/node_up.log").map((r) => `${String(r.self)} ${String(r.node)}`);
  expect(nodeUp.sort()).toEqual(pairBaseline(FIVE));
  expect(run.stdout("manager").sort()).toEqual([
    "A zeek_init, manager",
    "B node_up, logger",
    "B node_up, proxy",
    "B node_up, worker-1",
    "B node_up, worker-2",
    "B nodes_up, 2",
    "B nodes_up, 3",
    "B nodes_up, 4",
    "B nodes_up, 5",
    "C send_finish",
    "D node_down, logger",
    "D node_down, proxy",
    "D node_down, worker-1",
    "D node_down, worker-2",
    "D send_finish to logger",
  ]);
  // Not diffed upstream, but what makes it a clean run: finish() reached
  // every other node through its node topic, and nobody warned.
  for (const n of FIVE.filter((n) => n !== "manager")) {
    expect(run.stdout(n)).toContain("finish from manager");
    expect(run.stderr(n)).toEqual([]);
  }
  expect(run.stderr("manager")).toEqual([]);
}
