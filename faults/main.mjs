// `npm run faults`: bundle faults/run.ts (esbuild, well under a second) into
// node_modules/.cache and run it with the given arguments. The command under
// test is bundled from the current sources by the runner itself.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const out = join(root, "node_modules", ".cache", "zmq-cluster-faults");
await build({
  entryPoints: { faults: join(root, "faults", "run.ts") },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  logLevel: "warning",
  packages: "external", // installed packages are imported, never inlined
});
const r = spawnSync(process.execPath, ["--enable-source-maps", join(out, "faults.mjs"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
