// The `zmq-cluster` command the fault scenarios run: app/cli.ts bundled from
// the current sources (never a stale dist/), content-addressed under
// node_modules/.cache so that a rebuild happens only when a source changed.
// Same recipe, and the same cache folder, as test/scenarios/harness/cli.ts
// (which cannot be imported from the bundled runner: it finds the sources
// relative to its own file).
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { ROOT } from "./root";

const SOURCES = ["app", "adapters/node", "adapters/core-api.ts", "core", "package.json"];
const EXTERNAL = ["zeromq", "msgpackr", "zod", "commander", "playwright-core"];

let built: Promise<string> | undefined;

/** Path of a cli.js built from the current sources. */
export function faultCli(): Promise<string> {
  built ??= buildCli();
  return built;
}

async function buildCli(): Promise<string> {
  const hash = createHash("sha256");
  for (const f of SOURCES.flatMap((s) => files(join(ROOT, s))).sort()) hash.update(f).update(readFileSync(f));
  const cache = join(ROOT, "node_modules/.cache/zmq-cluster-scenarios");
  const dir = join(cache, hash.digest("hex").slice(0, 16));
  const cli = join(dir, "dist/cli.js");
  if (existsSync(cli)) return cli;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const common = { bundle: true, format: "esm", sourcemap: true, logLevel: "warning", platform: "node", target: "node20" } as const;
  await build({ ...common, entryPoints: [join(ROOT, "core/index.ts")], outfile: join(tmp, "dist/core.js"), platform: "neutral" });
  await build({ ...common, entryPoints: { cli: join(ROOT, "app/cli.ts") }, outdir: join(tmp, "dist"), external: EXTERNAL });
  copyFileSync(join(ROOT, "adapters/node/broker-worker.mjs"), join(tmp, "dist/broker-worker.mjs"));
  mkdirSync(cache, { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // someone else built the same sources
  }
  return cli;
}

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => files(join(p, n)));
}
