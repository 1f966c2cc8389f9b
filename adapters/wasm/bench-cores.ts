// Which core build should the Node adapter use by default? Times the
// adapter's hot paths (adapters/node/core-host.ts: every input is followed
// by pollOutputs + pollTimeout) on the js build, the wasm build through
// AssemblyScript's bindings, and build/core.wasm through the raw ABI.
//
//   npm run build && npx esbuild adapters/wasm/bench-cores.ts --bundle \
//     --platform=node --format=esm --outfile=build/bench-cores.mjs && node build/bench-cores.mjs

import { performance } from "node:perf_hooks";
import { loadCore, type CoreApi } from "../core-api";
import { loadAbiCore } from "./load-node";
import { packageRoot } from "./package-root";

const N = 200_000;

function setup(api: CoreApi): number {
  const h = api.coreCreate("worker-1", "zeromq_worker-1_h_2_NB");
  api.addNode(h, "manager", 1, "127.0.0.1", 0);
  api.addNode(h, "worker-1", 4, "127.0.0.1", 0);
  api.setLogBatching(h, 1000, 1000);
  return h;
}

const cases: Record<string, (api: CoreApi, h: number, i: number) => void> = {
  // Node#write: logWrite + settle (a batch output every 1000th call).
  "log write": (api, h, i) => {
    api.logWrite(h, 0, i);
    api.pollOutputs(h);
    api.pollTimeout(h);
  },
  // A received event: frame check, admission, delivery.
  "event in": (api, h) => {
    api.checkFrames(h, 0, 4);
    api.admitEvent(h);
    api.eventsDelivered(h, 1);
    api.pollOutputs(h);
  },
  // An XPUB frame: one string across the boundary.
  "subscription": (api, h, i) => {
    api.handleSubscription(h, "zeek.cluster.worker", i);
    api.pollOutputs(h);
    api.pollTimeout(h);
  },
};

async function main(): Promise<void> {
  const root = new URL(`file://${packageRoot()}/`);
  const builds: [string, CoreApi][] = [
    ["js", await loadCore("js", root)],
    ["wasm (bindings)", await loadCore("wasm", root)],
    ["wasm-abi", await loadAbiCore()],
  ];
  for (const [name, run] of Object.entries(cases)) {
    for (const [build, api] of builds) {
      const h = setup(api);
      api.registerLogStream(h, "conn", "default", "conn", "Ascii");
      for (let i = 0; i < 20_000; i++) run(api, h, i); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < N; i++) run(api, h, i);
      const ms = performance.now() - t0;
      api.coreDestroy(h);
      console.log(`${name.padEnd(14)} ${build.padEnd(16)} ${((ms * 1e6) / N).toFixed(0).padStart(6)} ns/op`);
    }
  }
}

await main();
