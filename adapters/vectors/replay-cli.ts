// `npm run --silent replay -- --core js|wasm|... FILE_OR_DIR...`
// The contract is ../shared/spec/core-vectors.md: one PASS/FAIL line per
// vector, then `N passed, M failed`; exit 0 only when nothing failed.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { replayVector } from "./driver";
import type { Vector } from "./format";
import { VECTOR_HOSTS } from "./hosts";

const USAGE = `usage: npm run --silent replay -- --core <${Object.keys(VECTOR_HOSTS).join("|")}> FILE_OR_DIR...`;

/** Every *.json below the given paths, each directory's entries sorted. */
export function collectVectorFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e));
    } else if (p.endsWith(".json")) {
      out.push(p);
    }
  };
  for (const p of paths) walk(resolve(p));
  return out;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { core: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
  } catch (err) {
    console.error(`replay: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const factory = values.core ? VECTOR_HOSTS[values.core] : undefined;
  if (!factory || positionals.length === 0) {
    console.error(values.core && !factory ? `replay: unknown core '${values.core}'\n${USAGE}` : USAGE);
    return 2;
  }
  let files: string[];
  try {
    files = collectVectorFiles(positionals);
  } catch (err) {
    console.error(`replay: ${(err as Error).message}`);
    return 2;
  }
  const host = await factory();
  let passed = 0;
  let failed = 0;
  try {
    for (const file of files) {
      let vector: Vector;
      try {
        vector = JSON.parse(readFileSync(file, "utf8")) as Vector;
      } catch (err) {
        failed++;
        console.log(`FAIL ${file}: cannot read vector: ${(err as Error).message}`);
        continue;
      }
      const r = await replayVector(host, vector);
      if (r.ok) {
        passed++;
        console.log(`PASS ${r.name}`);
      } else {
        failed++;
        console.log(`FAIL ${r.name}: ${r.detail}`);
      }
    }
  } finally {
    await host.dispose?.();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
