// Real processes for the fault scenarios: the `zmq-cluster` command (a
// supervised cluster, one node, or a standalone broker) and helper peers.
// Output is kept line by line, split by the supervisor's `[node] ` prefixes;
// node scripts report with `FAULT {json}` lines (faults/scripts/), stamped
// with process.hrtime — CLOCK_MONOTONIC, the same clock in every process, so
// times from different processes can be subtracted.
//
// Every process belongs to a Scope; a scenario that ends, fails or runs out
// of time disposes its scope, which kills what is left by pid (the
// supervisor's node children too: they run in process groups of their own).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { followClusterOutput, type Exit, type OutputLine } from "../../tools/testkit/cluster-output";
import { reservePorts } from "./ports";

/** Monotonic milliseconds, comparable across processes of this machine. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export type Line = OutputLine;
export type { Exit };

/** A `FAULT {json}` report from a node script, with the node it came from. */
export type Report = Record<string, any> & { ev: string; t: number; source: string };

export class Proc {
  readonly lines: Line[] = [];
  readonly exited: Promise<Exit>;
  readonly proc: ChildProcess;
  exit: Exit | undefined;
  private waiters = new Set<() => void>();
  private wakeScheduled = false;
  /** Reports parsed so far (all sources, and per source), and how many lines that took. */
  private parsed: Report[] = [];
  private bySource = new Map<string, Report[]>();
  private parsedLines = 0;

  constructor(
    readonly label: string,
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; names?: string[] } = {},
  ) {
    const known = new Set(["supervisor", ...(opts.names ?? [])]);
    this.proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const onLine = (line: Line) => {
      this.lines.push(line);
      this.wake();
    };
    this.exited = followClusterOutput(this.proc, known, onLine, nowMs).then((exit) => {
      this.exit = exit;
      this.wake();
      return exit;
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** `FAULT {json}` reports, optionally of one node (parsed once, as lines come). */
  reports(source?: string): Report[] {
    for (; this.parsedLines < this.lines.length; this.parsedLines++) {
      const l = this.lines[this.parsedLines]!;
      if (l.stream !== "out") continue;
      const at = l.text.indexOf("FAULT {");
      if (at < 0) continue;
      let r: Report;
      try {
        r = { ...JSON.parse(l.text.slice(at + 6)), source: l.source };
      } catch {
        continue; // a torn line: ignore
      }
      this.parsed.push(r);
      let list = this.bySource.get(l.source);
      if (!list) this.bySource.set(l.source, (list = []));
      list.push(r);
    }
    return source === undefined ? this.parsed : (this.bySource.get(source) ?? []);
  }

  /** Lines of one source and stream. */
  text(source: string, stream: "out" | "err" = "out"): string[] {
    return this.lines.filter((l) => l.source === source && l.stream === stream).map((l) => l.text);
  }

  /** Every line as printed, with times relative to the first. */
  transcript(max = 400): string {
    const t0 = this.lines[0]?.t ?? 0;
    const ls = this.lines.length > max ? [...this.lines.slice(0, max / 2), ...this.lines.slice(-max / 2)] : this.lines;
    return ls.map((l) => `${(l.t - t0).toFixed(0).padStart(7)} ms ${l.stream} ${l.source ? `[${l.source}] ` : ""}${l.text}`).join("\n");
  }

  /** Resolve when `check()` holds (re-checked on every line, the exit, and every 50 ms). */
  waitFor(check: () => boolean, what: string, ms: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const tick = () => {
        if (check()) done();
        else if (this.exit) done(new Error(`${this.label} exited (${JSON.stringify(this.exit)}) before ${what}`));
      };
      const poll = setInterval(tick, 50);
      const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${what} (${this.label})`)), ms);
      const done = (err?: Error) => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(tick);
        if (err) reject(err);
        else resolve();
      };
      this.waiters.add(tick);
    });
  }

  /** Wait for a report matching `match` (from `source`, if given). */
  async waitReport(match: (r: Report) => boolean, what: string, ms: number, source?: string): Promise<Report> {
    let hit: Report | undefined;
    await this.waitFor(() => (hit = this.reports(source).find(match)) !== undefined, what, ms);
    return hit!;
  }

  async waitExit(ms: number): Promise<Exit> {
    await this.waitFor(() => this.exit !== undefined, "exit", ms);
    return this.exit!;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.proc.kill(sig);
  }

  /**
   * The pid of the supervisor's child that runs node `name` (its command
   * line has `--node <name>`), or undefined.
   */
  nodePid(name: string): number | undefined {
    for (const pid of childPids(this.pid)) {
      const args = cmdline(pid);
      const i = args.indexOf("--node");
      if (i >= 0 && args[i + 1] === name) return pid;
    }
    return undefined;
  }

  /** Re-check the waits once per event-loop turn, however many lines came in it. */
  private wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const w of [...this.waiters]) w();
    });
  }
}

/** Pids whose parent is `ppid` (from /proc). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[1]) === ppid) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** Resident and peak resident memory of a process, in MB (from /proc). */
export function memoryMb(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? NaN);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

function killPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/**
 * What one scenario owns: processes, temporary directories, ports. dispose()
 * stops it all (SIGTERM, then SIGKILL after `graceMs`), whatever state the
 * scenario ended in.
 */
export class Scope {
  private procs: Proc[] = [];
  private dirs: string[] = [];
  private releases: (() => void)[] = [];
  private cleanups: (() => unknown)[] = [];
  disposed = false;

  constructor(readonly name: string) {}

  spawn(label: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; names?: string[] } = {}): Proc {
    if (this.disposed) throw new Error(`${this.name}: scope already disposed`);
    const p = new Proc(label, cmd, args, opts);
    this.procs.push(p);
    return p;
  }

  tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), `zmq-faults-${this.name}-`));
    this.dirs.push(d);
    return d;
  }

  async ports(n: number): Promise<number[]> {
    const r = await reservePorts(n);
    this.releases.push(r.release);
    return r.ports;
  }

  /** Run `f` at dispose, before the processes are stopped (e.g. close raw sockets). */
  onDispose(f: () => unknown): void {
    this.cleanups.push(f);
  }

  /** Transcripts of every process, for a failure report. */
  transcripts(max = 200): string {
    return this.procs.map((p) => `--- ${p.label} (pid ${p.pid}, exit ${JSON.stringify(p.exit ?? null)})\n${p.transcript(max)}`).join("\n");
  }

  async dispose(graceMs = 10_000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const f of this.cleanups.splice(0).reverse()) {
      try {
        await f();
      } catch {
        /* best effort */
      }
    }
    const live = this.procs.filter((p) => p.running);
    // Children of a supervisor run detached: collect them (with their
    // command lines, so a pid reused meanwhile is never killed) before it goes.
    const kids = live.flatMap((p) => childPids(p.pid)).map((pid) => ({ pid, args: cmdline(pid).join(" ") }));
    for (const p of live) p.signal("SIGTERM");
    const all = Promise.all(live.map((p) => p.exited));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const p of live) p.signal("SIGKILL");
    for (const k of kids) if (k.args && cmdline(k.pid).join(" ") === k.args) killPid(k.pid, "SIGKILL");
    await Promise.race([all, new Promise((r) => setTimeout(r, 2000))]);
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    for (const r of this.releases) r();
  }
}
