// The replay command of the vector contract (../shared/spec/core-vectors.md):
// `node dist/replay.mjs --core js|wasm FILE_OR_DIR...` prints one PASS/FAIL
// line per vector, then `N passed, M failed`, and exits 0 only when M is 0.
// Runs the real command in a child process, from the repository root, on
// vectors in the repository and in a temporary directory elsewhere on disk.

import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertFresh, CORE_BUILDS, REPO_ROOT } from "./builds";
import { readVector, VECTOR_DIR, vectorFiles } from "./vector-files";

interface Run {
  status: number | null;
  lines: string[];
  stderr: string;
}

function replay(args: string[]): Run {
  const r = spawnSync(process.execPath, ["dist/replay.mjs", ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, lines: r.stdout.split("\n").filter((l) => l.length > 0), stderr: r.stderr };
}

const FILES = vectorFiles();
const NAMES = FILES.map((f) => readVector(f).name);

let tmp: string;
beforeAll(() => {
  assertFresh("dist/replay.mjs", ["adapters/vectors"]);
  assertFresh("dist/core.js", ["core"]);
  assertFresh("build/core.wasm", ["core"]);
  tmp = mkdtempSync(join(tmpdir(), "zmq-cluster-vectors-"));
  // One passing vector, one whose expected node_up id is wrong, and one that is not JSON.
  cpSync(join(VECTOR_DIR, "membership/subscription-first.json"), join(tmp, "a-pass.json"));
  const bad = readVector("membership/subscription-first.json");
  bad.name = "deliberately failing: wrong node_up id";
  const up = bad.steps[2].out.find((o) => o.kind === "node_up")!;
  up.id = "zeromq_worker-1_elsewhere_1_Nwrong";
  writeFileSync(join(tmp, "b-fail.json"), JSON.stringify(bad));
  writeFileSync(join(tmp, "c-broken.json"), "{ not json");
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.each(CORE_BUILDS)("replay --core %s", (build) => {
  it("passes every vector in test/vectors and exits 0", () => {
    const r = replay(["--core", build, "test/vectors"]);
    expect(r.stderr).toBe("");
    expect(r.lines.at(-1)).toBe(`${FILES.length} passed, 0 failed`);
    expect(r.lines.slice(0, -1)).toEqual(NAMES.map((n) => `PASS ${n}`));
    expect(r.status).toBe(0);
  });

  it("accepts single files", () => {
    const r = replay(["--core", build, "test/vectors/expiry/hello-expires.json", join(VECTOR_DIR, "batching/size-flush.json")]);
    expect(r.lines).toEqual([`PASS ${readVector("expiry/hello-expires.json").name}`, `PASS ${readVector("batching/size-flush.json").name}`, "2 passed, 0 failed"]);
    expect(r.status).toBe(0);
  });

  it("reports a failing vector with its first difference and exits 1", () => {
    const r = replay(["--core", build, join(tmp, "a-pass.json"), join(tmp, "b-fail.json")]);
    expect(r.lines).toHaveLength(3);
    expect(r.lines[0]).toBe(`PASS ${readVector("membership/subscription-first.json").name}`);
    // The first difference, in canonical JSON (keys sorted), then what the core gave.
    expect(r.lines[1].startsWith(
      'FAIL deliberately failing: wrong node_up id: step 2 (event at 7): missing {"id":"zeromq_worker-1_elsewhere_1_Nwrong","kind":"node_up","name":"worker-1"}; got ',
    )).toBe(true);
    expect(r.lines[2]).toBe("1 passed, 1 failed");
    expect(r.status).toBe(1);
  });

  it("counts an unreadable file as failed", () => {
    const r = replay(["--core", build, tmp]);
    expect(r.lines[0]).toMatch(/^PASS /);
    expect(r.lines[1]).toMatch(/^FAIL deliberately failing/);
    expect(r.lines[2]).toMatch(new RegExp(`^FAIL ${join(tmp, "c-broken.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot read vector: `));
    expect(r.lines[3]).toBe("1 passed, 2 failed");
    expect(r.status).toBe(1);
  });
});

describe("replay usage errors", () => {
  it("rejects an unknown core with exit status 2", () => {
    const r = replay(["--core", "nope", "test/vectors"]);
    expect(r.status).toBe(2);
    expect(r.lines).toEqual([]);
    expect(r.stderr).toContain("unknown core 'nope'");
  });

  it("needs at least one file or directory", () => {
    const r = replay(["--core", "js"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("usage:");
  });
});

describe("npm run --silent replay", () => {
  it("is the same command", () => {
    const r = spawnSync("npm", ["run", "--silent", "replay", "--", "--core", "js", join(tmp, "a-pass.json")], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stdout.trim().split("\n")).toEqual([`PASS ${readVector("membership/subscription-first.json").name}`, "1 passed, 0 failed"]);
    expect(r.status).toBe(0);
  });
});
