// npm run build: the two builds of the core, then the Node bundles.
//   build/core.wasm (+ build/core.js bindings)   AssemblyScript, from core/index.ts
//   dist/core.js                                 esbuild, from the same file
//   dist/*.js                                    the adapter, tools and CLI
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { build } from "esbuild";

const quiet = process.argv.includes("--quiet");
const log = (s) => quiet || console.log(s);

// asc prints an INFO line for every `map.get(k)!` (needed by tsc, a no-op for
// asc); keep its real warnings and errors.
const asc = execFileSync("npx", ["asc", "--config", "asconfig.json", "--target", "release"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
if (asc.trim()) log(asc);
log(`build/core.wasm  ${statSync("build/core.wasm").size} bytes`);

const common = { bundle: true, format: "esm", sourcemap: true, logLevel: quiet ? "warning" : "info" };
await build({ ...common, entryPoints: ["core/index.ts"], outfile: "dist/core.js", platform: "neutral" });
await build({
  ...common,
  platform: "node",
  target: "node20",
  entryPoints: { replay: "adapters/vectors/replay-cli.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  // The core builds are loaded at run time by path; never inline them.
  external: ["zeromq", "msgpackr", "../core/index"],
});
