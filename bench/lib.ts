// Plumbing shared by the bench stages: child processes that talk in
// "BENCH {json}" lines, free ports, the C peers' build, small statistics.
//
// Every child is spawned by us, tracked by pid and killed by pid at the end
// of its stage (or when the run fails): a bench run never leaves processes.

import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The package root: dist/bench.mjs lives one level below it. */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Debian's Python, the one with python3-zmq (the first python3 on PATH may lack it). */
export const PYTHON = "/usr/bin/python3";
export const BENCH_JS = join(ROOT, "dist", "bench.mjs");
export const CLI_JS = join(ROOT, "dist", "cli.js");

export type Msg = Record<string, any>;

const live = new Set<Peer>();

/** A child process that reports on stdout with lines `BENCH {json}`. */
export class Peer {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  private inbox: Msg[] = [];
  private waiters: ((m: Msg | undefined) => void)[] = [];
  private stderr = "";
  private gone = false;

  constructor(
    readonly label: string,
    cmd: string,
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void } = {},
  ) {
    this.proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env, cwd: opts.cwd });
    live.add(this);
    createInterface({ input: this.proc.stdout! }).on("line", (line) => {
      opts.onLine?.(line);
      const at = line.indexOf("BENCH {");
      if (at < 0) return;
      let m: Msg;
      try {
        m = JSON.parse(line.slice(at + 6));
      } catch {
        return;
      }
      const w = this.waiters.shift();
      if (w) w(m);
      else this.inbox.push(m);
    });
    this.proc.stderr!.on("data", (d: Buffer) => {
      // Keep the tail only: it goes into the error when the peer fails.
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.exited = new Promise((resolve) =>
      this.proc.once("exit", (code) => {
        this.gone = true;
        live.delete(this);
        for (const w of this.waiters.splice(0)) w(undefined);
        resolve(code);
      }),
    );
  }

  /** The next BENCH message; rejects after `ms` or when the process exits first. */
  next(ms: number, what = "a report"): Promise<Msg> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    if (this.gone) return Promise.reject(this.failure(`exited before ${what}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(this.failure(`no ${what} within ${ms / 1000} s`));
      }, ms);
      const done = (v: Msg | undefined) => {
        clearTimeout(timer);
        if (v) resolve(v);
        else reject(this.failure(`exited before ${what}`));
      };
      this.waiters.push(done);
    });
  }

  private failure(why: string): Error {
    const tail = this.stderr.trim().split("\n").slice(-8).join("\n");
    return new Error(`${this.label} ${why}${tail ? `:\n${tail}` : ""}`);
  }

  /** Ask the process to stop (SIGTERM), then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<number | null> {
    if (this.gone) return this.exited;
    this.proc.kill("SIGTERM");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Kill every child still running (failure path). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(2000)));
}

/** Run a role of this bundle in a child process. */
export function benchPeer(label: string, role: string, args: Msg, nodeFlags: string[] = []): Peer {
  return new Peer(label, process.execPath, [...profFlags(role), ...nodeFlags, BENCH_JS, "--role", role, JSON.stringify(args)]);
}

/** BENCH_CPU_PROF=<dir>: every Node child writes a V8 CPU profile there (--cpu-prof). */
export function profFlags(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-name", `${name}.${Date.now()}.cpuprofile`] : [];
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function tcp(): Promise<string> {
  return `tcp://127.0.0.1:${await freePort()}`;
}

/**
 * Compile bench/c/*.c against Debian's libzmq3-dev into build/bench-c/ (never
 * committed). Rebuilt when a source is newer than its binary.
 */
export function buildC(): Record<"pub" | "sub" | "proxy", string> {
  const out = join(ROOT, "build", "bench-c");
  mkdirSync(out, { recursive: true });
  const bins = {} as Record<"pub" | "sub" | "proxy", string>;
  for (const name of ["pub", "sub", "proxy"] as const) {
    const src = join(ROOT, "bench", "c", `${name}.c`);
    const bin = join(out, name);
    const newest = Math.max(statSync(src).mtimeMs, statSync(join(ROOT, "bench", "c", "common.h")).mtimeMs);
    let built = 0;
    try {
      built = statSync(bin).mtimeMs;
    } catch {}
    if (built < newest) {
      try {
        execFileSync("gcc", ["-O2", "-Wall", "-o", bin, src, "-lzmq"], { stdio: ["ignore", "ignore", "pipe"] });
      } catch (err) {
        const e = err as { stderr?: Buffer };
        throw new Error(`cannot build bench/c/${name}.c (gcc and libzmq3-dev needed; scripts/install-test-deps.sh): ${e.stderr?.toString() ?? err}`);
      }
    }
    bins[name] = bin;
  }
  return bins;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Monotonic seconds, the same clock (CLOCK_MONOTONIC) in every process on the machine. */
export function monoS(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export function rssMb(): number {
  return process.memoryUsage.rss() / (1024 * 1024);
}
