// Where the package lives, from source (vitest runs faults/lib/*.ts in place)
// and from the bundle `npm run faults` runs (under node_modules/.cache/):
// the nearest directory above this file whose package.json is zmq-cluster's.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === "zmq-cluster") return dir;
      } catch {
        /* not ours */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("faults: cannot find the zmq-cluster package root");
    dir = up;
  }
}

export const ROOT = findRoot();
/** The node scripts the scenarios load into cluster nodes. */
export const SCRIPTS = join(ROOT, "faults", "scripts");
/** Debian's Python, the one with python3-zmq. */
export const PYTHON = "/usr/bin/python3";
