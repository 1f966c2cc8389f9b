// Every host of the core replays every vector of test/vectors: js and wasm
// (flat API), and wasm-abi, c and browser (the raw zc_* ABI from Node, from
// wasm2c-compiled C and from headless Chromium). Then the replay CLI, the
// contract of shared/spec/core-vectors.md, for the three ABI hosts.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayVector } from "../../adapters/vectors/driver";
import { VECTOR_HOSTS } from "../../adapters/vectors/hosts";
import { packageRoot } from "../../adapters/wasm/package-root";
import { readVector, VECTOR_DIR, vectorFiles } from "../core/vector-files";

const ROOT = packageRoot();
const FILES = vectorFiles();

type Host = Awaited<ReturnType<(typeof VECTOR_HOSTS)[string]>>;

describe.each(["js", "wasm", "wasm-abi", "c", "browser"])("the %s host", (name) => {
  let host: Host | undefined;
  beforeAll(async () => {
    host = await VECTOR_HOSTS[name]();
  });
  afterAll(async () => {
    await host?.dispose?.();
  });

  it("has vectors to replay", () => {
    expect(FILES.length).toBeGreaterThan(20);
  });

  it.each(FILES)("passes %s", async (file) => {
    const r = await replayVector(host!, readVector(file));
    expect(r.detail).toBe("");
    expect(r.ok).toBe(true);
  });
});

describe("npm run replay -- --core wasm-abi|c|browser", () => {
  let dir: string;
  beforeAll(() => {
    // A vector that must fail: its expected output is wrong on purpose.
    dir = mkdtempSync(join(tmpdir(), "zc-embedding-"));
    const wrong = readVector(FILES[0]);
    wrong.name = "deliberately wrong";
    wrong.steps[0].out = [...(wrong.steps[0].out ?? []), { kind: "warning", message: "not produced" }];
    writeFileSync(join(dir, "wrong.json"), JSON.stringify(wrong));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const replay = (core: string, ...paths: string[]) =>
    spawnSync(process.execPath, [join(ROOT, "dist", "replay.mjs"), "--core", core, ...paths], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });

  it.each(["wasm-abi", "c", "browser"])("--core %s passes test/vectors and fails a wrong vector", (core) => {
    const ok = replay(core, VECTOR_DIR);
    const lines = ok.stdout.trim().split("\n");
    expect(ok.stderr).toBe("");
    expect(lines.at(-1)).toBe(`${FILES.length} passed, 0 failed`);
    expect(lines.filter((l) => l.startsWith("PASS ")).length).toBe(FILES.length);
    expect(ok.status).toBe(0);

    const bad = replay(core, join(dir, "wrong.json"));
    expect(bad.stdout).toMatch(/^FAIL deliberately wrong: step 0 \(.*\): missing \{"kind":"warning","message":"not produced"\}/m);
    expect(bad.stdout.trim().split("\n").at(-1)).toBe("0 passed, 1 failed");
    expect(bad.status).toBe(1);
  });
});
