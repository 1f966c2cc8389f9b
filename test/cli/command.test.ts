// The `zmq-cluster` command as a user meets it: real child processes, real
// sockets, real files. (Upstream's btest scenarios, which also run through
// the command, are in test/scenarios/.)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { scenarioCli } from "../scenarios/harness/cli";
import { layout, SIMPLE } from "../scenarios/harness/layouts";
import { freePorts } from "../scenarios/harness/ports";
import { ClusterRun } from "../scenarios/harness/run";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `zmq-cli-${name}-`));
  dirs.push(d);
  return d;
}

function jsonLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** Wait until `check()` holds, polling every 50 ms; reject after `ms` with what was seen. */
async function until(check: () => boolean, what: string, seen: () => unknown, ms = 45_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}; seen: ${JSON.stringify(seen())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("zmq-cluster cluster", () => {
  it("runs the built-in default cluster: 20 `got hello from` lines, clean stop on SIGINT, exit 0", async () => {
    const cli = await scenarioCli();
    const dir = tempDir("default");
    // No --layout, no configuration: the README's first command.
    const proc = spawn(process.execPath, [cli, "cluster"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const out: string[] = [];
    for (const s of [proc.stdout!, proc.stderr!]) createInterface({ input: s }).on("line", (l) => out.push(l));
    const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
    try {
      const file = join(dir, "logs/cluster.log");
      const hellos = () => jsonLines(file).filter((r) => String(r.message).startsWith("got hello from"));
      await until(() => hellos().length >= 20, "20 got hello lines in logs/cluster.log", () => out);
      proc.kill("SIGINT");
      expect(await exited).toBe(0);
      const lines = hellos().map((r) => `${r.node} <- ${String(r.message).split(" ")[3]}`);
      const nodes = ["manager", "logger", "proxy", "worker-1", "worker-2"];
      expect(lines.sort()).toEqual(nodes.flatMap((a) => nodes.filter((b) => b !== a).map((b) => `${a} <- ${b}`)).sort());
      // Every node's output is prefixed with its name, and the stop was ordered.
      const stops = out.filter((l) => l.endsWith("received termination signal")).map((l) => l.slice(1, l.indexOf("]")));
      expect(stops.indexOf("logger")).toBe(stops.length - 1);
      expect(stops.indexOf("manager")).toBeGreaterThan(Math.max(stops.indexOf("worker-1"), stops.indexOf("worker-2"), stops.indexOf("proxy")));
    } finally {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
  });

  it("--log-format tsv writes Zeek's ASCII header and rows", async () => {
    const run = await ClusterRun.start({ name: "tsv", layout: await layout(SIMPLE), extraArgs: ["--log-format", "tsv"] });
    const text = await run.waitForFile(
      "logs/cluster.log",
      (c) => c.split("\n").filter((l) => l.includes("got hello from")).length >= 20,
      "20 hellos in the TSV cluster.log",
    );
    run.signal("SIGINT");
    expect((await run.waitForExit()).code).toBe(0);
    const final = run.read("logs/cluster.log").split("\n");
    expect(final.slice(0, 8)).toEqual([
      "#separator \\x09",
      "#set_separator\t,",
      "#empty_field\t(empty)",
      "#unset_field\t-",
      "#path\tcluster",
      expect.stringMatching(/^#open\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/),
      "#fields\tts\tnode\tmessage",
      "#types\ttime\tstring\tstring",
    ]);
    const rows = text.split("\n").filter((l) => l && !l.startsWith("#"));
    for (const r of rows) expect(r).toMatch(/^\d+\.\d{6}\t[a-z0-9-]+\t.+$/);
    expect(final.filter((l) => l.startsWith("#close\t"))).toHaveLength(1);
  });

  it("a script on every worker logs 1,000 records; after Ctrl-C the logger's file holds exactly all of them", async () => {
    const run = await ClusterRun.start({ name: "thousand", layout: await layout(SIMPLE), scripts: ["log-thousand.mjs"] });
    await run.waitForLine("worker-1", "logged 1000");
    await run.waitForLine("worker-2", "logged 1000");
    run.signal("SIGINT");
    expect((await run.waitForExit()).code).toBe(0);
    const records = run.readLog("logs/thousand.log");
    for (const w of ["worker-1", "worker-2"]) {
      const seqs = records.filter((r) => r.node === w).map((r) => Number(r.seq));
      expect(seqs.length).toBe(1000);
      expect(new Set(seqs).size).toBe(1000);
      expect(Math.min(...seqs)).toBe(0);
      expect(Math.max(...seqs)).toBe(999);
    }
  });

  it('a layout with "run_proxy_thread": false works through a standalone `zmq-cluster proxy`', async () => {
    const lay = await layout(SIMPLE, { zeromq: { run_proxy_thread: false } });
    const cli = await scenarioCli();
    const z = lay.zeromq as Record<string, string>;
    const proxy = spawn(process.execPath, [cli, "proxy", "--listen-xpub", z.listen_xpub_endpoint, "--listen-xsub", z.listen_xsub_endpoint], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proxyOut: string[] = [];
    createInterface({ input: proxy.stdout! }).on("line", (l) => proxyOut.push(l));
    const proxyExit = new Promise<number | null>((r) => proxy.once("exit", (c) => r(c)));
    try {
      await until(() => proxyOut.some((l) => l.startsWith("broker listening")), "the proxy to listen", () => proxyOut);
      const run = await ClusterRun.start({ name: "external-proxy", layout: lay });
      await run.waitForFile(
        "logs/cluster.log",
        (c) => c.split("\n").filter((l) => l.includes("got hello from")).length >= 20,
        "20 hellos through the external proxy",
      );
      run.signal("SIGINT");
      expect((await run.waitForExit()).code).toBe(0);
      proxy.kill("SIGTERM");
      expect(await proxyExit).toBe(0);
      // The default engine where the C forwarder is built: upstream's
      // counters, printed at exit, count the cluster's traffic.
      expect(proxyOut[0]).toMatch(/^broker listening: .* \(counting\)$/);
      const stats = JSON.parse(proxyOut.find((l) => l.startsWith("broker stats: "))!.slice("broker stats: ".length));
      expect(stats.frontend_messages_received).toBeGreaterThan(0);
      expect(stats.backend_messages_received).toBeGreaterThan(0);
    } finally {
      if (proxy.exitCode === null) proxy.kill("SIGKILL");
    }
  });
});

describe("zmq-cluster proxy options", () => {
  it("--listen-xpub-sndbuf and --rcv-maxmsgsize reach the broker's sockets (read back, in the listening line)", async () => {
    const proxy = spawn(
      process.execPath,
      [await scenarioCli(), "proxy", "--listen-xpub", "tcp://127.0.0.1:*", "--listen-xsub", "tcp://127.0.0.1:*", "--listen-xpub-sndbuf", "16384", "--rcv-maxmsgsize", "100000"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const out: string[] = [];
    createInterface({ input: proxy.stdout! }).on("line", (l) => out.push(l));
    const exit = new Promise<number | null>((r) => proxy.once("exit", (c) => r(c)));
    try {
      await until(() => out.some((l) => l.startsWith("broker listening")), "the proxy to listen", () => out);
      expect(out[0]).toMatch(/^broker listening: .* \(counting; listen_xpub_sndbuf 16384; rcv_maxmsgsize 100000\)$/);
      proxy.kill("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      if (proxy.exitCode === null) proxy.kill("SIGKILL");
    }
  });
});

describe("zmq-cluster errors", () => {
  const cases: [string, unknown, RegExp][] = [
    ["an unknown node type", { nodes: { manager: { node_type: "boss" } } }, /\$\.nodes\.manager\.node_type: .*manager.*logger.*proxy.*worker/],
    ["a negative HWM", { nodes: { manager: { node_type: "manager" } }, zeromq: { xpub_sndhwm: -5 } }, /\$\.zeromq\.xpub_sndhwm: .*0 \(unlimited\) or a positive high-water mark/],
    ["an invalid endpoint", { nodes: { manager: { node_type: "manager" } }, zeromq: { connect_xpub_endpoint: "localhost:5556" } }, /\$\.zeromq\.connect_xpub_endpoint: .*ZeroMQ endpoint/],
    ["an unknown option", { nodes: { manager: { node_type: "manager" } }, zeromq: { xpub_sndhwn: 5 } }, /\$\.zeromq: .*xpub_sndhwn/],
    ["no nodes", { nodes: {} }, /\$\.nodes: at least one node/],
    ["a port out of range", { nodes: { logger: { node_type: "logger", p: 70000 } } }, /\$\.nodes\.logger\.p: /],
  ];
  it.each(cases)("a layout with %s names the file, the JSON path and what was expected", async (_what, json, expected) => {
    const cli = await scenarioCli();
    const dir = tempDir("bad");
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(json));
    const r = spawnSync(process.execPath, [cli, "cluster", "--layout", file], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).toContain(file);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  });

  it("a file that is not JSON, and a node not in the layout, are one clear line each", async () => {
    const cli = await scenarioCli();
    const dir = tempDir("bad2");
    const file = join(dir, "x.json");
    writeFileSync(file, "{ nodes: ");
    let r = spawnSync(process.execPath, [cli, "cluster", "--layout", file], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.]/g, "\\.")}: not valid JSON`));
    writeFileSync(file, JSON.stringify({ nodes: { manager: { node_type: "manager" } } }));
    r = spawnSync(process.execPath, [cli, "run", "--layout", file, "--node", "worker-9"], { encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no node named 'worker-9'");
  });

  it("unknown flags and bad values are errors with a usage hint; --help works for each command", async () => {
    const cli = await scenarioCli();
    for (const args of [["cluster", "--bogus"], ["cluster", "--log-format", "xml"], ["proxy", "--listen-xpub", "nonsense"], ["proxy", "--listen-xpub-sndbuf", "-5"], ["proxy", "--rcv-maxmsgsize", "1.5"], ["run"]]) {
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 30_000 });
      expect(r.status, args.join(" ")).not.toBe(0);
      expect(r.stderr, args.join(" ")).toMatch(/error: /);
    }
    for (const cmd of ["cluster", "run", "proxy"]) {
      const r = spawnSync(process.execPath, [cli, cmd, "--help"], { encoding: "utf8", timeout: 30_000 });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: zmq-cluster ${cmd}`);
    }
  });

  it("a port in use gives upstream's bind error and fatal line, and a non-zero exit", async () => {
    const [xpub] = await freePorts(1);
    const blocker = spawn(process.execPath, [await scenarioCli(), "proxy", "--listen-xpub", `tcp://127.0.0.1:${xpub}`, "--listen-xsub", "tcp://127.0.0.1:*"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const blockerOut: string[] = [];
    createInterface({ input: blocker.stdout! }).on("line", (l) => blockerOut.push(l));
    try {
      await until(() => blockerOut.some((l) => l.startsWith("broker listening")), "the blocking broker", () => blockerOut);
      const r = spawnSync(process.execPath, [await scenarioCli(), "proxy", "--listen-xpub", `tcp://127.0.0.1:${xpub}`], { encoding: "utf8", timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: ZeroMQ: Failed to bind xpub socket tcp://127\\.0\\.0\\.1:${xpub}: .*\\(\\d+\\)\\nfatal error: Failed to spawn ZeroMQ proxy thread\\n$`));
    } finally {
      blocker.kill("SIGKILL");
    }
  });
});
