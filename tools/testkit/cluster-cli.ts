// The `zmq-cluster` command as the scenario tests and the fault suite run
// it: app/cli.ts bundled exactly as scripts/build.mjs bundles dist/cli.js
// (esbuild, runtime dependencies external, the JS core next to it), but from
// the current sources into a content-addressed folder under
// node_modules/.cache. So they always run the code in the tree — never a
// stale dist/ — and parallel runs (or other builds of dist/) cannot race on
// one output: a rebuild happens only when a source changed.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const SOURCES = ["app", "adapters/node", "adapters/core-api.ts", "core", "package.json"];

const built = new Map<string, Promise<string>>();

/** Path of a cli.js built from the sources of the package at `root` (built once per content). */
export function bundledCli(root: string): Promise<string> {
  let p = built.get(root);
  if (!p) built.set(root, (p = buildCli(root)));
  return p;
}

async function buildCli(root: string): Promise<string> {
  const hash = createHash("sha256");
  for (const f of SOURCES.flatMap((s) => files(join(root, s))).sort()) hash.update(f).update(readFileSync(f));
  const cache = join(root, "node_modules/.cache/zmq-cluster-scenarios");
  const dir = join(cache, hash.digest("hex").slice(0, 16));
  const cli = join(dir, "dist/cli.js");
  if (existsSync(cli)) return cli;

  // Build next to the final folder, then rename: whoever renames first wins.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const common = { bundle: true, format: "esm", sourcemap: true, logLevel: "warning", platform: "node", target: "node20" } as const;
  await build({ ...common, entryPoints: [join(root, "core/index.ts")], outfile: join(tmp, "dist/core.js"), platform: "neutral" });
  await build({ ...common, entryPoints: { cli: join(root, "app/cli.ts") }, outdir: join(tmp, "dist"), packages: "external" }); // installed packages stay packages, as in the published build
  copyFileSync(join(root, "adapters/node/broker-worker.mjs"), join(tmp, "dist/broker-worker.mjs"));
  mkdirSync(cache, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process built the same sources
  }
  return cli;
}

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => files(join(p, n)));
}
