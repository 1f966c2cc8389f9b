// The flat core API (core/index.ts) as a type, and loaders for its builds.
//
// Both builds export the same functions: dist/core.js (esbuild) and
// build/core.js (AssemblyScript's bindings over build/core.wasm). Hosts and
// tests are written once against `CoreApi` and pick a build at run time.

import { fileURLToPath } from "node:url";

export type CoreApi = typeof import("../core/index");

/** The builds of the core that speak the flat API directly. */
export type CoreBuild = "js" | "wasm";

export const CORE_BUILDS: readonly CoreBuild[] = ["js", "wasm"];

/**
 * What a host may run on: a build above, or "wasm-abi" = build/core.wasm
 * through its raw zc_* ABI (docs/wasm-abi.md, adapters/wasm/abi-core.ts)
 * instead of AssemblyScript's bindings.
 */
export type CoreChoice = CoreBuild | "wasm-abi";

/**
 * Import a build of the core. `root` is the package root URL (the folder
 * that holds dist/ and build/); the default works from dist/ bundles.
 */
export async function loadCore(build: CoreChoice, root: URL = new URL("../", import.meta.url)): Promise<CoreApi> {
  if (build === "wasm-abi") {
    const { loadAbiCore } = await import("./wasm/load-node");
    return loadAbiCore(fileURLToPath(new URL("build/core.wasm", root)));
  }
  const file = build === "js" ? "dist/core.js" : "build/core.js";
  const url = new URL(file, root);
  try {
    return (await import(url.href)) as CoreApi;
  } catch (err) {
    throw new Error(`cannot load the ${build} build of the core from ${url.pathname}: run \`npm run build\` first (${(err as Error).message})`);
  }
}
