// The core's hot path as the Node host drives it, through each build:
// one op = a subscription frame for a topic already seen (membership's
// de-duplication: at scale every node sees every subscription once per
// subscriber) + one log write (batching; every 1000th flushes a batch) +
// the host's settle. Both go through adapters/node/core-host.ts, the Node
// host's own code: the frame by its interned topic id
// (CoreHost.subscriptionFrame), the settle as settleTimeout, then
// pollOutputs + pollTimeout only when outputs are pending.
//
// `legacy` runs the op the way the host did before topic ids and
// settleTimeout existed (string topic; outputCount, pollOutputs when > 0,
// pollTimeout), for before/after figures in the same run.

import { CoreHost } from "../adapters/node/core-host";
import { loadCore, type CoreBuild } from "../adapters/core-api";

export async function coreOps(build: CoreBuild, ms: number, legacy = false, root?: URL): Promise<number> {
  // `root`: another package root to load the build from (before/after runs of two builds in one process).
  const api = await loadCore(build, root);
  const h = api.coreCreate("worker-1", "zeromq_worker-1_bench_1_Nbench");
  api.addNode(h, "manager", 1, "127.0.0.1", 0);
  api.addNode(h, "worker-1", 4, "127.0.0.1", 0);
  api.setLogBatching(h, 1000, 1000);
  const key = api.registerLogStream(h, "Conn::LOG", "default", "conn", "Log::WRITER_ASCII");
  const topic = "zeek.cluster.worker";
  let batches = 0;
  const host = new CoreHost(api, h, (o) => {
    if (o.kind === 9) batches++;
  });
  host.subscriptionFrame(true, topic, 0);
  host.settle();
  let now = 0;
  const op = legacy
    ? () => {
        now += 0.001;
        api.handleSubscription(h, topic, now);
        api.logWrite(h, key, now);
        if (api.outputCount(h) > 0) batches += api.pollOutputs(h).length;
        api.pollTimeout(h);
      }
    : () => {
        now += 0.001;
        host.subscriptionFrame(true, topic, now);
        api.logWrite(h, key, now);
        host.settle();
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
  host.close();
  if (batches !== Math.floor((n + 50_000) / 1000)) throw new Error(`${build}: ${batches} log batches for ${n + 50_000} writes`);
  return (n * 1000) / (t - t0);
}
