// One `zmq-cluster` process per scenario: real child processes, real
// sockets, a temporary working directory (layout.json, logs/). Output is
// kept line by line and split by the supervisor's `[node] ` prefixes into
// per-node stdout/stderr, which play the part of upstream's per-node `out`
// and `.stderr` files. Every wait is bounded and, on timeout, says what it
// waited for and shows everything the cluster printed.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { followClusterOutput, type Exit, type OutputLine } from "../../../tools/testkit/cluster-output";
import { onTestFailed, onTestFinished } from "vitest";
import { scenarioCli } from "./cli";

export const SCRIPTS = resolve(import.meta.dirname, "../scripts");

/** Upstream's btests wait 30 s for the cluster; we allow more on a loaded 2-core machine. */
export const CLUSTER_TIMEOUT_MS = 45_000;
const POLL_MS = 50;

export type Line = OutputLine;
export type { Exit };

export interface ClusterRunOptions {
  /** Test name, for the temporary directory. */
  name: string;
  /** `cluster` (the supervisor, default) or `run` (one node in the foreground, --node required). */
  command?: "cluster" | "run";
  node?: string;
  layout: unknown;
  /** Node scripts, file names under test/scenarios/scripts/. */
  scripts?: string[];
  supervisorScripts?: string[];
  /** More command-line arguments (e.g. --log-format tsv). */
  extraArgs?: string[];
  proxy?: "manager" | "supervisor";
  /** Share another run's directory (e.g. several `run` processes of one layout). */
  dir?: string;
}

export class ClusterRun {
  readonly dir: string;
  readonly lines: Line[] = [];
  readonly exited: Promise<Exit>;
  private proc: ChildProcess;
  private exit: Exit | undefined;
  private waiters = new Set<() => void>();
  private started = Date.now();
  /** Node names (and "supervisor") whose `[name] ` prefix marks their lines. */
  private known = new Set<string>();

  private constructor(dir: string, cli: string, args: string[], names: string[], private ownsDir: boolean) {
    this.dir = dir;
    for (const n of names) this.known.add(n);
    this.proc = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const onLine = (line: Line) => {
      this.lines.push(line);
      this.wake();
    };
    this.exited = followClusterOutput(this.proc, this.known, onLine, Date.now).then((exit) => {
      this.exit = exit;
      this.wake();
      return exit;
    });
  }

