// The vector files of test/vectors, for the suites that replay them.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Vector } from "../../adapters/vectors/format";
import { REPO_ROOT } from "./builds";

export const VECTOR_DIR = join(REPO_ROOT, "test", "vectors");

/** Every *.json below `dir`, as paths relative to it, each directory sorted by code unit (as the replay CLI walks). */
export function vectorFiles(dir: string = VECTOR_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".json")) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

export function readVector(rel: string, dir: string = VECTOR_DIR): Vector {
  return JSON.parse(readFileSync(join(dir, rel), "utf8")) as Vector;
}
