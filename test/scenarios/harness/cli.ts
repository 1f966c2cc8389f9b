// The `zmq-cluster` command as the scenarios run it: app/cli.ts bundled
// exactly as scripts/build.mjs bundles dist/cli.js (esbuild, runtime
// dependencies external, the JS core next to it), but from the current
// sources into a content-addressed folder under node_modules/.cache. So the
// scenarios always test the code in the tree — never a stale dist/ — and
// parallel test files (or other builds of dist/) cannot race on one output.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "../../..");
const SOURCES = ["app", "adapters/node", "adapters/core-api.ts", "core", "package.json"];
const EXTERNAL = ["zeromq", "msgpackr", "zod", "commander", "playwright-core"];

let built: Promise<string> | undefined;

/** Path of a cli.js built from the current sources (built once per content). */
export function scenarioCli(): Promise<string> {
  built ??= buildCli();
  return built;
}

async function buildCli(): Promise<string> {
  const hash = createHash("sha256");
  for (const f of SOURCES.flatMap((s) => files(join(ROOT, s))).sort()) {
    hash.update(f).update(readFileSync(f));
  }
  const cache = join(ROOT, "node_modules/.cache/zmq-cluster-scenarios");
  const dir = join(cache, hash.digest("hex").slice(0, 16));
  const cli = join(dir, "dist/cli.js");
  if (existsSync(cli)) return cli;

  // Build next to the final folder, then rename: whoever renames first wins.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const common = { bundle: true, format: "esm", sourcemap: true, logLevel: "warning", platform: "node", target: "node20" } as const;
  await build({ ...common, entryPoints: [join(ROOT, "core/index.ts")], outfile: join(tmp, "dist/core.js"), platform: "neutral" });
  await build({ ...common, entryPoints: { cli: join(ROOT, "app/cli.ts") }, outdir: join(tmp, "dist"), external: EXTERNAL });
  copyFileSync(join(ROOT, "adapters/node/broker-worker.mjs"), join(tmp, "dist/broker-worker.mjs"));
  mkdirSync(cache, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker built the same sources
  }
  return cli;
}

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => files(join(p, n)));
}
