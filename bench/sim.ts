// The core alone at scale: test/sim's SimCluster (every core instance in
// one process, an in-process model of libzmq's XPUB/XSUB broker, a virtual
// clock) brings up a cluster of `size` nodes until every node has seen
// node_up for every other one.

import { loadCore, type CoreBuild } from "../adapters/core-api";
import { SimCluster, type SimNodeSpec } from "../test/sim/cluster";

export function simLayout(size: number): SimNodeSpec[] {
  const nodes: SimNodeSpec[] = [{ name: "manager", type: "manager" }];
  const loggers = Math.max(1, Math.floor(size / 250));
  const proxies = Math.max(1, Math.floor(size / 50));
  for (let i = 1; i <= loggers; i++) nodes.push({ name: `logger-${i}`, type: "logger" });
  for (let i = 1; i <= proxies; i++) nodes.push({ name: `proxy-${i}`, type: "proxy" });
  for (let i = 1; nodes.length < size; i++) nodes.push({ name: `worker-${i}`, type: "worker" });
  return nodes;
}

export async function simConverge(build: CoreBuild, size: number): Promise<{ seconds: number; deliveries: number }> {
  const api = await loadCore(build);
  const sim = new SimCluster(api, simLayout(size), { record: false });
  const t0 = performance.now();
  sim.startAll();
  sim.drainByChannel();
  const seconds = (performance.now() - t0) / 1000;
  const ups = sim.totalNodeUps();
  const mesh = sim.fullMesh();
  const deliveries = sim.stats.deliveries;
  sim.destroy();
  if (ups !== size * (size - 1) || !mesh) throw new Error(`${build}: ${ups} node_up of ${size * (size - 1)}, full mesh ${mesh}`);
  return { seconds, deliveries };
}
