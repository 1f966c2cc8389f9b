// npm run build: the two builds of the core, then the Node bundles.
//   build/core.wasm (+ build/core.js bindings)   AssemblyScript, from core/index.ts
//   dist/core.js                                 esbuild, from the same file
//   dist/*.js                                    the adapter, tools and CLI
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { build } from "esbuild";

const quiet = process.argv.includes("--quiet");
const log = (s) => quiet || console.log(s);

// asc prints an INFO line for every `map.get(k)!` (needed by tsc, a no-op for
// asc); keep its real warnings and errors.
// asc-gc-counter.mjs wires core/abi.ts's collection policy to the minimal
// runtime's byte count (see there).
const asc = execFileSync("npx", ["asc", "--config", "asconfig.json", "--target", "release", "--transform", "./scripts/asc-gc-counter.mjs"], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
if (asc.trim()) log(asc);
// The module is shipped to browsers and compiled by wasm2c: keep it small.
const WASM_BUDGET = 64 * 1024;
const wasmSize = statSync("build/core.wasm").size;
log(`build/core.wasm  ${wasmSize} bytes (budget ${WASM_BUDGET})`);
if (wasmSize > WASM_BUDGET) console.warn(`warning: build/core.wasm is ${wasmSize} bytes, over the ${WASM_BUDGET}-byte budget`);

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
  packages: "external",
  external: ["../core/index"],
});

// The library's Node entry and the command. Installed packages stay
// packages (imported at run time, not inlined copies): esbuild's
// `packages: "external"` rather than a list that must follow package.json.
await build({
  ...common,
  platform: "node",
  target: "node20",
  entryPoints: { index: "adapters/node/index.ts" },
  outdir: "dist",
  packages: "external",
});
await build({
  ...common,
  platform: "node",
  target: "node20",
  entryPoints: { cli: "app/cli.ts" },
  outdir: "dist",
  packages: "external",
  banner: { js: "#!/usr/bin/env node" },
});
// The counting broker's worker thread is loaded by URL next to the bundle.
copyFileSync("adapters/node/broker-worker.mjs", "dist/broker-worker.mjs");
chmodSync("dist/cli.js", 0o755);

// The browser host of the core (adapters/browser): build/browser/page.js +
// index.html; the page fetches build/core.wasm and drives it through the raw
// zc_* ABI (docs/wasm-abi.md), no bindings.
await build({
  ...common,
  platform: "browser",
  target: "es2022",
  entryPoints: { page: "adapters/browser/page.ts" },
  outdir: "build/browser",
});
copyFileSync("adapters/browser/index.html", "build/browser/index.html");

// The C host of the core (adapters/c, also `npm run build:c`): wasm2c + gcc
// turn build/core.wasm into build/c/zc-host, when the machine has them
// (Debian: wabt, gcc). Without them the build goes on; the C host's tests
// then say what is missing.
const onPath = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
if (onPath("wasm2c") && onPath("gcc") && existsSync("/usr/src/wasm2c/wasm-rt-impl.c")) {
  const out = execFileSync("sh", ["adapters/c/build.sh"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  log(out.trim());
} else {
  log("build/c/zc-host skipped: needs wasm2c and gcc (apt-get install -y wabt gcc)");
}

// The C counting forwarder (adapters/node/native/counting-proxy.c): an
// N-API addon linked against the system's libzmq, when the machine has its
// headers (Debian: libzmq3-dev) and Node's. Without them the build goes on
// and the broker's "counting" engine uses the JavaScript forwarder.
const nodeInclude = new URL(`file://${process.execPath}`).pathname.replace(/\/bin\/[^/]+$/, "/include/node");
if (onPath("gcc") && existsSync("/usr/include/zmq.h") && existsSync(`${nodeInclude}/node_api.h`)) {
  mkdirSync("build/native", { recursive: true });
  try {
    execFileSync(
      "gcc",
      ["-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-DNODE_GYP_MODULE_NAME=counting_proxy", `-I${nodeInclude}`,
        "adapters/node/native/counting-proxy.c", "-lzmq", "-lpthread", "-o", "build/native/counting-proxy.node"],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    log("build/native/counting-proxy.node (the C counting broker)");
  } catch (err) {
    // An optional part: the broker then runs the native proxy by default.
    console.warn(`warning: build/native/counting-proxy.node not built (${err.message.split("\n")[0]}); the broker's default engine is then "native"`);
  }
} else {
  log("build/native/counting-proxy.node skipped: needs gcc and libzmq's headers (apt-get install -y gcc libzmq3-dev)");
}
