// `npm run bench`: bundle bench/run.ts (esbuild, well under a second), make
// sure the builds it drives exist and are not older than their sources
// (else run `npm run build` first), then run it with the given arguments.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|mjs)$/.test(e.name)) t = Math.max(t, statSync(join(root, p)).mtimeMs);
  }
  return t;
};
const mtime = (f) => {
  try {
    return statSync(join(root, f)).mtimeMs;
  } catch {
    return 0;
  }
};
const sources = Math.max(newest("core"), newest("adapters"), newest("app"));
if (["dist/core.js", "build/core.wasm", "dist/cli.js", "dist/index.js"].some((f) => mtime(f) < sources)) {
  process.stderr.write("[bench] the builds are older than the sources: npm run build\n");
  const r = spawnSync(process.execPath, [join(root, "scripts", "build.mjs"), "--quiet"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await build({
  entryPoints: { bench: join(root, "bench", "run.ts") },
  outdir: join(root, "dist"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  logLevel: "warning",
  // Installed packages stay packages; the core builds are loaded by path at run time.
  packages: "external",
});
const r = spawnSync(process.execPath, [join(root, "dist", "bench.mjs"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
