// The core's hot path as the Node host drives it, through each build:
// one op = a subscription frame for a topic already seen (membership's
// de-duplication: at scale every node sees every subscription once per
// subscriber) + one log write (batching; every 1000th flushes a batch) +
// the host's settle: outputs taken when there are any (outputCount, then
// pollOutputs), and the timer deadline (pollTimeout).

import { loadCore, type CoreBuild } from "../adapters/core-api";

export async function coreOps(build: CoreBuild, ms: number): Promise<number> {
  const api = await loadCore(build);
  const h = api.coreCreate("worker-1", "zeromq_worker-1_bench_1_Nbench");
  api.addNode(h, "manager", 1, "127.0.0.1", 0);
  api.addNode(h, "worker-1", 4, "127.0.0.1", 0);
  api.setLogBatching(h, 1000, 1000);
  const key = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
  const topic = "zeek.cluster.worker";
  api.handleSubscription(h, topic, 0);
  api.pollOutputs(h);
  let batches = 0;
  let now = 0;
  const op = () => {
    now += 0.001;
    api.handleSubscription(h, topic, now);
    api.logWrite(h, key, now);
    if (api.outputCount(h) > 0) batches += api.pollOutputs(h).length;
    api.pollTimeout(h);
  };
  for (let i = 0; i < 50_000; i++) op(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 10_000; i++) op();
    n += 10_000;
    t = performance.now();
  }
  api.coreDestroy(h);
  if (batches !== Math.floor((n + 50_000) / 1000)) throw new Error(`${build}: ${batches} log batches for ${n + 50_000} writes`);
  return (n * 1000) / (t - t0);
}
