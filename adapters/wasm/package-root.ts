// Where build/ and dist/ live, from any file of this package: the nearest
// folder upwards that holds our package.json. Source files (adapters/*/...)
// and bundles (dist/*.mjs) sit at different depths, so a fixed "../" cannot
// serve both.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "zmq-cluster") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the zmq-cluster package root above ${fileURLToPath(from)}`);
    dir = up;
  }
}