  static async start(o: ClusterRunOptions): Promise<ClusterRun> {
    const cli = await scenarioCli();
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), `zmq-scenario-${o.name}-`));
    writeFileSync(join(dir, "layout.json"), JSON.stringify(o.layout, null, 2));
    const args = [o.command ?? "cluster", "--layout", "layout.json", "--log-dir", "logs"];
    if (o.command === "run") args.push("--node", o.node!);
    for (const s of o.scripts ?? []) args.push("--script", join(SCRIPTS, s));
    for (const s of o.supervisorScripts ?? []) args.push("--supervisor-script", join(SCRIPTS, s));
    if (o.proxy) args.push("--proxy", o.proxy);
    if (o.extraArgs) args.push(...o.extraArgs);
    const names = ["supervisor", ...Object.keys((o.layout as { nodes: object }).nodes)];
    const run = new ClusterRun(dir, cli, args, names, o.dir === undefined);
    const show = () => console.log(`--- ${o.name}: output of zmq-cluster ${args.join(" ")} (in ${dir})\n${run.transcript()}`);
    // On failure, always; SCENARIO_TRANSCRIPT=1 shows it for passing runs too.
    if (process.env.SCENARIO_TRANSCRIPT === "1") onTestFinished(show);
    else onTestFailed(show);
    onTestFinished(() => run.dispose());
    return run;
  }

  /** stdout lines of one node (the prefix removed) — what upstream's `<node>/out` holds. */
  stdout(node: string): string[] {
    return this.lines.filter((l) => l.stream === "out" && l.source === node).map((l) => l.text);
  }

  /** stderr lines of one node — upstream's `<node>/.stderr`. */
  stderr(node: string): string[] {
    return this.lines.filter((l) => l.stream === "err" && l.source === node).map((l) => l.text);
  }

  /** Unprefixed lines: what supervisor scripts print (or a `run` node's own output). */
  unprefixed(stream: "out" | "err"): string[] {
    return this.lines.filter((l) => l.stream === stream && l.source === "").map((l) => l.text);
  }

  /** Every line, as printed. */
  transcript(): string {
    return this.lines
      .map((l) => `${String(l.t - this.started).padStart(6)} ms ${l.stream} ${l.source ? `[${l.source}] ` : ""}${l.text}`)
      .join("\n");
  }

  /** Resolve when `check()` holds (re-checked on every line, exit and poll tick); reject after `ms`, or at once if the process exited without it. */
  async waitFor(check: () => boolean, what: string, ms = CLUSTER_TIMEOUT_MS, seen?: () => unknown): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolveWait, reject) => {
      const tick = () => {
        if (check()) done();
        // Nothing changes once the process is gone: say so now, not at the timeout.
        else if (this.exit) done(new Error(`zmq-cluster exited (${JSON.stringify(this.exit)}) before ${what}${seen ? `; seen: ${JSON.stringify(seen(), null, 1)}` : ""}`));
      };
      // Lines and the exit wake us; files change silently, so look every POLL_MS too.
      const poll = setInterval(tick, POLL_MS);
      const timer = setTimeout(() => {
        done(new Error(`timed out after ${ms} ms waiting for ${what}${seen ? `; seen: ${JSON.stringify(seen(), null, 1)}` : ""}`));
      }, ms);
      const done = (err?: Error) => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(tick);
        if (err) reject(err);
        else resolveWait();
      };
      this.waiters.add(tick);
    });
  }

  /** Wait for a line from `source` (node name, "" for unprefixed) on `stream` matching `match`. */
  waitForLine(source: string, match: string | RegExp, stream: "out" | "err" = "out", ms = CLUSTER_TIMEOUT_MS): Promise<void> {
    const hit = (l: Line) => l.source === source && l.stream === stream && (typeof match === "string" ? l.text === match : match.test(l.text));
    return this.waitFor(() => this.lines.some(hit), `${stream} line ${String(match)} from '${source}'`, ms);
  }

  /** Wait for the process to exit; rejects after `ms`. */
  async waitForExit(ms = CLUSTER_TIMEOUT_MS): Promise<Exit> {
    await this.waitFor(() => this.exit !== undefined, "zmq-cluster to exit", ms);
    return this.exit!;
  }

  /** Wait until `predicate(content)` holds for the file (relative to the run directory). */
  async waitForFile(path: string, predicate: (content: string) => boolean, what: string, ms = CLUSTER_TIMEOUT_MS): Promise<string> {
    let content = "";
    const check = () => {
      content = this.read(path);
      return predicate(content);
    };
    await this.waitFor(check, `${path}: ${what}`, ms, () => content.split("\n"));
    return content;
  }

  /** A file's content, "" if it does not exist yet. */
  read(path: string): string {
    const p = join(this.dir, path);
    return existsSync(p) ? readFileSync(p, "utf8") : "";
  }

  /** A JSON-lines log file as records. */
  readLog(path: string): Record<string, unknown>[] {
    return this.read(path)
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  signal(sig: NodeJS.Signals): void {
    if (!this.exit) this.proc.kill(sig);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Stop whatever still runs (SIGTERM, then SIGKILL) and remove the directory. */
  async dispose(): Promise<void> {
    if (!this.exit) {
      this.proc.kill("SIGTERM");
      const killer = setTimeout(() => this.proc.kill("SIGKILL"), 15_000);
      await this.exited;
      clearTimeout(killer);
    }
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
