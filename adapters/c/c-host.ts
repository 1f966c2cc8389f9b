// The C host as a vector host: one long-lived build/c/zc-host child per
// replay run, driven over its line protocol (vector-lines.ts). The core runs
// inside the C program (wasm2c); Node only feeds lines and compares.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { VectorHost, VectorSession } from "../vectors/driver";
import type { VectorConfig, VectorInput, VectorOutput } from "../vectors/format";
import { packageRoot } from "../wasm/package-root";
import { createLine, destroyLine, fields, outputFromLine, stepLine } from "./vector-lines";

export function cHostBinary(): string {
  return join(packageRoot(), "build", "c", "zc-host");
}

/**
 * The C host compiles build/core.wasm in; after a rebuild of the module it
 * would silently test the old core. build.sh records the module's sha256.
 */
function assertFresh(binary: string): void {
  const stamp = join(dirname(binary), "core.wasm.sha256");
  const wasm = join(packageRoot(), "build", "core.wasm");
  if (!existsSync(stamp) || !existsSync(wasm)) return;
  const built = readFileSync(stamp, "utf8").trim();
  const now = createHash("sha256").update(readFileSync(wasm)).digest("hex");
  if (built !== now) throw new Error(`${binary} was built from another build/core.wasm: run \`npm run build:c\``);
}

/** A zc-host child: send a line, read reply lines. One request at a time. */
export class ZcHostProcess {
  private child: ChildProcessWithoutNullStreams;
  private lines: AsyncIterator<string>;
  private stderr = "";
  private exited: Promise<number | null>;

  constructor(binary: string = cHostBinary()) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: run \`npm run build && npm run build:c\``);
    assertFresh(binary);
    this.child = spawn(binary, [], { stdio: ["pipe", "pipe", "pipe"] });
    // After a trap the child is gone; writing to it then is an EPIPE that
    // the exit status already explains.
    this.child.stdin.on("error", () => {});
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code) => resolve(code));
      this.child.on("error", (err) => {
        this.stderr += err.message;
        resolve(null);
      });
    });
    this.lines = createInterface({ input: this.child.stdout, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }

  /** The next reply line; a `trap` line or the child's exit becomes an error. */
  async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) {
      const code = await this.exited;
      throw new Error(`C host exited (status ${code})${this.stderr ? ": " + this.stderr.trim() : ""}`);
    }
    if (r.value.startsWith("trap\t")) {
      const [, why, abort] = fields(r.value);
      throw new Error(`C host: the core trapped (${why}${abort ? "; " + abort : ""}); the instance is unusable`);
    }
    return r.value;
  }

  send(text: string): void {
    this.child.stdin.write(text + "\n");
  }

  /** Wait for `ready VERSION`. */
  async ready(): Promise<number> {
    const f = fields(await this.next());
    if (f[0] !== "ready") throw new Error(`C host: expected 'ready', got '${f.join(" ")}'`);
    return Number(f[1]);
  }

  async close(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}

/** `ok ...` or throw the `error CODE MESSAGE` reply. */
function expectOk(text: string, what: string): string[] {
  const f = fields(text);
  if (f[0] === "ok") return f;
  if (f[0] === "error") throw new Error(`C host: ${what} failed (${f[1]}): ${f[2]}`);
  throw new Error(`C host: ${what}: unexpected reply '${text}'`);
}

class CSession implements VectorSession {
  constructor(
    private p: ZcHostProcess,
    private h: number,
  ) {}

  async step(input: VectorInput, now: number): Promise<VectorOutput[]> {
    this.p.send(stepLine(this.h, input, now));
    const out: VectorOutput[] = [];
    const failures: string[] = [];
    for (;;) {
      const text = await this.p.next();
      if (text === "end") break;
      if (text.startsWith("fail\t")) {
        const f = fields(text);
        failures.push(`(${f[1]}) ${f[2]}`);
      } else {
        out.push(outputFromLine(text));
      }
    }
    if (failures.length) throw new Error(`C host: the core refused the input: ${failures.join("; ")}`);
    return out;
  }

  async close(): Promise<void> {
    this.p.send(destroyLine(this.h));
    expectOk(await this.p.next(), "destroy");
  }
}

export async function cHost(binary?: string): Promise<VectorHost & { dispose(): Promise<void> }> {
  const p = new ZcHostProcess(binary);
  await p.ready();
  return {
    async open(config: VectorConfig): Promise<VectorSession> {
      p.send(createLine(config));
      const f = expectOk(await p.next(), "create");
      return new CSession(p, Number(f[1]));
    },
    async dispose(): Promise<void> {
      await p.close();
    },
  };
}
