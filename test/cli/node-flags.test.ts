// `zmq-cluster cluster --node-semi-space MB`: the supervisor starts every
// node process with V8's --max-semi-space-size (app/node-flags.ts; why:
// bench/README.md, Memory). Checked on the node processes themselves.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { scenarioCli } from "../scenarios/harness/cli";
import { layout } from "../scenarios/harness/layouts";
import { ClusterRun } from "../scenarios/harness/run";

async function execArgvOfNodes(extraArgs: string[]): Promise<string[][]> {
  const run = await ClusterRun.start({
    name: "node-flags",
    layout: await layout({ manager: "manager", "worker-1": "worker" }),
    scripts: ["exec-argv.mjs"],
    extraArgs,
  });
  const names = ["manager", "worker-1"];
  const lineOf = (n: string) => run.stdout(n).find((l) => l.startsWith("execArgv "));
  try {
    await run.waitFor(() => names.every((n) => lineOf(n) !== undefined), "every node's execArgv line");
  } finally {
    run.signal("SIGINT");
    expect((await run.waitForExit()).code).toBe(0);
  }
  return names.map((n) => JSON.parse(lineOf(n)!.slice("execArgv ".length)) as string[]);
}

describe("zmq-cluster cluster --node-semi-space", () => {
  it("a given size reaches every node process; by default (and with 0) V8 keeps its own", async () => {
    for (const argv of await execArgvOfNodes(["--node-semi-space", "2"])) {
      expect(argv.filter((a) => a.startsWith("--max-semi-space-size"))).toEqual(["--max-semi-space-size=2"]);
    }
    for (const argv of await execArgvOfNodes([])) {
      expect(argv.some((a) => a.startsWith("--max-semi-space-size"))).toBe(false);
      // Always: a dropped oversized message is collected at once (release-memory.ts).
      expect(argv).toContain("--expose-gc");
    }
    for (const argv of await execArgvOfNodes(["--node-semi-space", "0"])) expect(argv.some((a) => a.startsWith("--max-semi-space-size"))).toBe(false);
  });

  it("a size that is not a whole number of MB is a usage error", async () => {
    const cli = await scenarioCli();
    const r = spawnSync(process.execPath, [cli, "cluster", "--node-semi-space", "1.5"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--node-semi-space");
    expect(r.stderr).toContain("expected a size in MB");
  });
});
