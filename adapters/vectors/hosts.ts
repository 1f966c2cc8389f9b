// Every host the vectors can be replayed through, by `--core` name.
//
// js and wasm speak the flat API (esbuild build, AssemblyScript bindings);
// wasm-abi, c and browser drive build/core.wasm through the raw zc_* ABI of
// docs/wasm-abi.md from Node, from a wasm2c-compiled C program and from
// headless Chromium. The last three are imported on demand so that the
// common case needs neither a C toolchain nor playwright-core.

import { loadCore } from "../core-api";
import type { VectorHost } from "./driver";
import { flatHost } from "./flat-host";

export type HostFactory = () => Promise<VectorHost & { dispose?: () => Promise<void> | void }>;

export const VECTOR_HOSTS: Record<string, HostFactory> = {
  js: async () => flatHost(await loadCore("js")),
  wasm: async () => flatHost(await loadCore("wasm")),
  "wasm-abi": async () => flatHost(await loadCore("wasm-abi")),
  c: async () => (await import("../c/c-host")).cHost(),
  browser: async () => (await import("../browser/browser-host")).browserHost(),
};
