// The flat core API (core/index.ts) as a type, and loaders for its builds.
//
// Both builds export the same functions: dist/core.js (esbuild) and
// build/core.js (AssemblyScript's bindings over build/core.wasm). Hosts and
// tests are written once against `CoreApi` and pick a build at run time.

export type CoreApi = typeof import("../core/index");

/** The builds of the core that speak the flat API directly. */
export type CoreBuild = "js" | "wasm";

export const CORE_BUILDS: readonly CoreBuild[] = ["js", "wasm"];

/**
 * Import a build of the core. `root` is the package root URL (the folder
 * that holds dist/ and build/); the default works from dist/ bundles.
 */
export async function loadCore(build: CoreBuild, root: URL = new URL("../", import.meta.url)): Promise<CoreApi> {
  const file = build === "js" ? "dist/core.js" : "build/core.js";
  const url = new URL(file, root);
  try {
    return (await import(url.href)) as CoreApi;
  } catch (err) {
    throw new Error(`cannot load the ${build} build of the core from ${url.pathname}: run \`npm run build\` first (${(err as Error).message})`);
  }
}
