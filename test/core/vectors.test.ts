// Every vector in test/vectors, replayed through both builds of the core
// with the same host and comparison as `npm run replay` (adapters/vectors).
// The format checks keep the vector set itself honest: the hidden vectors
// of other authors are judged by the same contract
// (../shared/spec/core-vectors.md), so ours must follow it to the letter.

import { beforeAll, describe, expect, it } from "vitest";
import { replayVector } from "../../adapters/vectors/driver";
import { flatHost } from "../../adapters/vectors/flat-host";
import type { Vector, VectorOutput } from "../../adapters/vectors/format";
import { CORE_BUILDS, loadBuild, type CoreApi } from "./builds";
import { readVector, vectorFiles } from "./vector-files";

const FILES = vectorFiles();
const VECTORS = FILES.map((f) => [f, readVector(f)] as const);

const CONFIG_KEYS = new Set([
  "node",
  "node_id",
  "nodes",
  "manager_is_logger",
  "hello_expiration_ms",
  "write_buffer_size",
  "flush_interval_ms",
  "node_topic_prefix",
  "nodeid_topic_prefix",
]);
const INPUT_FIELDS: Record<string, string[]> = {
  subscription: ["topic"],
  unsubscription: ["topic"],
  event: ["topic", "name", "args"],
  timeout: [],
  log_write: ["stream", "filter", "path", "writer", "record"],
  flush: [],
};
const OUTPUT_FIELDS: Record<string, string[]> = {
  subscription: ["topic"],
  unsubscription: ["topic"],
  publish: ["topic", "event", "args"],
  node_up: ["name", "id"],
  node_down: ["name", "id"],
  cluster_log: ["message"],
  warning: ["message"],
  error: ["message"],
  log_batch: ["stream", "filter", "path", "writer", "records"],
};
const FOLDERS = ["batching", "events", "expiry", "membership", "subscriptions", "topics"];

function fieldsOf(o: object): string[] {
  return Object.keys(o)
    .filter((k) => k !== "kind")
    .sort();
}

describe("vector files", () => {
  it("exist in every behaviour folder", () => {
    for (const folder of FOLDERS) {
      expect(FILES.filter((f) => f.startsWith(folder + "/")).length, folder).toBeGreaterThan(0);
    }
  });

  it("have unique names", () => {
    const names = VECTORS.map(([, v]) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(VECTORS)("%s follows the format", (file, v: Vector) => {
    // The name starts with the file's path, so a FAIL line leads to the file.
    expect(v.name.startsWith(file.replace(/\.json$/, "") + ":")).toBe(true);
    expect(typeof v.config.node).toBe("string");
    expect(typeof v.config.node_id).toBe("string");
    expect(Object.keys(v.config.nodes).length).toBeGreaterThan(0);
    for (const k of Object.keys(v.config)) expect(CONFIG_KEYS.has(k), `config key ${k}`).toBe(true);
    for (const n of Object.values(v.config.nodes)) expect(["manager", "logger", "proxy", "worker"]).toContain(n.node_type);
    expect(v.steps.length).toBeGreaterThan(0);
    let last = -Infinity;
    for (const s of v.steps) {
      expect(Number.isFinite(s.now)).toBe(true);
      expect(s.now).toBeGreaterThanOrEqual(last);
      last = s.now;
      expect(fieldsOf(s.in)).toEqual([...INPUT_FIELDS[s.in.kind]].sort());
      expect(Array.isArray(s.out)).toBe(true);
      for (const o of s.out) expect(fieldsOf(o)).toEqual([...OUTPUT_FIELDS[o.kind]].sort());
    }
  });

  it("exercise every input kind and every output kind", () => {
    const ins = new Set<string>();
    const outs = new Set<string>();
    for (const [, v] of VECTORS) {
      for (const s of v.steps) {
        ins.add(s.in.kind);
        for (const o of s.out) outs.add(o.kind);
      }
    }
    expect([...ins].sort()).toEqual(Object.keys(INPUT_FIELDS).sort());
    expect([...outs].sort()).toEqual(Object.keys(OUTPUT_FIELDS).sort());
  });
});

describe.each(CORE_BUILDS)("the %s build", (build) => {
  let api: CoreApi;
  beforeAll(async () => {
    api = await loadBuild(build);
  });

  it.each(VECTORS)("replays %s", async (_file, vector) => {
    const r = await replayVector(flatHost(api), vector);
    expect(r).toEqual({ name: vector.name, ok: true, detail: "" });
  });

  // The replay must be able to fail: a vector with one expected output
  // missing, one too many, or one changed is rejected at that step.
  describe("rejects altered vectors", () => {
    const [, base] = VECTORS.find(([f]) => f === "membership/never-said-goodbye.json")!;
    const stepWithOutputs = base.steps.findIndex((s) => s.out.length >= 3);
    const alter = (f: (out: VectorOutput[]) => void): Vector => {
      const v = structuredClone(base);
      f(v.steps[stepWithOutputs].out);
      return v;
    };

    it("missing output", async () => {
      const r = await replayVector(flatHost(api), alter((out) => out.pop()));
      expect(r.ok).toBe(false);
      expect(r.detail).toMatch(new RegExp(`^step ${stepWithOutputs} \\(event at \\d+\\): unexpected `));
    });

    it("extra output", async () => {
      const r = await replayVector(flatHost(api), alter((out) => out.push({ kind: "cluster_log", message: "node down: worker-1" })));
      expect(r.ok).toBe(false);
      expect(r.detail).toContain(`step ${stepWithOutputs} `);
      expect(r.detail).toContain("missing");
    });

    it("changed text", async () => {
      // Upstream's text lacks the closing parenthesis; "fixing" it must fail.
      const r = await replayVector(
        flatHost(api),
        alter((out) => {
          const w = out.find((o) => o.kind === "warning")!;
          w.message = `${w.message})`;
        }),
      );
      expect(r.ok).toBe(false);
      expect(r.detail).toContain("never said goodbye");
    });
  });
});
