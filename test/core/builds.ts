// Loading the two builds of the core for tests, refusing stale ones.
//
// The suites test what `npm run build` produced (dist/core.js, build/core.wasm
// and dist/replay.mjs), not the TypeScript sources, so a build older than the
// sources would silently test old code. Fail loudly instead.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CORE_BUILDS, loadCore, type CoreApi, type CoreBuild } from "../../adapters/core-api";

export { CORE_BUILDS, type CoreApi, type CoreBuild };

/** The repository root (holds core/, dist/, build/). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(join(REPO_ROOT, p)).mtimeMs);
  }
  return newest;
}

/** Throw a clear error when `artifact` is missing or older than any .ts under `sourceDirs`. */
export function assertFresh(artifact: string, sourceDirs: string[]): void {
  let built: number;
  try {
    built = statSync(join(REPO_ROOT, artifact)).mtimeMs;
  } catch {
    throw new Error(`${artifact} is missing: run \`npm run build\` before the tests`);
  }
  for (const dir of sourceDirs) {
    if (newestSource(dir) > built) throw new Error(`${artifact} is older than ${dir}/: run \`npm run build\` before the tests`);
  }
}

const ARTIFACT: Record<CoreBuild, string> = { js: "dist/core.js", wasm: "build/core.wasm" };

/** Load a build of the core after checking it is fresh. */
export async function loadBuild(build: CoreBuild): Promise<CoreApi> {
  assertFresh(ARTIFACT[build], ["core"]);
  return loadCore(build, new URL("../../", import.meta.url));
}
